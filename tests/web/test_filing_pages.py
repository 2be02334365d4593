"""在线填报 pages: roles, the JSON validate endpoint (CSRF), refusal of a broken 勾稽关系, a DOCX that reads back."""

from __future__ import annotations

import json

import pytest

from tests.conftest import SEEDS, gold_for
from tests.web.conftest import FILER_UNIT, page_csrf
from zfxxgk import filing
from zfxxgk.model import CELL_IDS
from zfxxgk.model.ids import t3
from zfxxgk.parse import parse_bytes, parse_file

SEED_000 = next(p for p in SEEDS if p.stem.startswith("000"))  # 乔官镇: no error finding
SEED_001 = next(p for p in SEEDS if p.stem.startswith("001"))  # 大封镇: the filer's unit, has blank cells


@pytest.fixture(scope="module")
def good_form() -> dict[str, str]:
    return filing.form_from_report(parse_file(SEED_000))


def broken(form: dict[str, str]) -> dict[str, str]:
    """The 本年新收 row total no longer adds up (a 勾稽关系 error)."""
    out = dict(form)
    cid = t3("new_received", "total")
    out[cid] = str(int(out[cid]) + 7)
    return out


def validate(client, form, csrf):
    return client.post("/filing/validate", content=json.dumps(form, ensure_ascii=False),
                       headers={"Content-Type": "application/json", "X-CSRF-Token": csrf})


def render(client, form, csrf, fmt="docx"):
    return client.post("/filing/render", data={"csrf_token": csrf, "fmt": fmt,
                                                "payload": json.dumps(form, ensure_ascii=False)})


def test_roles_and_navigation(client_for):
    filer, admin, rev = client_for("filer"), client_for("admin"), client_for("rev")
    page = filer.get("/filing")
    assert page.status_code == 200
    assert 'data-testid="nav-filing"' in page.text and 'data-testid="nav-stats"' not in page.text
    assert f'value="{FILER_UNIT}"' in page.text and "readonly" in page.text
    assert page.text.count('data-testid="cell-input"') == len(CELL_IDS)  # every cell of the three tables
    assert 'data-testid="table-t3"' in page.text and "法人或其他组织" in page.text and "（三）不予公开" in page.text
    assert admin.get("/filing").status_code == 200
    assert rev.get("/filing").status_code == 403
    assert rev.post("/filing/validate", content="{}", headers={"X-CSRF-Token": page_csrf(rev)}).status_code == 403
    assert client_for(None).get("/filing").status_code == 303


def test_validate_needs_the_csrf_header(client_for, good_form):
    filer = client_for("filer")
    no_header = filer.post("/filing/validate", content=json.dumps(good_form),
                           headers={"Content-Type": "application/json"})
    assert no_header.status_code == 403
    wrong = validate(filer, good_form, "not-the-token")
    assert wrong.status_code == 403
    ok = validate(filer, good_form, page_csrf(filer, "/filing"))
    assert ok.status_code == 200 and ok.json()["ok"] is True


def test_render_needs_the_csrf_token(client_for, good_form):
    filer = client_for("filer")
    r = filer.post("/filing/render", data={"fmt": "docx", "payload": json.dumps(good_form)})
    assert r.status_code == 403 and "安全校验未通过" in r.text


def test_broken_balance_is_a_live_error_on_the_cell(client_for, good_form):
    admin = client_for("admin")
    result = validate(admin, broken(good_form), page_csrf(admin, "/filing")).json()
    assert result["ok"] is False
    cid = t3("new_received", "total")
    errors = [f for f in result["findings"] if f["severity"] == "error" and cid in f["cells"]]
    assert errors, result["findings"]
    assert {f["fingerprint"] for f in errors} <= set(result["field_findings"][cid])
    assert result["labels"][cid].startswith("表三")
    assert any(f["rule"] in m for f in errors for m in result["messages"])


def test_broken_balance_is_refused_with_the_messages(client_for, good_form):
    admin = client_for("admin")
    r = render(admin, broken(good_form), page_csrf(admin, "/filing"))
    assert r.status_code == 400
    assert "text/html" in r.headers["content-type"]
    assert 'data-testid="filing-refused"' in r.text and "拒绝生成" in r.text
    v = filing.validate(broken(good_form))
    assert v.errors and all(f.rule in r.text for f in v.errors)
    # the typed values come back in the form, not lost
    assert f'value="{broken(good_form)[t3("new_received", "total")]}"' in r.text


