"""One index on (unit, year, current) for the reports, instead of one on the unit alone.

Every chunk a batch writes asks for the versions of its units' years (the current-version election,
the cross-year neighbours, the current ranks): ``unit_id IN (…) AND year IN (…) [AND is_current = 1]``.
With one index per column and no statistics, SQLite took the year's or the current flag's index and so
read every report of those years, or every current report, for each chunk: a batch's writing grew with
the size of the database (quadratic over a 100,000-report batch). An index on all three columns is what
every such query asks (the planner prefers it to any one-column index); it also serves the queries by
unit alone.

Revision ID: 0015
"""

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_reports_unit_year_current", "reports", ["unit_id", "year", "is_current"])
    op.drop_index("ix_reports_unit_id", table_name="reports")


def downgrade() -> None:
    op.create_index("ix_reports_unit_id", "reports", ["unit_id"])
    op.drop_index("ix_reports_unit_year_current", table_name="reports")
