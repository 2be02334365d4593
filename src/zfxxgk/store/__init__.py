"""The report database (SQLAlchemy 2 + Alembic): SQLite by default, PostgreSQL for shared use."""

from .db import (
    AUDIT_ACTIONS,
    DECISIONS,
    AuditEntry,
    Imported,
    Partial,
    Prepared,
    Store,
    StoreError,
    VersionInfo,
    content_hash,
    fit_name,
    prepare,
    resolve_url,
)

__all__ = ["AUDIT_ACTIONS", "DECISIONS", "AuditEntry", "Imported", "Partial", "Prepared", "Store", "StoreError", "VersionInfo",
           "content_hash", "fit_name", "prepare", "resolve_url"]

from . import collecting as _collecting  # noqa: E402,F401  (the collection tables, likewise)
from . import rectify as _rectify  # noqa: E402,F401  (the rectification tables, likewise)
from . import users as _users  # noqa: E402,F401  (registers the web app's tables on the schema metadata)
