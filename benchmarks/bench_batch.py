"""Throughput per stage and end to end for a batch, and peak memory.

usage: python benchmarks/bench_batch.py [-n 2000] [--workers 2] [--corpus DIR]
Without --corpus, N text reports are generated (seed data in the three text layouts, varied
units and numbers). Prints a table: stage, reports, seconds, reports/s; and the peak RSS.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from zfxxgk.batch import batch_import, iter_files  # noqa: E402
from zfxxgk.check import check  # noqa: E402
from zfxxgk.parse import iter_report_files, parse_file  # noqa: E402
from zfxxgk.render import render  # noqa: E402
from zfxxgk.store import Store  # noqa: E402


def make_corpus(folder: Path, n: int) -> None:
    seeds = [parse_file(p) for p in iter_report_files(ROOT.parent / "shared" / "corpus" / "seeds")]
    for i in range(n):
        report = seeds[i % len(seeds)]
        report.unit = f"第{i}号镇人民政府"
        text = render(report, "txt", layout=("tsv", "cells", "grid")[i % 3])
        (folder / f"r{i:06d}.txt").write_bytes(text)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("-n", type=int, default=2000)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--corpus")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.corpus) if args.corpus else Path(tmp) / "corpus"
        if not args.corpus:
            folder.mkdir()
            make_corpus(folder, args.n)
        files = list(iter_files([folder]))
        rows = []
        t0 = time.perf_counter()
        reports = [parse_file(f) for f in files[:1000]]
        rows.append(("parse (1 process)", len(reports), time.perf_counter() - t0))
        t0 = time.perf_counter()
        results = [check(r) for r in reports]
        rows.append(("check (1 process)", len(reports), time.perf_counter() - t0))
        store = Store(str(Path(tmp) / "import.db"))
        t0 = time.perf_counter()
        items = [(Path(f).name, Path(f).read_bytes(), r, res.findings) for f, r, res in zip(files, reports, results)]
        for i in range(0, len(items), 200):
            store.import_many(items[i : i + 200])
        rows.append(("import into SQLite", len(items), time.perf_counter() - t0))
        store.close()
        store = Store(str(Path(tmp) / "batch.db"))
        t0 = time.perf_counter()
        stats = batch_import([folder], store, workers=args.workers)
        rows.append((f"batch end to end ({args.workers} workers)", stats.imported, time.perf_counter() - t0))
        store.close()
    print(f"machine: {platform.machine()} CPython {platform.python_version()}, {os.cpu_count()} cores")
    print(f"{'stage':<34}{'reports':>9}{'seconds':>10}{'reports/s':>11}")
    for name, n, dt in rows:
        print(f"{name:<34}{n:>9}{dt:>10.2f}{n / dt:>11.0f}")
    print(f"peak RSS of the main process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
