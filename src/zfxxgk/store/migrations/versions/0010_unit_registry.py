"""The unit registry: who must report. A registered unit has its 统一社会信用代码, 上级单位, 年报栏目网址
and the report years it owes; other names it had (with their years) let its reports find it.

Revision ID: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("units") as batch:
        batch.add_column(sa.Column("registered", sa.Boolean, nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("credit_code", sa.String(18)))
        batch.add_column(sa.Column("parent_id", sa.Integer))
        batch.add_column(sa.Column("portal_urls", sa.JSON))
        batch.add_column(sa.Column("since", sa.Integer))
        batch.add_column(sa.Column("until", sa.Integer))
        batch.create_index("ix_units_credit_code", ["credit_code"], unique=True)
        batch.create_foreign_key("fk_units_parent_id_units", "units", ["parent_id"], ["id"])
    op.create_table(
        "unit_aliases",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("key", sa.String(200), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("since", sa.Integer),
        sa.Column("until", sa.Integer),
    )


def downgrade() -> None:
    op.drop_table("unit_aliases")
    with op.batch_alter_table("units") as batch:
        batch.drop_constraint("fk_units_parent_id_units", type_="foreignkey")
        batch.drop_index("ix_units_credit_code")
        for column in ("until", "since", "portal_urls", "parent_id", "credit_code", "registered"):
            batch.drop_column(column)
