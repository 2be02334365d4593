"""Migration 0015: the reports are looked up by (unit, year, current) through one index, so that writing
a chunk costs the same in a database of a hundred reports and of a hundred thousand."""

from __future__ import annotations

from sqlalchemy import inspect, text

from tests.store.conftest import migrated

# What every chunk of a batch asks (the neighbours and the current ranks; the election without the flag),
# as SQLAlchemy writes it.
CHUNK_QUERIES = (
    "SELECT id, chosen FROM reports WHERE unit_id IN (1, 2, 3) AND year IN (2023, 2024) AND is_current = 1",
    "SELECT id, status FROM reports WHERE unit_id IN (1, 2, 3) AND year IN (2023, 2024)",
)


def _indexes(engine) -> dict[str, list[str]]:
    return {ix["name"]: ix["column_names"] for ix in inspect(engine).get_indexes("reports")}


def test_a_chunks_query_reads_the_pair_index_and_the_migration_goes_both_ways(tmp_path):
    engine, down = migrated(tmp_path, "0014")
    assert _indexes(engine)["ix_reports_unit_year_current"] == ["unit_id", "year", "is_current"]
    assert "ix_reports_unit_id" not in _indexes(engine)  # its queries are served by the new one
    for query in CHUNK_QUERIES:
        with engine.connect() as conn:
            plan = " ".join(str(row[-1]) for row in conn.execute(text("EXPLAIN QUERY PLAN " + query)))
        # not the year's or the flag's index: those read every report of the years, or every current one
        assert "ix_reports_unit_year_current (unit_id=? AND year=?" in plan, (query, plan)
    down()
    assert _indexes(engine)["ix_reports_unit_id"] == ["unit_id"]
    assert "ix_reports_unit_year_current" not in _indexes(engine)
    engine.dispose()


def test_the_models_and_migration_0015_agree(tmp_path):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from zfxxgk.store.schema import Base

    engine, _down = migrated(tmp_path, "0014")
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert [d for d in diff if "ix_reports" in repr(d)] == []
    engine.dispose()
