"""统计: a year's outcome counts, 公开率 / 复议纠错率 per region, rankings, region roll-up and status, within scope.

The numbers come from :mod:`zfxxgk.store.dashboard` (blank is never 0, rates with their formulas and
“剔除n份 / 样本过少”); the charts are server-side SVG from :mod:`zfxxgk.render.charts`. A reviewer sees
their region's subtree only; the shown statistics download as Excel or CSV.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool

from ...model import SEVERITY_CN
from ...model.numbers import number_text
from ...render import charts
from ...store import Store, listing
from ...store import dashboard as dash
from ...store.export import neutralise
from ...store.queries import METRIC
from ...store.regions import region_subtree
from ...store.users import Account
from ..auth import ReviewerUser, store_of
from ..templating import render
from .common import attachment, parse_int

router = APIRouter(include_in_schema=False)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# the dashboard counts decisions in the past tense, with the undecided ones
DECISION_CN = {"confirmed": "已确认", "rejected": "已驳回", "undecided": "未审核"}


@dataclass(slots=True)
class StatsScope:
    """The year and region a page shows, and what the user may choose from."""

    year: int | None
    region_id: int | None
    years: list[int]
    regions: list[dash.RegionOption]

    def query(self, **changes: Any) -> dict[str, str]:
        """As URL query parameters (with changes)."""
        d: dict[str, Any] = {"year": self.year, "region": self.region_id}
        d.update(changes)
        return {k: str(v) for k, v in d.items() if v not in (None, "")}


def allowed_regions(store: Store, account: Account) -> set[int] | None:
    """Region ids the account may choose (None: every region and the units without one)."""
    if account.role == "admin":
        return None
    if account.region_id is None:
        raise HTTPException(403, "您的账号没有设置管辖地区，无法查看统计。请联系系统管理员。")
    with store.session() as s:
        return region_subtree(s, account.region_id)


def scope_of(request: Request, account: Account) -> StatsScope:
    """Year and region from the query string, held to the account's scope (a region outside it: 404)."""
    store = store_of(request)
    allowed = allowed_regions(store, account)
    years = listing.years(store, account)
    year = parse_int(request.query_params.get("year"))
    if year not in years:
        year = years[0] if years else None  # newest first
    region = parse_int(request.query_params.get("region"))
    if region is not None and allowed is not None and region not in allowed:
        raise HTTPException(404, "该地区不存在，或不在您的管辖范围内。")
    if region is None and allowed is not None:
        region = account.region_id
    options = [r for r in dash.list_regions(store) if allowed is None or r.id in allowed]
    if region is not None and region not in {r.id for r in options}:
        raise HTTPException(404, "该地区不存在，或不在您的管辖范围内。")
    return StatsScope(year, region, years, options)


def _pct(v: Decimal | None) -> str:
    return charts.format_percent(v) if v is not None else ""


def build_charts(d: dash.Dashboard) -> dict[str, Markup]:
    """The page's SVG charts (escaped by the chart module, so safe to inline)."""
    out: dict[str, Markup] = {}
    groups = d.outcomes.groups
    out["outcomes"] = Markup(charts.render_bar_chart(
        [g.label for g in groups], [g.total for g in groups], title=f"{d.scope.year}年度 办理结果（件）",
        category_label="办理结果", value_label="件数", legend=False))
    rows = d.regions.rows
    if rows:
        cats = d.regions.categories
        out["regions"] = Markup(charts.render_bar_chart(
            cats, d.regions.outcome_series(), title="各地区办理结果（件，按类别堆叠）", category_label="地区",
            value_label="件数", stacked=True))
        for mid in dash.KEY_METRICS:
            metric = METRIC[mid]
            values = [r.metrics[mid] for r in rows]
            series = [charts.Series("", tuple(v.value for v in values), tuple(v.display for v in values))]
            out[mid] = Markup(charts.render_bar_chart(
                cats, series, title=f"各地区{metric.name}", category_label="地区",
                value_label=metric.name, value_format=charts.format_percent, integer=False, legend=False))
    return out


@router.get("/stats", name="stats_page")
async def stats_page(request: Request, account: ReviewerUser) -> Response:
    """The dashboard of one year and region subtree."""
    sc = await run_in_threadpool(scope_of, request, account)  # database queries: off the event loop
    if sc.year is None:
        return render(request, "stats.html", title="统计", sc=sc, d=None, charts={})
    d = await run_in_threadpool(dash.dashboard, store_of(request), sc.year, sc.region_id, 20)
    crumbs = _crumbs(sc, account)
    return render(request, "stats.html", title=f"{sc.year}年度统计", sc=sc, d=d, charts=build_charts(d), crumbs=crumbs,
                  severity_cn=SEVERITY_CN, decision_cn=DECISION_CN, pct=_pct, num=number_text)


def _crumbs(sc: StatsScope, account: Account) -> list[tuple[str, int | None]]:
    """The path from the top of the user's scope to the selected region (name, region id)."""
    by_id = {r.id: r for r in sc.regions}
    out: list[tuple[str, int | None]] = []
    rid = sc.region_id
    while rid is not None and rid in by_id:
        out.append((by_id[rid].name, rid))
        if rid == account.region_id:
            break
        rid = by_id[rid].parent_id
    if account.role == "admin":
        out.append((dash.ALL_REGIONS, None))
    return out[::-1]


