"""``zfxxgk parse|check DIR --json`` on all cores against ``--workers 1`` (reports/s and the ratio).

usage:
  python benchmarks/bench_check_dir.py [-n 2000] [--workers N] [--rounds 3]

The corpora: seed-derived text reports in the three text layouts, one year of N units (a
supervising office's folder), then N/2 units over two years (every second report has its previous
year among the inputs: the cross-year pass checks those again). Each command runs as a user runs it
(a new process, output to /dev/null); the runs alternate, and each figure is the best of the rounds,
so the ratio is measured under the same load.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from zfxxgk.api import SAMPLES_DIR  # noqa: E402
from zfxxgk.app.executor import default_workers  # noqa: E402
from zfxxgk.parse import iter_report_files, parse_file  # noqa: E402
from zfxxgk.render import render  # noqa: E402


def make_corpus(folder: Path, n: int, years: int) -> None:
    seeds = [parse_file(p) for p in iter_report_files(SAMPLES_DIR)]
    for i in range(n):
        report = seeds[i % len(seeds)]
        report.unit = f"第{i // years}号镇人民政府"
        report.year = 2024 - i % years
        text = render(report, "txt", layout=("tsv", "cells", "grid")[i % 3])
        (folder / f"r{i:06d}.txt").write_bytes(text)


def timed(args: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "zfxxgk", *args], stdout=subprocess.DEVNULL, check=False)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=2000)
    ap.add_argument("--workers", type=int, default=default_workers())
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    print(f"{a.n} reports, {a.workers} workers, best of {a.rounds} rounds")
    print(f"{'command':<36}{'1 worker /s':>13}{f'{a.workers} workers /s':>15}{'ratio':>8}")
    for years in (1, 2):
        with tempfile.TemporaryDirectory() as tmp:
            run(Path(tmp), a, years)


def run(folder: Path, a: argparse.Namespace, years: int) -> None:
    make_corpus(folder, a.n, years)
    for cmd in ("parse", "check") if years == 1 else ("check",):
        best = {1: float("inf"), a.workers: float("inf")}
        for _ in range(a.rounds):
            for w in best:
                best[w] = min(best[w], timed([cmd, str(folder), "--json", "--workers", str(w)]))
        one, many = a.n / best[1], a.n / best[a.workers]
        label = f"{cmd} DIR --json ({years} year{'s' if years > 1 else ''})"
        print(f"{label:<36}{one:>13.0f}{many:>15.0f}{many / one:>8.2f}")


if __name__ == "__main__":
    main()
