"""Server-side web sessions: signing out, a new password or a deactivation ends a session for good.

Until now the session was only a signed cookie, so a copy of it kept working after logout. Each
sign-in now adds a row keyed by the SHA-256 of a random session id (the cookie carries the id);
revoking a session sets ``revoked_at``. Rows are removed with their user.

Revision ID: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_sessions",
        sa.Column("id_hash", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("created_at", sa.DateTime, nullable=False, index=True),
        sa.Column("last_seen_at", sa.DateTime, nullable=False),
        sa.Column("revoked_at", sa.DateTime),
    )


def downgrade() -> None:
    op.drop_table("web_sessions")
