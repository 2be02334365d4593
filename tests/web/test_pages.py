"""报告列表 and 报告详情: filters, region tree, tables beside the source, findings, reviews, downloads, escaping."""

from __future__ import annotations

import io
import re

from tests.conftest import SEEDS
from tests.web.conftest import page_csrf
from zfxxgk import api
from zfxxgk.model import CELL_IDS
from zfxxgk.store import listing
from zfxxgk.store.users import get_user

QIAOGUAN, DAFENG, GUANZHUANG, WUWU, JIANTOUJI = 1, 2, 3, 4, 5  # report ids of seeds 000…004


def _listed(html: str) -> list[int]:
    return [int(x) for x in re.findall(r'<tr data-report-id="(\d+)"', html)]


def test_report_list_shows_everything_to_the_administrator(admin):
    r = admin.get("/reports")
    assert r.status_code == 200
    assert sorted(_listed(r.text)) == [1, 2, 3, 4, 5]
    assert "共 <strong>5</strong> 份报告" in r.text
    assert "错误 3" in r.text  # the badge of seed 004
    assert 'data-region="' in r.text and "昌乐县" in r.text


def test_report_list_filters(admin, store):
    assert _listed(admin.get("/reports?year=2024").text) == [1, 5, 2]  # year, then unit name
    assert _listed(admin.get("/reports?status=error").text) == [JIANTOUJI]
    assert set(_listed(admin.get("/reports?status=clean").text)) == {GUANZHUANG}  # only an info finding
    assert set(_listed(admin.get("/reports?status=warning").text)) == {QIAOGUAN, DAFENG, WUWU}
    assert set(_listed(admin.get("/reports?unit=乔官").text)) == {QIAOGUAN}
    assert set(_listed(admin.get("/reports?unit=%25").text)) == set()  # LIKE wildcards are literal
    region = re.search(r'data-region="(\d+)"[^>]*>昌乐县<', admin.get("/reports").text).group(1)
    assert set(_listed(admin.get(f"/reports?region={region}").text)) == {QIAOGUAN, WUWU}
    assert set(_listed(admin.get("/reports?year=abc&status=nonsense&region=x").text)) == {1, 2, 3, 4, 5}
    # 待复核: an error or warning without a decision (GUANZHUANG has only a 提示, which needs none)
    assert set(_listed(admin.get("/reports?status=pending").text)) == {1, 2, 4, 5}
    for f, _ in store.findings(DAFENG):
        store.review(DAFENG, f.fingerprint, "rejected", "admin")
    assert set(_listed(admin.get("/reports?status=pending").text)) == {1, 2, 4, 5} - {DAFENG}


def test_pagination(store):
    account = get_user(store, "admin")
    pages = [listing.list_reports(store, account, listing.Filters(page=n, per_page=2)) for n in (1, 2, 3, 9)]
    assert [len(p.items) for p in pages] == [2, 2, 1, 1]
    assert pages[0].total == 5 and pages[0].pages == 3 and pages[3].page == 3  # past the end: the last page
    assert sorted(i.id for p in pages[:3] for i in p.items) == [1, 2, 3, 4, 5]


def test_pager_links_keep_the_filters():
    from zfxxgk.web.templating import make_templates

    pager = make_templates().env.get_template("_pagination.html").module.pager
    f = listing.Filters(year=2024, unit="乔官", status="error", page=2, per_page=20)
    html = str(pager(listing.Page([], 95, 2, 20), f, "/reports"))
    assert 'href="/reports?year=2024&amp;unit=%E4%B9%94%E5%AE%98&amp;status=error&amp;page=3&amp;per_page=20"' in html
    assert "第 2/5 页" in html and "上一页</a>" in html
    assert "data-testid=\"pager\"" not in str(pager(listing.Page([], 5, 1, 20), f, "/reports"))


