"""HTML reader: report pages in portal-like templates read back to the same cells and header facts."""

from __future__ import annotations

import pytest

from tests.conftest import SEEDS
from tests.parse.portals import cms_page, gov_portal
from zfxxgk.model import CellState
from zfxxgk.parse import ParseError, detect_format, parse_bytes, parse_file
from zfxxgk.render import render

TEMPLATES = {"plain": lambda r: render(r, "html"), "gov_portal_gbk": gov_portal, "cms_split_tables": cms_page}


@pytest.mark.parametrize("template", sorted(TEMPLATES))
@pytest.mark.parametrize("seed", SEEDS, ids=[p.stem[:3] for p in SEEDS])
def test_seed_pages_read_back(seed, template):
    report = parse_file(seed)
    page = TEMPLATES[template](report)
    assert detect_format(page, "page.htm") == "html"
    back = parse_bytes(page, "page.htm")
    assert back.format == "html"
    assert back.to_dict()["cells"] == report.to_dict()["cells"]
    assert (back.unit, back.year, back.period) == (report.unit, report.year, report.period)
    assert sorted(back.sections) == [1, 2, 3, 4, 5, 6]
    assert [n.kind.value for n in back.notes] == []


def test_blank_html_cell_stays_blank_and_has_a_locator():
    report = parse_file(next(p for p in SEEDS if p.name.startswith("001")))
    back = parse_bytes(cms_page(report), "x.html")
    cell = back.cells["t3.granted.natural_person"]
    assert cell.state is CellState.BLANK and str(cell.span).startswith("html:表")


def test_malformed_spans_do_not_crash():
    page = ('<html><body><p>甲镇人民政府2024年政府信息公开工作年度报告</p><table><tr><td rowspan="abc" colspan="-3">'
            "行政复议</td><td colspan=\"9999\">行政诉讼</td></tr></table></body></html>").encode()
    report = parse_bytes(page, "bad.html")
    assert report.unit == "甲镇人民政府"


def test_binary_garbage_with_html_extension_is_an_error():
    with pytest.raises(ParseError):
        parse_bytes(b"\x00\x01\x02" * 100, "fake.html")


def test_portal_publication_date_is_taken_from_the_page():
    report = parse_file(SEEDS[0])
    back = parse_bytes(gov_portal(report), "p.html")
    assert str(back.published_on) == "2025-01-15" and back.signed_on == report.signed_on
    assert back.to_dict()["published"] == "2025-01-15"
