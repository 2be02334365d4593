"""整改 and 报告审核结论 on the web: a reviewer confirms a finding, lists it for 整改 and returns the report;
the filing unit sees the verdict and downloads its 审核意见书; a reviewer downloads the 通报."""

from __future__ import annotations

import io

from docx import Document

from tests.conftest import SEEDS
from tests.web.conftest import FILER_UNIT, page_csrf
from zfxxgk import api
from zfxxgk.app import rectify


def a_finding(store, report_id):
    return next(f for f, _ in store.findings(report_id) if f.severity in ("error", "warning"))


def test_a_reviewer_lists_a_confirmed_finding_for_rectification_and_returns_the_report(client_for, store):
    rid = store.find_report(api.parse(SEEDS[0]).unit, 2024)  # 乔官镇: in rev's 昌乐县
    fp = a_finding(store, rid).fingerprint
    rev = client_for("rev")
    page = rev.get(f"/reports/{rid}").text
    assert 'data-testid="verdict-none"' in page and 'data-testid="rectify-form"' not in page  # nothing confirmed yet
    token = page_csrf(rev, f"/reports/{rid}")
    assert rev.post(f"/reports/{rid}/findings/{fp}/rectify", data={"csrf_token": token}).status_code == 400
    assert rev.post(f"/reports/{rid}/findings/{fp}/review",
                    data={"decision": "confirmed", "csrf_token": token}).status_code == 303
    assert 'data-testid="rectify-form"' in rev.get(f"/reports/{rid}").text
    done = rev.post(f"/reports/{rid}/findings/{fp}/rectify",
                    data={"responsible": "乔官镇党政办", "due_on": "2025-06-30", "csrf_token": token})
    assert done.status_code == 303
    (item,) = rectify.items(store, report_id=rid)
    assert (item.responsible, str(item.due_on), item.created_by) == ("乔官镇党政办", "2025-06-30", "rev")
    assert rev.post(f"/reports/{rid}/verdict", data={"verdict": "return", "reasons": "", "csrf_token": token}
                    ).status_code == 303
    page = rev.get(f"/reports/{rid}").text
    assert 'data-verdict="return"' in page and "退回修改" in page and "乔官镇党政办" in page
    assert rev.post(f"/rectify/items/{item.id}", data={"status": "整改中", "note": "已通知", "csrf_token": token,
                                                      "back": f"/reports/{rid}"}).status_code == 303
    assert rectify.item(store, item.id).status == "in_progress"
    listing = rev.get("/rectify?year=2024").text
    assert f'id="item-{item.id}"' in listing and "整改中" in listing


def test_the_filing_unit_sees_the_verdict_and_reads_its_opinion_but_cannot_decide(client_for, store):
    rid = store.find_report(FILER_UNIT, 2024)
    rectify.decide(store, rid, "退回修改", ["第五部分未写明问题"], "rev")
    filer = client_for("filer")
    page = filer.get(f"/reports/{rid}").text
    assert 'data-verdict="return"' in page and "第五部分未写明问题" in page
    assert 'data-testid="verdict-form"' not in page
    token = page_csrf(filer, f"/reports/{rid}")
    assert filer.post(f"/reports/{rid}/verdict", data={"verdict": "pass", "csrf_token": token}).status_code == 403
    got = filer.get(f"/reports/{rid}/opinion.docx")
    assert got.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(got.content)).paragraphs)
    assert "审核意见书" in text and "第五部分未写明问题" in text
    other = store.find_report(api.parse(SEEDS[0]).unit, 2024)
    assert filer.get(f"/reports/{other}/opinion.docx").status_code == 404  # another unit's report
    assert filer.get("/rectify").status_code == 403


def test_a_reviewer_downloads_the_notice_of_their_region(client_for, store):
    rev = client_for("rev")
    got = rev.get("/rectify/notice.docx?year=2024")
    assert got.status_code == 200
    doc = Document(io.BytesIO(got.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "昌乐县2024年度政府信息公开工作年度报告审核情况的通报" in text
    units = {row.cells[1].text for t in doc.tables[1:2] for row in t.rows[1:]}
    assert units and all("昌乐县" in u or "乔官镇" in u or "鄌郚镇" in u for u in units)  # only their region
    assert rev.get("/rectify/notice.docx?year=2024&region=枣庄市").status_code == 400  # outside it
    pdf = rev.get("/rectify/notice.pdf?year=2024")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_the_corrected_upload_through_the_web_closes_the_item(client_for, store):
    from tests.parse.builders import text_with
    from zfxxgk.model.ids import t3

    unit = "昌乐县红河镇人民政府"  # in rev's 昌乐县
    rev = client_for("rev")

    def upload(name, values):
        data = text_with(values, unit=unit).encode("utf-8")
        r = rev.post("/upload", data={"csrf_token": page_csrf(rev, "/upload")},
                     files=[("files", (name, data, "application/octet-stream"))])
        assert r.status_code == 200
        return store.find_report(unit, 2024)

    rid = upload("红河镇.txt", {t3("new_received", "total"): 5})
    fp = next(f.fingerprint for f, _ in store.findings(rid) if f.rule == "T3-BALANCE-total")
    token = page_csrf(rev, f"/reports/{rid}")
    rev.post(f"/reports/{rid}/findings/{fp}/review", data={"decision": "confirmed", "csrf_token": token})
    assert rev.post(f"/reports/{rid}/findings/{fp}/rectify", data={"csrf_token": token}).status_code == 303
    fixed = upload("红河镇-修改后.txt", {})
    assert fixed != rid
    page = rev.get(f"/reports/{fixed}").text
    assert 'data-status="done"' in page and "已整改" in page and "问题已不存在" in page
