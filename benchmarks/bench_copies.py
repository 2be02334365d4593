"""Text copied between units (XU-TEXT-COPY, app/copies.py) on a store of N reports of one year.

usage:
  python benchmarks/bench_copies.py -n 2000,20000 [--copied 0.05] [--template 2000]

For each N: a fresh SQLite store of N synthetic reports of one year (each unit its own text, written
from a bank of 3,000 random words and 40 stock sentences that every unit uses two or three of, ≈ 1,000
characters in section 1 and ≈ 450 in section 5, like the seeds, which share 0–17 % with each other), of which a share ``--copied`` took
another unit's section 1 with names and numbers changed and as many again half of it. Timed: the
first comparison of the year (print every report, match, settle the findings), one more report
imported afterwards (incremental), and a refresh with nothing new. ``--template N`` also times a
store of N reports from ``zfxxgk synth``'s template prose, where every report is a near-copy of
every other (the bounded worst case).

Peak memory is the maximum resident size (``ru_maxrss``) of the process that compares (the corpora are
built in a child process), so far in the run.
"""

from __future__ import annotations

import argparse
import multiprocessing
import platform
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from zfxxgk import synth  # noqa: E402
from zfxxgk.app import copies  # noqa: E402
from zfxxgk.model import CELL_IDS, Cell, CellState, Report, Section, Span, divisions  # noqa: E402
from zfxxgk.store import Store, prepare  # noqa: E402
from zfxxgk.store.schema import TextCopy  # noqa: E402

YEAR = 2024
CJK = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Writer:
    """Section texts: random words, with a few stock sentences per text (real reports share ≈ 5–15 %)."""

    def __init__(self, seed: int) -> None:
        rng = random.Random(seed)
        self.words = ["".join(rng.choice(CJK) for _ in range(rng.randint(2, 4))) for _ in range(3000)]
        self.stock = [self.sentence(rng, 6, 12) for _ in range(40)]

    def sentence(self, rng: random.Random, lo: int = 6, hi: int = 16) -> str:
        return "，".join("".join(rng.choice(self.words) for _ in range(rng.randint(2, 4)))
                        for _ in range(max(1, rng.randint(lo, hi) // 3))) + "。"

    def text(self, rng: random.Random, place: str, chars: int) -> str:
        parts = [f"{YEAR}年，{place}"] + rng.sample(self.stock, 3 if chars > 600 else 2)
        while sum(map(len, parts)) < chars:
            parts.append(self.sentence(rng) if rng.random() < 0.8 else f"全年公开信息{rng.randint(10, 999)}条。")
        rng.shuffle(parts)
        return "".join(parts)


def counties() -> list[divisions.Division]:
    return [d for d in divisions.all_divisions() if d.level == divisions.COUNTY]


def build(store: Store, n: int, copied: float, seed: int = 1) -> None:
    rng = random.Random(seed)
    w = Writer(seed)
    places = counties()
    texts: list[tuple[str, str, str]] = []  # (unit, place, section 1)
    batch = []
    for i in range(n):
        county = places[i % len(places)]
        place = f"第{i}镇"
        unit = f"{county.name}{place}人民政府"
        s1 = w.text(rng, place, 1000)
        roll = rng.random()
        if texts and roll < 2 * copied:
            src_unit, src_place, src = texts[rng.randrange(len(texts))]
            src = src.replace(src_place, place)
            s1 = src if roll < copied else src[: len(src) // 2] + s1[len(s1) // 2 :]
        texts.append((unit, place, s1))
        report = Report(source=f"r{i}.txt", unit=unit, year=YEAR)
        for cid in CELL_IDS:
            report.cells[cid] = Cell(cid, CellState.NUMBER, 0, "0")
        report.sections = {1: Section(1, 1, "一、总体情况", "一、总体情况", False, s1, Span(10, 0, 20, 0)),
                           5: Section(5, 5, "五、存在的主要问题及改进情况", "五、存在的主要问题及改进情况", False,
                                      w.text(rng, place, 450), Span(40, 0, 45, 0))}
        batch.append(prepare(f"r{i}.txt", f"r{i}-{seed}".encode(), report, []))
        if len(batch) == 2000:
            store.import_prepared(batch)
            batch = []
    if batch:
        store.import_prepared(batch)


def build_template(store: Store, n: int) -> None:
    batch = []
    for i in range(n):
        report = synth.plan(i, 7, "txt", None, 0.0).report
        report.year = YEAR
        report.unit = f"{report.unit[:-4]}{i}人民政府" if report.unit else f"第{i}镇人民政府"  # one unit each
        batch.append(prepare(f"t{i}.txt", f"t{i}".encode(), report, []))
        if len(batch) == 2000:
            store.import_prepared(batch)
            batch = []
    if batch:
        store.import_prepared(batch)


def timed(label: str, n: int, f) -> object:
    t = time.perf_counter()
    out = f()
    s = time.perf_counter() - t
    print(f"{label:<44}{n:>8}{s:>10.2f}{n / s if s else 0:>12.0f}   {out}", flush=True)
    return out


def _build(path: str, n: int, copied: float, template: bool) -> None:
    store = Store(path)
    build_template(store, n) if template else build(store, n, copied)
    store.close()


def run(n: int, copied: float, tmp: Path, template: bool = False) -> None:
    path = str(tmp / f"{'t' if template else 'c'}{n}.db")
    t = time.perf_counter()
    # built in another process: the peak memory printed below is the comparison's, not the corpus builder's
    child = multiprocessing.get_context("spawn").Process(target=_build, args=(path, n, copied, template))
    child.start()
    child.join()
    store = Store(path)
    kind = "template corpus (all near-copies)" if template else f"{n} reports, {copied:.0%} copied + {copied:.0%} half"
    print(f"\n{kind}: built in {time.perf_counter() - t:.1f} s")
    print(f"{'step':<44}{'reports':>8}{'seconds':>10}{'reports/s':>12}   result")
    timed("first comparison (print, match, settle)", n, lambda: copies.refresh(store, [YEAR]))
    print(f"peak RSS so far {rss_mb():.0f} MB")
    with store.session() as s:
        pairs = s.query(TextCopy).count() // 2
    found = copies.clusters(store, YEAR, update=False)
    print(f"pairs stored: {pairs}; clusters: {len(found.clusters)}, units in them: "
          f"{sum(len(c.members) for c in found.clusters)}; largest: {max((len(c.members) for c in found.clusters), default=0)}")
    if not template:
        build_more = Report(source="more.txt", unit="昌乐县新增镇人民政府", year=YEAR)
        first = store.load(1)
        build_more.sections = {k: Section(k, k, s.heading, s.standard, False, s.text.replace("第0镇", "新增镇"), s.span)
                               for k, s in first.sections.items()}
        store.import_prepared([prepare("more.txt", b"more", build_more, [])])
        timed("one more report (a copy), incremental", 1, lambda: copies.refresh(store, [YEAR]))
        timed("refresh with nothing new", n, lambda: copies.refresh(store, [YEAR]))
    print(f"peak RSS {rss_mb():.0f} MB")
    store.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", default="2000,20000", help="comma-separated store sizes")
    ap.add_argument("--copied", type=float, default=0.05)
    ap.add_argument("--template", type=int, default=0, help="also a template corpus of this many reports")
    args = ap.parse_args()
    print(f"machine: {platform.machine()} CPython {platform.python_version()}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(x) for x in args.n.split(",")):
            run(n, args.copied, Path(tmp))
        if args.template:
            run(args.template, 0.0, Path(tmp), template=True)


if __name__ == "__main__":
    main()
