"""Rectification: 整改 items made from confirmed findings (tracked across a unit's report versions), their
history, and the report-level verdicts (通过 / 退回修改) — store/rectify.py.

Revision ID: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rectify_items",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id", ondelete="CASCADE"), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("fingerprint", sa.String(32), nullable=False),
        sa.Column("report_id", sa.Integer, sa.ForeignKey("reports.id", ondelete="SET NULL")),
        sa.Column("rule", sa.String(64), nullable=False),
        sa.Column("severity", sa.String(8), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("evidence", sa.JSON, nullable=False),
        sa.Column("responsible", sa.String(200), nullable=False),
        sa.Column("due_on", sa.Date),
        sa.Column("status", sa.String(12), nullable=False, index=True),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("checked_report_id", sa.Integer),
        sa.Column("checked_version", sa.Integer),
        sa.Column("closed_report_id", sa.Integer),
        sa.Column("closed_at", sa.DateTime),
        sa.UniqueConstraint("unit_id", "year", "fingerprint"),
    )
    op.create_index("ix_rectify_items_year", "rectify_items", ["year"])
    op.create_table(
        "rectify_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("item_id", sa.Integer, sa.ForeignKey("rectify_items.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("before", sa.String(12)),
        sa.Column("after", sa.String(12), nullable=False),
        sa.Column("report_id", sa.Integer),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
    )
    op.create_table(
        "report_verdicts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("report_id", sa.Integer, sa.ForeignKey("reports.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("verdict", sa.String(8), nullable=False),
        sa.Column("reasons", sa.JSON, nullable=False),
        sa.Column("reviewer", sa.String(100), nullable=False),
        sa.Column("decided_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("report_verdicts")
    op.drop_table("rectify_events")
    op.drop_index("ix_rectify_items_year", table_name="rectify_items")
    op.drop_table("rectify_items")
