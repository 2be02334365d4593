"""在线填报: the standard form for a 填报单位, validated live by the real checker, rendered as DOCX/PDF when clean.

The form comes from :func:`zfxxgk.filing.form_schema` (cover facts, the three tables laid out as in the
official format, the intro and the six sections). The page's script posts the form as JSON to
``/filing/validate`` (with the ``X-CSRF-Token`` header) while the user types and shows input errors and
findings next to the fields; ``/filing/render`` renders the report only when there is no input error and
no “错误” finding (as ``zfxxgk render`` without ``--force``), otherwise the page comes back with the reasons.
A filer files for their own unit (the unit field is fixed to it); blank stays blank, never 0.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from ... import api, filing
from ...filing import FieldSpec, FilingRefused, TableSpec
from ...model import SEVERITY_CN, Table
from ...store.scope import admission
from ...store.users import Account, can_see_report
from ..auth import read_form, require_roles, store_of
from ..templating import render
from .common import attachment, parse_int

router = APIRouter(include_in_schema=False)

FilerUser = Annotated[Account, Depends(require_roles("admin", "filer"))]  # filers and administrators
FORMATS = {"docx": "Word（DOCX）", "pdf": "PDF"}
SUBMIT = "store"  # 提交: render as Word and import into the store for review
MAX_FIELD = 20_000  # characters per field (a section of a report is far shorter)
T3_TOP = "三、本年度办理结果"


@dataclass(slots=True)
class LabelCell:
    """A label cell of a laid-out table row."""

    text: str
    rowspan: int = 1
    colspan: int = 1


def t3_layout(table: TableSpec) -> list[tuple[list[LabelCell], tuple[FieldSpec, ...]]]:
    """Table 3's rows with label cells spanning like the official table (三、本年度办理结果 › （三）不予公开 › 1.…)."""
    rows = table.rows
    tops = [T3_TOP if r.group else None for r in rows]
    mids = [r.group if r.group and r.group != T3_TOP else None for r in rows]

    def run(values: list[str | None], i: int) -> int:
        n = 1
        while i + n < len(values) and values[i + n] == values[i]:
            n += 1
        return n

    out = []
    for i, r in enumerate(rows):
        labels: list[LabelCell] = []
        top, mid = tops[i], mids[i]
        if top is None:
            labels.append(LabelCell(r.label, 1, 3))
        else:
            if i == 0 or tops[i - 1] != top:
                labels.append(LabelCell(top, run(tops, i)))
            if mid is None:
                labels.append(LabelCell(r.label, 1, 2))
            else:
                if i == 0 or mids[i - 1] != mid:
                    labels.append(LabelCell(mid, run(mids, i)))
                labels.append(LabelCell(r.label))
        out.append((labels, r.cells))
    return out


def t2_blocks(table: TableSpec) -> list[tuple[str, list[tuple[str, str]], list[tuple[str, tuple[FieldSpec, ...]]]]]:
    """Table 2 in its official blocks: (信息内容 heading, column labels, rows)."""
    labels = dict(table.columns)
    blocks: dict[str, tuple[list[tuple[str, str]], list[tuple[str, tuple[FieldSpec, ...]]]]] = {}
    for r in table.rows:
        cols, rows = blocks.setdefault(r.group, ([], []))
        if not cols:
            cols.extend((c.column or "", labels.get(c.column or "", "")) for c in r.cells)
        rows.append((r.label, r.cells))
    return [(group, cols, rows) for group, (cols, rows) in blocks.items()]


def initial_values(request: Request, account: Account) -> tuple[dict[str, str], str | None]:
    """The form's starting values: empty (the unit and last year filled in), or a stored report's (``?from=id``)."""
    source = parse_int(request.query_params.get("from"))
    if source is not None:
        store = store_of(request)
        if not can_see_report(store, account, source):
            raise HTTPException(404, "报告不存在，或不在您的管辖范围内。")
        values = filing.form_from_report(store.load(source))
        note = "已按库中报告预填，请核对修改后再生成。"
    else:
        values = {"year": str(dt.date.today().year - 1)}
        note = None
    if account.role == "filer" and account.unit:
        values["unit"] = account.unit
    return values, note


