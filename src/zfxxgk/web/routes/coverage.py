"""报送情况: which units of the registry published their report of the year, on time or not, per region
with drill-down and an Excel/CSV download; an administrator also places the units waiting in 待确认.

The numbers come from :mod:`zfxxgk.app.coverage`; the scope (year, region subtree) is the 统计 page's.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from ...app.coverage import coverage
from ...store import StoreError
from ...store.coverage import STATUS_CN, STATUSES, Coverage
from ...store.export import write_table
from ...store.placing import pending_units, place_unit
from ..auth import AdminUser, ReviewerUser, read_form, store_of
from ..templating import render
from .common import DbId, attachment
from .dashboard import XLSX_TYPE, scope_of
from .users import flash

router = APIRouter(include_in_schema=False)


def shown(cov: Coverage | None) -> list[str]:
    """The statuses to show: 不是年报 only when some unit has it (only collection can tell it)."""
    return [st for st in STATUSES if st != "not_a_report" or (cov is not None and cov.counts[st])]


@router.get("/coverage", name="coverage_page")
async def coverage_page(request: Request, account: ReviewerUser) -> Response:
    """Every expected unit of the scope with its status, and the counts per sub-region."""
    sc = await run_in_threadpool(scope_of, request, account)
    cov = None
    if sc.year is not None:
        cov = await run_in_threadpool(coverage, store_of(request), sc.year, sc.region_id)
    pending = await run_in_threadpool(pending_units, store_of(request)) if account.role == "admin" else []
    return render(request, "coverage.html", title="报送情况", sc=sc, cov=cov, statuses=shown(cov), status_cn=STATUS_CN,
                  pending=pending)


def _table(cov: Coverage, path: Path) -> None:
    header = ["单位", "所属地区", "情况", "发布日期", "日期依据", "发布时限", "逾期天数", "报告编号"]
    rows = ([r.unit, r.region or "", r.status_cn, r.published.isoformat() if r.published else "",
             r.published_basis or "", r.deadline.isoformat() if r.deadline else "", r.days_late or "",
             r.report_id or ""] for r in cov.rows)
    write_table(path, f"{cov.year}年度报送情况", header, rows, (32, 30, 14, 12, 10, 12, 9, 9))


@router.get("/coverage/export.{fmt}", name="coverage_export")
async def coverage_export(fmt: str, request: Request, account: ReviewerUser) -> Response:
    """The shown coverage (same year and region), one unit a row."""
    if fmt not in ("xlsx", "csv"):
        raise HTTPException(404, "不支持的导出格式。")
    sc = await run_in_threadpool(scope_of, request, account)
    if sc.year is None:
        raise HTTPException(404, "库中还没有报告，无法导出报送情况。")
    cov = await run_in_threadpool(coverage, store_of(request), sc.year, sc.region_id)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"coverage.{fmt}"
        await run_in_threadpool(_table, cov, path)
        data = path.read_bytes()
    name = f"{cov.year}年度报送情况（{cov.scope.replace('/', '-')}）.{fmt}"
    return attachment(data, name, XLSX_TYPE if fmt == "xlsx" else "text/csv; charset=utf-8")


@router.post("/units/{unit_id}/place", name="unit_place")
async def unit_place(unit_id: DbId, request: Request, account: AdminUser) -> Response:
    """Place a unit of the 待确认 queue in a region (one of the store's or an official division)."""
    form = await read_form(request)
    region = str(form.get("region") or "").strip()[:200]
    try:
        path = await run_in_threadpool(place_unit, store_of(request), unit_id, region)
        flash(request, f"已确认地区：{path}")
    except StoreError as e:
        flash(request, f"未能确认：{e}")
    return RedirectResponse("/coverage#pending", status_code=303)
