"""Store fixtures: a fresh database per test, on SQLite and — when ZFXXGK_TEST_PG_URL is set — PostgreSQL."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import MetaData, create_engine, text

from zfxxgk.store import Store
from zfxxgk.store.schema import Base

PG_URL = os.environ.get("ZFXXGK_TEST_PG_URL")
if os.environ.get("ZFXXGK_REQUIRE_PG") and not PG_URL:
    raise RuntimeError("ZFXXGK_REQUIRE_PG is set but ZFXXGK_TEST_PG_URL is not: start scripts/pg-test-server")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


def fresh_postgres(url: str) -> None:
    """Empty the test database: drop every table it has (also those of an older schema) and Alembic's."""
    engine = create_engine(url)
    with engine.begin() as conn:
        found = MetaData()
        found.reflect(conn)
        found.drop_all(conn)
        Base.metadata.drop_all(conn)
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    engine.dispose()


def make_store(backend: str, tmp_path) -> Store:
    if backend == "sqlite":
        return Store(str(tmp_path / "zfxxgk.db"))
    fresh_postgres(PG_URL)
    return Store(PG_URL)


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path):
    s = make_store(request.param, tmp_path)
    yield s
    s.close()


def migrated(tmp_path, before: str, fill=None):
    """A SQLite database at revision ``before`` (``fill(connection)`` writes rows into it), then upgraded to
    the newest; returns (engine, down) where ``down()`` goes back to ``before`` (the caller disposes the engine)."""
    from alembic import command
    from alembic.config import Config

    from zfxxgk.store.db import migrate

    engine = create_engine(f"sqlite:///{tmp_path / f'm{before}.db'}")
    cfg = Config()
    cfg.set_main_option("script_location", "src/zfxxgk/store/migrations")
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, before)
        if fill is not None:
            fill(conn)
    migrate(engine)

    def down() -> None:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, before)

    return engine, down
