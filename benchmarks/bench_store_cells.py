"""How to store a report's 200 cells: per-cell rows (today) against one packed column per report.

usage:
  python benchmarks/bench_store_cells.py [-n 3000] [--rounds 3] [--layouts rows,packed JSON] [--pragma cache_size=-65536]
  python benchmarks/bench_store_cells.py --postgres postgresql://USER@HOST:PORT/DB [-n 3000] [--rounds 3]

Prepares N reports once (the seeds, varied units, their cells as the store's codec makes them), then for
each layout writes them into a fresh SQLite file in transactions of 64 (the batch's chunk), and times
the reads the commands make of cells:

- ``show``: one report's 200 cells (``zfxxgk show``, the report page), 500 random reports;
- ``rollup``: 4 cells of every report (``compare``/``rollup``/the statistics read a few cells of many);
- ``export``: every cell of every report (``zfxxgk export``).

Layouts (the cells table is the DDL of migrations 0004–0013: WITHOUT ROWID, clustered on its key; the
store now keeps the ``packed JSON`` layout, migration 0014):

- ``rows``: 200 rows per report through ``executemany`` of plain tuples (what ``Store._write_rows`` did
  before migration 0014);
- ``rows, no FK``: the same with ``PRAGMA foreign_keys=OFF`` (the price of the two foreign keys);
- ``packed JSON``: one row per report version, the cells as one JSON array (value, state, raw, line,
  col, locator in CELL_IDS order); a read decodes the whole array;
- ``packed JSON + values``: the JSON array, plus the 4 most read cells kept as rows (a partial cells table).

Writes are CPU seconds of this (the writing) process and wall seconds; best of ``--rounds``.

With ``--postgres`` the same reports go into a fresh schema of that database per layout and round,
through psycopg as the store's engine does (``executemany``, which psycopg 3 runs as a pipeline), and
two more layouts are measured there: ``rows via COPY`` (the 200 rows streamed with ``COPY … FROM
STDIN``) and the packed array as ``jsonb``. The server's CPU (its backend process, from /proc) is
shown beside the client's: on 2 cores both share the machine with the batch workers.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from zfxxgk.api import SAMPLES_DIR  # noqa: E402
from zfxxgk.model import CELL_IDS  # noqa: E402
from zfxxgk.parse import iter_report_files, parse_file  # noqa: E402
from zfxxgk.store import cellpack  # noqa: E402


@dataclass
class Prepared:
    """A report's name and its cells as the rows of the per-cell layout."""

    source_name: str
    cells: list[tuple]  # (version, cell id, value, state, raw, line, col, locator)


def _rows(report) -> list[tuple]:
    return [(0, cid, *(e + [None] * (6 - len(e)))) for cid, e in zip(CELL_IDS, cellpack.report_entries(report), strict=True)]

CELLS_DDL = ("CREATE TABLE cells (report_id INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,"
             " version INTEGER NOT NULL, cell_id VARCHAR(64) NOT NULL REFERENCES cell_defs (id),"
             " value NUMERIC(18, 4), state VARCHAR(16) NOT NULL, raw TEXT, line INTEGER, col INTEGER,"
             " locator VARCHAR(200), PRIMARY KEY (report_id, version, cell_id)) WITHOUT ROWID")
PACKED_DDL = ("CREATE TABLE cell_packs (report_id INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,"
              " version INTEGER NOT NULL, cells TEXT NOT NULL, PRIMARY KEY (report_id, version)) WITHOUT ROWID")
HOT = list(CELL_IDS[:4])
# the same rows, expanded by SQLite from one JSON array per report (no per-row binding in Python)
JSON_INSERT = ("INSERT INTO cells SELECT ?, j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4,"
               " j.value ->> 5, j.value ->> 6, j.value ->> 7 FROM json_each(?) AS j")


def connect(path: Path, fk: bool, pragmas: list[str]) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None)
    for pragma in pragmas:
        db.execute(f"PRAGMA {pragma}")
    db.execute(f"PRAGMA foreign_keys={'ON' if fk else 'OFF'}")
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("CREATE TABLE reports (id INTEGER PRIMARY KEY, name TEXT)")
    db.execute("CREATE TABLE cell_defs (id VARCHAR(64) PRIMARY KEY)")
    db.executemany("INSERT INTO cell_defs VALUES (?)", [(c,) for c in CELL_IDS])
    db.execute(CELLS_DDL)
    db.execute(PACKED_DDL)
    return db


