"""Record which zfxxgk version parsed each report, its parse notes and where its tables were.

Re-checking a stored report needs the parser's observations (label variants, split rows …),
not only the cells.

Revision ID: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reports") as batch:
        batch.add_column(sa.Column("parser_version", sa.String(16), nullable=False, server_default="0.1.0"))
        batch.add_column(sa.Column("notes", sa.JSON, nullable=False, server_default="[]"))
        batch.add_column(sa.Column("tables", sa.JSON, nullable=False, server_default="{}"))
        batch.add_column(sa.Column("signed_unit", sa.String(200)))


def downgrade() -> None:
    with op.batch_alter_table("reports") as batch:
        batch.drop_column("signed_unit")
        batch.drop_column("tables")
        batch.drop_column("notes")
        batch.drop_column("parser_version")
