"""Text copied between units: each report's compared sections as the copy finder saw them (masked length,
hash, MinHash signature) and the pairs of reports of one year whose same section overlaps, with the
share covered each way (app/copies.py).

Revision ID: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "text_prints",
        sa.Column("report_id", sa.Integer, sa.ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("section", sa.Integer, primary_key=True),
        sa.Column("scheme", sa.String(32), nullable=False),
        sa.Column("length", sa.Integer, nullable=False),
        sa.Column("digest", sa.String(32)),
        sa.Column("minhash", sa.LargeBinary),
    )
    op.create_table(
        "text_copies",
        sa.Column("report_id", sa.Integer, sa.ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("other_id", sa.Integer, sa.ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True,
                  index=True),
        sa.Column("section", sa.Integer, primary_key=True),
        sa.Column("share", sa.Float, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("text_copies")
    op.drop_table("text_prints")
