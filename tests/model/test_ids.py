"""The id registry is the spec's contract: same 200 ids, same order, no duplicates."""

from __future__ import annotations

import re

from tests.conftest import SPEC_DIR
from zfxxgk.model import CELL, CELL_IDS, CELLS, Table
from zfxxgk.model.ids import OUTCOME_ROWS, T3_ROWS, TABLE_CELLS, row_cells, t3, t4


def spec_ids() -> list[str]:
    text = (SPEC_DIR / "cell-ids.md").read_text(encoding="utf-8")
    t2 = re.findall(r"^\| (t2\.[a-z_]+\.[a-z_]+) \|", text, re.M)
    rows = re.findall(r"^\| ([a-z_]+) \| [^|]+ \|$", text.split("Rows, in the standard order")[1].split("Ids:")[0], re.M)
    cols = ["natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org", "total"]
    t4ids = [f"t4.{b}.{c}" for b in ("review", "litigation_direct", "litigation_after_review")
             for c in ("upheld", "corrected", "other", "pending", "total")]
    return t2 + [f"t3.{r}.{c}" for r in rows if r != "row" for c in cols] + t4ids


def test_registry_matches_the_spec_in_order():
    assert list(CELL_IDS) == spec_ids()
    assert len(CELL_IDS) == 200 == len(set(CELL_IDS))


def test_table_partition_and_order():
    assert [len(TABLE_CELLS[t]) for t in Table] == [10, 175, 15]
    assert [c.order for c in CELLS] == list(range(200))
    assert len(T3_ROWS) == 25 and len(OUTCOME_ROWS) == 21
    assert OUTCOME_ROWS[0] == "granted" and OUTCOME_ROWS[-1] == "other_other"


def test_units_and_helpers():
    assert CELL["t2.fee.amount"].unit == "万元" and CELL["t2.fee.amount"].decimal
    assert not CELL[t3("granted", "total")].decimal
    assert row_cells(Table.T4, "review") == tuple(t4("review", c) for c in ("upheld", "corrected", "other", "pending", "total"))
    try:
        t3("granted", "nobody")
    except KeyError:
        pass
    else:
        raise AssertionError("unknown id accepted")
