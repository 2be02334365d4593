"""Exports of the report store: one row per report (header facts, all 200 cells, finding counts).

CSV and JSON Lines are for machines (keys as headers, cell ids in registry order); the Excel
workbook is for the offices: “报告数据” with Chinese headers (the cell ids in a hidden second
header row), “问题清单” with one row per finding and its review decision, “指标说明” with the
metrics and their formulas. Ints stay ints, fees stay decimals, a null stays empty (never 0).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select

from ..model import CELL, CELL_IDS, DECISION_CN, SEVERITY_CN
from ..model.units import UnitType
from .db import Store, StoreError
from .queries import (
    LEVEL_CN,
    METRICS,
    SEVERITIES,
    FindingView,
    ReportView,
    cell_label,
    findings,
    report_views,
)
from .schema import ReportRow

FORMATS = ("xlsx", "csv", "jsonl")

# (key, Chinese header, column width) of the facts before the cells.
HEADER_FIELDS: tuple[tuple[str, str, int], ...] = (
    ("report_id", "报告编号", 9),
    ("unit", "单位", 30),
    ("year", "年度", 7),
    ("unit_type", "单位类型", 10),
    ("region", "所属地区", 24),
    ("source_name", "来源文件", 28),
    ("published_on", "发布日期", 12),
    ("signed_on", "落款日期", 12),
    ("period_start", "统计期间起", 12),
    ("period_end", "统计期间止", 12),
    ("format", "文件格式", 11),
    ("format_version", "表格式版本", 10),
    ("version", "数据版本", 9),
    ("errors", "错误数", 8),
    ("warnings", "警告数", 8),
    ("infos", "提示数", 8),
)
COUNT_KEYS = {"error": "errors", "warning": "warnings", "info": "infos"}
UNIT_TYPE_CN = {t.value: t.cn for t in UnitType}
REPORT_COLUMNS: tuple[str, ...] = tuple(k for k, _, _ in HEADER_FIELDS) + CELL_IDS

FINDING_FIELDS: tuple[tuple[str, str, int], ...] = (
    ("report_id", "报告编号", 9),
    ("unit", "单位", 30),
    ("year", "年度", 7),
    ("rule", "规则", 24),
    ("severity", "严重程度", 9),
    ("message", "问题描述", 60),
    ("cells", "单元格", 40),
    ("decision", "审核结论", 9),
    ("reviewer", "审核人", 10),
    ("comment", "审核意见", 24),
    ("fingerprint", "指纹", 18),
)


# Reports read per query by the exports: memory stays flat whatever the number of reports (a national
# store is 100,000 reports of 200 cells each).
EXPORT_CHUNK = 2000


def export_ids(store: Store, year: int | None = None, report_ids: Sequence[int] | None = None) -> list[int]:
    """The reports an export writes, in id order: the current ones (or the given ids), optionally of one year."""
    with store.session() as s:
        q = select(ReportRow.id).order_by(ReportRow.id)
        if report_ids is None:
            q = q.where(ReportRow.is_current)
        if year is not None:
            q = q.where(ReportRow.year == year)
        found = s.scalars(q)
        if report_ids is None:
            return list(found)
        wanted = set(report_ids)  # filtered here: a province's ids would overflow an IN (…) list
        return [i for i in found if i in wanted]


def _id_chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    for i in range(0, len(ids), EXPORT_CHUNK):
        yield list(ids[i : i + EXPORT_CHUNK])


def iter_export_rows(store: Store, year: int | None = None, report_ids: Sequence[int] | None = None,
                     ids: Sequence[int] | None = None) -> Iterator[dict[str, Any]]:
    """:func:`export_rows` read a chunk of reports at a time (``ids``: from :func:`export_ids`)."""
    for chunk in _id_chunks(export_ids(store, year, report_ids) if ids is None else ids):
        yield from (_row(v) for v in report_views(store, chunk))


def export_rows(store: Store, year: int | None = None, report_ids: Sequence[int] | None = None) -> list[dict[str, Any]]:
    """One dict per report (current version), in report-id order: the facts of
    :data:`HEADER_FIELDS` then the 200 cells by id in registry order (None for a null).
    ``report_ids`` limits the export to those reports (a filtered list in the web app).
    """
    return list(iter_export_rows(store, year, report_ids))


def _row(v: ReportView) -> dict[str, Any]:
    d: dict[str, Any] = {
        "report_id": v.id,
        "unit": v.name,
        "year": v.year,
        "unit_type": v.unit.unit_type if v.unit else None,
        "region": v.unit.region if v.unit else None,
        "source_name": v.source_name,
        "published_on": v.published_on,
        "signed_on": v.signed_on,
        "period_start": v.period_start,
        "period_end": v.period_end,
        "format": v.format,
        "format_version": v.format_version,
        "version": v.version,
    }
    for sev in SEVERITIES:
        d[COUNT_KEYS[sev]] = v.counts.get(sev, 0)
    for c in CELL_IDS:
        d[c] = v.cells.get(c)
    return d


def finding_rows(store: Store, year: int | None = None, report_ids: Sequence[int] | None = None) -> list[FindingView]:
    """The 问题清单: every finding of the current versions with the latest review decision."""
    return findings(store, report_ids, year=year)


def iter_finding_rows(store: Store, ids: Sequence[int]) -> Iterator[FindingView]:
    """:func:`finding_rows` of these reports (from :func:`export_ids`), a chunk of reports at a time."""
    for chunk in _id_chunks(ids):
        yield from findings(store, chunk)


# --- CSV and JSON Lines ------------------------------------------------------------------------

# A text that Excel (or LibreOffice) would take for a formula: unit, region and file names come from
# the reports and the uploads, so “=HYPERLINK(…)” must stay text (OWASP, CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(v: Any) -> Any:
    """A text value made inert for spreadsheets (a leading ``'``); anything else unchanged."""
    if isinstance(v, str) and v.startswith(_FORMULA_START):
        return "'" + v
    return v


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, Decimal):
        return format(v, "f")
    return neutralise(str(v)) if isinstance(v, str) else str(v)


