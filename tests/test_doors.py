"""One spine: a report's stored cells and findings do not depend on the door it came in by.

import ≡ reverse-order import ≡ batch (process pool, Dask) ≡ web upload, on a corpus with consecutive
years of several units (carry-over mismatches, a heading the rules flag, a non-report, a duplicate).
"""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tests.parse.builders import text_with
from tests.web.conftest import PASSWORDS, login, page_csrf
from zfxxgk import api
from zfxxgk.app import batch_import, recheck
from zfxxgk.check import check
from zfxxgk.model.ids import t3
from zfxxgk.parse import parse_bytes
from zfxxgk.store import Store
from zfxxgk.store import users as users_mod
from zfxxgk.web import create_app

UNITS = ["东风县红旗镇人民政府", "东风县新华镇人民政府", "西山市城关街道办事处"]
NOTE = "你好，这是一份会议通知。\n请各单位于下周一上午九点到会。\n".encode()


def carry(n: int, over: bool = False) -> dict[str, int]:
    """A year that ends with n applications carried forward (all from natural persons); ``over``: it
    also took n over from the year before and granted n (its identities hold either way).
    """
    rows = ["new_received", "carried_forward"] + (["carried_over", "granted", "total_processed"] if over else [])
    return {t3(r, c): n for r in rows for c in ("natural_person", "total")}


def corpus(folder):
    """Three units × 2022–2024: the first unit's 2024 forgets the carry-over; a flagged heading; junk."""
    folder.mkdir()
    for u, unit in enumerate(UNITS):
        for year in (2022, 2023, 2024):
            text = text_with(carry(u + 1, year == 2023) if year < 2024 else {}, year=year, unit=unit, layout=("tsv", "cells")[u % 2])
            if u == 1 and year == 2023:
                text = text.replace("二、主动公开政府信息情况", "三、主动公开政府信息")
            (folder / f"{u}_{year}.txt").write_text(text, encoding="utf-8")
    (folder / "通知.txt").write_bytes(NOTE)
    # the same bytes twice: one report, whichever copy comes first (same name: evidence names the source)
    (folder / "copy").mkdir()
    (folder / "copy" / "0_2023.txt").write_bytes((folder / "0_2023.txt").read_bytes())
    return folder


def snapshot(store: Store) -> dict:
    """Everything a door could change, keyed by content: unit, year, cells, findings with their evidence."""
    from zfxxgk.store.schema import ReportRow

    with store.session() as s:
        rows = {r.id: r.source_hash for r in s.scalars(select(ReportRow))}
    out = {}
    for rid, digest in rows.items():
        report = store.load(rid)
        findings = sorted((f.fingerprint, f.rule, f.severity, f.message, json.dumps(f.evidence, sort_keys=True))
                          for f, _ in store.findings(rid))
        out[digest] = (report.unit, report.year, report.to_dict()["cells"], findings)
    return out


@pytest.fixture
def folder(tmp_path):
    return corpus(tmp_path / "in")


@pytest.fixture
def imported(folder, tmp_path):
    store = Store(str(tmp_path / "import.db"))
    outcomes = list(api.import_paths([folder], store))
    yield store, outcomes
    store.close()


def test_import_stores_reports_only_with_cross_year_findings(imported):
    store, outcomes = imported
    refused = [o for o in outcomes if o.error]
    assert [o.source.rsplit("/", 1)[-1] for o in refused] == ["通知.txt"]
    assert "不是政府信息公开工作年度报告" in refused[0].error
    assert store.count_reports() == 9
    rules = {(u, y): {f.rule for f, _ in store.findings(store.find_report(u, y))} for u in UNITS for y in (2023, 2024)}
    assert {"XY-CARRY-natural_person", "XY-CARRY-total"} <= rules[(UNITS[0], 2024)]
    assert not any(r.startswith("XY-CARRY") for r in rules[(UNITS[0], 2023)])  # 2022 carried 1, 2023 carried 1 over
    assert {"STRUCT-SECTION-NUMBER", "STRUCT-SECTION-TITLE"} <= rules[(UNITS[1], 2023)]


def test_reverse_order_import_gives_the_same_database(imported, folder, tmp_path):
    reverse = Store(str(tmp_path / "reverse.db"))
    list(api.import_paths(sorted(folder.rglob("*.txt"), reverse=True), reverse))
    assert snapshot(reverse) == snapshot(imported[0])


