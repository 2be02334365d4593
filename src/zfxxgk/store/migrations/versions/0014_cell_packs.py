"""The cells of a report version in one packed row (``cell_packs``) instead of 200 rows (``cells``).

200 row inserts a report were most of a batch's writing on SQLite and more than half of it on
PostgreSQL (two foreign-key triggers and an index entry a cell); every query of cells reads whole
reports or a few cells of many, so none needs them as rows (benchmarks/bench_store_cells.py,
docs/benchmarks.md). The pack is store/cellpack.py's JSON array in the order of the cell ids.

Existing rows are packed report by report (and unpacked again on downgrade). A version whose rows
miss a cell gets it as absent, as the queries showed it.

Revision ID: 0014
"""

import json
from decimal import Decimal

import sqlalchemy as sa
from alembic import op

from zfxxgk.model import CELL_IDS

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

_COLUMNS = ("report_id", "version", "cell_id", "value", "state", "raw", "line", "col", "locator")
_CHUNK = 500  # reports per round trip


def _value(v):
    """A stored Numeric as the pack holds it: an int, or an exact decimal as text."""
    if v is None or type(v) is int:
        return v
    d = v if isinstance(v, Decimal) else Decimal(str(v))
    return int(d) if d == d.to_integral_value() else str(d.normalize())


def _entry(value, state, raw, line, col, locator):
    e = [_value(value), state, raw, line, col, locator]
    while e[-1] is None:
        e.pop()
    return e


def _report_ids(conn, table: str) -> list[int]:
    return [r for (r,) in conn.execute(sa.text(f"SELECT DISTINCT report_id FROM {table} ORDER BY report_id"))]


def _chunks(ids: list[int]):
    for i in range(0, len(ids), _CHUNK):
        yield ids[i:i + _CHUNK]


def upgrade() -> None:
    conn = op.get_bind()
    op.create_table(
        "cell_packs",
        sa.Column("report_id", sa.Integer, sa.ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("cells", sa.Text, nullable=False),
        sqlite_with_rowid=False,
    )
    index = {cid: k for k, cid in enumerate(CELL_IDS)}
    pack_table = sa.table("cell_packs", sa.column("report_id"), sa.column("version"), sa.column("cells"))
    for chunk in _chunks(_report_ids(conn, "cells")):
        versions: dict[tuple[int, int], list] = {}
        rows = conn.execute(sa.text(f"SELECT {', '.join(_COLUMNS)} FROM cells WHERE report_id IN :ids")
                            .bindparams(sa.bindparam("ids", expanding=True)), {"ids": chunk})
        for rid, version, cid, value, state, raw, line, col, locator in rows:
            if cid not in index:
                continue  # not a cell of this version of the registry
            entries = versions.setdefault((rid, version), [[None, "absent"] for _ in CELL_IDS])
            entries[index[cid]] = _entry(value, state, raw, line, col, locator)
        if versions:
            conn.execute(pack_table.insert(), [
                {"report_id": rid, "version": version, "cells": json.dumps(entries, ensure_ascii=False, separators=(",", ":"))}
                for (rid, version), entries in versions.items()])
    op.drop_table("cells")


def downgrade() -> None:
    conn = op.get_bind()
    op.create_table(
        "cells",
        sa.Column("report_id", sa.Integer, sa.ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("cell_id", sa.String(64), sa.ForeignKey("cell_defs.id"), primary_key=True),
        sa.Column("value", sa.Numeric(18, 4)),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("raw", sa.Text),
        sa.Column("line", sa.Integer),
        sa.Column("col", sa.Integer),
        sa.Column("locator", sa.String(200)),
        sqlite_with_rowid=False,
    )
    cells_table = sa.table("cells", *(sa.column(c) for c in _COLUMNS))
    for chunk in _chunks(_report_ids(conn, "cell_packs")):
        rows = []
        packs = conn.execute(sa.text("SELECT report_id, version, cells FROM cell_packs WHERE report_id IN :ids")
                             .bindparams(sa.bindparam("ids", expanding=True)), {"ids": chunk})
        for rid, version, packed in packs:
            for cid, e in zip(CELL_IDS, json.loads(packed), strict=True):
                value, state, raw, line, col, locator = e + [None] * (6 - len(e))
                # a decimal stays text: both databases read the NUMERIC column back as a number
                rows.append({"report_id": rid, "version": version, "cell_id": cid, "value": value, "state": state,
                             "raw": raw, "line": line, "col": col, "locator": locator})
        if rows:
            conn.execute(cells_table.insert(), rows)
    op.drop_table("cell_packs")
