"""End-to-end tests in a real headless Chromium: the issue's “done when” scenario and the new pages."""

from __future__ import annotations

import re

import openpyxl

from tests.conftest import SEEDS
from tests.e2e.server import FILER_UNIT, login


def report_id_of(server, unit: str) -> int:
    from zfxxgk.store.queries import unit_reports

    return unit_reports(server.store, unit)[0].id


def test_upload_review_and_export_scenario(live, page, tmp_path):
    """Log in, upload the five seeds, open a report, confirm a finding, download the xlsx."""
    login(page, live.url, "admin")
    page.get_by_test_id("nav-upload").click()
    page.get_by_test_id("upload-files").set_input_files([str(p) for p in SEEDS])
    page.get_by_test_id("upload-submit").click()
    rows = page.get_by_test_id("upload-row")
    rows.first.wait_for()
    assert rows.count() == len(SEEDS)
    assert [rows.nth(i).get_attribute("data-status") for i in range(rows.count())] == ["imported"] * len(SEEDS)
    assert "已导入 5 个" in page.get_by_test_id("upload-summary").inner_text()

    # the report list shows all five; open the one with errors (涧头集镇)
    page.get_by_test_id("nav-reports").click()
    assert "共 5 份报告" in page.get_by_test_id("result-count").inner_text()
    page.get_by_test_id("report-link").filter(has_text="涧头集镇").click()
    page.wait_for_url(re.compile(r"/reports/\d+$"))
    finding = page.locator('[data-testid="finding"].sev-error').first
    fingerprint = finding.get_attribute("data-fingerprint")
    assert finding.get_by_text("尚未审核").is_visible()
    finding.get_by_test_id("decision-confirmed").check()
    finding.get_by_test_id("review-comment").fill("浏览器测试：问题属实")
    finding.get_by_test_id("review-submit").click()
    page.wait_for_load_state()
    # the decision is stored: a fresh load of the page shows it on the same finding
    page.reload()
    stored = page.locator(f'[data-fingerprint="{fingerprint}"]').get_by_test_id("decision")
    assert "审核结论：确认" in stored.inner_text()
    assert "浏览器测试：问题属实" in stored.inner_text()
    assert "admin" in stored.inner_text()

    # the report list's Excel export, downloaded by the browser and opened with openpyxl
    page.get_by_test_id("nav-reports").click()
    with page.expect_download() as info:
        page.get_by_test_id("export-xlsx").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    target = tmp_path / "export.xlsx"
    download.save_as(target)
    wb = openpyxl.load_workbook(target)
    text = "\n".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None)
    for unit in ("乔官镇", "大封镇", "官庄镇", "鄌郚镇", "涧头集镇"):
        assert unit in text
    # the 问题清单 row of the confirmed finding carries the decision, the reviewer and the remark
    rows = [[c.value for c in row] for ws in wb.worksheets for row in ws.iter_rows()]
    mine = [r for r in rows if fingerprint in r]
    assert len(mine) == 1
    assert "浏览器测试：问题属实" in mine[0] and "admin" in mine[0]


