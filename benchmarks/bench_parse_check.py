"""Throughput of parse, check and parse+check over a corpus repeated in memory.

usage: python benchmarks/bench_parse_check.py [CORPUS_DIR] [--repeat N]
Default corpus: the five sample reports bundled in the package (zfxxgk/samples). Prints reports/s and µs per report per stage
(one process, one core; files are read once so disk I/O is not measured).
"""

from __future__ import annotations

import argparse
import gc
import platform
import time
from pathlib import Path

from zfxxgk.api import SAMPLES_DIR
from zfxxgk.app.ingest import rare_collections
from zfxxgk.check import check
from zfxxgk.parse import decode_text, iter_report_files, parse_text

ROOT = Path(__file__).resolve().parents[1]


def best_of(func, repeat: int, rounds: int) -> float:
    """Best wall time of ``rounds`` runs of ``repeat`` calls (noise only ever adds time)."""
    best = float("inf")
    for _ in range(rounds):
        gc.collect()
        t0 = time.perf_counter()
        for _ in range(repeat):
            func()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("corpus", nargs="?", default=str(SAMPLES_DIR))
    ap.add_argument("--repeat", type=int, default=100)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    texts = [(str(p), decode_text(p.read_bytes(), str(p))) for p in iter_report_files(args.corpus)]
    if not texts:
        raise SystemExit(f"no reports under {args.corpus}")
    n = len(texts) * args.repeat
    for src, text in texts:  # warm caches (label normalisation, regexes, imports)
        check(parse_text(text, src))

    reports = [parse_text(text, src) for src, text in texts]

    def parse_all() -> None:
        for src, text in texts:
            parse_text(text, src)

    def check_all() -> None:
        for r in reports:
            check(r)

    def both() -> None:
        for src, text in texts:
            check(parse_text(text, src))

    t_parse, t_check, t_both = (best_of(f, args.repeat, args.rounds) for f in (parse_all, check_all, both))
    with rare_collections():  # as in the batch workers
        t_worker = best_of(both, args.repeat, args.rounds)

    print(f"machine: {platform.machine()} {platform.python_implementation()} {platform.python_version()}, 1 process")
    print(f"corpus: {len(texts)} reports × {args.repeat} = {n}, best of {args.rounds} rounds")
    print(f"{'stage':<14}{'reports/s':>12}{'µs/report':>12}")
    for name, t in (("parse", t_parse), ("check", t_check), ("parse+check", t_both), ("… rare GC ¹", t_worker)):
        print(f"{name:<14}{n / t:>12,.0f}{t / n * 1e6:>12,.0f}")
    print("¹ parse+check with the garbage collector tuned as in the batch workers (zfxxgk.app.ingest.rare_collections)")


if __name__ == "__main__":
    main()
