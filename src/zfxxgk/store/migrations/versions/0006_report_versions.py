"""One report per unit and year: the stored files of a unit-year are its versions, one current.

Adds the version status (active / withdrawn / deleted), the explicit choice and the current flag,
elects the current version of every unit-year already stored (``zfxxgk.model.versions``), and the
audit trail of withdrawals, deletions, restorations, choices and purges.

Revision ID: 0006
"""

import datetime as dt

import sqlalchemy as sa
from alembic import op

from zfxxgk.model.versions import current_rank

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reports") as batch:
        batch.add_column(sa.Column("status", sa.String(12), nullable=False, server_default="active"))
        batch.add_column(sa.Column("chosen", sa.Boolean, nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("is_current", sa.Boolean, nullable=False, server_default=sa.true()))
        batch.create_index("ix_reports_is_current", ["is_current"])
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("report_id", sa.Integer, index=True),
        sa.Column("unit_name", sa.String(200)),
        sa.Column("year", sa.Integer),
        sa.Column("source_name", sa.String(500)),
        sa.Column("reason", sa.Text, nullable=False),
    )
    conn = op.get_bind()
    groups: dict[tuple[int, int], list[tuple]] = {}
    for rid, unit_id, year, published_on in conn.execute(sa.text(
            "SELECT id, unit_id, year, published_on FROM reports WHERE unit_id IS NOT NULL AND year IS NOT NULL")):
        if isinstance(published_on, str):  # SQLite hands dates back as text
            published_on = dt.date.fromisoformat(published_on[:10])
        groups.setdefault((unit_id, year), []).append((rid, published_on))
    stale = [rid for rows in groups.values() if len(rows) > 1
             for rid, _ in sorted(rows, key=lambda r: current_rank(False, r[1], r[0]))[:-1]]
    for i in range(0, len(stale), 500):
        conn.execute(sa.text("UPDATE reports SET is_current = :f WHERE id IN :ids")
                     .bindparams(sa.bindparam("ids", expanding=True)), {"f": False, "ids": stale[i:i + 500]})


def downgrade() -> None:
    op.drop_table("audit_events")
    with op.batch_alter_table("reports") as batch:
        batch.drop_index("ix_reports_is_current")
        batch.drop_column("is_current")
        batch.drop_column("chosen")
        batch.drop_column("status")
