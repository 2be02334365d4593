"""The JSON API (``/api/…``): the same data as the pages, within the same scopes.

Authentication: the browser session (writes need the ``X-CSRF-Token`` header) or a personal
API token (``Authorization: Bearer zfx_…``). The OpenAPI schema is at ``/api/openapi.json``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, cast

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.security import HTTPBearer
from pydantic import AfterValidator, BaseModel, Field
from starlette.concurrency import run_in_threadpool

from ...app import review as review_app
from ...check import RULES
from ...model import CELL_IDS
from ...model.ids import cell_label
from ...model.numbers import json_number
from ...store import StoreError, listing
from ...store.queries import report_views, unit_info, unit_reports
from ...store.regions import resolve_region
from ...store.users import can_see_unit
from .. import detail as detail_mod
from ..auth import CurrentUser, ReviewerUser, store_of
from .common import DbId, parse_int, visible_report


def _utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


# The database keeps naive UTC times; the API says so (RFC 3339 date-times carry their offset).
UtcDatetime = Annotated[dt.datetime, AfterValidator(_utc)]

bearer = HTTPBearer(auto_error=False, description="个人 API 令牌（在“我的账号”页面或用 `zfxxgk user token 用户名` 创建）")
class ErrorOut(BaseModel):
    """An error: what went wrong, in Chinese."""

    detail: str = Field(description="错误说明")
    errors: list[dict[str, Any]] | None = Field(None, description="逐项说明（参数校验错误时）")


_ERRORS = {400: "请求有误（如地区、单位不存在）", 401: "未登录或令牌无效", 403: "无权访问",
           404: "报告、单位或问题不存在，或不在权限范围内", 422: "参数格式错误", 429: "请求过于频繁"}
router = APIRouter(prefix="/api", tags=["接口"], dependencies=[Depends(bearer)],
                   responses={code: {"model": ErrorOut, "description": text} for code, text in _ERRORS.items()})

Severity = Literal["error", "warning", "info"]
DecisionName = Literal["confirmed", "rejected"]
Role = Literal["admin", "reviewer", "filer"]


class FindingCounts(BaseModel):
    """各严重程度的问题数。"""

    error: int = Field(0, description="错误")
    warning: int = Field(0, description="警告")
    info: int = Field(0, description="提示")


class ReportSummary(BaseModel):
    """报告列表中的一行。"""

    id: int = Field(description="报告编号")
    unit_id: int | None = Field(description="单位编号")
    unit: str = Field(description="单位名称")
    region: str | None = Field(description="所属地区路径，如“昌乐县/乔官镇”")
    year: int | None = Field(description="报告年度")
    source_name: str = Field(description="来源文件名")
    format: str = Field(description="文件格式")
    version: int = Field(description="数据版本（0 为原始解析，更正后递增）")
    imported_at: UtcDatetime = Field(description="导入时间（UTC）")
    findings: FindingCounts = Field(description="当前版本的问题数")
    reviewed: int = Field(description="已有审核结论的错误和警告数（提示无需审核）")
    status: Literal["error", "warning", "clean"] = Field(description="有错误 / 有警告 / 无问题")
    pending: bool = Field(description="是否待复核（尚有错误或警告没有审核结论；提示无需审核）")


class ReportPage(BaseModel):
    """分页的报告列表。"""

    total: int = Field(description="符合条件的报告总数")
    page: int = Field(description="当前页码（从 1 开始）")
    per_page: int = Field(description="每页条数")
    items: list[ReportSummary]


class CellOut(BaseModel):
    """一个标准单元格：状态、取值、原文与位置。空白、缺失、无法识别的单元格 value 为 null，绝不记为 0。"""

    id: str = Field(description="单元格编号（见单元格编号登记表）")
    label: str = Field(description="中文名称，如“表三·（一）予以公开·自然人”")
    state: str = Field(description="number 数值 / blank 空白 / dash 占位符 / none_word “无” / text 非数字 / unreadable 无法识别 / absent 缺失")
    value: int | float | None = Field(description="数值（收费金额可为小数）；非数值为 null")
    raw: str | None = Field(description="原文中的内容")
    line: int | None = Field(description="原文行号（文本格式）")
    locator: str | None = Field(description="原文位置（DOCX/HTML/PDF 的表/行/列或页码坐标）")


class ReportOut(BaseModel):
    """一份报告的基本信息和全部 200 个单元格（当前版本）。"""

    id: int = Field(description="报告编号")
    unit_id: int | None = Field(description="单位编号")
    unit: str = Field(description="单位名称")
    region: str | None = Field(description="所属地区路径")
    year: int | None = Field(description="报告年度")
    title: str | None = Field(description="报告标题")
    source_name: str = Field(description="来源文件名")
    format: str = Field(description="文件格式")
    format_version: str = Field(description="表格格式版本（2021 或 2019）")
    version: int = Field(description="数据版本")
    published_on: dt.date | None = Field(description="发布日期")
    signed_on: dt.date | None = Field(description="落款日期")
    period_start: dt.date | None = Field(description="统计期间起")
    period_end: dt.date | None = Field(description="统计期间止")
    findings: FindingCounts = Field(description="当前版本的问题数")
    cells: list[CellOut] = Field(description="全部 200 个单元格，按登记表顺序")


class DecisionOut(BaseModel):
    """一条审核结论。"""

    decision: DecisionName = Field(description="confirmed 确认 / rejected 驳回")
    decision_cn: str = Field(description="中文结论")
    reviewer: str = Field(description="审核人")
    comment: str = Field(description="备注")
    decided_at: UtcDatetime = Field(description="审核时间（UTC）")


class FindingOut(BaseModel):
    """一个问题及其审核结论。"""

    rule: str = Field(description="规则编号（规则实例）")
    rule_page: str | None = Field(description="规则说明页的编号（/rules/编号）")
    severity: Severity = Field(description="error 错误 / warning 警告 / info 提示")
    message: str = Field(description="中文问题描述")
    cells: list[str] = Field(description="涉及的单元格编号")
    evidence: dict[str, Any] = Field(description="证据（含原文位置）")
    fingerprint: str = Field(description="问题指纹：重新校验后不变，审核结论按指纹跟随问题")
    lines: list[int] = Field(description="涉及的原文行号")
    decision: DecisionOut | None = Field(description="最新审核结论")
    history: list[DecisionOut] = Field(description="全部审核结论，最新的在前")


class ReviewIn(BaseModel):
    """审核结论。"""

    decision: Literal["confirmed", "rejected"] = Field(description="confirmed 确认 / rejected 驳回")
    comment: str = Field("", max_length=2000, description="备注")


class UnitYear(BaseModel):
    """单位某一年度的报告。"""

    year: int | None = Field(description="年度")
    report_id: int = Field(description="报告编号")
    findings: FindingCounts = Field(description="问题数")


class UnitYears(BaseModel):
    """单位的各年度报告。"""

    unit_id: int = Field(description="单位编号")
    name: str = Field(description="单位名称")
    region: str | None = Field(description="所属地区路径")
    years: list[UnitYear]


class RuleOut(BaseModel):
    """一条校验规则。"""

    id: str = Field(description="规则编号（规则族含参数占位，如 T3-BALANCE-{c}）")
    severity: Severity = Field(description="严重程度")
    title: str = Field(description="中文说明")
    instances: list[str] = Field(description="规则实例编号")
    page: str = Field(description="说明页编号（/rules/编号）")


class AccountOut(BaseModel):
    """当前用户。"""

    name: str = Field(description="用户名")
    role: Role = Field(description="admin 管理员 / reviewer 审核人员 / filer 填报单位")
    scope: str = Field(description="管辖范围（地区或单位）")


def _counts(d: dict[str, int]) -> FindingCounts:
    return FindingCounts(**{k: d.get(k, 0) for k in ("error", "warning", "info")})


@router.get("/reports", response_model=ReportPage, summary="报告列表")
def list_reports(
    request: Request,
    account: CurrentUser,
    year: int | None = Query(None, ge=1900, le=2999, description="年度"),
    region: str | None = Query(None, description="地区：编号或路径（含下级地区）；none 表示未归属地区"),
    unit: str | None = Query(None, max_length=100, description="单位名称（部分即可）"),
    status: Literal["error", "warning", "clean", "pending"] | None = Query(
        None, description="error 有错误 / warning 有警告 / clean 无问题 / pending 待复核"),
    page: int = Query(1, ge=1, le=10_000_000, description="页码"),
    per_page: int = Query(50, ge=1, le=200, description="每页条数（最多 200）"),
) -> ReportPage:
    """您有权查看的报告，按年度（新的在前）和单位排序。"""
    store = store_of(request)
    region_id: str | None = None
    if region:
        if region == listing.UNASSIGNED or parse_int(region) is not None:
            region_id = region
        else:
            try:
                with store.session() as s:
                    region_id = str(resolve_region(s, region))
            except StoreError as e:  # a region that does not exist: nothing to list under it
                raise HTTPException(404, str(e)) from None
    f = listing.Filters(year, region_id, unit, status, page, per_page)
    result = listing.list_reports(store, account, f)
    return ReportPage(total=result.total, page=result.page, per_page=result.per_page, items=[
        ReportSummary(id=i.id, unit_id=i.unit_id, unit=i.unit, region=i.region, year=i.year, source_name=i.source_name,
                      format=i.format, version=i.version, imported_at=i.imported_at,
                      findings=FindingCounts(error=i.errors, warning=i.warnings, info=i.infos),
                      reviewed=i.reviewed, status=i.status, pending=i.pending)
        for i in result.items])


@router.get("/reports/{report_id}", response_model=ReportOut, summary="报告详情（200 个单元格）")
def get_report(report_id: DbId, request: Request, account: CurrentUser) -> ReportOut:
    """报告的基本信息和全部 200 个单元格：状态、取值、原文和位置。"""
    visible_report(request, account, report_id)
    store = store_of(request)
    view = report_views(store, [report_id])[0]
    report = store.load(report_id)
    cells = []
    for cid in CELL_IDS:
        c = report.cells[cid]
        line = c.span.line if c.span and c.span.line > 0 else None
        cells.append(CellOut(id=cid, label=cell_label(cid), state=c.state.value, value=json_number(c.value), raw=c.raw,
                             line=line, locator=c.span.locator if c.span else None))
    return ReportOut(id=view.id, unit_id=view.unit.id if view.unit else None, unit=view.name,
                     region=view.unit.region if view.unit else None, year=view.year, title=view.title,
                     source_name=view.source_name, format=view.format, format_version=view.format_version,
                     version=view.version, published_on=view.published_on, signed_on=view.signed_on,
                     period_start=view.period_start, period_end=view.period_end, findings=_counts(view.counts),
                     cells=cells)


def _finding_out(f: detail_mod.FindingItem) -> FindingOut:
    # Stored values are validated on the way in: decisions by Store.review, severities come from Severity.
    history = [DecisionOut(decision=cast(DecisionName, d.decision), decision_cn=d.decision_cn, reviewer=d.reviewer,
                           comment=d.comment, decided_at=d.decided_at) for d in f.decisions]
    return FindingOut(rule=f.rule, rule_page=f.rule_page, severity=cast(Severity, f.severity), message=f.message,
                      cells=f.cells, evidence=f.evidence, fingerprint=f.fingerprint, lines=f.lines,
                      decision=history[0] if history else None, history=history)


def _findings(request: Request, report_id: int) -> list[detail_mod.FindingItem]:
    store = store_of(request)
    return detail_mod.finding_items(store, report_id, store.load(report_id))


@router.get("/reports/{report_id}/findings", response_model=list[FindingOut], summary="报告的问题及审核结论")
def get_findings(report_id: DbId, request: Request, account: CurrentUser) -> list[FindingOut]:
    """当前版本的全部问题（错误在前），各附最新审核结论和审核历史。"""
    visible_report(request, account, report_id)
    return [_finding_out(f) for f in _findings(request, report_id)]


@router.post("/reports/{report_id}/findings/{fingerprint}/review", response_model=FindingOut, summary="记录审核结论")
async def review(report_id: DbId, fingerprint: str, body: ReviewIn, request: Request,
                 account: ReviewerUser) -> FindingOut:
    """对一个问题记录“确认”或“驳回”及备注；审核人为当前用户。重新校验后结论按指纹跟随该问题。"""
    visible_report(request, account, report_id)
    try:
        await run_in_threadpool(review_app.decide, store_of(request), report_id, fingerprint, body.decision, account.name,
                                body.comment.strip())
    except StoreError as e:
        raise HTTPException(404 if "没有指纹" in str(e) else 400, str(e)) from None
    found = [f for f in await run_in_threadpool(_findings, request, report_id) if f.fingerprint == fingerprint]
    return _finding_out(found[0])


@router.get("/units/{unit_id}/years", response_model=UnitYears, summary="单位的各年度报告")
def unit_years(unit_id: DbId, request: Request, account: CurrentUser) -> UnitYears:
    """某单位在库中的各年度报告（年度从早到晚）及问题数。"""
    store = store_of(request)
    if not can_see_unit(store, account, unit_id):
        raise HTTPException(404, "单位不存在，或不在您的管辖范围内。")
    views = unit_reports(store, unit_id)
    unit = views[0].unit if views else None
    if unit is None:
        unit = unit_info(store, unit_id)
        if unit is None:
            raise HTTPException(404, "单位不存在，或不在您的管辖范围内。")
    return UnitYears(unit_id=unit.id, name=unit.name, region=unit.region,
                     years=[UnitYear(year=v.year, report_id=v.id, findings=_counts(v.counts)) for v in views])


@router.get("/rules", response_model=list[RuleOut], summary="校验规则")
def list_rules(account: CurrentUser) -> list[RuleOut]:
    """全部校验规则：编号、严重程度、说明和规则实例。"""
    return [RuleOut(id=r.id, severity=r.severity.value, title=r.title, instances=[i for i, _ in r.instances()],
                    page=detail_mod.rule_page(r)) for r in RULES.values()]


@router.get("/me", response_model=AccountOut, summary="当前用户")
def me(account: CurrentUser) -> AccountOut:
    """当前登录（或令牌所属）的用户及其角色和管辖范围。"""
    # The store accepts only users.ROLES, so a stored role is one of them.
    return AccountOut(name=account.name, role=cast(Role, account.role), scope=account.scope_cn)


@router.get("/openapi.json", include_in_schema=False)
def openapi(request: Request, account: CurrentUser) -> dict[str, Any]:
    """The OpenAPI schema (behind the login like everything else)."""
    return request.app.openapi()
