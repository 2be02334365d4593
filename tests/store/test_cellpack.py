"""A report version's cells packed in one row (store/cellpack.py, migration 0014): exact values, states and
provenance both ways; the rows of a database made before the change come through the migration and back."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import inspect, text

from tests.store.conftest import migrated
from zfxxgk.model import CELL_IDS, Cell, CellState, Report, Span
from zfxxgk.model.numbers import normal
from zfxxgk.store import Store, cellpack
from zfxxgk.store.queries import report_views

states = st.sampled_from(list(CellState))
values = st.one_of(st.none(), st.integers(0, 10**12),
                   st.decimals(min_value=0, max_value=10**9, places=4, allow_nan=False, allow_infinity=False))
spans = st.one_of(st.none(), st.builds(lambda line, col, loc: Span(line, col, line, col + 1, loc),
                                       st.integers(1, 5000), st.integers(0, 300),
                                       st.one_of(st.none(), st.text(max_size=20))))


@st.composite
def reports(draw):
    report = Report(source="r.txt")
    for cid in CELL_IDS:
        state = draw(states)
        value = draw(values) if state is CellState.NUMBER else None
        report.cells[cid] = Cell(cid, state, value, draw(st.one_of(st.none(), st.text(max_size=12))), draw(spans))
    return report


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])  # 200 cells a report: slow on a busy machine
@given(reports())
def test_a_pack_gives_back_every_value_state_raw_text_and_place(report):
    back = cellpack.cells_of(cellpack.dumps(cellpack.report_entries(report)))
    for cid in CELL_IDS:
        c, b = report.cells[cid], back[cid]
        assert (b.state, b.raw) == (c.state, c.raw)
        assert b.value == c.value and type(b.value) is type(normal(c.value))  # an int stays an int, a Decimal exact
        if c.span is None or (c.span.line is None and not c.span.locator):
            assert b.span is None or b.span.locator == (c.span.locator if c.span else None)
        else:
            assert (b.span.line, b.span.col, b.span.locator) == (c.span.line, c.span.col, c.span.locator)
    values_only = cellpack.values_of(cellpack.dumps(cellpack.report_entries(report)), [CELL_IDS[0], CELL_IDS[-1]])
    assert list(values_only) == [CELL_IDS[0], CELL_IDS[-1]]
    assert values_only[CELL_IDS[0]] == (report.cells[CELL_IDS[0]].value, report.cells[CELL_IDS[0]].state.value)


def test_a_pack_without_its_200_cells_is_refused():
    with pytest.raises(cellpack.PackError):
        cellpack.dumps([[1, "number"]] * 199)
    with pytest.raises(cellpack.PackError):
        cellpack.loads("[[1,\"number\"]]")


ROWS = "INSERT INTO cells (report_id, version, cell_id, value, state, raw, line, col, locator) VALUES "


def _fill(conn):
    conn.execute(text("INSERT INTO units (key, name) VALUES ('甲镇人民政府', '甲镇人民政府')"))
    conn.execute(text("INSERT INTO reports (unit_id, year, source_name, source_hash, source_bytes, source_size, format,"
                      " format_version, current_version, imported_at, unit_name) VALUES (1, 2024, 'a.txt', 'h', x'00', 1,"
                      " 'text', '2021', 1, '2025-01-01 00:00:00', '甲镇人民政府')"))
    for k, cid in enumerate(CELL_IDS):
        if k == 0:
            row = "(1, 0, :c, 7, 'number', '7', 12, 4, NULL)"
        elif k == 1:
            row = "(1, 0, :c, '12.5', 'number', '12.5', 13, 4, NULL)"
        elif k == 2:
            row = "(1, 0, :c, NULL, 'blank', '', 14, 4, 'p2:t1:r3')"
        elif k == 3:
            continue  # a row the old writer never wrote: read as absent, as the queries did
        else:
            row = "(1, 0, :c, NULL, 'absent', NULL, NULL, NULL, NULL)"
        conn.execute(text(ROWS + row), {"c": cid})
        # version 1: a correction of the first cell, the others copied
        if k == 0:
            row1 = "(1, 1, :c, 9, 'number', '更正：9', NULL, NULL, 'correction:v1')"
        else:
            row1 = row.replace("(1, 0,", "(1, 1,")
        conn.execute(text(ROWS + row1), {"c": cid})


def test_migration_0014_packs_the_rows_of_every_version_and_goes_back(tmp_path):
    engine, down = migrated(tmp_path, "0013", _fill)
    assert "cells" not in inspect(engine).get_table_names()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM cell_packs")).scalar() == 2
    store = Store(str(engine.url))
    try:
        first, current = store.load(1, version=0), store.load(1)
        assert first.cells[CELL_IDS[0]].value == 7 and current.cells[CELL_IDS[0]].value == 9
        assert current.cells[CELL_IDS[0]].span.locator == "correction:v1"
        assert first.cells[CELL_IDS[1]].value == Decimal("12.5")
        assert (first.cells[CELL_IDS[1]].span.line, first.cells[CELL_IDS[1]].span.col) == (13, 4)
        assert first.cells[CELL_IDS[2]].state is CellState.BLANK and first.cells[CELL_IDS[2]].value is None
        assert first.cells[CELL_IDS[2]].span.locator == "p2:t1:r3"
        assert first.cells[CELL_IDS[3]].state is CellState.ABSENT
        view = report_views(store, [1])[0]  # the statistics' and exports' reading: the current version
        assert view.cells[CELL_IDS[0]] == 9 and view.cells[CELL_IDS[1]] == Decimal("12.5")
        assert view.states[CELL_IDS[2]] == "blank" and view.states[CELL_IDS[3]] == "absent"
        # a correction made after the migration adds a version pack
        assert store.correct(1, {CELL_IDS[1]: 13}, "审核员", "核对原件") == 2
        assert store.load(1).cells[CELL_IDS[1]].value == 13 and store.load(1).cells[CELL_IDS[0]].value == 9
    finally:
        store.close()
    down()
    assert "cell_packs" not in inspect(engine).get_table_names()
    with engine.connect() as conn:
        rows = {(v, c): (value, state, locator) for v, c, value, state, locator in conn.execute(
            text("SELECT version, cell_id, value, state, locator FROM cells"))}
    assert len(rows) == 3 * len(CELL_IDS)  # every cell of every version, the missing one as absent
    assert rows[(0, CELL_IDS[0])][:2] == (7, "number")
    assert Decimal(str(rows[(0, CELL_IDS[1])][0])) == Decimal("12.5")
    assert rows[(1, CELL_IDS[0])] == (9, "number", "correction:v1")
    assert rows[(2, CELL_IDS[1])][:2] == (13, "number")
    assert rows[(0, CELL_IDS[3])][1] == "absent"
    engine.dispose()


def test_the_models_and_migration_0014_agree(tmp_path):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from zfxxgk.store.schema import Base

    engine, _down = migrated(tmp_path, "0013")
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert [d for d in diff if "cell_packs" in repr(d) or "'cells'" in repr(d)] == []
    engine.dispose()
