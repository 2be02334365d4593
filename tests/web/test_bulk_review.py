"""批量审核 on the report list: 确认/驳回 every finding that awaits a decision in the ticked reports (issue 20)."""

from __future__ import annotations

import re

from tests.web.conftest import db_digest, page_csrf
from zfxxgk.store.reviewing import awaits_decision

QIAOGUAN, DAFENG, GUANZHUANG, WUWU, JIANTOUJI = 1, 2, 3, 4, 5  # report ids of seeds 000…004


def _waiting(store, report_id: int) -> list[str]:
    return [f.fingerprint for f, d in store.findings(report_id)
            if awaits_decision(f.severity, d.decision if d is not None else None)]


def _pending_count(client) -> int:
    html = client.get("/reports?status=pending").text
    return int(re.search(r"共 <strong>(\d+)</strong> 份报告", html).group(1))


def _post(client, data: dict, query: str = ""):
    return client.post("/reports/review" + query, data={"csrf_token": page_csrf(client, "/reports"), **data})


def test_the_list_offers_the_form_to_reviewers_not_to_filers(admin, client_for):
    html = admin.get("/reports?year=2024").text
    assert 'data-testid="bulk-review"' in html and 'action="/reports/review?year=2024"' in html
    assert 'name="report" value="1" form="bulk-review"' in html
    filer = client_for("filer").get("/reports").text
    assert 'data-testid="bulk-review"' not in filer and 'data-testid="bulk-select"' not in filer


def test_bulk_confirm_decides_every_waiting_finding_and_the_pending_count_drops(admin, store):
    waiting = {r: _waiting(store, r) for r in (DAFENG, JIANTOUJI)}
    assert all(waiting.values())
    infos = [f.fingerprint for f, _ in store.findings(DAFENG) if f.severity == "info"]
    assert _pending_count(admin) == 4
    r = _post(admin, {"report": [str(DAFENG), str(JIANTOUJI)], "decision": "确认", "comment": "经核实属实"},
              "?year=2024&status=pending")
    assert r.status_code == 303 and r.headers["location"] == "/reports?year=2024&status=pending"
    total = sum(len(v) for v in waiting.values())
    page = admin.get(r.headers["location"]).text
    assert f"已确认 2 份报告的 {total} 个问题" in page
    assert _waiting(store, DAFENG) == [] and _waiting(store, JIANTOUJI) == []
    assert _pending_count(admin) == 2
    decided = {f.fingerprint: d for f, d in store.findings(DAFENG)}
    assert all(decided[fp].decision == "confirmed" and decided[fp].reviewer == "admin"
               and decided[fp].comment == "经核实属实" for fp in waiting[DAFENG])
    assert all(decided[fp] is None for fp in infos)  # 提示 need no decision


def test_bulk_reject_and_history_on_each_report(admin, store):
    fp = _waiting(store, DAFENG)[0]
    store.review(DAFENG, fp, "confirmed", "someone", "早先的结论")  # already decided: left alone
    rest = _waiting(store, DAFENG)
    r = _post(admin, {"report": [str(DAFENG), str(GUANZHUANG)], "decision": "驳回", "comment": "模板误报"})
    assert r.status_code == 303 and r.headers["location"] == "/reports"
    page = admin.get("/reports").text
    assert f"已驳回 1 份报告的 {len(rest)} 个问题" in page and "另有 1 份所选报告没有待复核的问题" in page
    findings = {f["fingerprint"]: f for f in admin.get(f"/api/reports/{DAFENG}/findings").json()}
    assert [d["decision"] for d in findings[fp]["history"]] == ["confirmed"]
    for other in rest:
        (entry,) = findings[other]["history"]
        assert entry["decision"] == "rejected" and entry["reviewer"] == "admin" and entry["comment"] == "模板误报"
    detail = admin.get(f"/reports/{DAFENG}").text
    assert "审核结论：<strong>驳回</strong>（admin，" in detail and "模板误报" in detail


def test_reviewer_decides_within_scope_only(client_for, store):
    rev = client_for("rev")  # 昌乐县: reports 1 and 4
    before = db_digest(store)
    r = _post(rev, {"report": [str(QIAOGUAN), str(JIANTOUJI)], "decision": "确认", "comment": "理由"})
    assert r.status_code in (403, 404)
    assert db_digest(store) == before  # refused before anything was written
    r = _post(rev, {"report": [str(QIAOGUAN), str(WUWU)], "decision": "确认", "comment": "理由"})
    assert r.status_code == 303
    assert _waiting(store, QIAOGUAN) == [] and _waiting(store, WUWU) == []
    assert {d.reviewer for f, d in store.findings(WUWU) if d is not None} == {"rev"}


def test_filer_is_refused(client_for, store):
    filer = client_for("filer")
    before = db_digest(store)
    r = _post(filer, {"report": [str(DAFENG)], "decision": "确认", "comment": "理由"})
    assert r.status_code == 403
    assert db_digest(store) == before


def test_empty_selection_unknown_word_missing_reason_and_csrf_are_refused(admin, store):
    before = db_digest(store)
    r = _post(admin, {"decision": "确认", "comment": "理由"})
    assert r.status_code == 400 and "没有勾选报告" in r.text
    r = _post(admin, {"report": [str(DAFENG)], "decision": "通过", "comment": "理由"})
    assert r.status_code == 400 and "未知的审核结论" in r.text
    r = _post(admin, {"report": [str(DAFENG)], "decision": "确认", "comment": "  "})
    assert r.status_code == 400 and "理由" in r.text
    r = _post(admin, {"report": ["abc"], "decision": "确认", "comment": "理由"})
    assert r.status_code == 400 and "编号无效" in r.text
    r = _post(admin, {"report": ["999"], "decision": "确认", "comment": "理由"})
    assert r.status_code == 404
    r = admin.post("/reports/review", data={"report": [str(DAFENG)], "decision": "确认", "comment": "理由"})
    assert r.status_code == 403  # no CSRF token
    assert db_digest(store) == before