def to_csv(store: Store, path: str | Path, year: int | None = None, findings_path: str | Path | None = None,
           report_ids: Sequence[int] | None = None) -> int:
    """Write the reports as CSV (UTF-8 with BOM so that Excel reads the Chinese); returns the row count.

    The header row holds the keys (``report_id`` …, then the cell ids); a null cell is an empty field.
    With ``findings_path`` the 问题清单 is written there too (Chinese headers).
    """
    ids = export_ids(store, year, report_ids)
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(REPORT_COLUMNS)
        for r in iter_export_rows(store, ids=ids):
            w.writerow([_text(r[k]) for k in REPORT_COLUMNS])
    if findings_path is not None:
        with open(findings_path, "w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow([h for _, h, _ in FINDING_FIELDS])
            for f in iter_finding_rows(store, ids):
                w.writerow([_text(x) for x in _finding_values(f)])
    return len(ids)


def _json_value(v: Any) -> Any:
    if isinstance(v, Decimal):
        return float(v)  # exact for Numeric(18, 4); read back with json.loads(..., parse_float=Decimal)
    if isinstance(v, dt.date):
        return v.isoformat()
    return v


def to_jsonl(store: Store, path: str | Path, year: int | None = None) -> int:
    """Write one JSON object per report (keys as :func:`export_rows`, plus its ``findings``); returns the count."""
    ids = export_ids(store, year)
    with open(path, "w", encoding="utf-8") as fh:
        for chunk in _id_chunks(ids):
            by_report: dict[int, list[dict[str, Any]]] = {}
            for f in findings(store, chunk):
                d = f.to_dict()
                del d["report_id"], d["unit"], d["year"]
                by_report.setdefault(f.report_id, []).append(d)
            for r in iter_export_rows(store, ids=chunk):
                rec = {k: _json_value(v) for k, v in r.items()}
                rec["findings"] = by_report.get(r["report_id"], [])
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return len(ids)


# --- Excel -------------------------------------------------------------------------------------


def _finding_values(f: FindingView) -> list[Any]:
    cells = "；".join(cell_label(c) if c in CELL else c for c in f.cells)
    return [f.report_id, f.unit, f.year, f.rule, SEVERITY_CN.get(f.severity, f.severity), f.message, cells,
            DECISION_CN.get(f.decision or "", f.decision or "未审核"), f.reviewer, f.comment, f.fingerprint]


def to_xlsx(store: Store, path: str | Path, year: int | None = None, report_ids: Sequence[int] | None = None) -> int:
    """Write the workbook (报告数据, 问题清单, 指标说明); returns the report count.

    Written as it is read (openpyxl's write-only mode, a chunk of reports at a time): memory stays flat
    whatever the number of reports.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    wrap = Alignment(wrap_text=True, vertical="center", horizontal="center")
    top = Alignment(wrap_text=True, vertical="top")

    def header(ws: Any, labels: Sequence[str], widths: Sequence[int]) -> None:
        for i, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = w
        cells = []
        for label in labels:
            cell = WriteOnlyCell(ws, value=label)
            cell.font, cell.fill, cell.alignment = bold, fill, wrap
            cells.append(cell)
        ws.append(cells)

    def styled(ws: Any, value: Any, number_format: str | None = None, alignment: Alignment | None = None) -> Any:
        cell = WriteOnlyCell(ws, value=value)
        if number_format is not None:
            cell.number_format = number_format
        if alignment is not None:
            cell.alignment = alignment
        return cell

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("报告数据")
    ids = export_ids(store, year, report_ids)
    labels = [h for _, h, _ in HEADER_FIELDS] + [cell_label(c) for c in CELL_IDS]
    widths = [w for _, _, w in HEADER_FIELDS] + [14] * len(CELL_IDS)
    ws.freeze_panes = "D3"  # header rows and 报告编号/单位/年度 stay in view
    ws.row_dimensions[1].height = 96
    ws.row_dimensions[2].hidden = True
    header(ws, labels, widths)
    ws.append(list(REPORT_COLUMNS))  # row 2: machine keys / cell ids, hidden
    dates = {"published_on", "signed_on", "period_start", "period_end"}
    decimals = {c for c in CELL_IDS if CELL[c].decimal}
    for r in iter_export_rows(store, ids=ids):
        values: list[Any] = []
        for k in REPORT_COLUMNS:
            v = r[k]
            if k == "unit_type":
                v = UNIT_TYPE_CN.get(v, v) if v else None
            if v is not None and k in dates:
                v = styled(ws, v, "yyyy-mm-dd")
            elif v is not None and k in decimals:
                v = styled(ws, v, "0.00##")
            values.append(neutralise(v))
        ws.append(values)

    wf = wb.create_sheet("问题清单")
    wf.freeze_panes = "A2"
    header(wf, [h for _, h, _ in FINDING_FIELDS], [w for _, _, w in FINDING_FIELDS])
    count = 0
    message = [k for k, _, _ in FINDING_FIELDS].index("message")
    for f in iter_finding_rows(store, ids):
        row = [neutralise(x) for x in _finding_values(f)]
        row[message] = styled(wf, row[message], alignment=top)  # long messages wrap; the rest stays one line
        wf.append(row)
        count += 1
    if count:
        wf.auto_filter.ref = f"A1:{get_column_letter(len(FINDING_FIELDS))}{count + 1}"

    wm = wb.create_sheet("指标说明")
    wm.freeze_panes = "A2"
    header(wm, ["指标", "编号", "计算公式", "分子单元格", "分母单元格", "最小分母", "说明"], [20, 26, 50, 50, 40, 9, 50])
    for m in METRICS:
        wm.append([styled(wm, v, alignment=top) for v in (
            m.name, m.id, m.formula, "；".join(cell_label(c) for c in m.numerator),
            "；".join(cell_label(c) for c in m.denominator), m.min_denominator,
            f"{m.note}。分母小于 {m.min_denominator} 时不计算（显示“样本过少”）；"
            "任一单元格为空白时该报告不参与计算（显示“数据缺失”），空白从不当作 0。")])
    wm.append([])
    wm.append([f"地区级别：{'、'.join(f'{k}={v}' for k, v in LEVEL_CN.items())}"])
    wb.save(path)
    return len(ids)


def export(store: Store, path: str | Path, fmt: str | None = None, year: int | None = None) -> int:
    """Write ``path`` in ``fmt`` (default: from the file suffix); returns the report count.

    CSV also writes the 问题清单 next to it (``<name>_问题清单.csv``).
    """
    p = Path(path)
    fmt = (fmt or p.suffix.lstrip(".")).lower()
    if fmt == "xlsx":
        return to_xlsx(store, p, year)
    if fmt == "csv":
        return to_csv(store, p, year, findings_path=findings_csv_path(p))
    if fmt == "jsonl":
        return to_jsonl(store, p, year)
    raise ValueError(f"不支持的导出格式：{fmt}（可选：{'、'.join(FORMATS)}）")


def findings_csv_path(path: str | Path) -> Path:
    """Where :func:`export` writes the 问题清单 of a CSV export."""
    p = Path(path)
    return p.with_name(f"{p.stem}_问题清单.csv")


__all__ = ["FORMATS", "HEADER_FIELDS", "REPORT_COLUMNS", "export", "export_rows", "finding_rows",
           "findings_csv_path", "to_csv", "to_jsonl", "to_xlsx"]


def write_table(path: str | Path, sheet: str, header: Sequence[str], rows: Iterable[Sequence[Any]],
                widths: Sequence[int] | None = None) -> int:
    """One table as XLSX (bold header, frozen, write-only) or CSV (UTF-8 with BOM) by the file's extension;
    text that a spreadsheet would run as a formula is neutralised. Returns the number of rows.
    """
    p = Path(path)
    n = 0
    if p.suffix.lower() == ".csv":
        with open(p, "w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(header)
            for row in rows:
                w.writerow([neutralise(v) for v in row])
                n += 1
        return n
    if p.suffix.lower() != ".xlsx":
        raise StoreError(f"{p.name}：请用 .xlsx 或 .csv 扩展名")
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet)
    for i, width in enumerate(widths or (), start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    cells = []
    for h in header:
        c = WriteOnlyCell(ws, value=h)
        c.font = Font(bold=True)
        cells.append(c)
    ws.append(cells)
    for row in rows:
        ws.append([neutralise(v) for v in row])
        n += 1
    wb.save(p)
    return n
