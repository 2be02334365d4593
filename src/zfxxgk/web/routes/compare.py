"""对比: a unit against its previous year (同比, with the cross-year checks) and two units of one year, within scope."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from ...app.compare import year_over_year
from ...model import OUTCOME_CN, SEVERITY_CN
from ...model.numbers import number_text
from ...store import StoreError
from ...store import queries as q
from ...store.listing import units_in_scope
from ..auth import ReviewerUser, store_of
from ..templating import render
from .common import parse_int

router = APIRouter(include_in_schema=False)



def show(v: Any) -> str:
    """A cell value for the page: blank stays “空白”, never 0."""
    return number_text(v)


def signed(v: Any) -> str:
    """A change with its sign (“—” when either side is blank)."""
    if v is None:
        return "—"
    text = show(v)
    return text if text.startswith("-") or v == 0 else "+" + text


@router.get("/compare", name="compare_page")
async def compare_page(request: Request, account: ReviewerUser) -> Response:
    """同比 (``mode=yoy&unit=&year=``) or 单位对比 (``mode=units&a=&b=&year=``)."""
    store = store_of(request)
    qp = request.query_params
    mode = qp.get("mode") if qp.get("mode") in ("yoy", "units") else "yoy"
    units = await run_in_threadpool(units_in_scope, store, account)
    by_id = {u.id: u for u in units}
    years = sorted({y for u in units for y in u.years}, reverse=True)
    chosen = {"unit": parse_int(qp.get("unit")), "a": parse_int(qp.get("a")), "b": parse_int(qp.get("b")),
              "year": parse_int(qp.get("year"))}
    for key in ("unit", "a", "b"):
        if chosen[key] is not None and chosen[key] not in by_id:
            raise HTTPException(404, "该单位不存在，或不在您的管辖范围内。")
    yoy = comparison = None
    problem = None
    try:
        if mode == "yoy" and chosen["unit"] is not None:
            u = by_id[chosen["unit"]]
            year = chosen["year"] if chosen["year"] in u.years else (u.years[0] if u.years else None)
            chosen["year"] = year
            if year is None:
                raise StoreError(f"{u.name}没有标明年度的报告")
            yoy = await run_in_threadpool(year_over_year, store, u.id, year)
        elif mode == "units" and chosen["a"] is not None and chosen["b"] is not None:
            year = chosen["year"] or await run_in_threadpool(q.common_latest_year, store, chosen["a"], chosen["b"])
            if year is None:
                raise StoreError("两个单位没有同一年度的报告")
            chosen["year"] = year
            comparison = await run_in_threadpool(q.compare_units, store, chosen["a"], chosen["b"], year)
    except StoreError as e:
        problem = str(e)
    return render(request, "compare.html", title="对比", mode=mode, units=units, years=years, chosen=chosen, yoy=yoy,
                  comparison=comparison, problem=problem, show=show, signed=signed, severity_cn=SEVERITY_CN,
                  outcome_cn=OUTCOME_CN)
