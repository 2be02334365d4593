"""Official divisions: a region may carry its 6-digit division code (GB/T 2260, from the vendored
table in zfxxgk/data/divisions.csv); a unit whose name names several divisions keeps their codes as
candidates until someone places it (the 待确认 queue).

Revision ID: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("regions") as batch:
        batch.add_column(sa.Column("code", sa.String(6)))
        batch.create_index("ix_regions_code", ["code"], unique=True)
    with op.batch_alter_table("units") as batch:
        batch.add_column(sa.Column("candidates", sa.JSON))


def downgrade() -> None:
    with op.batch_alter_table("units") as batch:
        batch.drop_column("candidates")
    with op.batch_alter_table("regions") as batch:
        batch.drop_index("ix_regions_code")
        batch.drop_column("code")