def test_script_in_uploaded_report_is_text(live, page, tmp_path):
    """A <script> in an uploaded report is shown as text on the report page; no dialog fires."""
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    text = SEEDS[0].read_text(encoding="utf-8")
    evil = "<script>alert('xss')</script><img src=x onerror=\"alert('img')\">"
    lines = text.split("\n")
    lines.insert(len(lines) // 2, evil)
    crafted = tmp_path / "脚本测试.txt"
    crafted.write_text("\n".join(lines), encoding="utf-8")
    login(page, live.url, "admin")
    page.goto(live.url + "/upload")
    page.get_by_test_id("upload-files").set_input_files(str(crafted))
    page.get_by_test_id("upload-submit").click()
    page.get_by_test_id("upload-row").first.wait_for()
    assert page.get_by_test_id("upload-row").first.get_attribute("data-status") == "imported"
    page.get_by_test_id("upload-row").first.locator("a").click()
    page.wait_for_url(re.compile(r"/reports/\d+$"))
    source = page.get_by_test_id("source")
    assert evil in source.inner_text()
    assert page.locator("script:not([src])").count() == 0
    assert page.locator("img[src=x]").count() == 0
    page.wait_for_timeout(300)  # a dialog would have fired on parse; give the event loop a turn
    assert dialogs == []


def test_filing_live_error_and_refusal(live_seeded, page):
    """The filing form shows a live error when a 勾稽关系 is broken and does not let the report be generated."""
    source = report_id_of(live_seeded, FILER_UNIT)
    login(page, live_seeded.url, "filer")
    assert page.get_by_test_id("nav-stats").count() == 0
    page.get_by_test_id("nav-filing").click()
    page.goto(live_seeded.url + f"/filing?from={source}")
    status = page.get_by_test_id("live-status")
    status.filter(has_text="可以生成年报").wait_for()
    docx = page.get_by_test_id("render-docx")
    assert docx.is_enabled()
    assert page.get_by_test_id("field-unit").input_value() == FILER_UNIT

    total = page.locator('input[name="t3.new_received.total"]')
    person = page.locator('input[name="t3.new_received.natural_person"]')
    before = int(total.input_value() or person.input_value() or 0)
    total.fill(str(before + 7))  # the row's total no longer adds up
    status.filter(has_text="暂不能生成").wait_for()
    cell = page.locator('td[data-field="t3.new_received.total"]')
    assert "sev-error" in (cell.get_attribute("class") or "")
    messages = page.locator('.table-msgs[data-table="t3"]').inner_text()
    assert "错误" in messages
    assert page.get_by_test_id("live-finding").filter(has_text="总计").count() >= 1
    assert docx.is_disabled()
    assert page.get_by_test_id("render-pdf").is_disabled()

    # a blank stays blank: clearing the total lets it be computed again, and the form is fine again
    total.fill("")
    status.filter(has_text="可以生成年报").wait_for()
    assert re.fullmatch(r"自动：\d+", total.get_attribute("placeholder") or "")
    assert total.input_value() == ""
    with page.expect_download() as info:
        docx.click()
    assert info.value.suggested_filename.endswith(".docx")


def test_dashboard_shows_charts(live_seeded, page):
    """The 统计 page shows its SVG charts with bars, the formulas and the rankings; a reviewer sees their region only."""
    login(page, live_seeded.url, "admin")
    page.get_by_test_id("nav-stats").click()
    page.get_by_test_id("stats-year").select_option("2024")
    page.get_by_test_id("stats-submit").click()
    page.get_by_test_id("chart-outcomes").wait_for()
    for chart in ("chart-outcomes", "chart-regions", "chart-disclosure_rate", "chart-review_correction_rate"):
        svg = page.get_by_test_id(chart).locator("svg")
        assert svg.is_visible()
        assert svg.bounding_box()["height"] > 100
    assert page.get_by_test_id("chart-outcomes").locator("rect.bar").count() > 0
    assert "计算公式" in page.get_by_test_id("metric-disclosure_rate").inner_text()
    assert page.get_by_test_id("ranking-findings").locator("tbody tr").count() == 3  # the three 2024 reports
    for name in ("山东省", "潍坊市", "昌乐县"):  # down the official divisions
        page.get_by_test_id("region-link").filter(has_text=name).click()
        assert name in page.get_by_test_id("stats-crumbs").inner_text()

    page.context.clear_cookies()
    login(page, live_seeded.url, "rev")
    page.goto(live_seeded.url + "/stats?year=2024")
    options = page.get_by_test_id("stats-region").locator("option").all_inner_texts()
    assert options and all(o.startswith("山东省/潍坊市/昌乐县") for o in options)
    assert page.get_by_test_id("ranking-findings").locator("tbody tr").count() == 1  # only 乔官镇 in 2024


def test_compare_units(live_seeded, page):
    """Two units side by side: differences highlighted, links to the reports."""
    login(page, live_seeded.url, "admin")
    page.get_by_test_id("nav-compare").click()
    a = page.get_by_test_id("units-a").locator("option", has_text="乔官镇").get_attribute("value")
    b = page.get_by_test_id("units-b").locator("option", has_text="大封镇").get_attribute("value")
    page.get_by_test_id("units-a").select_option(a)
    page.get_by_test_id("units-b").select_option(b)
    page.get_by_test_id("units-submit").click()
    result = page.get_by_test_id("units-result")
    result.wait_for()
    different = int(page.get_by_test_id("different-count").inner_text())
    assert different > 0
    assert page.get_by_test_id("different-row").count() == different
    page.get_by_test_id("only-different").check()
    visible = page.locator("#unit-cells tbody tr:visible").count()
    assert visible == different
    page.get_by_test_id("report-a").click()
    page.wait_for_url(re.compile(r"/reports/\d+$"))
    assert "乔官镇" in page.get_by_test_id("report-head").inner_text()
