"""Every seed parses exactly to its hand-verified gold: all 200 cells and the header facts."""

from __future__ import annotations

import pytest

from tests.conftest import SEED_IDS, SEEDS, gold_for
from zfxxgk.model import CELL_IDS, CellState
from zfxxgk.parse import parse_file


@pytest.mark.parametrize("path", SEEDS, ids=SEED_IDS)
def test_cells_equal_gold(path):
    rec = parse_file(path).to_dict()
    gold = gold_for(path)
    assert list(gold["cells"]) == list(CELL_IDS)
    wrong = {cid: (rec["cells"][cid], gv) for cid, gv in gold["cells"].items() if rec["cells"][cid] != gv}
    assert wrong == {}, f"{path.name}: (got, gold) per cell"


@pytest.mark.parametrize("path", SEEDS, ids=SEED_IDS)
@pytest.mark.parametrize("fact", ["unit", "year", "published", "period", "sections"])
def test_header_facts_equal_gold(path, fact):
    rec = parse_file(path).to_dict()
    assert rec[fact] == gold_for(path)[fact]


@pytest.mark.parametrize("path", SEEDS, ids=SEED_IDS)
def test_null_cells_have_the_right_state(path):
    """Blank cells are BLANK, truncated/missing ones ABSENT — and no null is ever 0."""
    report = parse_file(path)
    gold = gold_for(path)
    for cid, gv in gold["cells"].items():
        cell = report.cells[cid]
        if gv is None:
            assert cell.state in (CellState.BLANK, CellState.ABSENT), cid
            assert cell.value is None
        else:
            assert cell.state is CellState.NUMBER and cell.raw is not None and cell.span is not None


def test_seed_001_blanks_are_blank_not_absent():
    report = parse_file(next(p for p in SEEDS if p.name.startswith("001")))
    blanks = sorted(c.id for c in report.cells.values() if c.state is CellState.BLANK)
    assert blanks == sorted(
        [
            "t3.new_received.natural_person",
            "t3.granted.natural_person",
            "t3.partially_granted.natural_person",
            "t3.total_processed.natural_person",
            "t3.total_processed.commercial",
            "t3.carried_forward.natural_person",
        ]
    )


def test_seed_004_truncated_rows_and_missing_table_are_absent():
    report = parse_file(next(p for p in SEEDS if p.name.startswith("004")))
    absent = [c.id for c in report.cells.values() if c.state is CellState.ABSENT]
    assert len(absent) == 84 + 15
    assert all(i.startswith("t4.") for i in absent[-15:])


def test_every_number_points_at_its_source_text(seed):
    """Provenance: each value's span holds exactly its raw text in the source."""
    report = parse_file(seed)
    lines = seed.read_text(encoding="utf-8").split("\n")
    for cell in report.cells.values():
        if cell.state is CellState.NUMBER:
            s = cell.span
            assert s.line == s.end_line
            assert lines[s.line - 1][s.col : s.end_col].strip() == cell.raw, cell.id
