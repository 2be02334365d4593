"""The JSON API and its OpenAPI schema."""

from __future__ import annotations

from tests.web.conftest import page_csrf

API_PATHS = {"/api/reports", "/api/reports/{report_id}", "/api/reports/{report_id}/findings",
             "/api/reports/{report_id}/findings/{fingerprint}/review", "/api/units/{unit_id}/years", "/api/rules"}


def test_openapi_schema_lists_the_api(admin):
    schema = admin.get("/api/openapi.json").json()
    assert API_PATHS <= set(schema["paths"])
    assert not any(p.startswith(("/reports", "/users", "/upload")) for p in schema["paths"])  # pages stay out
    assert schema["paths"]["/api/reports"]["get"]["summary"] == "报告列表"
    cell = schema["components"]["schemas"]["CellOut"]
    assert "绝不记为 0" in cell["description"] and cell["properties"]["state"]["description"].startswith("number")
    assert "HTTPBearer" in schema["components"]["securitySchemes"]


def test_report_list_api_filters_and_pages(admin):
    page = admin.get("/api/reports?per_page=2").json()
    assert page["total"] == 5 and len(page["items"]) == 2 and page["page"] == 1
    assert [i["id"] for i in admin.get("/api/reports?status=error").json()["items"]] == [5]
    assert {i["id"] for i in admin.get("/api/reports?region=昌乐县").json()["items"]} == {1, 4}
    assert {i["id"] for i in admin.get("/api/reports?region=枣庄市/台儿庄区").json()["items"]} == {5}
    assert admin.get("/api/reports?region=火星").status_code == 404
    item = admin.get("/api/reports?unit=大封").json()["items"][0]
    assert item["findings"] == {"error": 0, "warning": 4, "info": 14} and item["status"] == "warning"
    assert item["pending"] is True and item["region"] == "河南省/焦作市/武陟县"


def test_report_api_has_all_cells_with_state_and_provenance(admin):
    from zfxxgk.model import CELL_IDS

    body = admin.get("/api/reports/2").json()
    assert [c["id"] for c in body["cells"]] == list(CELL_IDS)
    blank = next(c for c in body["cells"] if c["id"] == "t3.new_received.natural_person")
    assert blank["state"] == "blank" and blank["value"] is None and blank["line"] == 51
    total = next(c for c in body["cells"] if c["id"] == "t3.new_received.total")
    assert total["state"] == "number" and total["value"] == 1
    assert body["period_start"] == "2024-01-01" and body["findings"]["warning"] == 4


def test_findings_api_and_review(admin, store):
    findings = admin.get("/api/reports/5/findings").json()
    assert [f["severity"] for f in findings][:3] == ["error", "error", "error"]
    fp = findings[0]["fingerprint"]
    assert findings[0]["decision"] is None and findings[0]["rule_page"]
    without = admin.post(f"/api/reports/5/findings/{fp}/review", json={"decision": "confirmed"})
    assert without.status_code == 403
    token = page_csrf(admin)
    bad = admin.post(f"/api/reports/5/findings/{fp}/review", json={"decision": "maybe"}, headers={"X-CSRF-Token": token})
    assert bad.status_code == 422
    missing = admin.post("/api/reports/5/findings/ffff/review", json={"decision": "confirmed"},
                         headers={"X-CSRF-Token": token})
    assert missing.status_code == 404
    ok = admin.post(f"/api/reports/5/findings/{fp}/review", json={"decision": "confirmed", "comment": "属实"},
                    headers={"X-CSRF-Token": token})
    assert ok.status_code == 200
    assert ok.json()["decision"] | {"decided_at": None} == {"decision": "confirmed", "decision_cn": "确认",
                                                             "reviewer": "admin", "comment": "属实", "decided_at": None}
    assert dict((f.fingerprint, d.comment) for f, d in store.findings(5) if d) == {fp: "属实"}


def test_rules_api(admin):
    rules = admin.get("/api/rules").json()
    assert len(rules) >= 70
    balance = next(r for r in rules if r["id"] == "T3-BALANCE-{c}")
    assert balance["severity"] == "error" and "T3-BALANCE-total" in balance["instances"] and balance["page"] == "T3-BALANCE"


def test_me(client_for):
    assert client_for("rev").get("/api/me").json() == {"name": "rev", "role": "reviewer", "scope": "山东省/潍坊市/昌乐县"}
