"""Where a batch's time goes: the writing process's phases and a worker's stages, source trees side by side.

usage:
  python benchmarks/bench_batch_phases.py DIR [--trees before=/tmp/old/src,after=src] [--rounds 2]
      [--workers 2] [--stages 600]

DIR is a folder of reports (``zfxxgk synth DIR -n 2000`` makes one: five years of each unit, so the
cross-year checks run too). For each round and tree, alternately, a fresh interpreter (``PYTHONPATH`` =
the tree; a tree compiled with mypyc is timed as compiled) runs ``batch_import`` into a fresh SQLite
file with the writing process's phases timed (wall and CPU seconds): the chunks written (``_write``:
during the workers' phase), the workers' prints stored, then the serial tail — the XU-TEXT-COPY refresh
and the statistics summaries. ``--stages N`` also times, in one process, what a worker does with each
of the first N files (µs per file: hash, parse, check, the database rows, the text prints, pickling the
result both ways), best of two passes.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PHASES = r"""
import importlib, json, os, sys, time
from collections import defaultdict

def main():
    from zfxxgk.store import Store
    ing = importlib.import_module("zfxxgk.app.ingest")  # the module (zfxxgk.app.ingest is also a function)
    wall, cpu = defaultdict(float), defaultdict(float)

    def timed(owner, name, label):
        f = getattr(owner, name)

        def g(*a, **k):
            t0, c0 = time.perf_counter(), time.process_time()
            try:
                return f(*a, **k)
            finally:
                wall[label] += time.perf_counter() - t0
                cpu[label] += time.process_time() - c0
        setattr(owner, name, g)

    timed(ing, "_write", "chunks written")
    timed(ing, "_save_prints", "prints stored")
    timed(ing.copies, "refresh_quietly", "copy refresh (tail)")
    timed(ing, "_refresh_statistics", "statistics (tail)")
    folder, db, workers = sys.argv[1], sys.argv[2], int(sys.argv[3])
    store = Store("sqlite:///" + db)
    t0, c0 = time.perf_counter(), time.process_time()
    s = ing.batch_import([folder], store, workers=workers)
    wall["whole run"], cpu["whole run"] = time.perf_counter() - t0, time.process_time() - c0
    print(json.dumps({"imported": s.imported, "failed": s.failed, "wall": wall, "cpu": cpu}))

if __name__ == "__main__":  # the workers re-import this file (forkserver)
    main()
"""

STAGES = r"""
import importlib, json, pickle, sys, time
from pathlib import Path
ing = importlib.import_module("zfxxgk.app.ingest")
from zfxxgk.check import check
from zfxxgk.parse import iter_report_files, parse_bytes
from zfxxgk.store import content_hash, prepare
copies = importlib.import_module("zfxxgk.app.copies")
ing.gc.set_threshold(ing.GC_THRESHOLD)  # as the workers run
files = list(iter_report_files(sys.argv[1]))[: int(sys.argv[2])]
datas = [(f, Path(f).read_bytes()) for f in files]
clock = time.process_time
best = {}
for _ in range(2):
    spent = dict.fromkeys(("hash", "parse", "check", "rows", "prints", "pickle"), 0.0)
    for f, d in datas:
        t0 = clock(); h = content_hash(d); t1 = clock(); r = parse_bytes(d, str(f)); t2 = clock()
        found = check(r).findings; t3 = clock(); rows = prepare(Path(f).name, d, r, found, h); t4 = clock()
        made = copies.report_prints(r); t5 = clock()
        pickle.loads(pickle.dumps(ing.Parsed(str(f), h, b"", rows, 0, prints=made), -1)); t6 = clock()
        for k, a, z in (("hash", t0, t1), ("parse", t1, t2), ("check", t2, t3), ("rows", t3, t4),
                        ("prints", t4, t5), ("pickle", t5, t6)):
            spent[k] += z - a
    best = {k: min(v, best.get(k, v)) for k, v in spent.items()}
print(json.dumps({k: v / len(datas) * 1e6 for k, v in best.items()}))
"""


def run(tree: str, code: str, *args: str) -> dict:
    env = dict(os.environ, PYTHONPATH=tree)
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as fh:
        fh.write(code)
    try:
        out = subprocess.run([sys.executable, fh.name, *args], env=env, capture_output=True, text=True, check=True)
    finally:
        os.unlink(fh.name)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder")
    ap.add_argument("--trees", default=f"current={ROOT / 'src'}", help="name=PATH,… (source trees, run alternately)")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--stages", type=int, default=0, help="also time a worker's stages on the first N files")
    args = ap.parse_args()
    trees = [tuple(t.split("=", 1)) for t in args.trees.split(",")]
    with tempfile.TemporaryDirectory(prefix="zfxxgk-phases-") as tmp:
        for r in range(args.rounds):
            for name, tree in trees:
                res = run(tree, PHASES, args.folder, f"{tmp}/{name}-{r}.db", str(args.workers))
                cols = "  ".join(f"{k} {res['wall'][k]:.2f}/{res['cpu'][k]:.2f}" for k in res["wall"])
                print(f"round {r} {name:<8} imported {res['imported']}, failed {res['failed']}; "
                      f"seconds wall/CPU of the writing process: {cols}")
        if args.stages:
            for name, tree in trees:
                res = run(tree, STAGES, args.folder, str(args.stages))
                print(f"{name:<8} worker µs/file: " + "  ".join(f"{k} {v:.0f}" for k, v in res.items())
                      + f"  (total {sum(res.values()):.0f})")


if __name__ == "__main__":
    main()
