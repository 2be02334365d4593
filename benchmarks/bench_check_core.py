"""Parse and check against a bare CPython pass over the same files (issue 21, item 3).

usage: python benchmarks/bench_check_core.py [-n SYNTH] [--rounds R] [--profile check|parse|both]

Corpus: the five sample reports and SYNTH synthetic text reports (``zfxxgk.synth``, every text
layout, the default defect rate), written to a temporary folder. Every stage reads its files from
disk (the page cache: no I/O wait) so that the bare pass and the parser do the same reading:

- bare: read, decode (UTF-8), split into lines, one regular expression per line (``re.split`` at
  the column gaps) — what any Python reader of these files costs at least;
- parse: read, ``decode_text``, ``parse_text``;
- check: ``check`` on the reports parsed beforehand;
- parse + check: read, decode, parse and check (a new report each time).

The stages run interleaved, ``rounds`` times, and each keeps its best round (noise on a shared
machine only ever adds time), so the ratios come from one run on the same files. Times are the
process's CPU time (``--wall`` for wall-clock): on a shared virtual machine a neighbour's load
stretches wall-clock time by 2–3× and hardly moves CPU time. Prints µs per
report per stage and its ratio to the bare pass. ``--profile STAGE`` runs that stage under cProfile
instead and prints the 30 most expensive functions (own time).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import platform
import pstats
import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from zfxxgk.check import check, prose_text
from zfxxgk.model import Report
from zfxxgk.parse import decode_text, parse_text
from zfxxgk.synth import TEXT_LAYOUTS, plan, write_bytes

# What any reader of a table in text does at least once per line: split it into cells at the
# column gaps (a TAB or a run of spaces).
_LINE = re.compile(r"\s{2,}|\t")


def make_corpus(folder: Path, n: int, seed: int) -> list[Path]:
    """The samples and ``n`` synthetic text reports, written under ``folder``."""
    from zfxxgk.api import samples

    paths = []
    for p in samples():
        paths.append(folder / p.name)
        paths[-1].write_bytes(p.read_bytes())
    for i in range(1, n + 1):
        planned = plan(i, seed, "txt", TEXT_LAYOUTS[i % 3], 0.1)
        paths.append(folder / f"synth-{i:04d}.txt")
        paths[-1].write_bytes(write_bytes(planned))
    return paths


def bare(paths: list[Path]) -> None:
    """Read, decode, split, one regular expression per line."""
    split = _LINE.split
    for p in paths:
        for line in p.read_bytes().decode("utf-8").splitlines():
            split(line)


def parse_all(paths: list[Path]) -> list[Report]:
    return [parse_text(decode_text(p.read_bytes(), str(p)), str(p)) for p in paths]


def check_all(reports: list[Report]) -> None:
    for r in reports:
        check(r)


def parse_check(paths: list[Path]) -> None:
    for p in paths:
        check(parse_text(decode_text(p.read_bytes(), str(p)), str(p)))


CLOCK = time.process_time  # CPU time of this process: neighbours' load on a shared machine adds none


def timed(func: Callable[[], object]) -> float:
    gc.collect()
    t0 = CLOCK()
    func()
    return CLOCK() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=200, help="synthetic reports (default 200)")
    ap.add_argument("--seed", type=int, default=21)
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--profile", choices=("parse", "check", "both"))
    ap.add_argument("--wall", action="store_true", help="wall-clock time instead of the process's CPU time")
    args = ap.parse_args()
    if args.wall:
        global CLOCK
        CLOCK = time.perf_counter
    with tempfile.TemporaryDirectory(prefix="zfxxgk-bench-core-") as tmp:
        paths = make_corpus(Path(tmp), args.n, args.seed)
        reports = parse_all(paths)  # also warms the memos, regexes and imports
        check_all(reports)
        stages: dict[str, Callable[[], object]] = {
            "bare": lambda: bare(paths),
            "parse": lambda: parse_all(paths),
            "check": lambda: check_all(reports),
            "parse+check": lambda: parse_check(paths),
        }
        if args.profile:
            prof = cProfile.Profile()
            prof.runcall(stages["parse+check" if args.profile == "both" else args.profile])
            pstats.Stats(prof).sort_stats("tottime").print_stats(30)
            return
        best = {name: float("inf") for name in stages}
        for _ in range(args.rounds):
            for name, func in stages.items():
                best[name] = min(best[name], timed(func))
        lines = sum(p.read_bytes().count(b"\n") + 1 for p in paths)
    n = len(paths)
    compiled = prose_text.__file__ is not None and prose_text.__file__.endswith(".so")
    print(f"machine: {platform.machine()} {platform.python_implementation()} {platform.python_version()}, 1 process, "
          f"{'compiled (mypyc)' if compiled else 'pure Python (sources)'}")
    print(f"clock: {'wall' if args.wall else 'process CPU time'}")
    print(f"corpus: {n} reports (5 samples + {args.n} synthetic text reports), best of {args.rounds} interleaved rounds"
          + f", {lines / n:.0f} lines a report")
    print(f"{'stage':<14}{'µs/report':>12}{'× bare':>9}")
    for name, t in best.items():
        print(f"{name:<14}{t / n * 1e6:>12,.0f}{t / best['bare']:>9.2f}")


if __name__ == "__main__":
    main()
