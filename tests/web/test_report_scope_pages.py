"""The report page's 报告范围 panel: an area report with its units' sums (reviewers, administrators), an own
report without them, no panel for a township."""

from __future__ import annotations

import re

from tests.store.test_area_scope import AREA_INTRO, OWN_INTRO, report_text
from tests.store.test_registry import FIVE, write_csv
from tests.web.conftest import login
from zfxxgk import api
from zfxxgk.model.ids import t3
from zfxxgk.store import users as users_mod
from zfxxgk.store.registry import import_registry

NEW, PROCESSED = t3("new_received", "total"), t3("total_processed", "total")
CHANGLE = "昌乐县人民政府"
AREA = AREA_INTRO.replace("临朐", "昌乐")


def put(store, unit, values, prose=None):
    outcome = api.import_bytes(report_text(unit, values, prose), f"{unit}.txt", store)
    assert outcome.error is None, outcome.error
    return outcome.report_id


def verdicts(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-testid="area-cell" data-cell="([^"]+)" data-verdict="(\w+)"', html))


def test_area_report_page_compares_with_the_townships(client_for, store, tmp_path):
    # 昌乐县: the sample 乔官镇 (1 application, 1 processed) and two more townships report; 五图街道 (registered) does not
    import_registry(store, write_csv(tmp_path / "r.csv", FIVE))
    gov = put(store, CHANGLE, {NEW: 30, PROCESSED: 2}, AREA)
    put(store, "昌乐县宝城街道办事处", {NEW: 4, PROCESSED: 4})
    put(store, "昌乐县红河镇人民政府", {NEW: None, PROCESSED: 1})
    for name in ("admin", "rev"):  # rev reviews 昌乐县
        page = client_for(name).get(f"/reports/{gov}")
        assert page.status_code == 200
        panel = page.text.split('data-testid="report-scope"')[1].split("</section>")[0]
        assert 'data-scope="area"' in page.text and ">全区域<" in panel
        assert "综合本县各乡镇人民政府" in panel  # the phrase the decision rests on
        summary = re.search(r'data-testid="area-summary">([^<]+)<', panel).group(1)
        assert "3 个下级单位已报送并计入合计" in summary and "1 个下级单位未报送" in summary
        assert "昌乐县五图街道办事处" in panel.split('data-testid="area-missing"')[1]
        assert verdicts(panel)[NEW] == "consistent" and verdicts(panel)[PROCESSED] == "suspicious"
        row = panel.split(f'data-cell="{PROCESSED}"')[1].split("</tr>")[0]
        assert re.findall(r'<td class="num">([^<]*)</td>', row) == ["2", "6", "3", "0", "-4"]  # 1 + 4 + 1
        row = panel.split(f'data-cell="{NEW}"')[1].split("</tr>")[0]
        assert re.findall(r'<td class="num">([^<]*)</td>', row) == ["30", "5", "3", "1", "+25"]  # a blank is not 0


def test_a_filer_sees_the_scope_but_no_other_units_figures(client_for, store):
    gov = put(store, CHANGLE, {NEW: 30}, AREA)
    users_mod.add_user(store, "gov", "gov-pass-1", "filer", unit=CHANGLE)
    c = client_for()
    assert login(c, "gov", "gov-pass-1").status_code == 303
    page = c.get(f"/reports/{gov}").text
    assert 'data-scope="area"' in page and 'data-testid="area-table"' not in page
    assert "昌乐县乔官镇人民政府" not in page


def test_own_report_page_shows_no_comparison(client_for, store):
    gov = put(store, CHANGLE, {NEW: 1}, OWN_INTRO)
    page = client_for("admin").get(f"/reports/{gov}").text
    panel = page.split('data-testid="report-scope"')[1].split("</section>")[0]
    assert 'data-scope="own"' in page and ">本级<" in panel and "县政府本级数据" in panel
    assert 'data-testid="area-table"' not in page and "下级合计" not in panel


def test_township_page_has_no_scope_panel(client_for, store):
    township = put(store, "昌乐县宝城街道办事处", {NEW: 4})
    page = client_for("admin").get(f"/reports/{township}").text
    assert 'data-testid="report-scope"' not in page and 'data-testid="table-t3"' in page
