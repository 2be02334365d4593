"""Browser tests of the review pages (issue 20): 更正单元格 on the report page, printing, unit pickers."""

from __future__ import annotations

import re

from tests.conftest import SEEDS
from tests.e2e.server import login

CELL = "t3.granted.natural_person"


def test_reviewer_corrects_a_cell_on_the_report_page(live, page):
    from zfxxgk import api
    from zfxxgk.store.queries import unit_reports

    assert all(o.error is None for o in api.import_paths(SEEDS[:1], live.store))  # 昌乐县乔官镇: rev's region
    rid = unit_reports(live.store, "昌乐县乔官镇人民政府")[0].id
    login(page, live.url, "rev")
    page.goto(f"{live.url}/reports/{rid}")
    page.get_by_test_id("correct-cells").locator("summary").click()
    page.get_by_test_id("correct-filter").fill("予以公开 自然人")
    rows = page.locator("tr[data-correct-cell]:visible")
    assert rows.count() == 1 and "第" in rows.first.inner_text()  # the source line beside the value
    page.locator(f'td[data-cell="{CELL}"]').click()  # a click on the table's cell goes to its field
    field = page.get_by_test_id(f"correct-value-{CELL}")
    assert field.evaluate("e => e === document.activeElement")
    field.fill("9")
    page.get_by_test_id("correct-reason-t3").fill("与原文核对")
    page.get_by_test_id("correct-submit-t3").click()
    page.wait_for_url(re.compile(rf"/reports/{rid}#corrections$"))
    assert page.locator(f'td[data-cell="{CELL}"]').inner_text() == "9"
    record = page.get_by_test_id("corrections").locator("table tbody tr").first.inner_text()
    assert "表三·（一）予以公开·自然人" in record and "与原文核对" in record and "rev" in record
    assert "第 1 版" in page.get_by_test_id("report-head").inner_text()
    assert live.store.corrections(rid)[0].author == "rev"


def test_printing_a_report_shows_the_content_only_and_whole_tables(live_seeded, page):
    from zfxxgk.store.queries import unit_reports

    rid = unit_reports(live_seeded.store, "武陟县大封镇人民政府")[0].id
    login(page, live_seeded.url, "admin")
    page.set_viewport_size({"width": 718, "height": 1000})  # A4 less the margins, at 96 dpi
    page.goto(f"{live_seeded.url}/reports/{rid}")
    chrome = ("nav-reports", "logout", "review-form", "version-form", "correct-cells", "source-panel", "report-downloads")
    assert all(page.get_by_test_id(t).first.is_visible() for t in chrome)  # on screen
    page.emulate_media(media="print")
    for hidden in chrome:
        assert not page.get_by_test_id(hidden).first.is_visible(), hidden
    for table in ("t2", "t3", "t4"):
        t = page.get_by_test_id(f"table-{table}")
        assert t.is_visible()
        right = t.evaluate("e => e.getBoundingClientRect().right")
        assert right <= page.evaluate("document.documentElement.clientWidth") + 1, table  # not cut at the edge
    assert page.locator("table.std tr").first.evaluate("e => getComputedStyle(e).breakInside") == "avoid"
    assert page.get_by_test_id("findings").is_visible()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")


def test_compare_unit_pickers_are_searchable(live_seeded, page):
    login(page, live_seeded.url, "admin")
    page.get_by_test_id("nav-compare").click()
    page.get_by_test_id("units-a-filter").fill("乔官")
    assert "乔官镇" in page.get_by_test_id("units-a").locator("option:checked").inner_text()
    page.get_by_test_id("units-b-filter").fill("武陟 大封")  # every word, in any order
    assert "大封镇" in page.get_by_test_id("units-b").locator("option:checked").inner_text()
    visible = page.get_by_test_id("units-b").evaluate("s => [...s.options].filter(o => o.value && !o.hidden).length")
    assert visible == 1
    page.get_by_test_id("units-b-filter").press("Enter")  # choosing does not submit the form
    assert page.get_by_test_id("units-result").count() == 0
    page.get_by_test_id("units-submit").click()
    page.get_by_test_id("units-result").wait_for()
    assert int(page.get_by_test_id("different-count").inner_text()) > 0
    page.get_by_test_id("yoy-unit-filter").fill("不存在的单位")
    assert "没有匹配的" in page.get_by_test_id("yoy-form").inner_text()


def test_a_pdf_report_shows_the_cell_on_its_page(live, page, tmp_path):
    from zfxxgk import api
    from zfxxgk.parse import parse_file
    from zfxxgk.render import render

    path = tmp_path / "乔官镇2024.pdf"
    path.write_bytes(render(parse_file(SEEDS[0]), "pdf"))
    (outcome,) = list(api.import_paths([path], live.store))
    login(page, live.url, "rev")
    page.goto(f"{live.url}/reports/{outcome.report_id}")
    image = page.get_by_test_id("page-image")
    image.wait_for()
    assert image.evaluate("i => i.complete && i.naturalWidth > 0")
    page.locator(f'td[data-cell="{CELL}"]').click()
    box = page.get_by_test_id("cell-box")
    assert box.is_visible()
    b, i = box.bounding_box(), image.bounding_box()
    assert i["x"] <= b["x"] and b["x"] + b["width"] <= i["x"] + i["width"]  # on the page,
    assert 0 < b["width"] < i["width"] / 4 and 0 < b["height"] < i["height"] / 20  # the size of one cell
    number = page.get_by_test_id("page-number").inner_text()
    page.get_by_test_id("page-next").click()
    assert page.get_by_test_id("page-number").inner_text() != number and not box.is_visible()