def _page(request: Request, account: Account, values: dict[str, str], status_code: int = 200,
          refused: list[str] | None = None, note: str | None = None, validation: filing.Validation | None = None) -> Response:
    schema = filing.form_schema()
    tables = {t.table: t for t in schema.tables}
    return render(request, "filing.html", status_code=status_code, title="在线填报", schema=schema, values=values,
                  t2=t2_blocks(tables[Table.T2]), t3=tables[Table.T3], t3_rows=t3_layout(tables[Table.T3]),
                  t4=tables[Table.T4], formats=FORMATS, refused=refused, note=note, validation=validation,
                  severity_cn=SEVERITY_CN, unit_fixed=account.role == "filer" and bool(account.unit))


@router.get("/filing", name="filing_page")
def filing_page(request: Request, account: FilerUser) -> Response:
    """The empty (or pre-filled) filing form."""
    values, note = initial_values(request, account)
    return _page(request, account, values, note=note)


def clean_form(raw: Any, account: Account) -> dict[str, str]:
    """Only the schema's fields, as strings of bounded length; a filer's unit is always their own."""
    if not isinstance(raw, dict):
        raise HTTPException(400, "提交的内容不是有效的表单数据。")
    fields = filing.form_schema().fields
    form = {k: (v if isinstance(v, str) else "" if v is None else str(v))[:MAX_FIELD]
            for k, v in raw.items() if k in fields and isinstance(v, str | int | float | type(None))}
    if account.role == "filer" and account.unit:
        form["unit"] = account.unit
    return form


def validation_json(v: filing.Validation) -> dict[str, Any]:
    """The live validation for the page's script: the core's JSON plus labels and the blocking messages."""
    d = v.to_dict()
    fields = filing.form_schema().fields
    d["labels"] = {n: fields[n].label for n in (*d["field_errors"], *d["field_findings"]) if n in fields}
    d["messages"] = v.messages()
    d["severity_cn"] = SEVERITY_CN
    return d


@router.post("/filing/validate", name="filing_validate")
async def filing_validate(request: Request, account: FilerUser) -> Response:
    """Validate the form (JSON object of field → text) with the real checker; nothing is stored."""
    try:
        raw = json.loads(await request.body() or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise HTTPException(400, "提交的内容不是有效的 JSON。") from None
    form = clean_form(raw, account)
    v = await run_in_threadpool(filing.validate, form)
    return JSONResponse(validation_json(v))


@router.post("/filing/render", name="filing_render")
async def filing_render(request: Request, account: FilerUser) -> Response:
    """生成年报: the standard DOCX/PDF, or the form again with the reasons it was refused (400)."""
    posted = await read_form(request)
    fmt = str(posted.get("fmt") or "docx")
    if fmt not in FORMATS and fmt != SUBMIT:
        raise HTTPException(400, "不支持的输出格式。")
    # The page's script posts the fields as one JSON ``payload`` (the form has more fields than a
    # form post may carry: see auth.FORM_LIMITS); separate fields are read as well.
    payload = posted.get("payload")
    if isinstance(payload, str) and payload:
        try:
            raw = json.loads(payload)
        except ValueError:
            raise HTTPException(400, "提交的内容不是有效的表单数据。") from None
    else:
        raw = {k: v for k, v in posted.items() if isinstance(v, str) and k not in ("csrf_token", "fmt")}
    form = clean_form(raw, account)
    try:
        result = await run_in_threadpool(filing.submit, form, "docx" if fmt == SUBMIT else fmt)
    except FilingRefused as e:
        return _page(request, account, form, status_code=400, refused=e.validation.messages(), validation=e.validation)
    except Exception as e:  # noqa: BLE001 - e.g. the PDF typesetter is missing: say so, not a stack trace
        logging.getLogger("zfxxgk.web").exception("rendering a filing as %s failed", fmt)
        raise HTTPException(500, f"无法生成 {fmt.upper()} 文件：{type(e).__name__}") from None
    if fmt == SUBMIT:
        return await _store_filing(request, account, form, result.data, result.filename)
    return attachment(result.data, result.filename, result.media_type)


async def _store_filing(request: Request, account: Account, form: dict[str, str], data: bytes, filename: str) -> Response:
    """提交: the rendered Word report goes into the store like an upload (parsed, checked, kept as the source)."""
    scope = admission(store_of(request), account)
    outcome = await run_in_threadpool(api.import_bytes, data, filename, store_of(request), scope.region, scope.admit)
    if outcome.error is not None or outcome.report_id is None:
        return _page(request, account, form, status_code=400, refused=[f"提交失败：{outcome.error}"])
    return RedirectResponse(f"/reports/{outcome.report_id}?submitted=1", status_code=303)