def test_report_detail_tables_source_and_findings(admin, store):
    r = admin.get(f"/reports/{DAFENG}")
    assert r.status_code == 200
    html = r.text
    assert all(f'data-cell="{cid}"' in html for cid in CELL_IDS)
    blank = re.search(r'<td class="value state-blank sev-warning" data-cell="t3.new_received.natural_person"[^>]*>([^<]*)</td>',
                      html)
    assert blank and blank.group(1) == "空白"  # a blank is shown as blank, coloured by its warning
    assert 'data-line="51"' in blank.group(0)
    zero = re.search(r'<td class="value state-number" data-cell="t2.regulation.issued"[^>]*>([^<]*)</td>', html)
    assert zero and zero.group(1) == "0"
    assert 'id="L51" data-line="51"' in html  # the source line beside the tables
    finding = re.search(r'data-rule="STRUCT-CELL-BLANK-t3" data-lines="([^"]*)" data-cells="([^"]*)"', html)
    assert finding and "51" in finding.group(1) and "t3.new_received.natural_person" in finding.group(2).split()
    assert 'href="/rules/STRUCT-CELL-BLANK"' in html
    assert "待复核 0/4" in html  # the 4 warnings await a decision; the 14 提示 need none (store.reviewing)
    assert "共 18 个；错误和警告 4 个，已审核 0 个" in html


def test_detail_of_a_report_with_errors(admin):
    html = admin.get(f"/reports/{JIANTOUJI}").text
    assert 'data-severity="error"' in html or "sev-error" in html
    assert "STRUCT-TABLE-MISSING-t4" in html
    assert 'class="value state-absent' in html  # table 4 is missing: its cells say 缺失, never 0
    assert "生成的文件末尾附问题清单" in html


def test_rule_reference_pages(admin):
    r = admin.get("/rules")
    assert r.status_code == 200 and "T3-BALANCE-{c}" in r.text
    r = admin.get("/rules/STRUCT-CELL-BLANK-t3")
    assert r.status_code == 200 and "规则实例：STRUCT-CELL-BLANK-t3" in r.text
    assert "<h2>不合格示例</h2>" in r.text and "<h2>依据</h2>" in r.text
    assert admin.get("/rules/NO-SUCH-RULE").status_code == 404


def test_review_round_trip(admin, store):
    fp = next(f.fingerprint for f, _ in store.findings(DAFENG) if f.rule == "STRUCT-CELL-BLANK-t3")
    token = page_csrf(admin)
    r = admin.post(f"/reports/{DAFENG}/findings/{fp}/review",
                   data={"csrf_token": token, "decision": "confirmed", "comment": "原件即为空白"})
    assert r.status_code == 303 and r.headers["location"] == f"/reports/{DAFENG}#f-{fp}"
    html = admin.get(f"/reports/{DAFENG}").text
    block = html[html.index(f'id="f-{fp}"'):]
    block = block[:block.index("</article>")]
    assert "审核结论：<strong>确认</strong>（admin，" in block and "原件即为空白" in block
    assert "已审核 1 个" in html
    admin.post(f"/reports/{DAFENG}/findings/{fp}/review", data={"csrf_token": token, "decision": "rejected"})
    decisions = admin.get(f"/api/reports/{DAFENG}/findings").json()
    (mine,) = [f for f in decisions if f["fingerprint"] == fp]
    assert mine["decision"]["decision"] == "rejected" and [d["decision"] for d in mine["history"]] == ["rejected", "confirmed"]
    assert dict((f.fingerprint, d.decision) for f, d in store.findings(DAFENG) if d)[fp] == "rejected"
    # the decision follows the finding through a re-check (same fingerprint)
    api.recheck(store, DAFENG)
    assert "审核记录（2 条）" in admin.get(f"/reports/{DAFENG}").text


def test_review_refuses_nonsense(admin, store):
    fp = store.findings(DAFENG)[0][0].fingerprint
    token = page_csrf(admin)
    r = admin.post(f"/reports/{DAFENG}/findings/{fp}/review", data={"csrf_token": token, "decision": "maybe"})
    assert r.status_code == 400 and "未知的审核结论" in r.text
    r = admin.post(f"/reports/{DAFENG}/findings/0000/review", data={"csrf_token": token, "decision": "confirmed"})
    assert r.status_code == 400 and "没有指纹" in r.text


