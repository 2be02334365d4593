"""Statistics summaries: per year and region, the sums the statistics page shows, kept as a cache.

``reports.revision`` counts the changes of a report that a summary depends on and that leave its
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


def upgrade() -> None:
    with op.batch_alter_table("reports") as batch:
        batch.add_column(sa.Column("revision", sa.Integer, nullable=False, server_default="0"))
    op.create_table(
        "summaries",
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("region_key", sa.Integer, primary_key=True),
        sa.Column("fingerprint", sa.String(200), nullable=False),
        sa.Column("data", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("summaries")
    with op.batch_alter_table("reports") as batch:
        batch.drop_column("revision")
