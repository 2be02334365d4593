"""SQLite: the cells table becomes a WITHOUT ROWID table clustered on its primary key.

200 rows a report make ``cells`` most of the database: clustering on (report_id, version,
cell_id) drops the separate primary-key index — the file is about half the size and a batch
import writes faster. PostgreSQL keeps its heap table (nothing to do).

Revision ID: 0004
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_COLUMNS = "report_id, version, cell_id, value, state, raw, line, col, locator"


def _rebuild(without_rowid: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    suffix = " WITHOUT ROWID" if without_rowid else ""
    op.execute(
        "CREATE TABLE cells_new ("
        " report_id INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,"
        " version INTEGER NOT NULL,"
        " cell_id VARCHAR(64) NOT NULL REFERENCES cell_defs (id),"
        " value NUMERIC(18, 4), state VARCHAR(16) NOT NULL, raw TEXT, line INTEGER, col INTEGER,"
        " locator VARCHAR(200),"
        f" PRIMARY KEY (report_id, version, cell_id)){suffix}"
    )
    op.execute(f"INSERT INTO cells_new ({_COLUMNS}) SELECT {_COLUMNS} FROM cells")
    op.execute("DROP TABLE cells")
    op.execute("ALTER TABLE cells_new RENAME TO cells")


def upgrade() -> None:
    _rebuild(without_rowid=True)


def downgrade() -> None:
    _rebuild(without_rowid=False)
