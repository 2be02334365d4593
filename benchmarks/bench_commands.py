"""Every user-facing command on the same files, in one run: reports/s, CPU per report, peak memory.

usage:
  python benchmarks/bench_commands.py [-n 1000] [--rounds 1] [--workers N]
         [--commands parse-json,check,check-json,import,batch] [--compare OTHER_SRC]
  python benchmarks/bench_commands.py --scale 1000,10000[,100000]

The corpus is ``zfxxgk synth`` text reports (seed 0, 10 % planted defects), made once per size.
Each command runs as a user runs it: a new ``python -m zfxxgk`` process, stdout to a file (not a
terminal: plain output), a fresh SQLite database for ``import`` and ``batch``. For each run:

- reports/s: files ÷ wall seconds of the whole command (start-up included);
- CPU µs per report: user + system time of the command and every worker it started, ÷ files
  (``os.wait4`` of the child: its waited-for workers are included, and so are the workers of a fork
  server, which this script adopts as a subreaper);
- peak MB: the largest resident set among the command's processes (``ru_maxrss`` of the same
  rusage: Linux keeps the maximum over the process and its reaped descendants, not their sum).

``baseline`` is a bare CPython pass over the same files in one process: read, decode, split into
lines, one regex search per line — the floor below which no parser of these files can go on a core.

``--compare OTHER_SRC`` runs every command also from another source tree (e.g. a copy of ``src``
made before a change), alternating with this one, and prints the ratio: both measured under the
same load. Each figure is the best of ``--rounds``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"

COMMANDS = {
    "parse-json": ["parse", "{dir}", "--json"],
    "check": ["check", "{dir}"],
    "check-json": ["check", "{dir}", "--json"],
    "import": ["import", "{dir}", "--db", "{db}"],
    "batch": ["batch", "{dir}", "--db", "{db}"],
}
WORKERS_FLAG = {"parse-json": "--workers", "check": "--workers", "check-json": "--workers", "batch": "--workers"}

BASELINE = r"""
import re, sys, time
from pathlib import Path
line_re = re.compile(r"^\s*[（(]?[一二三四五六七八九十\d]+[)）、.]|\d+")
hits = 0
files = sorted(Path(sys.argv[1]).rglob("*.txt"))
for f in files:
    for line in f.read_bytes().decode("utf-8").splitlines():
        if line_re.search(line):
            hits += 1
print(len(files), hits)
"""


@dataclass(slots=True)
class Run:
    seconds: float
    cpu: float  # user + system seconds, the command and its workers
    peak_mb: float
    status: int


def _adopt_orphans() -> None:
    """Become the reaper of every process our commands leave behind (Linux ``PR_SET_CHILD_SUBREAPER``):
    workers started from a fork server are its children, not the command's, and their CPU time would
    otherwise be lost when the command exits before the fork server.
    """
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def run(args: list[str], src: Path, stdout: Path) -> Run:
    env = dict(os.environ, PYTHONPATH=str(src))
    with open(stdout, "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, *args], stdout=out, stderr=subprocess.DEVNULL, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)  # already reaped: keep Popen from waiting again
    cpu, peak = usage.ru_utime + usage.ru_stime, usage.ru_maxrss
    while True:  # a fork server and its workers, orphaned when the command exited
        try:
            _, _, orphan = os.wait4(-1, 0)
        except ChildProcessError:
            break
        cpu, peak = cpu + orphan.ru_utime + orphan.ru_stime, max(peak, orphan.ru_maxrss)
    return Run(seconds, cpu, peak / 1024, proc.returncode)


def command_args(name: str, folder: Path, db: Path, workers: int | None) -> list[str]:
    args = ["-m", "zfxxgk", *(a.format(dir=folder, db=db) for a in COMMANDS[name])]
    if workers and name in WORKERS_FLAG:
        args += [WORKERS_FLAG[name], str(workers)]
    return args


def make_corpus(folder: Path, n: int) -> Path:
    env = dict(os.environ, PYTHONPATH=str(SRC))
    subprocess.run([sys.executable, "-m", "zfxxgk", "synth", str(folder), "-n", str(n)], env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return folder / "reports"


def measure(n: int, a: argparse.Namespace) -> list[tuple[str, int, Run, Run | None]]:
    trees = [SRC] + ([Path(a.compare).resolve()] if a.compare else [])
    rows: list[tuple[str, int, Run, Run | None]] = []
    with tempfile.TemporaryDirectory(prefix="zfxxgk-bench-") as tmp:
        t0 = time.perf_counter()
        folder = make_corpus(Path(tmp) / "corpus", n)
        print(f"  corpus: {n:,} synth text reports in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        best: dict[tuple[str, int], Run] = {}
        for rnd in range(a.rounds):
            names = ["baseline", *a.commands]
            for name in names:
                for t, src in enumerate(trees):
                    if name == "baseline" and t > 0:
                        continue
                    db = Path(tmp) / f"db-{name}-{t}-{rnd}.sqlite"
                    args = ["-c", BASELINE, str(folder)] if name == "baseline" else command_args(name, folder, db, a.workers)
                    r = run(args, src, Path(tmp) / "stdout")
                    db.unlink(missing_ok=True)
                    if name != "baseline" and r.status not in (0, 1):  # 1: reports with error findings
                        print(f"  {name} ({src}) exited with {r.status}", file=sys.stderr)
                    key = (name, t)
                    if key not in best or r.seconds < best[key].seconds:
                        best[key] = r
        for name in ["baseline", *a.commands]:
            rows.append((name, n, best[(name, 0)], best.get((name, 1))))
    return rows


def print_table(rows: list[tuple[str, int, Run, Run | None]], compare: bool) -> None:
    head = f"{'command':<14}{'reports':>9}{'reports/s':>11}{'CPU µs/report':>15}{'peak MB':>9}"
    if compare:
        head += f"{'other /s':>10}{'other CPU µs':>14}{'other MB':>10}{'speed-up':>10}{'CPU ratio':>11}"
    print(head)
    for name, n, r, other in rows:
        line = f"{name:<14}{n:>9,}{n / r.seconds:>11,.0f}{r.cpu / n * 1e6:>15,.0f}{r.peak_mb:>9.0f}"
        if compare and other is not None:
            line += (f"{n / other.seconds:>10,.0f}{other.cpu / n * 1e6:>14,.0f}{other.peak_mb:>10.0f}"
                     f"{other.seconds / r.seconds:>10.2f}{other.cpu / r.cpu:>11.2f}")
        print(line)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=1000, help="reports in the corpus (default 1000)")
    ap.add_argument("--scale", default="", help="sizes, e.g. 1000,10000,100000: one table row per size and command")
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--workers", type=int, default=None, help="--workers for the commands (default: theirs)")
    ap.add_argument("--commands", default=",".join(COMMANDS), help="which commands (default: all)")
    ap.add_argument("--compare", default="", help="another source tree to run alternately (before/after)")
    a = ap.parse_args()
    _adopt_orphans()
    a.commands = [c for c in a.commands.split(",") if c]
    if unknown := [c for c in a.commands if c not in COMMANDS]:
        ap.error(f"unknown commands: {unknown}")
    sizes = [int(s) for s in a.scale.split(",") if s] or [a.n]
    print(f"{os.cpu_count()} CPUs, python {sys.version.split()[0]}, best of {a.rounds}; stdout to a file")
    rows = []
    for n in sizes:
        rows += measure(n, a)
    print_table(rows, bool(a.compare))


if __name__ == "__main__":
    main()
