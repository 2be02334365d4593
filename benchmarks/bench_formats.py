"""Per-format accuracy and speed: the seeds' data written in each format and read back.

usage: python benchmarks/bench_formats.py [--formats txt,html,docx,pdf,scan] [--repeat N]
For every seed and format: render with zfxxgk's writer (HTML also inside portal-like pages),
parse the bytes back, and compare all 200 cells with the seed's own parse. Prints cells right /
total per format and documents (or pages) per second of parsing.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.parse.portals import cms_page, gov_portal  # noqa: E402
from tests.parse.test_ocr import scanned, scanned_pdf  # noqa: E402

from zfxxgk.api import SAMPLES_DIR  # noqa: E402
from zfxxgk.model import CELL_IDS  # noqa: E402
from zfxxgk.parse import iter_report_files, parse_bytes, parse_file  # noqa: E402
from zfxxgk.render import render  # noqa: E402

WRITERS = {
    "txt": lambda r: render(r, "txt", layout="tsv"),
    "md": lambda r: render(r, "md"),
    "html": lambda r: render(r, "html"),
    "html-portal": gov_portal,
    "html-cms": cms_page,
    "docx": lambda r: render(r, "docx"),
    "pdf": lambda r: render(r, "pdf"),
    "scan": lambda r: scanned_pdf(scanned(r)),  # OCR: slow (seconds per page), not in the default list
}
DEFAULT = "txt,md,html,html-portal,html-cms,docx,pdf"
SUFFIX = {"txt": ".txt", "md": ".md", "docx": ".docx", "pdf": ".pdf", "scan": ".pdf"}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("corpus", nargs="?", default=str(SAMPLES_DIR))
    ap.add_argument("--formats", default=DEFAULT, help=f"comma-separated, from: {','.join(WRITERS)}")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    reports = [parse_file(p) for p in iter_report_files(args.corpus)]
    print(f"machine: {platform.machine()} CPython {platform.python_version()}, 1 process; {len(reports)} reports")
    print(f"{'format':<13}{'cells right':>14}{'accuracy':>10}{'docs/s':>10}{'ms/doc':>9}")
    for fmt in args.formats.split(","):
        files = [(r, WRITERS[fmt](r)) for r in reports]
        right = total = 0
        t0 = time.perf_counter()
        for _ in range(args.repeat):
            for report, data in files:
                back = parse_bytes(data, "x" + SUFFIX.get(fmt, ".html"))
                want, got = report.to_dict()["cells"], back.to_dict()["cells"]
                right += sum(want[i] == got[i] for i in CELL_IDS)
                total += len(CELL_IDS)
        dt = time.perf_counter() - t0
        n = len(files) * args.repeat
        print(f"{fmt:<13}{right // args.repeat:>8}/{total // args.repeat:<5}{right / total:>10.2%}{n / dt:>10.1f}{dt / n * 1000:>9.1f}")


if __name__ == "__main__":
    main()
