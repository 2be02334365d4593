"""报告列表, 报告详情, review decisions, and downloads (a report as DOCX/PDF/HTML, the list as xlsx/csv)."""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Request
from fastapi import Path as FastPath
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from ...app import rectify as rectify_app
from ...app import review as review_app
from ...app import scope as scope_app
from ...app import versions as versions_app
from ...app.publish import publish_stored
from ...model import Severity
from ...model.ids import cell_label
from ...parse import ParseError
from ...store import StoreError, listing
from ...store import export as export_mod
from ...store.collecting import provenance
from ...store.queries import report_views
from ...store.reviewing import needs_decision
from .. import detail as detail_mod
from ..auth import AdminUser, CurrentUser, ReviewerUser, read_form, store_of
from ..templating import render
from .common import DbId, attachment, filters_from, parse_int, visible_report
from .users import flash

router = APIRouter(include_in_schema=False)

DOWNLOADS = ("docx", "pdf", "html")  # the document formats offered on the report page
EXPORTS = {
    "xlsx": ("报告数据与问题清单.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "reports.csv": ("报告数据.csv", "text/csv; charset=utf-8"),
    "findings.csv": ("问题清单.csv", "text/csv; charset=utf-8"),
}
MAX_COMMENT = 2000


@router.get("/", name="home")
def home() -> Response:
    """The start page is the report list."""
    return RedirectResponse("/reports", status_code=303)


@router.get("/reports", name="report_list")
def report_list(request: Request, account: CurrentUser) -> Response:
    """The report list with the region tree and filters."""
    store = store_of(request)
    f = filters_from(request)
    page = listing.list_reports(store, account, f)
    tree, unassigned = listing.region_tree(store, account, f.year, f.region)
    return render(request, "reports.html", title="报告列表", page=page, filters=f, tree=tree, unassigned=unassigned,
                  years=listing.years(store, account), statuses=listing.STATUSES, per_pages=listing.PER_PAGE,
                  exports=EXPORTS)


@router.get("/reports/{report_id}", name="report_detail")
def report_detail(report_id: DbId, request: Request, account: CurrentUser) -> Response:
    """One report: tables beside the source text, findings with review decisions, corrections."""
    visible_report(request, account, report_id)
    store = store_of(request)
    view = report_views(store, [report_id])[0]
    report = store.load(report_id)
    findings = detail_mod.finding_items(store, report_id, report)
    worst = detail_mod.worst_severity(findings)
    lines = detail_mod.source_lines(store, report_id, view.format)
    cells_by_line: dict[int, list[str]] = {}
    for cid, c in report.cells.items():
        if c.span is not None and c.span.line > 0:
            cells_by_line.setdefault(c.span.line, []).append(cid)
    # mark the lines of pointed findings (a finding about a whole section would mark every line)
    lines_with_findings = {n for f in findings if len(f.lines) <= 5 for n in f.lines}
    example_locator = next((c.span.locator for c in report.cells.values() if c.span and c.span.locator), None)
    to_review = [f for f in findings if needs_decision(f.severity)]  # 待复核: one definition (store.reviewing)
    reviewed = sum(1 for f in to_review if f.decision)
    versions = store.versions(report_id)
    audit = [e for v in versions for e in store.audit_trail(v.report_id)]
    area = scope_app.area_comparison(store, report_id, report, view)  # 报告范围 (and the area's units' sums)
    return render(
        request, "report.html", title=f"{view.name} {view.year or ''}年度", view=view, report=report,
        area=area, area_details=account.role in ("admin", "reviewer"),  # a filer sees no other unit's figures
        tables=detail_mod.tables(report, worst), findings=findings, lines=lines, cells_by_line=cells_by_line,
        lines_with_findings=lines_with_findings, example_locator=example_locator, reviewed=reviewed, to_review=len(to_review), corrections=store.corrections(report_id),
        can_review=account.role in ("admin", "reviewer"), evidence_items=detail_mod.evidence_items,
        counts={s.value: sum(1 for f in findings if f.severity == s.value) for s in Severity},
        state_cn=detail_mod.STATE_CN, format_cn=detail_mod.format_cn(view.format),
        versions=versions, audit=sorted(audit, key=lambda e: e.at, reverse=True), can_manage=account.is_admin,
        collected=provenance(store, report_id),
        # 报告审核结论 and 整改 items (app/rectify.py; the panel is templates/_rectify.html)
        rectify=rectify_app.panel(store, report_id), statuses=rectify_app.STATUS_CN, today=dt.date.today(),
        correction_tables=detail_mod.correction_rows(report, lines) if account.role in ("admin", "reviewer") else [],
        page_view=detail_mod.page_view(store, report_id, view.format, report),
        cell_label=cell_label,
    )


BULK_DECISIONS = {"确认": "确认", "confirmed": "确认", "驳回": "驳回", "rejected": "驳回"}  # word → its name
MAX_BULK = 500  # reports in one bulk decision


@router.post("/reports/review", name="bulk_review")
async def bulk_review(request: Request, account: ReviewerUser) -> Response:
    """批量审核 from the list: the same 确认 or 驳回 (with its reason) on every finding of each ticked report
    that awaits a decision (``store.reviewing``), each recorded through ``review_app.decide`` as the
    per-finding form does; back to the list with its filters (the form's action carries them).
    """
    form = await read_form(request)
    word = str(form.get("decision") or "").strip()
    if word not in BULK_DECISIONS:
        raise HTTPException(400, f"未知的审核结论：{word or '（空）'}（可选：确认、驳回）")
    comment = str(form.get("comment") or "").strip()[:MAX_COMMENT]
    if not comment:
        raise HTTPException(400, f"请填写{BULK_DECISIONS[word]}的理由（批量审核必须说明理由）。")
    parsed = [parse_int(str(v)) for v in form.getlist("report")]
    if any(i is None or i < 1 for i in parsed):
        raise HTTPException(400, "所选报告的编号无效，请刷新页面后重新勾选。")
    ids = list(dict.fromkeys(i for i in parsed if i is not None))
    if not ids:
        raise HTTPException(400, "没有勾选报告：请先在列表中勾选要批量审核的报告。")
    if len(ids) > MAX_BULK:
        raise HTTPException(400, f"一次最多批量审核 {MAX_BULK} 份报告，请分批操作。")
    for report_id in ids:  # every report within scope before anything is written
        visible_report(request, account, report_id)
    store = store_of(request)
    recorded: dict[int, int] = {}
    try:
        for report_id in ids:
            recorded[report_id] = await run_in_threadpool(review_app.decide_pending, store, report_id, word,
                                                           account.name, comment)
    except StoreError as e:
        done = sum(recorded.values())
        raise HTTPException(400, f"无法记录审核结论：{e}" + (f"（此前已记录 {done} 个问题）" if done else "")) from None
    decided = {r: n for r, n in recorded.items() if n}
    text = f"已{BULK_DECISIONS[word]} {len(decided)} 份报告的 {sum(decided.values())} 个问题。"
    if skipped := len(ids) - len(decided):
        text += f"另有 {skipped} 份所选报告没有待复核的问题。"
    flash(request, text)
    query = urlencode(filters_from(request).query())
    return RedirectResponse("/reports" + (f"?{query}" if query else ""), status_code=303)


@router.post("/reports/{report_id}/findings/{fingerprint}/review", name="review_finding")
async def review_finding(report_id: DbId, fingerprint: str, request: Request,
                         account: ReviewerUser) -> Response:
    """Record 确认 or 驳回 with a remark; it follows the finding through its fingerprint."""
    visible_report(request, account, report_id)
    form = await read_form(request)
    decision = str(form.get("decision") or "")
    comment = str(form.get("comment") or "").strip()[:MAX_COMMENT]
    try:
        await run_in_threadpool(review_app.decide, store_of(request), report_id, fingerprint, decision, account.name,
                                comment)
    except StoreError as e:
        raise HTTPException(400, f"无法记录审核结论：{e}") from None
    return RedirectResponse(f"/reports/{report_id}#f-{fingerprint}", status_code=303)


CORRECT_FIELD = "v:"  # the correction form's value fields are named v:<cell id>


@router.post("/reports/{report_id}/corrections", name="correct_cells")
async def correct_cells(report_id: DbId, request: Request, account: ReviewerUser) -> Response:
    """更正单元格 from the report page: the cells given a new value become a new version (as ``zfxxgk correct``)."""
    visible_report(request, account, report_id)
    form = await read_form(request)
    reason = str(form.get("reason") or "").strip()[:MAX_COMMENT]
    changes: dict[str, int | Decimal | None] = {}
    raw = {str(k)[len(CORRECT_FIELD):]: str(v) for k, v in form.multi_items()
           if str(k).startswith(CORRECT_FIELD) and str(v).strip()}
    if problems := review_app.unknown_cells(list(raw)):
        raise HTTPException(400, "；".join(problems))
    for cid, text in raw.items():
        try:
            changes[cid] = review_app.parse_value(text)
        except ValueError as e:
            raise HTTPException(400, f"{cell_label(cid)}：{e}") from None
    if not changes:
        raise HTTPException(400, "没有要更正的单元格：请在“新值”一栏填写（空白写“空”）。")
    try:
        await run_in_threadpool(review_app.correct, store_of(request), report_id, changes, account.name, reason)
    except StoreError as e:
        raise HTTPException(400, f"无法更正：{e}") from None
    return RedirectResponse(f"/reports/{report_id}#corrections", status_code=303)


VERSION_ACTIONS = {"choose": "设为当前版本", "withdraw": "撤回", "delete": "删除", "restore": "恢复"}


@router.post("/reports/{report_id}/versions", name="version_action")
async def version_action(report_id: DbId, request: Request, account: AdminUser) -> Response:
    """设为当前、撤回、删除 or 恢复 a version (administrators; audit-logged with the reason)."""
    visible_report(request, account, report_id)
    form = await read_form(request)
    action = str(form.get("action") or "")
    if action not in VERSION_ACTIONS:
        raise HTTPException(400, f"未知的操作：{action}（可用：{'、'.join(VERSION_ACTIONS.values())}）")
    reason = str(form.get("reason") or "").strip()[:MAX_COMMENT]
    try:
        await run_in_threadpool(getattr(versions_app, action), store_of(request), report_id, account.name, reason)
    except StoreError as e:
        raise HTTPException(400, f"无法{VERSION_ACTIONS[action]}：{e}") from None
    return RedirectResponse(f"/reports/{report_id}#versions", status_code=303)


@router.get("/reports/{report_id}/download/{fmt}", name="report_download")
async def report_download(report_id: DbId, fmt: str, request: Request, account: CurrentUser) -> Response:
    """The report as DOCX, PDF or HTML in the standard format."""
    if fmt not in DOWNLOADS:
        raise HTTPException(404, "不支持的下载格式。")
    visible_report(request, account, report_id)
    try:
        doc = await run_in_threadpool(publish_stored, store_of(request), report_id, fmt)
    except Exception as e:  # noqa: BLE001 - e.g. the PDF typesetter is missing: say so, not a stack trace
        logging.getLogger("zfxxgk.web").exception("rendering report %s as %s failed", report_id, fmt)
        raise HTTPException(500, f"无法生成 {fmt.upper()} 文件：{type(e).__name__}") from None
    return attachment(doc.data, doc.filename, doc.media_type)


@router.get("/reports/{report_id}/source", name="report_source")
def report_source(report_id: DbId, request: Request, account: CurrentUser) -> Response:
    """The original file, unchanged."""
    visible_report(request, account, report_id)
    name, data = store_of(request).source(report_id)
    return attachment(data, name, "application/octet-stream")


@router.get("/reports/{report_id}/pages/{page}", name="report_page_image")
async def report_page_image(report_id: DbId, page: Annotated[int, FastPath(ge=1, le=10_000)], request: Request,
                            account: CurrentUser) -> Response:
    """One page of a PDF or scanned report as PNG (shown beside the extracted text, the cell's box on it)."""
    visible_report(request, account, report_id)
    store = store_of(request)
    fmt = report_views(store, [report_id])[0].format
    try:
        png = await run_in_threadpool(detail_mod.page_image, store, report_id, fmt, page)
    except ParseError as e:
        raise HTTPException(404, e.reason) from None
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=86400"})


@router.get("/export/{kind}", name="export")
async def export(kind: str, request: Request, account: CurrentUser) -> Response:
    """报告数据 / 问题清单 of the current filter as Excel or CSV (the same exports as ``zfxxgk export``)."""
    if kind not in EXPORTS:
        raise HTTPException(404, "不支持的导出格式。")
    store = store_of(request)
    f = filters_from(request)
    ids = await run_in_threadpool(listing.matching_ids, store, account, f)

    def build() -> bytes:
        with tempfile.TemporaryDirectory() as tmp:
            reports_path, findings_path = Path(tmp) / "reports", Path(tmp) / "findings"
            if kind == "xlsx":
                export_mod.to_xlsx(store, reports_path, f.year, report_ids=ids)
                return reports_path.read_bytes()
            export_mod.to_csv(store, reports_path, f.year, findings_path=findings_path, report_ids=ids)
            return (reports_path if kind == "reports.csv" else findings_path).read_bytes()

    data = await run_in_threadpool(build)
    filename, media_type = EXPORTS[kind]
    if f.year:
        filename = f"{f.year}年度{filename}"
    return attachment(data, filename, media_type)
