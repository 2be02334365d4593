"""OCR of scanned reports: pages per second and cells read, unreadable and wrong.

usage: python benchmarks/bench_ocr.py [--dpi 150,300] [--procs 1,2] [--modes legacy,current] [--seeds 000,001]

Every sample report is rendered to PDF by zfxxgk's writer, rasterised at each dpi as a scanner
would give it (``tests.parse.test_ocr.scanned``: slight skew, noise, JPEG) and read back by the OCR
reader from the page images. Its 200 cells are compared with the report's own: read (equal),
unreadable (null where a value is known) and wrong (any other value; must stay 0).

Modes, measured in one run so that their ratio survives a noisy shared machine:
  legacy   RapidOCR's defaults as before issue 19 (page as given, shrunk to 2,000 px, default threads)
  current  the reader as shipped (page resized to ``OCR_LONG_SIDE``, threads per process)
``--procs N`` reads the reports in N processes (one engine each, one ONNX thread each when N > 1).
Time is split into detection and recognition as RapidOCR reports them (summed over processes).
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from tests.parse.test_ocr import scanned  # noqa: E402

from zfxxgk.model import CELL_IDS  # noqa: E402
from zfxxgk.parse import parse_file  # noqa: E402

SAMPLES = sorted((ROOT / "src" / "zfxxgk" / "samples").glob("*.txt"))
_SPENT = {"det": 0.0, "rec": 0.0}
_ORIGINAL: dict = {}


def _setup(mode: str, threads: int) -> None:
    """Configure this process's reader for a mode (before its engine is made)."""
    from zfxxgk.parse import ocr

    if threads:
        os.environ["ZFXXGK_OCR_THREADS"] = str(threads)
    else:
        os.environ.pop("ZFXXGK_OCR_THREADS", None)
    if not _ORIGINAL:  # modes run one after another in one process: start each from the shipped reader
        _ORIGINAL.update(engine=ocr._engine, resize=ocr._to_long_side)
    ocr._engine, ocr._to_long_side = _ORIGINAL["engine"], _ORIGINAL["resize"]
    ocr._engine.cache_clear()
    if mode == "legacy":
        from rapidocr_onnxruntime import RapidOCR

        engine = RapidOCR()
        ocr._to_long_side = lambda pixels: (pixels, 1.0)
    else:
        engine = ocr._engine()

    def timed(pixels, **kw):
        result, elapse = engine(pixels, **kw)
        if elapse and len(elapse) == 3:
            _SPENT["det"] += elapse[0]
            _SPENT["rec"] += elapse[2]
        elif elapse:  # a doubtful number recognised again (no detection)
            _SPENT["rec"] += elapse[0]
        return result, elapse

    ocr._engine = lambda: timed


def _read(pages: list[bytes]) -> tuple[dict, float, dict]:
    from PIL import Image

    from zfxxgk.parse.ocr import parse_images

    before = dict(_SPENT)
    start = time.perf_counter()
    back = parse_images((Image.open(io.BytesIO(p)).convert("RGB") for p in pages), "scan", "image")
    spent = {k: _SPENT[k] - before[k] for k in _SPENT}
    return back.to_dict()["cells"], time.perf_counter() - start, spent


def run(mode: str, dpi: int, procs: int, reports: list) -> None:
    scans = [scanned(r, dpi=dpi) for r in reports]
    threads = 1 if procs > 1 else 0
    start = time.perf_counter()
    if procs == 1:
        _setup(mode, threads)
        results = [_read(pages) for pages in scans]
    else:
        with ProcessPoolExecutor(procs, initializer=_setup, initargs=(mode, threads)) as pool:
            results = list(pool.map(_read, scans))
    wall = time.perf_counter() - start
    pages = sum(len(s) for s in scans)
    read = unreadable = wrong = 0
    for report, (got, _t, _s) in zip(reports, results):
        want = report.to_dict()["cells"]
        read += sum(want[i] == got[i] for i in CELL_IDS)
        unreadable += sum(got[i] is None and want[i] is not None for i in CELL_IDS)
        wrong += sum(got[i] is not None and want[i] != got[i] for i in CELL_IDS)
    det = sum(s["det"] for _g, _t, s in results)
    rec = sum(s["rec"] for _g, _t, s in results)
    print(f"{mode:8} {dpi:4} dpi  procs {procs}  {pages / wall:5.2f} pages/s  ({wall:6.1f} s, {pages} pages; "
          f"det {det:5.1f} s, rec {rec:5.1f} s)  cells read {read}/{len(reports) * len(CELL_IDS)}, "
          f"unreadable {unreadable}, wrong {wrong}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dpi", default="150,300")
    ap.add_argument("--procs", default="1,2")
    ap.add_argument("--modes", default="legacy,current")
    ap.add_argument("--seeds", default="", help="sample prefixes, e.g. 000,001 (default: all)")
    args = ap.parse_args()
    wanted = [s for s in args.seeds.split(",") if s]
    reports = [parse_file(p) for p in SAMPLES if not wanted or p.name[:3] in wanted]
    print(f"{len(reports)} sample reports, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}", flush=True)
    for dpi in (int(d) for d in args.dpi.split(",")):
        for procs in (int(p) for p in args.procs.split(",")):
            for mode in args.modes.split(","):
                run(mode, dpi, procs, reports)


if __name__ == "__main__":
    main()
