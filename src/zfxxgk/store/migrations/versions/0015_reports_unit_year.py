"""One index on (unit, year) for the reports, instead of one on the unit alone.

Every chunk a batch writes asks for the versions of its units' years (the current-version election,
the cross-year neighbours, the current ranks): ``unit_id IN (…) AND year IN (…)``. With one index per
column SQLite took the year's, and so read every report of those years for each chunk: a batch's
writing grew with the size of the database (quadratic over a 100,000-report batch). The pair is what
every such query asks; it also serves the queries by unit alone.

Revision ID: 0015
"""

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_reports_unit_year", "reports", ["unit_id", "year"])
    op.drop_index("ix_reports_unit_id", table_name="reports")


def downgrade() -> None:
    op.create_index("ix_reports_unit_id", "reports", ["unit_id"])
    op.drop_index("ix_reports_unit_year", table_name="reports")
