"""Alembic environment: migrations run programmatically on the engine zfxxgk opens."""

from alembic import context

from zfxxgk.store.schema import Base

target_metadata = Base.metadata
connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
