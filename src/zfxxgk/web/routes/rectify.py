"""整改 and 报告审核结论: making items from confirmed findings, setting their status, the verdict of a report,
the 整改 list, and the generated documents (审核意见书 of a report, 通报 of a region and year).
"""

from __future__ import annotations

import datetime as dt
import logging

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from ...app import documents
from ...app import rectify as rectify_app
from ...store import StoreError
from ...store.listing import years as listing_years
from ...store.users import can_see_unit
from ..auth import CurrentUser, ReviewerUser, read_form, store_of
from ..templating import render
from .common import DbId, attachment, parse_int, visible_report

router = APIRouter(include_in_schema=False)
MAX_TEXT = 2000
log = logging.getLogger("zfxxgk.web")


def _form_date(text: object) -> dt.date | None:
    try:
        return rectify_app.parse_date(str(text or ""))
    except ValueError as e:
        raise HTTPException(400, str(e)) from None


@router.post("/reports/{report_id}/findings/{fingerprint}/rectify", name="rectify_create")
async def rectify_create(report_id: DbId, fingerprint: str, request: Request, account: ReviewerUser) -> Response:
    """列入整改: a confirmed finding becomes an item of the unit and year (责任单位, 整改期限)."""
    visible_report(request, account, report_id)
    form = await read_form(request)
    due_on = _form_date(form.get("due_on"))
    try:
        await run_in_threadpool(rectify_app.create, store_of(request), report_id, fingerprint, account.name,
                                str(form.get("responsible") or "")[:200], due_on,
                                str(form.get("note") or "")[:MAX_TEXT])
    except StoreError as e:
        raise HTTPException(400, f"无法列入整改：{e}") from None
    return RedirectResponse(f"/reports/{report_id}#rectify", status_code=303)


@router.post("/rectify/items/{item_id}", name="rectify_status")
async def rectify_status(item_id: DbId, request: Request, account: ReviewerUser) -> Response:
    """Set an item's status (and 责任单位 / 整改期限) by hand; recorded with the reviewer's name."""
    store = store_of(request)
    try:
        item = await run_in_threadpool(rectify_app.item, store, item_id)
    except StoreError:
        raise HTTPException(404, "整改事项不存在，或不在您的管辖范围内。") from None
    if not await run_in_threadpool(can_see_unit, store, account, item.unit_id):
        raise HTTPException(404, "整改事项不存在，或不在您的管辖范围内。")
    form = await read_form(request)
    try:
        status = rectify_app.status_value(str(form.get("status") or ""))
    except ValueError as e:
        raise HTTPException(400, str(e)) from None
    due_on = _form_date(form.get("due_on"))
    try:
        await run_in_threadpool(rectify_app.set_status, store, item_id, status, account.name,
                                str(form.get("note") or "")[:MAX_TEXT],
                                str(form.get("responsible") or "")[:200] or None, due_on)
    except StoreError as e:
        raise HTTPException(400, f"无法修改整改状态：{e}") from None
    back = str(form.get("back") or "")
    target = back if back.startswith("/reports/") or back.startswith("/rectify") else "/rectify"
    return RedirectResponse(f"{target}#item-{item_id}", status_code=303)


@router.post("/reports/{report_id}/verdict", name="report_verdict")
async def report_verdict(report_id: DbId, request: Request, account: ReviewerUser) -> Response:
    """报告审核结论: 通过, or 退回修改 with reasons (one a line; none: the open items)."""
    visible_report(request, account, report_id)
    form = await read_form(request)
    try:
        verdict = rectify_app.verdict_value(str(form.get("verdict") or ""))
    except ValueError as e:
        raise HTTPException(400, str(e)) from None
    reasons = [line.strip() for line in str(form.get("reasons") or "")[:MAX_TEXT * 5].splitlines() if line.strip()]
    try:
        await run_in_threadpool(rectify_app.decide, store_of(request), report_id, verdict, reasons, account.name)
    except StoreError as e:
        raise HTTPException(400, f"无法记录报告审核结论：{e}") from None
    return RedirectResponse(f"/reports/{report_id}#verdict", status_code=303)


@router.get("/reports/{report_id}/opinion.{fmt}", name="report_opinion")
async def report_opinion(report_id: DbId, fmt: str, request: Request, account: CurrentUser) -> Response:
    """The report's 审核意见书 (or 工作建议书, ``?kind=``) as DOCX or PDF — the filing unit may read it too."""
    if fmt not in ("docx", "pdf"):
        raise HTTPException(404, "不支持的下载格式。")
    visible_report(request, account, report_id)
    kind = request.query_params.get("kind") or "审核意见书"
    if kind not in documents.KINDS:
        raise HTTPException(400, f"文书类型应为：{'、'.join(documents.KINDS)}")

    def build() -> tuple[bytes, str]:
        doc = documents.opinion(store_of(request), report_id, kind=kind, day=dt.date.today())
        return documents.write(doc, fmt), documents.file_name(doc, fmt)

    data, name = await _built(build, fmt)
    return attachment(data, name, documents.MEDIA_TYPES[fmt])


async def _built(build, fmt: str) -> tuple[bytes, str]:
    try:
        return await run_in_threadpool(build)
    except StoreError as e:
        raise HTTPException(400, str(e)) from None
    except Exception as e:  # noqa: BLE001 - e.g. the PDF typesetter is missing: say so, not a stack trace
        log.exception("generating a document as %s failed", fmt)
        raise HTTPException(500, f"无法生成 {fmt.upper()} 文件：{type(e).__name__}") from None


@router.get("/rectify", name="rectify_list")
def rectify_list(request: Request, account: ReviewerUser) -> Response:
    """整改事项 in the user's scope, by year; the 通报 of a year can be downloaded here."""
    store = store_of(request)
    years = listing_years(store, account)
    year = parse_int(request.query_params.get("year")) or (years[0] if years else None)
    open_only = request.query_params.get("open") == "1"
    found = rectify_app.items(store, year=year, open_only=open_only) if year else []
    found = [i for i in found if account.is_admin or can_see_unit(store, account, i.unit_id)]
    return render(request, "rectify.html", title="整改", items=found, years=years, year=year, open_only=open_only,
                  statuses=rectify_app.STATUS_CN, today=dt.date.today(), region=account.region or "")


@router.get("/rectify/notice.{fmt}", name="rectify_notice")
async def rectify_notice(fmt: str, request: Request, account: ReviewerUser) -> Response:
    """The 通报 of a year for a region (a reviewer's: within their region) as DOCX or PDF."""
    if fmt not in ("docx", "pdf"):
        raise HTTPException(404, "不支持的下载格式。")
    year = parse_int(request.query_params.get("year"))
    if year is None:
        raise HTTPException(400, "请选择年度。")
    region = (request.query_params.get("region") or "").strip()[:200] or None
    within = None if account.is_admin else account.region_id
    if not account.is_admin and within is None:
        raise HTTPException(403, "您的账号没有指定管辖地区，不能生成通报。")
    number = (request.query_params.get("number") or "").strip()[:100]

    def build() -> tuple[bytes, str]:
        doc = documents.notice(store_of(request), year, region=region, within=within, day=dt.date.today(),
                               number=number)
        return documents.write(doc, fmt), documents.file_name(doc, fmt)

    data, name = await _built(build, fmt)
    return attachment(data, name, documents.MEDIA_TYPES[fmt])
