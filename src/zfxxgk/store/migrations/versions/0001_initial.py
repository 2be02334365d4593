"""Initial schema; cell_defs filled from the id registry.

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op

from zfxxgk.model.ids import CELLS

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    cell_defs = op.create_table(
        "cell_defs",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("table_id", sa.String(4), nullable=False),
        sa.Column("row", sa.String(48), nullable=False),
        sa.Column("column", sa.String(32), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("unit", sa.String(8), nullable=False),
        sa.Column("ord", sa.Integer, nullable=False),
    )
    op.bulk_insert(
        cell_defs,
        [{"id": c.id, "table_id": c.table.value, "row": c.row, "column": c.column, "label": c.label,
          "unit": c.unit, "ord": c.order} for c in CELLS],
    )
    op.create_table(
        "regions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("level", sa.String(8), nullable=False),
        sa.Column("parent_id", sa.Integer, sa.ForeignKey("regions.id")),
        sa.UniqueConstraint("parent_id", "name"),
    )
    op.create_table(
        "units",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(200), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("unit_type", sa.String(16)),
        sa.Column("region_id", sa.Integer, sa.ForeignKey("regions.id")),
    )
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id"), index=True),
        sa.Column("year", sa.Integer, index=True),
        sa.Column("source_name", sa.String(500), nullable=False),
        sa.Column("source_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("source_bytes", sa.LargeBinary, nullable=False),
        sa.Column("source_size", sa.BigInteger, nullable=False),
        sa.Column("format", sa.String(16), nullable=False),
        sa.Column("format_version", sa.String(8), nullable=False),
        sa.Column("title", sa.Text),
        sa.Column("unit_name", sa.String(200)),
        sa.Column("published_on", sa.Date),
        sa.Column("signed_on", sa.Date),
        sa.Column("period_start", sa.Date),
        sa.Column("period_end", sa.Date),
        sa.Column("current_version", sa.Integer, nullable=False),
        sa.Column("imported_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "sections",
        sa.Column("report_id", sa.Integer, sa.ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("number", sa.Integer, primary_key=True),
        sa.Column("heading", sa.String(200), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("line", sa.Integer, nullable=False),
    )
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
    )
    op.create_table(
        "corrections",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("report_id", sa.Integer, sa.ForeignKey("reports.id", ondelete="CASCADE"), index=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("cell_id", sa.String(64), sa.ForeignKey("cell_defs.id"), nullable=False),
        sa.Column("old_value", sa.Numeric(18, 4)),
        sa.Column("new_value", sa.Numeric(18, 4)),
        sa.Column("author", sa.String(100), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "findings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("report_id", sa.Integer, sa.ForeignKey("reports.id", ondelete="CASCADE"), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("rule", sa.String(64), nullable=False, index=True),
        sa.Column("severity", sa.String(8), nullable=False),
        sa.Column("fingerprint", sa.String(32), nullable=False, index=True),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("cells", sa.JSON, nullable=False),
        sa.Column("evidence", sa.JSON, nullable=False),
    )
    op.create_index("ix_findings_report_version", "findings", ["report_id", "version"])
    op.create_table(
        "review_decisions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("report_id", sa.Integer, sa.ForeignKey("reports.id", ondelete="CASCADE"), index=True),
        sa.Column("fingerprint", sa.String(32), nullable=False, index=True),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("reviewer", sa.String(100), nullable=False),
        sa.Column("comment", sa.Text, nullable=False),
        sa.Column("decided_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "import_errors",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("source_name", sa.String(500), nullable=False),
        sa.Column("source_hash", sa.String(64)),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    for table in ("import_errors", "review_decisions", "findings", "corrections", "cells", "sections", "reports",
                  "units", "regions", "cell_defs"):
        op.drop_table(table)
