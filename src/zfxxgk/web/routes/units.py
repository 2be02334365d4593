"""单位名录: the unit registry in the web — every unit (registered, or known only from its reports), searched,
filtered by region and state and paged; an administrator edits a unit, moves it to another region and
merges a duplicate into it. A reviewer sees the units of their region, read-only.

The store does the work (store/units_edit.py; a merge through app/units.py, which checks the neighbouring
years again); every change is recorded in the audit trail with the signed-in user as its author.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from ...app import units as app_units
from ...check.context import DEFAULT_SETTINGS
from ...model.units import UnitType
from ...store import StoreError
from ...store import units_edit as ue
from ...store.users import Account, can_see_unit
from ..auth import AdminUser, ReviewerUser, read_form, store_of
from ..templating import render
from .common import DbId, parse_int
from .users import flash

router = APIRouter(include_in_schema=False)

# 单位类型 with the deadline each owes (the check's, 第四十九条), for the edit form
TYPE_CHOICES = [(t.value, f"{t.cn}（次年 {DEFAULT_SETTINGS.deadlines[t].month} 月 {DEFAULT_SETTINGS.deadlines[t].day} 日前发布）")
                for t in (UnitType.GOVERNMENT, UnitType.TOWNSHIP, UnitType.DEPARTMENT, UnitType.ZONE, UnitType.VERTICAL)]
FIELD_LIMIT = 4000  # characters of one form field (a long list of addresses or former names fits)


def filters_from(request: Request) -> ue.UnitFilters:
    """The list filters of the query string (invalid values are ignored, not errors)."""
    q = request.query_params
    state = q.get("state") or None
    per_page = parse_int(q.get("per_page"))
    return ue.UnitFilters(q=(q.get("q") or "").strip()[:100] or None, region=(q.get("region") or "").strip()[:200] or None,
                          state=state if state in ue.STATES else None, page=max(1, parse_int(q.get("page")) or 1),
                          per_page=per_page if per_page in ue.PER_PAGE else 50)


@router.get("/units", name="unit_list")
async def unit_list(request: Request, account: ReviewerUser) -> Response:
    """The units of the account's scope, matching the filters, a page at a time."""
    f = filters_from(request)
    error = None
    try:
        page = await run_in_threadpool(ue.list_units, store_of(request), account, f)
    except StoreError as e:  # a region that is none: said, with the nearest ones, and the filter dropped
        error = f"地区：{e}"
        f.region = None
        page = await run_in_threadpool(ue.list_units, store_of(request), account, f)
    return render(request, "units.html", title="单位名录", page=page, filters=f, states=ue.STATES,
                  per_pages=ue.PER_PAGE, unassigned=ue.UNASSIGNED, error=error)


def _visible(request: Request, account: Account, unit_id: int) -> None:
    if not can_see_unit(store_of(request), account, unit_id):
        raise HTTPException(404, "单位不存在，或不在您的管辖范围内。")


def _unit_page(request: Request, account: Account, unit_id: int, status_code: int = 200, **context) -> Response:
    store = store_of(request)
    unit = ue.unit_detail(store, unit_id)
    admin = account.role == "admin"
    context.setdefault("error", None)
    context.setdefault("form", None)
    return render(request, "unit.html", status_code=status_code, title=f"单位 {unit.name}", unit=unit,
                  history=ue.unit_history(store, unit_id) if admin else [],
                  similar=ue.similar_units(store, unit_id) if admin else [], types=TYPE_CHOICES, admin=admin, **context)


@router.get("/units/{unit_id}", name="unit_page")
async def unit_page(unit_id: DbId, request: Request, account: ReviewerUser) -> Response:
    """One unit: its registry facts, reports, accounts and child units; an administrator's forms."""
    await run_in_threadpool(_visible, request, account, unit_id)
    return await run_in_threadpool(_unit_page, request, account, unit_id)


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value[:FIELD_LIMIT] if isinstance(value, str) else ""


@router.post("/units/{unit_id}", name="unit_edit")
async def unit_edit(unit_id: DbId, request: Request, account: AdminUser) -> Response:
    """Save the edit form (every field; the problems are listed at once and nothing is saved)."""
    await run_in_threadpool(_visible, request, account, unit_id)
    form = await read_form(request)
    fields = {name: _text(form, name) for name in ("name", "credit_code", "unit_type", "parent", "portal_urls", "since",
                                                   "until", "aliases")}
    try:
        changes = await run_in_threadpool(ue.edit_unit, store_of(request), unit_id, account.name,
                                          registered=form.get("registered") == "1", **fields)
    except StoreError as e:
        form_values = dict(fields, registered=form.get("registered") == "1")
        return await run_in_threadpool(_unit_page, request, account, unit_id, 400, error=str(e), form=form_values,
                                       failed="edit")
    flash(request, "已保存：" + "；".join(changes) + "。" if changes else "没有改动。")
    return RedirectResponse(f"/units/{unit_id}", status_code=303)


@router.post("/units/{unit_id}/move", name="unit_move")
async def unit_move(unit_id: DbId, request: Request, account: AdminUser) -> Response:
    """Move the unit to a region of the store or an official division (a typo: the nearest ones)."""
    await run_in_threadpool(_visible, request, account, unit_id)
    form = await read_form(request)
    region, reason = _text(form, "region").strip()[:200], _text(form, "reason").strip()[:500]
    try:
        path = await run_in_threadpool(ue.move_unit, store_of(request), unit_id, region, account.name, reason)
    except StoreError as e:
        return await run_in_threadpool(_unit_page, request, account, unit_id, 400, error=str(e),
                                       form={"region": region, "reason": reason}, failed="move")
    flash(request, f"已迁移到“{path}”；该单位的报告从此计入这一地区。")
    return RedirectResponse(f"/units/{unit_id}", status_code=303)


@router.post("/units/{unit_id}/merge", name="unit_merge")
async def unit_merge(unit_id: DbId, request: Request, account: AdminUser) -> Response:
    """Merge a duplicate into this unit, or this unit into another (``direction``); the one that stays is shown."""
    await run_in_threadpool(_visible, request, account, unit_id)
    form = await read_form(request)
    other, reason = _text(form, "other").strip()[:200], _text(form, "reason").strip()[:500]
    into_other = form.get("direction") == "into_other"
    values = {"other": other, "reason": reason, "direction": "into_other" if into_other else "into_this"}
    if form.get("confirm") != "1":
        return await run_in_threadpool(_unit_page, request, account, unit_id, 400,
                                       error="请勾选确认：两个单位确是同一单位（合并后不能撤销）。", form=values, failed="merge")
    keep, gone = (other, unit_id) if into_other else (unit_id, other)
    try:
        done = await run_in_threadpool(app_units.merge, store_of(request), keep, gone, account.name, reason)
    except StoreError as e:
        return await run_in_threadpool(_unit_page, request, account, unit_id, 400, error=str(e), form=values,
                                       failed="merge")
    flash(request, done.summary())
    return RedirectResponse(f"/units/{done.merged.kept_id}", status_code=303)
