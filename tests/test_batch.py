"""Batch import: bad files mixed in, interruption and resumption, local and Dask engines agree."""

from __future__ import annotations

import pytest

from tests.parse.builders import text_with
from zfxxgk.app import batch_import
from zfxxgk.model.ids import t3
from zfxxgk.store import Store


def corpus(tmp_path, n: int = 24):
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(n):
        values = {t3("new_received", "natural_person"): i % 5, t3("new_received", "total"): i % 5,
                  t3("granted", "natural_person"): i % 5, t3("granted", "total"): i % 5,
                  t3("total_processed", "natural_person"): i % 5, t3("total_processed", "total"): i % 5}
        unit = f"东风县第{i}镇人民政府"
        (folder / f"r{i:03d}.txt").write_text(text_with(values, layout=("tsv", "cells", "grid")[i % 3], unit=unit),
                                              encoding="utf-8")
    (folder / "zero.txt").write_bytes(b"")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 broken")
    (folder / "noise.docx").write_bytes(b"PK\x03\x04word/garbage")
    (folder / "copy.txt").write_bytes((folder / "r000.txt").read_bytes())  # same content twice: one report
    return folder


def snapshot(store: Store) -> dict:
    """What the database holds, independent of insertion order: content hash → cells and findings."""
    out = {}
    with store.session() as s:
        from sqlalchemy import select

        from zfxxgk.store.schema import ReportRow

        rows = {r.id: r.source_hash for r in s.scalars(select(ReportRow))}
    for rid, digest in rows.items():
        report = store.load(rid)
        out[digest] = (report.to_dict()["cells"], sorted(f.fingerprint for f, _ in store.findings(rid)))
    return out


def test_bad_files_never_lose_the_good_ones(tmp_path):
    folder = corpus(tmp_path)
    store = Store(str(tmp_path / "a.db"))
    stats = batch_import([folder], store, workers=2, chunk=5)
    assert (stats.total, stats.imported, stats.failed) == (28, 24, 3)
    assert store.count_reports() == 24
    assert sorted(e.source_name.rsplit("/", 1)[-1] for e in store.import_errors()) == ["broken.pdf", "noise.docx", "zero.txt"]
    again = batch_import([folder], store, workers=2, chunk=5)
    assert (again.imported, again.skipped) == (0, 25)  # resumption skips everything stored (incl. the copy)
    assert len(store.import_errors()) == 3  # a file failing again for the same reason is recorded once


def test_a_report_the_database_refuses_fails_alone(tmp_path, monkeypatch):
    """One report whose write fails (a value or name beyond a column on PostgreSQL) is that file's error;
    every other report of its chunk is stored, and a re-run records the failure once."""
    folder = corpus(tmp_path)
    store = Store(str(tmp_path / "a.db"))
    write_rows = Store._write_rows

    def refuse_one(conn, written):
        if any(p.source_name == "r003.txt" for _, p in written):
            raise OverflowError("numeric field overflow\nSQL: INSERT …")
        return write_rows(conn, written)

    monkeypatch.setattr(Store, "_write_rows", staticmethod(refuse_one))
    for _ in range(2):
        stats = batch_import([folder], store, workers=2, chunk=5)
    assert store.count_reports() == 23
    errors = {e.source_name.rsplit("/", 1)[-1]: e.reason for e in store.import_errors()}
    assert errors["r003.txt"] == "写入数据库失败：numeric field overflow"
    assert len(errors) == len(store.import_errors()) == 4
    assert stats.failed == 4


def test_interrupted_run_resumes_to_the_same_database(tmp_path):
    folder = corpus(tmp_path)
    whole = Store(str(tmp_path / "whole.db"))
    batch_import([folder], whole, workers=2, chunk=4)

    interrupted = Store(str(tmp_path / "cut.db"))
    calls = []

    def stop_after_two(stats):
        calls.append(stats.total)
        if len(calls) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        batch_import([folder], interrupted, workers=2, chunk=4, on_progress=stop_after_two)
    assert 0 < interrupted.count_reports() < 24
    batch_import([folder], interrupted, workers=2, chunk=4)
    assert snapshot(interrupted) == snapshot(whole)


def test_dask_engine_gives_the_same_database(tmp_path):
    folder = corpus(tmp_path, n=12)
    local = Store(str(tmp_path / "local.db"))
    batch_import([folder], local, workers=2, chunk=3)
    distributed = Store(str(tmp_path / "dask.db"))
    stats = batch_import([folder], distributed, chunk=3, engine="dask")  # a LocalCluster
    assert stats.imported == 12 and stats.failed == 3
    assert snapshot(distributed) == snapshot(local)


def test_dask_workers_hold_each_file_to_its_budget(tmp_path):
    """On the LocalCluster each file runs in a bounded worker: a file that grows too big is stopped and
    recorded, the others are stored."""
    from zfxxgk.app.executor import Budget

    folder = corpus(tmp_path, n=4)
    line = "一、总体情况。本机关认真贯彻落实政府信息公开条例，主动公开政府信息。" * 4 + "\n"
    big = (folder / "r000.txt").read_text(encoding="utf-8") + line * 50000
    (folder / "big.txt").write_text(big, encoding="utf-8")  # above 100 MB for ≈ 0.9 s of its ≈ 1 s (a report: ≈ 50 MB)
    store = Store(str(tmp_path / "dask.db"))
    stats = batch_import([folder], store, chunk=2, engine="dask", budget=Budget(memory=100 * 2**20))
    reasons = dict(stats.errors)
    assert stats.imported == 4 and "内存超限" in reasons[str(folder / "big.txt")]


_CYCLES = """
import gc, sys
from zfxxgk.app.ingest import Source, work
paths = sys.argv[1:]
for p in paths:
    work(Source(p))  # warm caches (memoised labels, regexes, lazily imported readers)
gc.collect()
gc.disable()
for p in paths:
    work(Source(p))
print(gc.collect())
"""


def test_workers_make_no_reference_cycles(tmp_path):
    """The workers collect garbage rarely (batch.rare_collections): that is only safe while a
    report's parse, check and database rows leave no cycles behind for the collector. Counted in
    a process of its own, as a worker is: other tests' server threads make garbage of their own.
    """
    import gc
    import subprocess
    import sys

    from tests.conftest import SEEDS
    from zfxxgk.app.ingest import GC_THRESHOLD, rare_collections

    paths = [str(p) for p in SEEDS] + [str(p) for p in corpus(tmp_path).iterdir()]  # bad files too
    out = subprocess.run([sys.executable, "-c", _CYCLES, *paths], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["0"], out.stdout + out.stderr
    before = gc.get_threshold()
    with rare_collections():
        assert gc.get_threshold()[0] >= GC_THRESHOLD
    assert gc.get_threshold() == before
