"""报告列表, 报告详情, review decisions, and downloads (a report as DOCX/PDF/HTML, the list as xlsx/csv)."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from ...app import review as review_app
from ...app import scope as scope_app
from ...app import versions as versions_app
from ...app.publish import publish_stored
from ...model import Severity
from ...store import StoreError, listing
from ...store import export as export_mod
from ...store.collecting import provenance
from ...store.queries import report_views
from .. import detail as detail_mod
from ..auth import AdminUser, CurrentUser, ReviewerUser, read_form, store_of
from ..templating import render
from .common import DbId, attachment, filters_from, visible_report

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
    reviewed = sum(1 for f in findings if f.decision)
    versions = store.versions(report_id)
    audit = [e for v in versions for e in store.audit_trail(v.report_id)]
    area = scope_app.area_comparison(store, report_id, report, view)  # 报告范围 (and the area's units' sums)
    return render(
        request, "report.html", title=f"{view.name} {view.year or ''}年度", view=view, report=report,
        area=area, area_details=account.role in ("admin", "reviewer"),  # a filer sees no other unit's figures
        tables=detail_mod.tables(report, worst), findings=findings, lines=lines, cells_by_line=cells_by_line,
        lines_with_findings=lines_with_findings, example_locator=example_locator, reviewed=reviewed, corrections=store.corrections(report_id),
        can_review=account.role in ("admin", "reviewer"), evidence_items=detail_mod.evidence_items,
        counts={s.value: sum(1 for f in findings if f.severity == s.value) for s in Severity},
        state_cn=detail_mod.STATE_CN, format_cn=detail_mod.format_cn(view.format),
        versions=versions, audit=sorted(audit, key=lambda e: e.at, reverse=True), can_manage=account.is_admin,
        collected=provenance(store, report_id),
    )


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
