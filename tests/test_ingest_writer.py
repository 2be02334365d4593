"""Import through the batched writer: chunks per transaction, copies known by their hash before parsing."""

from __future__ import annotations

import importlib

from zfxxgk import api
from zfxxgk.app import batch_import
from zfxxgk.store import Store

from .test_batch import corpus

ingest_mod = importlib.import_module("zfxxgk.app.ingest")  # the module: the package's ``ingest`` is the function


def counting_parser(monkeypatch) -> list[str]:
    """Records every file name parsed in this process (the inline executor without a budget)."""
    parsed: list[str] = []
    parse = ingest_mod.parse_bytes

    def counted(data, name):
        parsed.append(name.rsplit("/", 1)[-1])
        return parse(data, name)

    monkeypatch.setattr(ingest_mod, "parse_bytes", counted)
    return parsed


def run(folder, store, **kw) -> list[ingest_mod.Outcome]:
    return list(ingest_mod.ingest([folder], store, budget=None, **kw))


def by_name(outcomes) -> dict[str, ingest_mod.Outcome]:
    return {o.source.rsplit("/", 1)[-1]: o for o in outcomes}


def test_copies_in_one_run_are_not_parsed_and_share_the_outcome(tmp_path, monkeypatch):
    folder = corpus(tmp_path, n=6)
    (folder / "zz-noise-copy.docx").write_bytes((folder / "noise.docx").read_bytes())
    parsed = counting_parser(monkeypatch)
    store = Store(str(tmp_path / "a.db"))
    outcomes = run(folder, store, chunk=2)  # the copy comes in a later chunk than its original
    assert "r000.txt" not in parsed and "zz-noise-copy.docx" not in parsed  # copy.txt came first (name order)
    assert len(parsed) == 9
    assert len(outcomes) == 11 and store.count_reports() == 6
    got = by_name(outcomes)
    assert got["copy.txt"].report_id == got["r000.txt"].report_id is not None
    assert (got["r000.txt"].created, got["r000.txt"].error) == (False, None)
    assert got["zz-noise-copy.docx"].error == got["noise.docx"].error is not None
    failed = sorted(e.source_name.rsplit("/", 1)[-1] for e in store.import_errors())
    assert failed == ["broken.pdf", "noise.docx", "zero.txt", "zz-noise-copy.docx"]


def test_stored_contents_are_not_parsed_again(tmp_path, monkeypatch):
    folder = corpus(tmp_path, n=6)
    store = Store(str(tmp_path / "a.db"))
    first = by_name(run(folder, store))
    parsed = counting_parser(monkeypatch)
    again = by_name(run(folder, store))
    assert sorted(parsed) == ["broken.pdf", "noise.docx", "zero.txt"]  # only what was never stored
    for name, o in again.items():
        if first[name].error is None:
            assert (o.report_id, o.created, o.error) == (first[name].report_id, False, None)
    assert len(store.import_errors()) == 3  # a file failing again for the same reason is recorded once


def test_batch_does_not_parse_a_copy_either(tmp_path):
    folder = corpus(tmp_path, n=6)
    store = Store(str(tmp_path / "a.db"))
    stats = batch_import([folder], store, workers=2, chunk=2)
    assert (stats.total, stats.imported, stats.skipped, stats.failed) == (10, 6, 1, 3)


def test_import_writes_a_chunk_per_transaction(tmp_path, monkeypatch):
    folder = corpus(tmp_path, n=12)
    store = Store(str(tmp_path / "a.db"))
    calls: list[int] = []
    write = Store.import_prepared

    def counted(self, items, *args, **kw):
        calls.append(len(items))
        return write(self, items, *args, **kw)

    monkeypatch.setattr(Store, "import_prepared", counted)
    outcomes = list(api.import_paths([folder], store, budget=None))
    assert calls == [12] and store.count_reports() == 12
    assert sum(o.error is not None for o in outcomes) == 3


def test_a_report_the_database_refuses_fails_alone_on_import(tmp_path, monkeypatch):
    folder = corpus(tmp_path, n=6)
    store = Store(str(tmp_path / "a.db"))
    write_rows = Store._write_rows

    def refuse_one(conn, written):
        if any(p.source_name == "r003.txt" for _, p in written):
            raise OverflowError("numeric field overflow\nSQL: INSERT …")
        return write_rows(conn, written)

    monkeypatch.setattr(Store, "_write_rows", staticmethod(refuse_one))
    got = by_name(api.import_paths([folder], store, budget=None))
    assert got["r003.txt"].error == "写入数据库失败：numeric field overflow"
    assert all(got[f"r00{i}.txt"].created for i in (1, 2, 4, 5))  # r000.txt: a copy of copy.txt
    assert store.count_reports() == 5