def test_report_text_is_escaped_everywhere(admin, store, tmp_path):
    text = SEEDS[0].read_text(encoding="utf-8")
    evil = "<script>alert('x')</script>"
    text = text.replace("昌乐县乔官镇人民政府 2024", f"昌乐县{evil}镇人民政府 2024", 1)
    text = text.replace("2024 年，在县委", f"{evil}2024 年，在县委", 1)
    (tmp_path / "evil.txt").write_text(text, encoding="utf-8")
    (outcome,) = list(api.import_paths([tmp_path / "evil.txt"], store))
    assert outcome.report_id and outcome.created
    for path in (f"/reports/{outcome.report_id}", "/reports", "/reports?unit=script"):
        html = admin.get(path).text
        assert "<script>alert" not in html, path
        assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html, path


def test_xlsx_export_of_the_current_filter_opens(admin):
    from openpyxl import load_workbook

    r = admin.get("/export/xlsx?year=2024")
    assert r.status_code == 200
    assert "filename*=UTF-8''2024" in r.headers["content-disposition"]
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["报告数据", "问题清单", "指标说明"]
    ids = sorted(row[0] for row in wb["报告数据"].iter_rows(min_row=3, values_only=True))
    assert ids == [1, 2, 5]
    assert {row[0] for row in wb["问题清单"].iter_rows(min_row=2, values_only=True)} == {1, 2, 5}


def test_csv_exports(admin):
    reports = admin.get("/export/reports.csv?status=error")
    assert reports.content.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads the Chinese
    lines = reports.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("report_id,") and len(lines) == 2 and lines[1].startswith("5,")
    found = admin.get("/export/findings.csv?status=error").content.decode("utf-8-sig").splitlines()
    assert found[0].startswith("报告编号,") and all(line.startswith("5,") for line in found[1:]) and len(found) > 1
    assert admin.get("/export/pdf").status_code == 404


def test_docx_and_html_downloads(admin):
    from zfxxgk.parse import parse_bytes

    r = admin.get(f"/reports/{QIAOGUAN}/download/docx")
    assert r.status_code == 200 and r.content[:2] == b"PK"
    back = parse_bytes(r.content, "back.docx")
    assert back.unit == "昌乐县乔官镇人民政府" and back.year == 2024
    html = admin.get(f"/reports/{JIANTOUJI}/download/html")
    assert "附录：校验发现的问题" in html.content.decode("utf-8")  # errors: rendered with the findings appendix
    assert "附录" not in admin.get(f"/reports/{QIAOGUAN}/download/html").content.decode("utf-8")
    assert "attachment" in html.headers["content-disposition"]
    original = admin.get(f"/reports/{QIAOGUAN}/source")
    assert original.content == SEEDS[0].read_bytes()


def test_pdf_download(admin):
    r = admin.get(f"/reports/{JIANTOUJI}/download/pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    assert r.headers["content-type"] == "application/pdf"


def test_detail_of_a_docx_report_shows_its_text_and_cites_locators(admin, store, tmp_path):
    from zfxxgk import render
    from zfxxgk.parse import parse_file

    data = render.render(parse_file(SEEDS[2]), "docx")
    (tmp_path / "seed.docx").write_bytes(data)
    store_before = store.count_reports()
    (outcome,) = list(api.import_paths([tmp_path / "seed.docx"], store))
    # the same unit and year as the imported seed: a new version of its report, and the current one
    assert outcome.created and store.count_reports() == store_before
    assert [v.report_id for v in store.versions(outcome.report_id) if v.current] == [outcome.report_id]
    html = admin.get(f"/reports/{outcome.report_id}").text
    assert "本文件为Word（DOCX）" in html
    cell = re.search(r'data-cell="t3.new_received.total"[^>]*data-line="(\d+)" data-locator="(docx:[^"]+)"', html)
    assert cell, "the cell cites its line in the text read from the DOCX and its place in the Word table"
    line = re.search(rf'id="L{cell.group(1)}" data-line="{cell.group(1)}"[^>]*><span class="ln">\d+</span><span class="tx">([^<]*)</span>',
                     html)
    assert line and "本年新收" in line.group(1)
    assert f"位置：{cell.group(2)}" in html
