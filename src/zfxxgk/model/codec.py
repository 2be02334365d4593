"""The one lossless codec of a parsed report: ``Report`` ⇄ a JSON document.

Everything a rule reads survives the trip (text, spans, the sections' printed ordinals and variant
flags, the periods' wording, notes with their data), so a report loaded from the store checks
exactly as it did when it was parsed — whichever door it came in by. The store keeps this document
beside the queryable cell rows; corrections overlay their cells on it.

Note data may hold tuples, Decimals and dates; they travel tagged (``{"$t": [...]}``, ``{"$d": "1.5"}``,
``{"$date": "2024-01-01"}``) so that a message formatted from them reads the same after loading.
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Collection
from decimal import Decimal
from typing import Any

from . import jsontext
from .ids import CELL_IDS, Table
from .report import Cell, CellState, NoteKind, ParseNote, PeriodStatement, Report, Section, Span, TableInfo

DOC_VERSION = 1
_STATES = {state.value: state for state in CellState}
_POSITION = {cid: i for i, cid in enumerate(CELL_IDS)}


def _span(s: Span | None) -> list[Any] | None:
    return None if s is None else [s.line, s.col, s.end_line, s.end_col, s.locator]


def _unspan(v: list[Any] | None) -> Span | None:
    return None if v is None else Span(v[0], v[1], v[2], v[3], v[4])


def _date(d: dt.date | None) -> str | None:
    return None if d is None else d.isoformat()


def _undate(v: str | None) -> dt.date | None:
    return None if v is None else dt.date.fromisoformat(v)


def _number(v: int | Decimal | None) -> int | str | None:
    return str(v) if isinstance(v, Decimal) else v


def _tag(x: Any) -> Any:
    """Note data as JSON that remembers its Python types."""
    if isinstance(x, dict):
        return {str(k): _tag(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_tag(v) for v in x]
    if isinstance(x, tuple):
        return {"$t": [_tag(v) for v in x]}
    if isinstance(x, Decimal):
        return {"$d": str(x)}
    if isinstance(x, dt.date):
        return {"$date": x.isoformat()}
    if isinstance(x, Span):
        return {"$span": _span(x)}
    if isinstance(x, str | int | float | bool) or x is None:
        return x
    return str(x)  # anything else a parser might put there is shown as text anyway


def _untag(x: Any) -> Any:
    if isinstance(x, list):
        return [_untag(v) for v in x]
    if isinstance(x, dict):
        if len(x) == 1:
            (k, v), = x.items()
            if k == "$t":
                return tuple(_untag(i) for i in v)
            if k == "$d":
                return Decimal(v)
            if k == "$date":
                return dt.date.fromisoformat(v)
            if k == "$span":
                return _unspan(v)
        return {k: _untag(v) for k, v in x.items()}
    return x


def report_to_doc(report: Report) -> dict[str, Any]:
    """The report as a JSON-able document (every field of the model)."""
    return {
        "v": DOC_VERSION,
        "source": report.source,
        "text": report.text,
        "format": report.format,
        "title": report.title,
        "title_span": _span(report.title_span),
        "unit": report.unit,
        "year": report.year,
        "signed_unit": report.signed_unit,
        "signed_on": _date(report.signed_on),
        "signature_span": _span(report.signature_span),
        "published_on": _date(report.published_on),
        "index_no": report.index_no,
        "periods": [[_date(p.start), _date(p.end), p.text, _span(p.span)] for p in report.periods],
        "intro": report.intro,
        "intro_line": report.intro_line,
        "sections": [[s.number, s.ordinal, s.heading, s.standard, s.variant, s.text, _span(s.span)]
                     for s in report.sections.values()],
        "tables": [[t.table.value, _span(t.span), t.layout, t.section, list(t.rows_found)]
                   for t in report.tables.values()],
        "cells": [[c.state.value, _number(c.value), c.raw, _span(c.span)] for c in (report.cells[i] for i in CELL_IDS)],
        "notes": [[n.kind.value, n.table.value if n.table else None, _span(n.span), _tag(n.data)] for n in report.notes],
    }


def report_from_doc(doc: dict[str, Any], cells: Collection[str] | None = None) -> Report:
    """The report a document was made from, equal to it field for field.

    ``cells``: only these cells are made, the others are absent from ``report.cells`` (reading one
    raises ``KeyError``, never reads a blank). For a caller that reads a few known cells of many
    stored reports: the 200 cells are most of the cost of unpacking a document.
    """
    if doc.get("v") != DOC_VERSION:
        raise ValueError(f"unknown report document version {doc.get('v')!r}")
    report = Report(
        source=doc["source"], text=doc["text"], format=doc["format"], title=doc["title"],
        title_span=_unspan(doc["title_span"]), unit=doc["unit"], year=doc["year"], signed_unit=doc["signed_unit"],
        signed_on=_undate(doc["signed_on"]), signature_span=_unspan(doc["signature_span"]),
        published_on=_undate(doc["published_on"]), intro=doc["intro"], intro_line=doc["intro_line"],
        index_no=doc.get("index_no"),  # documents stored before the 索引号 was read have none
    )
    report.periods = [PeriodStatement(_undate(a), _undate(b), text, _unspan(span))  # type: ignore[arg-type]
                      for a, b, text, span in doc["periods"]]
    report.sections = {n: Section(n, ordinal, heading, standard, variant, text, _unspan(span))  # type: ignore[arg-type]
                       for n, ordinal, heading, standard, variant, text, span in doc["sections"]}
    report.tables = {Table(t): TableInfo(Table(t), _unspan(span), layout, section, list(rows))  # type: ignore[arg-type]
                     for t, span, layout, section, rows in doc["tables"]}
    # the 200 cells are most of a document's cost: the states from a dict (an enum call is slower per cell)
    packed = doc["cells"]
    if len(packed) != len(CELL_IDS):
        raise ValueError(f"report document with {len(packed)} cells, not {len(CELL_IDS)}")
    wanted = zip(CELL_IDS, packed) if cells is None else ((cid, packed[_POSITION[cid]]) for cid in cells)
    report.cells = {cid: Cell(cid, _STATES[state], Decimal(value) if isinstance(value, str) else value, raw,
                              None if span is None else Span(span[0], span[1], span[2], span[3], span[4]))
                    for cid, (state, value, raw, span) in wanted}
    report.notes = [ParseNote(NoteKind(kind), Table(table) if table else None, _unspan(span), _untag(data))
                    for kind, table, span, data in doc["notes"]]
    return report


def pack(report: Report) -> bytes:
    """The document as compressed JSON bytes (what the store keeps: ≈ a quarter of the JSON's size).

    zlib level 3: the batch workers compress every report, and level 6 took ≈ 1.6 × as long for
    documents ≈ 4 % smaller (``docs/benchmarks.md``); any level reads back alike.
    """
    return zlib.compress(jsontext.dumps_bytes(report_to_doc(report)), 3)


def unpack(data: bytes, cells: Collection[str] | None = None) -> Report:
    """The report of :func:`pack`'s bytes (with only ``cells``, as :func:`report_from_doc` says)."""
    return report_from_doc(jsontext.loads(zlib.decompress(data)), cells)
