"""`import` and `batch` end to end, two source trees side by side (before/after a change), same files.

usage:
  python benchmarks/bench_store.py -n 3000 [--dups 0.1] [--rounds 2] [--workers 2] [--doors import,batch]
      [--before /tmp/base/src] [--after src] [--pg URL]

Builds one corpus of seed-derived text reports (a new township in every report; ``--dups`` of them
copied again under another name: the same content twice), then for each round and door runs each tree
in a fresh interpreter (``PYTHONPATH`` = the tree) into a fresh SQLite file (or, with ``--pg``, a
freshly emptied PostgreSQL database), alternating before/after so a neighbour's load on a shared
machine hits both alike. Prints reports/s end to end, CPU seconds of the main (writing) process per
report, and the ratio after/before of the best rounds.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

DRIVER = r"""
import json, sys, time, resource
from zfxxgk.store import Store
door, folder, url, workers = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
store = Store(url)
t0, c0 = time.perf_counter(), time.process_time()
if door == "batch":
    from zfxxgk.app import batch_import
    s = batch_import([folder], store, workers=workers)
    new, old, failed = s.imported, s.skipped, s.failed
else:
    from zfxxgk import api
    new = old = failed = 0
    for o in api.import_paths([folder], store):
        if o.error is not None:
            failed += 1
        elif o.created:
            new += 1
        else:
            old += 1
dt, cpu = time.perf_counter() - t0, time.process_time() - c0
n = store.count_reports()
store.close()
print(json.dumps({"seconds": dt, "main_cpu": cpu, "new": new, "existing": old, "failed": failed, "stored": n}))
"""


def make_corpus(folder: Path, n: int, dups: float) -> int:
    sys.path.insert(0, str(ROOT / "src"))
    from zfxxgk.api import SAMPLES_DIR
    from zfxxgk.parse import iter_report_files, parse_file
    from zfxxgk.render import render

    seeds = [parse_file(p) for p in iter_report_files(SAMPLES_DIR)]
    files = []
    for i in range(n):
        report = seeds[i % len(seeds)]
        report.unit = f"第{i}号镇人民政府"
        f = folder / f"r{i:06d}.txt"
        f.write_bytes(render(report, "txt", layout=("tsv", "cells", "grid")[i % 3]))
        files.append(f)
    step = int(1 / dups) if dups > 0 else 0
    copies = 0
    for i in range(0, n, step) if step else ():
        shutil.copyfile(files[i], folder / f"z{i:06d}-copy.txt")  # after its original in name order
        copies += 1
    return n + copies


def fresh_pg(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as c:
        c.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()


def run(tree: str, door: str, folder: Path, url: str, workers: int) -> dict:
    env = dict(os.environ, PYTHONPATH=tree)
    out = subprocess.run([sys.executable, "-c", DRIVER, door, str(folder), url, str(workers)], env=env,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=3000)
    ap.add_argument("--dups", type=float, default=0.1)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--doors", default="import,batch")
    ap.add_argument("--before", required=True, help="source tree (the folder holding zfxxgk/) before the change")
    ap.add_argument("--after", default=str(ROOT / "src"))
    ap.add_argument("--pg", help="a PostgreSQL URL (emptied before each run) instead of SQLite files")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        folder.mkdir()
        files = make_corpus(folder, args.n, args.dups)
        print(f"{files} files ({args.n} reports + copies), {args.workers} workers, {os.cpu_count()} cores")
        print(f"{'door':<8}{'tree':<8}{'round':>6}{'seconds':>9}{'files/s':>9}{'main CPU ms/file':>18}{'stored':>8}{'failed':>8}")
        best: dict[tuple[str, str], float] = {}
        for door in args.doors.split(","):
            for r in range(args.rounds):
                for label, tree in (("before", args.before), ("after", args.after)):
                    if args.pg:
                        fresh_pg(args.pg)
                        url = args.pg
                    else:
                        url = f"sqlite:///{tmp}/{door}-{label}-{r}.db"
                    res = run(tree, door, folder, url, args.workers)
                    rate = files / res["seconds"]
                    best[(door, label)] = max(best.get((door, label), 0.0), rate)
                    print(f"{door:<8}{label:<8}{r:>6}{res['seconds']:>9.2f}{rate:>9.0f}"
                          f"{1000 * res['main_cpu'] / files:>18.3f}{res['stored']:>8}{res['failed']:>8}", flush=True)
                    if not args.pg:
                        Path(url.removeprefix("sqlite:///")).unlink()
        for door in args.doors.split(","):
            b, a = best[(door, "before")], best[(door, "after")]
            print(f"{door}: best before {b:.0f}/s, best after {a:.0f}/s, ratio {a / b:.2f}×")


if __name__ == "__main__":
    main()
