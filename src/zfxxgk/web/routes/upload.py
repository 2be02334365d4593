"""上传报告: several files or .zip archives in one request, with a per-file result table."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from ...app.ingest import checked_region
from ...store import StoreError
from ..auth import ReviewerUser, read_form, store_of
from ..templating import render
from ..uploads import Budget, Item, UploadLimits, UploadResult, expand, import_items

router = APIRouter(include_in_schema=False)


@router.get("/upload", name="upload_page")
def upload_page(request: Request, account: ReviewerUser) -> Response:
    """The upload form."""
    return render(request, "upload.html", title="上传报告", results=None, limits=request.app.state.limits)


@router.post("/upload", name="upload_submit")
async def upload_submit(request: Request, account: ReviewerUser) -> Response:
    """Import the uploaded files; the page's script asks for the result table alone (``X-Requested-With``)."""
    limits: UploadLimits = request.app.state.limits
    form = await read_form(request)
    uploads = [f for f in form.getlist("files") if isinstance(f, UploadFile) and (f.filename or f.size)]
    region = str(form.get("region") or "").strip()[:200] or None
    partial = request.headers.get("x-requested-with") == "XMLHttpRequest"
    template = "_upload_results.html" if partial else "upload.html"
    if not uploads:
        return render(request, template, status_code=400, title="上传报告", results=[], limits=limits,
                      message="请选择要上传的文件。")
    if len(uploads) > limits.max_files:
        return render(request, template, status_code=400, title="上传报告", results=[], limits=limits,
                      message=f"一次最多上传 {limits.max_files} 个文件，请分批上传。")
    if region is not None and account.role != "admin":
        region = None  # only an administrator places reports in regions by hand
    if region is not None:  # one of the store's regions or an official division: a typo never makes one
        try:
            region = await run_in_threadpool(checked_region, store_of(request), region)
        except StoreError as e:
            return render(request, template, status_code=400, title="上传报告", results=[], limits=limits,
                          message=f"所属地区有误：{e}")
    # One budget for the whole request, and each upload imported before the next is unpacked: memory
    # holds one archive's files at a time, and all archives together never unpack beyond the budget.
    budget = Budget.of(limits)
    results: list[UploadResult] = []
    for upload in uploads:
        data = await upload.read()
        await upload.close()
        items: list[Item] = await run_in_threadpool(expand, upload.filename or "", data, limits, budget)
        del data
        results += await run_in_threadpool(import_items, store_of(request), account, items, region)
        del items
    tally = {k: sum(1 for r in results if r.status == k) for k in ("imported", "duplicate", "failed")}
    return render(request, template, title="上传报告", results=results, tally=tally, limits=limits, message=None)