def stat_tables(d: dash.Dashboard) -> list[tuple[str, list[str], list[list[Any]]]]:
    """The page's statistics as (sheet name, header, rows): the same numbers as shown, for xlsx/CSV."""
    def cell(v: Any) -> Any:
        if v is None:
            return "空白"
        return float(v) if isinstance(v, Decimal) else v

    scope = f"{d.scope.year}年度 · {d.scope.region}"
    outcomes = [[r.label, cell(r.total.total), r.total.blanks] for r in d.outcomes.rows]
    outcomes.append(["（七）总计", cell(d.outcomes.processed.total), d.outcomes.processed.blanks])
    metrics = []
    for m in d.metrics:
        metrics.append([m.metric.name, "全部" if not m.regions else d.scope.region, m.metric.formula,
                        m.overall.display, cell(m.overall.numerator), cell(m.overall.denominator), m.overall.reports,
                        m.overall.excluded, m.explanation])
        for r in m.regions:
            metrics.append([m.metric.name, r.name, m.metric.formula, r.value.display, cell(r.value.numerator),
                            cell(r.value.denominator), r.value.reports, r.value.excluded, r.explanation])
    ranks = [[k.title, r.rank if r.rank is not None else "不参与排名", r.unit, r.region or "（未归属地区）", r.display]
             for k in d.rankings for r in (*k.rows, *k.unranked)]
    regions = [[r.name, r.path, r.units, r.reports, cell(r.sums.get(dash.NEW_RECEIVED)), r.nulls.get(dash.NEW_RECEIVED, 0),
                *(r.metrics[mid].display for mid in dash.KEY_METRICS)] for r in d.regions.rows]
    s = d.status
    status = [["有错误", s.with_errors], ["有警告（无错误）", s.with_warnings], ["无问题", s.clean],
              ["已审核完毕", s.reviewed], ["待复核", s.pending],
              *([f"{SEVERITY_CN[k]}级问题数", v] for k, v in s.findings.items()),
              *([f"错误和警告：{DECISION_CN[k]}", v] for k, v in s.decisions.items())]
    return [
        ("办理结果", [f"办理结果（{scope}）", "合计（件）", "空白报告数"], outcomes),
        ("指标", ["指标", "地区", "计算公式", "结果", "分子", "分母", "报告数", "剔除份数", "说明"], metrics),
        ("排名", ["排名", "名次", "单位", "所属地区", "数值"], ranks),
        ("地区汇总", ["地区", "路径", "单位数", "报告数", "本年新收申请（件）", "新收申请空白报告数",
                   *(METRIC[mid].name for mid in dash.KEY_METRICS)], regions),
        ("报告状态", ["项目", "数量"], status),
    ]


def to_xlsx(tables: list[tuple[str, list[str], list[list[Any]]]]) -> bytes:
    """One sheet per table, header in bold, columns sized to their text (openpyxl's write-only mode:
    an export of every unit of a country keeps no cell objects).
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    wb = Workbook(write_only=True)
    for name, header, rows in tables:
        ws = wb.create_sheet(name)
        for i, title in enumerate(header):
            width = max([len(str(title))] + [len(str(row[i])) for row in rows if i < len(row) and row[i] is not None])
            ws.column_dimensions[get_column_letter(i + 1)].width = min(60, 4 + width * 1.6)
        ws.freeze_panes = "A2"
        cells = []
        for title in header:
            cell = WriteOnlyCell(ws, value=title)
            cell.font = bold
            cells.append(cell)
        ws.append(cells)
        for row in rows:
            ws.append([neutralise(x) for x in row])  # region names are text, never formulas
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def to_csv(tables: list[tuple[str, list[str], list[list[Any]]]]) -> bytes:
    """All tables in one CSV (UTF-8 with BOM, so that Excel reads the Chinese), a blank line between them."""
    buf = io.StringIO()
    w = csv.writer(buf)
    for i, (name, header, rows) in enumerate(tables):
        if i:
            w.writerow([])
        w.writerow([f"【{name}】"])
        w.writerow(header)
        w.writerows([neutralise(x) for x in row] for row in rows)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


@router.get("/stats/export.{fmt}", name="stats_export")
async def stats_export(fmt: str, request: Request, account: ReviewerUser) -> Response:
    """The shown statistics (same year and region) as Excel or CSV."""
    if fmt not in ("xlsx", "csv"):
        raise HTTPException(404, "不支持的导出格式。")
    sc = await run_in_threadpool(scope_of, request, account)  # database queries: off the event loop
    if sc.year is None:
        raise HTTPException(404, "库中还没有报告，无法导出统计。")
    d = await run_in_threadpool(dash.dashboard, store_of(request), sc.year, sc.region_id, None)
    tables = stat_tables(d)
    data = await run_in_threadpool(to_xlsx if fmt == "xlsx" else to_csv, tables)
    region = d.scope.region.replace("/", "-")
    name = f"{sc.year}年度统计（{region}）.{fmt}"
    return attachment(data, name, XLSX_TYPE if fmt == "xlsx" else "text/csv; charset=utf-8")
