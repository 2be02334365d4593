"""The store on SQLite and PostgreSQL: idempotent import, history-keeping corrections, durable reviews, migrations."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import SEEDS, SEEDS_DIR
from tests.parse.builders import text_with
from zfxxgk import api
from zfxxgk.check import check
from zfxxgk.model import CellState
from zfxxgk.model.ids import t3
from zfxxgk.parse import parse_file
from zfxxgk.store import Store, StoreError
from zfxxgk.store.db import migrate


def test_import_twice_gives_five_reports(store):
    first = list(api.import_paths([SEEDS_DIR], store))
    again = list(api.import_paths([SEEDS_DIR], store))
    assert [o.created for o in first] == [True] * 5 and [o.created for o in again] == [False] * 5
    assert [o.report_id for o in first] == [o.report_id for o in again]
    assert store.count_reports() == 5
    assert [o.errors for o in first] == [0, 0, 0, 0, 3]  # 004: section 四 and table 4 missing, table 3 truncated


def test_stored_report_equals_the_parse_and_keeps_its_source(store):
    list(api.import_paths([SEEDS_DIR], store))
    for rid, path in zip(store.report_ids(), SEEDS, strict=True):
        parsed = parse_file(path)
        loaded = store.load(rid)
        assert loaded.to_dict()["cells"] == parsed.to_dict()["cells"]
        assert {c.id: c.state for c in loaded.cells.values()} == {c.id: c.state for c in parsed.cells.values()}
        assert (loaded.unit, loaded.year, loaded.period, loaded.signed_on) == (parsed.unit, parsed.year, parsed.period,
                                                                               parsed.signed_on)
        name, data = store.source(rid)
        assert name == path.name and data == path.read_bytes()
        # a re-check of the stored report gives the same findings as checking the file
        assert [f.fingerprint for f in api.recheck(store, rid).findings] == [f.fingerprint for f in check(parsed).findings]


def test_correction_is_a_new_version_and_keeps_history(store):
    list(api.import_paths([SEEDS_DIR], store))
    rid = store.find_report("武陟县大封镇人民政府", 2024)
    cell = t3("granted", "natural_person")
    assert store.load(rid).cells[cell].state is CellState.BLANK
    version = store.correct(rid, {cell: 0}, "李四", "对照纸质原件补录")
    assert version == 1
    assert store.load(rid).cells[cell].value == 0
    assert store.load(rid, version=0).cells[cell].state is CellState.BLANK  # the original parse stays
    (c,) = store.corrections(rid)
    assert (c.cell_id, c.old_value, int(c.new_value), c.author, c.reason) == (cell, None, 0, "李四", "对照纸质原件补录")
    with pytest.raises(StoreError):
        store.correct(rid, {cell: 1}, "", "")
    with pytest.raises(StoreError):
        store.correct(rid, {"t9.none": 1}, "李四", "x")


def test_review_decision_survives_a_recheck(store):
    list(api.import_paths([SEEDS_DIR], store))
    rid = store.find_report("武陟县大封镇人民政府", 2024)
    finding = next(f for f, _ in store.findings(rid) if f.rule == "STRUCT-LABEL-VARIANT")
    store.review(rid, finding.fingerprint, "rejected", "张三", "OCR 识别错误，原件为“总计”")
    store.correct(rid, {t3("granted", "natural_person"): 0}, "李四", "补录")
    api.recheck(store, rid)
    decided = {f.fingerprint: d for f, d in store.findings(rid)}
    assert decided[finding.fingerprint].decision == "rejected" and decided[finding.fingerprint].reviewer == "张三"
    with pytest.raises(StoreError):
        store.review(rid, "0000000000000000", "confirmed", "张三")
    with pytest.raises(StoreError):
        store.review(rid, finding.fingerprint, "maybe", "张三")


def test_a_bad_file_mid_batch_leaves_the_others_committed(store, tmp_path):
    (tmp_path / "a.txt").write_text(text_with(year=2023), encoding="utf-8")
    (tmp_path / "b.pdf").write_bytes(b"%PDF-1.4 broken")
    (tmp_path / "c.txt").write_bytes(b"")
    (tmp_path / "d.txt").write_text(text_with(year=2024), encoding="utf-8")
    outcomes = list(api.import_paths([tmp_path], store))
    assert [(o.source.rsplit("/", 1)[-1], o.error is None) for o in outcomes] == [
        ("a.txt", True), ("b.pdf", False), ("c.txt", False), ("d.txt", True)]
    assert store.count_reports() == 2
    assert [e.source_name.rsplit("/", 1)[-1] for e in store.import_errors()] == ["b.pdf", "c.txt"]


def test_cross_year_rules_use_the_previous_year_from_the_store(store, tmp_path):
    unit = "东风县红旗镇人民政府"
    (tmp_path / "2023.txt").write_text(text_with({t3("carried_forward", "total"): 2, t3("carried_forward", "natural_person"): 2,
                                                  t3("new_received", "total"): 2, t3("new_received", "natural_person"): 2},
                                                 year=2023, unit=unit), encoding="utf-8")
    list(api.import_paths([tmp_path / "2023.txt"], store))
    (tmp_path / "2024.txt").write_text(text_with(year=2024, unit=unit), encoding="utf-8")
    list(api.import_paths([tmp_path / "2024.txt"], store))
    rid = store.find_report(unit, 2024)
    assert {"XY-CARRY-total", "XY-CARRY-natural_person"} <= {f.rule for f, _ in store.findings(rid)}


def test_migrations_upgrade_an_empty_database_and_one_with_data(tmp_path):
    from alembic import command
    from alembic.config import Config

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    cfg = Config()
    cfg.set_main_option("script_location", "src/zfxxgk/store/migrations")
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")  # the first schema
        conn.execute(text("INSERT INTO units (key, name) VALUES ('甲镇人民政府', '甲镇人民政府')"))
        conn.execute(text("INSERT INTO reports (unit_id, year, source_name, source_hash, source_bytes, source_size, format,"
                          " format_version, current_version, imported_at) VALUES (1, 2024, 'a.txt', 'h', x'00', 1,"
                          " 'text', '2021', 0, '2025-01-01 00:00:00')"))
    migrate(engine)  # upgrade with data in it
    with engine.begin() as conn:
        assert conn.execute(text("SELECT parser_version, year FROM reports")).one() == ("0.1.0", 2024)
        assert conn.execute(text("SELECT count(*) FROM cell_defs")).scalar() == 200
    engine.dispose()
    empty = Store(str(tmp_path / "new.db"))
    assert empty.count_reports() == 0
    empty.close()


def test_importing_an_earlier_year_rechecks_the_later_one(store, tmp_path):
    unit = "东风县红旗镇人民政府"
    (tmp_path / "2024.txt").write_text(text_with(year=2024, unit=unit), encoding="utf-8")
    list(api.import_paths([tmp_path / "2024.txt"], store))
    later = store.find_report(unit, 2024)
    assert not any(f.rule.startswith("XY-CARRY") for f, _ in store.findings(later))
    (tmp_path / "2023.txt").write_text(text_with({t3("carried_forward", "total"): 2, t3("carried_forward", "natural_person"): 2,
                                                  t3("new_received", "total"): 2, t3("new_received", "natural_person"): 2},
                                                 year=2023, unit=unit), encoding="utf-8")
    list(api.import_paths([tmp_path / "2023.txt"], store))
    assert {"XY-CARRY-total", "XY-CARRY-natural_person"} <= {f.rule for f, _ in store.findings(later)}


def test_the_same_file_committed_by_another_writer_meanwhile_is_a_duplicate(store):
    """Two uploads of one file at once: the loser of the race gets 重复, not an error."""
    path = SEEDS[0]
    data = path.read_bytes()
    report = parse_file(path)
    findings = check(report).findings
    other = Store(store.url)
    original = Store._units
    raced = []

    def units_after_the_other_writer(self, s, names, region):
        if self is store and not raced:  # the other writer commits after this one looked for the hash
            raced.append(None)
            raced[0] = other.import_report(path.name, data, report, findings)
        return original(self, s, names, region)

    try:
        Store._units = units_after_the_other_writer
        mine = store.import_report(path.name, data, report, findings)
    finally:
        Store._units = original
        other.close()
    assert raced[0].created and not mine.created
    assert mine.report_id == raced[0].report_id
    assert store.count_reports() == 1
