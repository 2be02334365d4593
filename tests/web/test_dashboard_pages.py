"""统计 pages: scope (year, region subtree), charts, formulas, rankings, roll-up links and the downloads."""

from __future__ import annotations

import csv
import io
import re

import openpyxl
import pytest

from zfxxgk.store import StoreError
from zfxxgk.store import dashboard as dash


def region_id(store, path: str) -> int:
    return next(r.id for r in dash.list_regions(store) if r.path == path)


def test_admin_sees_every_region_with_charts_and_formulas(client_for):
    admin = client_for("admin")
    page = admin.get("/stats")
    assert page.status_code == 200
    assert 'data-testid="nav-stats"' in page.text
    assert "2024年度" in page.text  # the newest year by default
    for chart in ("chart-outcomes", "chart-regions", "chart-disclosure_rate", "chart-review_correction_rate"):
        assert f'data-testid="{chart}"' in page.text
    assert page.text.count("<svg") == 4
    assert "计算公式" in page.text and "公开率" in page.text and "复议纠错率" in page.text
    ranking = page.text.split('data-testid="ranking-findings"')[1].split("</table>")[0]
    assert "涧头集镇" in ranking and "乔官镇" in ranking and "大封镇" in ranking
    assert "鄌郚镇" not in ranking  # 2022
    assert page.text.count('data-testid="region-row"') == 2  # 山东省 and 河南省 have 2024 reports


def test_region_links_go_down_the_tree(client_for, store):
    admin = client_for("admin")
    zz = region_id(store, "山东省/枣庄市")
    page = admin.get(f"/stats?year=2024&region={zz}")
    assert page.status_code == 200
    links = re.findall(r'href="/stats\?([^"]+)" data-testid="region-link">([^<]+)<', page.text)
    assert [name for _, name in links] == ["台儿庄区"]
    assert "涧头集镇" in page.text and "乔官镇" not in page.text.split('data-testid="stats-rankings"')[1]


def test_reviewer_is_held_to_their_region(client_for, store):
    rev = client_for("rev")  # 昌乐县
    page = rev.get("/stats?year=2024")
    assert page.status_code == 200
    rankings = page.text.split('data-testid="stats-rankings"')[1]
    assert "乔官镇" in rankings and "大封镇" not in rankings and "涧头集镇" not in rankings
    options = re.findall(r'<option value="(\d*)"[^>]*>([^<]+)</option>', page.text.split('data-testid="stats-region"')[1].split("</select>")[0])
    assert options and all(label.startswith("山东省/潍坊市/昌乐县") for _, label in options)
    outside = region_id(store, "河南省/焦作市/武陟县")
    assert rev.get(f"/stats?year=2024&region={outside}").status_code == 404
    assert rev.get(f"/stats/export.xlsx?year=2024&region={outside}").status_code == 404
    assert rev.get("/stats?region=999999").status_code == 404


def test_filer_and_anonymous_are_refused(client_for):
    assert client_for("filer").get("/stats").status_code == 403
    assert client_for("filer").get("/stats/export.csv").status_code == 403
    assert client_for(None).get("/stats").status_code == 303


def test_xlsx_download_holds_the_shown_statistics(client_for, store):
    rev = client_for("rev")
    r = rev.get("/stats/export.xlsx?year=2024")
    assert r.status_code == 200
    assert "attachment" in r.headers["content-disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["办理结果", "指标", "排名", "地区汇总", "报告状态"]
    d = dash.dashboard(store, 2024, "昌乐县", None)
    outcomes = {row[0].value: row[1].value for row in wb["办理结果"].iter_rows(min_row=2)}
    for o in d.outcomes.rows:
        expected = "空白" if o.total.total is None else float(o.total.total)
        assert outcomes[o.label] == expected
    units = [row[2].value for row in wb["排名"].iter_rows(min_row=2)]
    assert "昌乐县乔官镇人民政府" in units and not any("大封镇" in u for u in units)
    metrics = [[c.value for c in row] for row in wb["指标"].iter_rows(min_row=2)]
    rate = next(m for m in d.metrics if m.metric.id == "disclosure_rate")
    first = metrics[0]  # the overall 公开率 comes first
    assert [first[0], first[2], first[3]] == [rate.metric.name, rate.metric.formula, rate.overall.display]


def test_csv_download_is_utf8_with_bom_and_has_every_table(client_for):
    admin = client_for("admin")
    r = admin.get("/stats/export.csv?year=2024")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    titles = [row[0] for row in rows if row and row[0].startswith("【")]
    assert titles == ["【办理结果】", "【指标】", "【排名】", "【地区汇总】", "【报告状态】"]


def test_year_without_reports_in_scope_falls_back_to_the_newest(client_for):
    rev2 = client_for("rev2")  # 枣庄市: only 2024
    page = rev2.get("/stats?year=2022")
    assert page.status_code == 200 and "2024年度" in page.text


def test_dashboard_downloads_hold_no_live_formula(client_for, store, tmp_path):
    from tests.parse.builders import text_with
    from zfxxgk import api
    from zfxxgk.check import check
    from zfxxgk.parse import parse_file

    (tmp_path / "r.txt").write_text(text_with(unit="=HYPERLINK(\"http://x\")镇人民政府", year=2024), encoding="utf-8")
    with pytest.raises(StoreError, match="没有地区"):  # a user can no longer type such a region …
        list(api.import_paths([tmp_path / "r.txt"], store, region="@恶意省/+恶意市"))
    report = parse_file(tmp_path / "r.txt")  # … but a store made before the division table may hold one
    store.import_report("r.txt", (tmp_path / "r.txt").read_bytes(), report, check(report).findings, "@恶意省/+恶意市")
    admin = client_for("admin")
    book = openpyxl.load_workbook(io.BytesIO(admin.get("/stats/export.xlsx?year=2024").content))
    texts = [c.value for ws in book for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any("恶意" in t for t in texts)
    assert not [t for t in texts if t.startswith(("=", "+", "-", "@"))]
    fields = [f for row in csv.reader(io.StringIO(admin.get("/stats/export.csv?year=2024").content.decode("utf-8-sig")))
              for f in row]
    assert any("恶意" in f for f in fields) and not [f for f in fields if f.startswith(("=", "+", "-", "@"))]
