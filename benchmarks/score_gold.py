"""Score ``zfxxgk parse --json`` output (JSON Lines) against gold files, cell by cell.

usage: python benchmarks/score_gold.py GOLD_DIR OUTPUT.jsonl [--verbose]
  e.g. zfxxgk parse src/zfxxgk/samples --json > out.jsonl
       python benchmarks/score_gold.py tests/data/seeds-gold out.jsonl

Records are matched to gold files by the file name (without extension) of ``source``. A cell is
right when it equals the gold exactly: null only for null, numbers compared as numbers (a 0 for a
gold null is wrong). The header facts unit, year, published and period are scored apart. Last line:
``cells R/T (P%) header H/HT missing-files M``; exit status 0 only when everything is right.
Works with the gold of ``zfxxgk synth`` (``OUT_DIR/gold``) as well.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HEADER = ("unit", "year", "published", "period")


def load_gold(gold_dir: Path) -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(gold_dir.glob("*.json"))}


def load_output(path: Path) -> dict[str, dict]:
    got: dict[str, dict] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue  # a stray line (a log message) is not a record
        if isinstance(record, dict) and "source" in record:
            got[Path(str(record["source"])).stem] = record
    return got


def cell_right(gold: object, got: object) -> bool:
    if gold is None:
        return got is None
    return isinstance(got, int | float) and not isinstance(got, bool) and abs(float(got) - float(gold)) < 1e-9


def header_right(gold: object, got: object) -> bool:
    if isinstance(got, list):
        got = [str(x) for x in got]
    return gold == got or (gold is not None and got is not None and str(gold) == str(got))


def score(gold: dict[str, dict], got: dict[str, dict], verbose: bool = False) -> tuple[int, int, int, int, list[str]]:
    right = total = hright = htotal = 0
    missing = [key for key in gold if key not in got]
    for key, g in gold.items():
        record = got.get(key, {})
        cells = record.get("cells") or {}
        for cid, gv in g["cells"].items():
            v = cells.get(cid, "<absent>")
            ok = cell_right(gv, v)
            right, total = right + ok, total + 1
            if not ok and verbose:
                print(f"{key}: {cid} gold={gv!r} got={v!r}")
        for h in HEADER:
            ok = header_right(g.get(h), record.get(h))
            hright, htotal = hright + ok, htotal + 1
            if not ok and verbose:
                print(f"{key}: header {h} gold={g.get(h)!r} got={record.get(h)!r}")
    return right, total, hright, htotal, missing


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("gold_dir", type=Path)
    ap.add_argument("output", type=Path)
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args(argv)
    right, total, hright, htotal, missing = score(load_gold(args.gold_dir), load_output(args.output), args.verbose)
    if missing and args.verbose:
        print("no output for:", " ".join(missing))
    pct = 100.0 * right / total if total else 0.0
    print(f"cells {right}/{total} ({pct:.2f}%) header {hright}/{htotal} missing-files {len(missing)}")
    return 0 if total and right == total and hright == htotal and not missing else 1


if __name__ == "__main__":
    sys.exit(main())
