"""Statistics summaries: per year and region, the sums the statistics page shows, kept as a cache.

``units.group_key`` is the unit's group: its region's ancestor three levels down (a county with its
townships) or the region itself when higher. ``reports.revision`` counts the changes of a report that a summary depends on and that leave its
row otherwise alone (findings re-checked, a review decision). A summary row is valid while the
fingerprint of its reports (how many are current, their ids, versions and revisions) is unchanged.

Revision ID: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


GROUP_DEPTH = 3  # as store/db.py at this revision


def upgrade() -> None:
    with op.batch_alter_table("reports") as batch:
        batch.add_column(sa.Column("revision", sa.Integer, nullable=False, server_default="0"))
    with op.batch_alter_table("units") as batch:
        batch.add_column(sa.Column("group_key", sa.Integer))
        batch.create_index("ix_units_group_key", ["group_key"])
    conn = op.get_bind()
    parents: dict[int, int | None] = {r: p for r, p in conn.execute(sa.text("SELECT id, parent_id FROM regions"))}
    groups: dict[int, list[int]] = {}
    for unit, region in conn.execute(sa.text("SELECT id, region_id FROM units WHERE region_id IS NOT NULL")):
        chain = [region]
        while parents.get(chain[-1]) is not None and len(chain) <= len(parents):
            chain.append(parents[chain[-1]])
        groups.setdefault(chain[-min(len(chain), GROUP_DEPTH)], []).append(unit)
    for key, units in groups.items():
        for i in range(0, len(units), 500):
            conn.execute(sa.text("UPDATE units SET group_key = :k WHERE id IN :ids")
                         .bindparams(sa.bindparam("ids", expanding=True)), {"k": key, "ids": units[i : i + 500]})
    op.create_table(
        "summaries",
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("region_key", sa.Integer, primary_key=True),
        sa.Column("fingerprint", sa.String(200), nullable=False),
        sa.Column("data", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("summaries")
    with op.batch_alter_table("units") as batch:
        batch.drop_index("ix_units_group_key")
        batch.drop_column("group_key")
    with op.batch_alter_table("reports") as batch:
        batch.drop_column("revision")
