"""Keep each report's complete parse as a document (``zfxxgk.model.codec``), beside its cell rows.

A report loaded from the store must check exactly as it did when it was parsed: the printed
section ordinals, the variant flags, the periods' wording, the text and every span. Reports
stored before this revision have no document and load from their rows as before.

Revision ID: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reports") as batch:
        batch.add_column(sa.Column("document", sa.LargeBinary))


def downgrade() -> None:
    with op.batch_alter_table("reports") as batch:
        batch.drop_column("document")