@pytest.mark.parametrize(("engine", "chunk"), [("local", 2), ("local", 64), ("dask", 3)])
def test_batch_gives_the_same_database_as_import(imported, folder, tmp_path, engine, chunk):
    """Regression: batch checked without the previous year and re-checked nothing (no XY-CARRY at all)."""
    store = Store(str(tmp_path / f"batch-{engine}-{chunk}.db"))
    stats = batch_import([folder], store, workers=2, chunk=chunk, engine=engine)
    assert (stats.imported, stats.failed, stats.skipped) == (9, 1, 1)
    assert snapshot(store) == snapshot(imported[0])


def test_web_upload_gives_the_same_database_as_import(imported, folder, tmp_path):
    store = Store(str(tmp_path / "web.db"))
    users_mod.add_user(store, "admin", PASSWORDS["admin"], "admin")
    client = TestClient(create_app(store, secret="s"), follow_redirects=False)
    assert login(client, "admin").status_code == 303
    files = [("files", (p.name, p.read_bytes(), "text/plain")) for p in sorted(folder.rglob("*.txt"), reverse=True)]
    assert client.post("/upload", data={"csrf_token": page_csrf(client, "/upload")}, files=files).status_code == 200
    assert snapshot(store) == snapshot(imported[0])


def test_a_zip_with_a_note_and_an_old_word_file_imports_no_report(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", b"hello world\n")
        z.writestr("readme.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    store = Store(str(tmp_path / "z.db"))
    users_mod.add_user(store, "admin", PASSWORDS["admin"], "admin")
    client = TestClient(create_app(store, secret="s"), follow_redirects=False)
    login(client, "admin")
    r = client.post("/upload", data={"csrf_token": page_csrf(client, "/upload")},
                    files=[("files", ("notes.zip", buf.getvalue(), "application/zip"))])
    assert r.status_code == 200 and store.count_reports() == 0
    assert len(store.import_errors()) == 2


def test_a_correction_that_changes_nothing_changes_no_finding(imported):
    """Regression: the store forgot the printed ordinal, so a no-op correction lost STRUCT-SECTION-*."""
    store, _ = imported
    rid = store.find_report(UNITS[1], 2023)
    before = sorted((f.fingerprint, f.message) for f, _ in store.findings(rid))
    value = store.load(rid).value(t3("granted", "total"))
    store.correct(rid, {t3("granted", "total"): value}, "张三", "核对，未改")
    api.recheck(store, rid)
    assert sorted((f.fingerprint, f.message) for f, _ in store.findings(rid)) == before


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.sampled_from([0, 1, 2]), st.sampled_from(["tsv", "cells", "grid"]), st.integers(0, 50), st.booleans())
def test_stored_report_checks_as_parsed(tmp_path, u, layout, n, variant):
    """parse → store → load → check equals parse → check, finding for finding."""
    text = text_with(carry(n), year=2023, unit=UNITS[u], layout=layout)
    if variant:
        text = text.replace("二、主动公开政府信息情况", "三、主动公开政府信息")
    data = text.encode()
    store = Store(str(tmp_path / f"h{u}{layout}{n}{variant}.db"))
    outcome = api.import_bytes(data, "r.txt", store)
    parsed = parse_bytes(data, "r.txt")
    assert store.load(outcome.report_id) == parsed
    stored = [f.to_dict() for f in check(store.load(outcome.report_id)).findings]
    assert stored == [f.to_dict() for f in check(parsed).findings]
    store.close()


def in_stored_order(store: Store) -> dict[int, list[tuple]]:
    """Each report's findings as stored, in their order (the writer merges cross-year findings into them)."""
    return {rid: [(f.rule, f.severity, f.fingerprint, f.message, json.dumps(f.evidence, sort_keys=True))
                  for f, _ in store.findings(rid)] for rid in store.report_ids()}


@pytest.mark.parametrize("door", ["import", "reverse", "batch"])
def test_the_writers_cross_year_findings_are_those_of_a_whole_check(folder, tmp_path, door):
    """The writer re-runs only the cross-year rules on a new report and on a stored following year, and
    merges them into the other findings: a whole check of every report afterwards changes nothing, order
    included. In reverse order every following year is stored first and merged into.
    """
    store = Store(str(tmp_path / f"{door}.db"))
    if door == "batch":
        batch_import([folder], store, workers=2, chunk=2)
    else:
        list(api.import_paths(sorted(folder.rglob("*.txt"), reverse=door == "reverse"), store))
    merged = in_stored_order(store)
    assert any(r.startswith("XY-CARRY") for found in merged.values() for r, *_ in found)
    assert any(not r.startswith("XY-") and r != "TXT-GROWTH-NEW" for found in merged.values() for r, *_ in found)
    for rid in store.report_ids():
        recheck(store, rid)
    assert in_stored_order(store) == merged
