"""OCR of scanned reports: pages per second and cells read, unreadable and wrong.

usage: python benchmarks/bench_ocr.py [--dpi 150,300] [--runs before:1,current:1,current:2] [--seeds 000,001]

Every sample report is rendered to PDF by zfxxgk's writer, rasterised at each dpi as a scanner
would give it (``tests.parse.test_ocr.scanned``: slight skew, noise, JPEG) and read back by the OCR
reader from the page images. Its 200 cells are compared with the report's own: read (equal),
unreadable (null where a value is known) and wrong (any other value; must stay 0).

Runs (mode:processes), measured in one run and interleaved report by report, so that their ratios
survive a noisy shared machine; the first is the base of the ratios:
  before:1   the reader of issue 19's first step, in this process with a thread per CPU: RapidOCR's own
             pipeline on the working-size page (float64 normalisation), text below 0.5 dropped, no
             re-reading of doubtful numbers
  current:1  the reader as shipped, in this process with a thread per CPU (``ZFXXGK_OCR_PROCS=1``)
  current:N  the reader as shipped: the pages of each report go to its pool of N single-threaded
             worker processes (started, models loaded, before the clock runs)
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from tests.parse.test_ocr import scanned  # noqa: E402

from zfxxgk.model import CELL_IDS  # noqa: E402
from zfxxgk.parse import parse_file  # noqa: E402

SAMPLES = sorted((ROOT / "src" / "zfxxgk" / "samples").glob("*.txt"))
_SHIPPED: dict = {}  # the reader's functions as shipped: "before" replaces them in this process


def _before(threads: int) -> None:
    """This process's reader as before: RapidOCR's pipeline, no re-reading (before its engine is made)."""
    from zfxxgk.parse import ocr

    os.environ["ZFXXGK_OCR_PROCS"] = "1"
    if threads:
        os.environ["ZFXXGK_OCR_THREADS"] = str(threads)
    else:
        os.environ.pop("ZFXXGK_OCR_THREADS", None)
    _SHIPPED.setdefault("read_page", ocr._read_page)
    _SHIPPED.setdefault("reread", ocr._reread)
    ocr._engine.cache_clear()

    def read_page(work):
        result, _ = ocr._engine()(work, use_cls=False)  # text_score 0.5: RapidOCR drops what scores less
        return [(box, text, score, None) for box, text, score in result or []]

    ocr._read_page = read_page
    ocr._reread = lambda engine, crop, context: None
    ocr._engine()  # models loaded before the clock runs


def _read(pages: list[bytes]) -> tuple[dict, float]:
    from PIL import Image

    from zfxxgk.parse.ocr import parse_images

    start = time.perf_counter()
    back = parse_images((Image.open(io.BytesIO(p)).convert("RGB") for p in pages), "scan", "image")
    return back.to_dict()["cells"], time.perf_counter() - start


def _warm(procs: int) -> float:
    """Start the shipped reader's pool of ``procs`` workers and wait until each has loaded the models."""
    import numpy as np

    from zfxxgk.parse import ocr

    os.environ["ZFXXGK_OCR_PROCS"] = str(procs)
    os.environ.pop("ZFXXGK_OCR_THREADS", None)
    if _SHIPPED:
        ocr._read_page, ocr._reread = _SHIPPED["read_page"], _SHIPPED["reread"]
    ocr._engine.cache_clear()  # threads per CPU again
    start = time.perf_counter()
    if procs > 1:
        blank = np.full((64, 64, 3), 255, np.uint8)
        for f in [ocr._pool(procs).submit(ocr.ocr_lines, blank) for _ in range(procs)]:
            f.result()
    else:
        ocr._engine()
    return time.perf_counter() - start


def _set(mode: str, procs: int) -> None:
    """This process's reader for a run: ``before`` (one process, a thread per CPU) or the shipped one."""
    if mode == "before":
        _before(0)
    else:
        _warm(procs)


def run(runs: list[tuple[str, int]], dpi: int, reports: list) -> None:
    """Every run over every report, interleaved report by report: a shared machine's load changes
    from minute to minute, and each report is then read by every run under about the same load."""
    scans = [scanned(r, dpi=dpi) for r in reports]
    spent = dict.fromkeys(runs, 0.0)
    counts = {r: [0, 0, 0] for r in runs}
    for start in runs:  # pools started and models loaded before any clock runs
        if start[0] == "current":
            print(f"current pool of {start[1]}: started in {_warm(start[1]):.1f} s (not counted)", flush=True)
    for report, pages in zip(reports, scans, strict=True):
        want = report.to_dict()["cells"]
        for key in runs:
            _set(*key)
            got, seconds = _read(pages)
            spent[key] += seconds
            counts[key][0] += sum(want[i] == got[i] for i in CELL_IDS)
            counts[key][1] += sum(got[i] is None and want[i] is not None for i in CELL_IDS)
            counts[key][2] += sum(got[i] is not None and want[i] != got[i] for i in CELL_IDS)
        print(f"  {report.unit[:12]}: {len(pages)} pages, "
              + ", ".join(f"{m}:{p} {spent[m, p]:.0f} s" for m, p in runs), flush=True)
    pages = sum(len(s) for s in scans)
    base = spent[runs[0]]
    for (mode, procs), seconds in spent.items():
        read, unreadable, wrong = counts[mode, procs]
        print(f"{mode:8} {dpi:4} dpi  procs {procs}  {pages / seconds:5.3f} pages/s  ({seconds:6.1f} s, {pages} pages, "
              f"× {base / seconds:.2f} of {runs[0][0]} × {runs[0][1]})  cells read {read}/{len(reports) * len(CELL_IDS)}, "
              f"unreadable {unreadable}, wrong {wrong}", flush=True)
    print(f"load now {os.getloadavg()[0]:.1f}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dpi", default="150,300")
    ap.add_argument("--runs", default="before:1,current:1,current:2", help="mode:processes, the first is the base")
    ap.add_argument("--seeds", default="", help="sample prefixes, e.g. 000,001 (default: all)")
    args = ap.parse_args()
    wanted = [s for s in args.seeds.split(",") if s]
    reports = [parse_file(p) for p in SAMPLES if not wanted or p.name[:3] in wanted]
    runs = [(m, int(p)) for m, p in (r.split(":") for r in args.runs.split(","))]
    print(f"{len(reports)} sample reports, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}", flush=True)
    for dpi in (int(d) for d in args.dpi.split(",")):
        run(runs, dpi, reports)


if __name__ == "__main__":
    main()
