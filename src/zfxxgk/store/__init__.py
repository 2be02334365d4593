"""The report database (SQLAlchemy 2 + Alembic): SQLite by default, PostgreSQL for shared use."""

from .db import DECISIONS, Imported, Store, StoreError, content_hash, resolve_url

__all__ = ["DECISIONS", "Imported", "Store", "StoreError", "content_hash", "resolve_url"]