def test_a_correct_filing_renders_a_docx_that_reads_back_to_the_same_cells(client_for, good_form):
    admin = client_for("admin")
    r = render(admin, good_form, page_csrf(admin, "/filing"))
    assert r.status_code == 200, r.text[:500]
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert ".docx" in r.headers["content-disposition"]
    back = parse_bytes(r.content, "filing.docx")
    assert back.format == "docx"
    assert back.to_dict()["cells"] == gold_for(SEED_000)["cells"]
    assert back.unit == good_form["unit"]


def test_a_filer_files_for_their_own_unit_and_blanks_stay_blank(client_for):
    filer = client_for("filer")
    form = filing.form_from_report(parse_file(SEED_001))
    gold = gold_for(SEED_001)["cells"]
    blank = {c for c, v in gold.items() if v is None}
    assert blank
    form["unit"] = "别的县某某镇人民政府"  # ignored: a filer files for their own unit
    csrf = page_csrf(filer, "/filing")
    result = validate(filer, form, csrf).json()
    assert result["ok"] is True
    assert set(result["filled"]) <= set(filing.COMPUTED)  # only totals whose parts are all known are filled
    r = render(filer, form, csrf)
    assert r.status_code == 200, r.text[:500]
    back = parse_bytes(r.content, "filing.docx")
    assert back.unit == FILER_UNIT
    cells = back.to_dict()["cells"]
    filled = set(result["filled"])
    for c in blank - filled:
        assert cells[c] is None  # blank, never 0


def test_prefill_from_a_report_only_within_scope(client_for, store):
    from zfxxgk.store.queries import unit_reports

    filer = client_for("filer")
    own = unit_reports(store, FILER_UNIT)[0].id
    other = unit_reports(store, "昌乐县乔官镇人民政府")[0].id
    page = filer.get(f"/filing?from={own}")
    assert page.status_code == 200 and 'data-testid="filing-note"' in page.text
    assert filer.get(f"/filing?from={other}").status_code == 404


def test_a_filer_submits_a_correct_report_into_the_store_and_sees_it(client_for, store):
    filer = client_for("filer")
    form = filing.form_from_report(parse_file(SEED_001))  # its own 2024 report, filed online this time
    before = store.count_reports()
    r = render(filer, form, page_csrf(filer, "/filing"), fmt="store")
    assert r.status_code == 303, r.text[:500]
    report_id = int(r.headers["location"].split("/reports/")[1].split("?")[0])
    # the unit's 2024 report was imported before: the filed one is a new version of it, and current
    assert store.count_reports() == before
    assert [v.report_id for v in store.versions(report_id) if v.current] == [report_id]
    assert len(store.versions(report_id)) == 2
    stored = store.load(report_id)
    assert (stored.unit, stored.year, stored.format) == (FILER_UNIT, 2024, "docx")
    assert stored.to_dict()["cells"] == gold_for(SEED_001)["cells"] | {c: stored.value(c) for c in filing.COMPUTED}
    assert filer.get(f"/reports/{report_id}").status_code == 200  # within the filer's own scope


def test_a_broken_report_cannot_be_submitted(client_for, store, good_form):
    admin = client_for("admin")
    before = store.count_reports()
    r = render(admin, broken(good_form), page_csrf(admin, "/filing"), fmt="store")
    assert r.status_code == 400 and "拒绝生成" in r.text
    assert store.count_reports() == before


def test_a_filer_files_for_their_own_unit_only(client_for, store):
    filer = client_for("filer")  # 武陟县大封镇; the form names another unit
    form = filing.form_from_report(parse_file(SEED_000))  # 乔官镇's report
    r = render(filer, form, page_csrf(filer, "/filing"), fmt="store")
    assert r.status_code == 303, r.text[:300]
    report_id = int(r.headers["location"].split("/reports/")[1].split("?")[0])
    assert store.load(report_id).unit == FILER_UNIT
    assert client_for("rev").post("/filing/render", data={"csrf_token": page_csrf(client_for("rev"))}).status_code == 403