def write(db: sqlite3.Connection, prepared: list, layout: str) -> None:
    rid = 0
    for i in range(0, len(prepared), 64):
        db.execute("BEGIN")
        for p in prepared[i : i + 64]:
            rid += 1
            db.execute("INSERT INTO reports VALUES (?, ?)", (rid, p.source_name))
            if layout == "rows via json_each":
                db.execute(JSON_INSERT, (rid, json.dumps(p.cells, ensure_ascii=False)))
            elif layout.startswith("rows"):
                db.executemany("INSERT INTO cells VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", [(rid, *t) for t in p.cells])
            else:
                db.execute("INSERT INTO cell_packs VALUES (?, 0, ?)",
                           (rid, json.dumps([t[2:] for t in p.cells], ensure_ascii=False)))
                if layout.endswith("values"):
                    db.executemany("INSERT INTO cells VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                   [(rid, *t) for t in p.cells if t[1] in HOT])
        db.execute("COMMIT")


def read(db, layout: str, n: int, mark: str = "?", table: str = "cell_packs", load=json.loads) -> dict[str, float]:
    """The three reads, on a sqlite3 or psycopg connection (``mark``: its parameter mark; ``load``: how a
    packed value is decoded)."""
    out = {}
    ids = random.Random(1).sample(range(1, n + 1), min(500, n))
    packed = not layout.startswith("rows")
    t0 = time.perf_counter()
    for rid in ids:
        if packed:
            row = load(db.execute(f"SELECT cells FROM {table} WHERE report_id = {mark} AND version = 0", (rid,)).fetchone()[0])
            dict(zip(CELL_IDS, row, strict=True))
        else:
            {r[0]: r[1:] for r in db.execute("SELECT cell_id, value, state, raw, line, col, locator FROM cells "
                                             f"WHERE report_id = {mark} AND version = 0", (rid,))}
    out["show"] = (time.perf_counter() - t0) / len(ids)
    t0 = time.perf_counter()
    if packed and not layout.endswith("values"):
        idx = [CELL_IDS.index(c) for c in HOT]
        total = [0] * len(HOT)
        for (cells,) in db.execute(f"SELECT cells FROM {table} WHERE version = 0"):
            row = load(cells)
            for k, j in enumerate(idx):
                total[k] += float(row[j][0] or 0)
    else:
        marks = ", ".join([mark] * len(HOT))
        list(db.execute(f"SELECT cell_id, SUM(value) FROM cells WHERE version = 0 AND cell_id IN ({marks}) GROUP BY cell_id", HOT))
        list(db.execute(f"SELECT report_id, cell_id, value FROM cells WHERE version = 0 AND cell_id IN ({marks})", HOT))
    out["rollup"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    if packed:
        for _rid, cells in db.execute(f"SELECT report_id, cells FROM {table} WHERE version = 0 ORDER BY report_id"):
            load(cells)
    else:
        for _ in db.execute("SELECT * FROM cells WHERE version = 0 ORDER BY report_id, cell_id"):
            pass
    out["export"] = time.perf_counter() - t0
    return out


PG_TABLES = (
    "CREATE TABLE reports (id INTEGER PRIMARY KEY, name TEXT)",
    "CREATE TABLE cell_defs (id VARCHAR(64) PRIMARY KEY)",
    "CREATE TABLE cells (report_id INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,"
    " version INTEGER NOT NULL, cell_id VARCHAR(64) NOT NULL REFERENCES cell_defs (id),"
    " value NUMERIC(18, 4), state VARCHAR(16) NOT NULL, raw TEXT, line INTEGER, col INTEGER,"
    " locator VARCHAR(200), PRIMARY KEY (report_id, version, cell_id))",
)
PG_LAYOUTS = ["rows", "rows via COPY", "packed JSON", "packed jsonb", "packed JSON + values"]


def pg_backend_cpu(db) -> float:
    """CPU seconds the server process behind this connection has used (Linux /proc)."""
    import os

    pid = db.execute("SELECT pg_backend_pid()").fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pg_connect(url: str, schema: str):
    import psycopg

    db = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)
    db.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    db.execute(f"CREATE SCHEMA {schema}")
    db.execute(f"SET search_path TO {schema}")
    for ddl in PG_TABLES:
        db.execute(ddl)
    db.cursor().executemany("INSERT INTO cell_defs VALUES (%s)", [(c,) for c in CELL_IDS])
    db.execute("CREATE TABLE cell_packs (report_id INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,"
               " version INTEGER NOT NULL, cells TEXT NOT NULL, PRIMARY KEY (report_id, version))")
    db.execute("CREATE TABLE cell_packs_b (report_id INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,"
               " version INTEGER NOT NULL, cells JSONB NOT NULL, PRIMARY KEY (report_id, version))")
    return db


def pg_write(db, prepared: list, layout: str) -> None:
    rid = 0
    cur = db.cursor()
    for i in range(0, len(prepared), 64):
        with db.transaction():
            for p in prepared[i : i + 64]:
                rid += 1
                cur.execute("INSERT INTO reports VALUES (%s, %s)", (rid, p.source_name))
                if layout == "rows":
                    cur.executemany("INSERT INTO cells VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                                    [(rid, *t) for t in p.cells])
                elif layout == "rows via COPY":
                    with cur.copy("COPY cells FROM STDIN") as copy:
                        for t in p.cells:
                            copy.write_row((rid, *t))
                else:
                    table = "cell_packs_b" if layout == "packed jsonb" else "cell_packs"
                    cur.execute(f"INSERT INTO {table} VALUES (%s, 0, %s)",
                                (rid, json.dumps([t[2:] for t in p.cells], ensure_ascii=False)))
                    if layout.endswith("values"):
                        cur.executemany("INSERT INTO cells VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                                        [(rid, *t) for t in p.cells if t[1] in HOT])


def pg_size(db, layout: str) -> float:
    tables = {"packed jsonb": ["cell_packs_b"], "packed JSON": ["cell_packs"],
              "packed JSON + values": ["cell_packs", "cells"]}.get(layout, ["cells"])
    return sum(db.execute("SELECT pg_total_relation_size(%s)", (t,)).fetchone()[0] for t in tables) / 2**20


def run_postgres(url: str, prepared: list, layouts: list[str], rounds: int) -> None:
    n = len(prepared)
    version = None
    print(f"{'layout':<24}{'client CPU µs/report':>22}{'server CPU µs/report':>22}{'wall µs/report':>16}{'MB':>7}"
          f"{'show ms':>9}{'rollup ms':>11}{'export ms':>11}")
    for layout in layouts:
        best = None
        for _ in range(rounds):
            db = pg_connect(url, "bench_cells")
            version = version or db.execute("SHOW server_version").fetchone()[0]
            s0, c0, t0 = pg_backend_cpu(db), time.process_time(), time.perf_counter()
            pg_write(db, prepared, layout)
            cpu, wall, server = time.process_time() - c0, time.perf_counter() - t0, pg_backend_cpu(db) - s0
            db.execute("VACUUM ANALYZE")
            # a jsonb column comes back decoded by psycopg; text is decoded here, as the store would
            reads = read(db, layout, n, "%s", "cell_packs_b" if layout == "packed jsonb" else "cell_packs",
                         (lambda v: v) if layout == "packed jsonb" else json.loads)
            size = pg_size(db, layout)
            db.execute("DROP SCHEMA bench_cells CASCADE")
            db.close()
            if best is None or wall < best[2]:
                best = (cpu, server, wall, size, reads)
        assert best is not None
        cpu, server, wall, size, reads = best
        print(f"{layout:<24}{1e6 * cpu / n:>22.0f}{1e6 * server / n:>22.0f}{1e6 * wall / n:>16.0f}{size:>7.1f}"
              f"{1e3 * reads['show']:>9.3f}{1e3 * reads['rollup']:>11.1f}{1e3 * reads['export']:>11.1f}", flush=True)
    print(f"PostgreSQL {version}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=3000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--layouts", help="comma-separated subset of the layouts")
    ap.add_argument("--pragma", action="append", default=[], help="an extra PRAGMA for the connection, e.g. cache_size=-65536")
    ap.add_argument("--postgres", metavar="URL", help="measure on this PostgreSQL database instead of SQLite files")
    args = ap.parse_args()
    seeds = [parse_file(p) for p in iter_report_files(SAMPLES_DIR)]
    prepared = []
    for i in range(args.n):
        r = seeds[i % len(seeds)]
        r.unit = f"第{i}号镇人民政府"
        prepared.append(Prepared(f"r{i}.txt", _rows(r)))
    layouts = ["rows", "rows, no FK", "rows via json_each", "packed JSON", "packed JSON + values"]
    if args.postgres:
        chosen = [x for x in PG_LAYOUTS if not args.layouts or x in args.layouts.split(",")]
        print(f"{args.n} reports × {len(CELL_IDS)} cells")
        run_postgres(args.postgres, prepared, chosen, args.rounds)
        return
    if args.layouts:
        layouts = [x for x in layouts if x in args.layouts.split(",")]
    print(f"{args.n} reports × {len(CELL_IDS)} cells, SQLite {sqlite3.sqlite_version}")
    print(f"{'layout':<24}{'write CPU µs/report':>21}{'write wall µs/report':>22}{'DB MB':>7}"
          f"{'show ms':>9}{'rollup ms':>11}{'export ms':>11}")
    with tempfile.TemporaryDirectory() as tmp:
        for layout in layouts:
            best = None
            for r in range(args.rounds):
                path = Path(tmp) / f"{layouts.index(layout)}-{r}.db"
                db = connect(path, layout != "rows, no FK", args.pragma)
                c0, t0 = time.process_time(), time.perf_counter()
                write(db, prepared, layout)
                cpu, wall = time.process_time() - c0, time.perf_counter() - t0
                db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                reads = read(db, layout, args.n)
                size = path.stat().st_size / 2**20
                db.close()
                if best is None or cpu < best[0]:
                    best = (cpu, wall, size, reads)
            assert best is not None
            cpu, wall, size, reads = best
            print(f"{layout:<24}{1e6 * cpu / args.n:>21.0f}{1e6 * wall / args.n:>22.0f}{size:>7.1f}"
                  f"{1e3 * reads['show']:>9.3f}{1e3 * reads['rollup']:>11.1f}{1e3 * reads['export']:>11.1f}", flush=True)


if __name__ == "__main__":
    main()
