"""Collection: the portal columns to collect from, each run, and every fetched document (the crawl
frontier and its results, with provenance) — so an interrupted run continues and a re-run asks only
for what changed (store/collecting.py).

Revision ID: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "collect_sources",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("url_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id")),
        sa.Column("added_by", sa.String(100), nullable=False, server_default=""),
        sa.Column("added_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "collect_runs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False, server_default=""),
        sa.Column("settings", sa.JSON, nullable=False),
        sa.Column("counts", sa.JSON, nullable=False),
        sa.Column("message", sa.Text, nullable=False, server_default=""),
        sa.Column("started_at", sa.DateTime, nullable=False),
        sa.Column("finished_at", sa.DateTime),
    )
    op.create_table(
        "collect_docs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("url_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("state", sa.String(12), nullable=False, index=True),
        sa.Column("source_id", sa.Integer, sa.ForeignKey("collect_sources.id")),
        sa.Column("referrer_id", sa.Integer, sa.ForeignKey("collect_docs.id")),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("collect_runs.id")),
        sa.Column("depth", sa.Integer, nullable=False, server_default="0"),
        sa.Column("year", sa.Integer),
        sa.Column("title", sa.Text),
        sa.Column("link_date", sa.Date),
        sa.Column("final_url", sa.Text),
        sa.Column("status", sa.Integer),
        sa.Column("headers", sa.JSON),
        sa.Column("meta", sa.JSON),
        sa.Column("etag", sa.String(200)),
        sa.Column("last_modified", sa.String(100)),
        sa.Column("content_hash", sa.String(64)),
        sa.Column("previous_hash", sa.String(64)),
        sa.Column("changed_at", sa.DateTime),
        sa.Column("report_id", sa.Integer, sa.ForeignKey("reports.id", ondelete="SET NULL"), index=True),
        sa.Column("previous_report_id", sa.Integer, sa.ForeignKey("reports.id", ondelete="SET NULL")),
        sa.Column("error", sa.Text),
        sa.Column("fetched_at", sa.DateTime),
    )


def downgrade() -> None:
    op.drop_table("collect_docs")
    op.drop_table("collect_runs")
    op.drop_table("collect_sources")
