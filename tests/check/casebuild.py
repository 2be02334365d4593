"""Build a :class:`Report` from one rule case of ``tests/check/cases/*.yaml``.

A case starts from a base and applies overrides:

* ``base: zeros`` (default): every cell NUMBER 0 (raw ``"0"``), the six sections present with their
  standard headings, in order, all three tables found in their sections with every row, year 2024.
* ``base: empty``: every cell ABSENT, no tables, no sections, no year.
* ``base: text``: ``text:`` parsed with :func:`zfxxgk.parse.parse_text`; ``⇥`` in the text is a TAB.
* ``base: good``: ``zeros`` plus complete header facts (unit 测试镇人民政府, year 2024, title,
  period, signature 2025-01-15, contact) and section texts with which every rule passes.

Overrides, applied in this order:

* ``cells: {id: v}``: int/float → NUMBER (float → Decimal via ``str``), null → BLANK, ``"ABSENT"`` →
  ABSENT, any other string → read with :func:`zfxxgk.parse.values.read_value` (``"/"`` → DASH …).
* ``sections: {n: {ordinal, heading, standard, variant, line}}``: change a section (``line`` moves its
  heading, which changes the order sections are found in).
* ``remove_sections: [n]``; ``remove_tables: [t]`` (the table's cells become ABSENT).
* ``tables: {t: {section: n}}``: the section a table lies in.
* ``notes: [{kind, table, data, span: [line, col, end_line, end_col]}]``: appended.
* ``year``; header facts ``unit``, ``title``, ``intro``, ``signed_unit``, ``signed_on``,
  ``published_on`` (ISO dates or null), ``periods: [[start, end, text], …]``;
* ``section_text: {n: text}``: the body of section n;
* ``previous: {…}``: the same unit's previous-year report, itself built from a case dict
  (cross-year rules); ``settings: {…}``: :class:`zfxxgk.check.CheckSettings` fields.
* ``peers: [{…}]``: other units' reports of the same year, each built from a case dict (its ``unit``
  should differ), measured against the case's report as the store's finder measures (cross-unit
  rules); absent: not compared, ``[]``: compared with no other report.
* ``earlier: [{…, url, same_address}]``: the report's other collected files (publication rules).

For non-text bases, a found table's ``rows_found`` is recomputed from its cells (a row whose cells
are all ABSENT was not found).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from zfxxgk.check import CheckSettings, EarlierCopy, PeerCopy
from zfxxgk.check.copying import section_shares
from zfxxgk.model import (
    Cell,
    CellState,
    NoteKind,
    ParseNote,
    PeriodStatement,
    Report,
    Section,
    Span,
    Table,
    TableInfo,
)
from zfxxgk.model.ids import (
    CELL,
    CELL_IDS,
    SECTION_TITLES,
    TABLE_CELLS,
    TABLE_ROWS,
    TABLE_SECTION,
    row_cells,
    section_heading,
)
from zfxxgk.parse import parse_text
from zfxxgk.parse.values import read_value

TAB_MARK = "⇥"
BASES = ("zeros", "empty", "text", "good")

GOOD_SECTIONS = {
    1: "2024年，测试镇认真落实政府信息公开工作。（一）主动公开。通过政府网站主动公开政府信息120条。"
    "（二）依申请公开。2024年共收到政府信息公开申请0件。（三）政府信息管理。健全信息管理制度。"
    "（四）政府信息公开平台建设。优化政府网站平台。（五）监督保障。将政务公开纳入年度考核，开展社会评议，"
    "本年度未发生责任追究情况。本年度未发生因政府信息公开引起的行政复议、行政诉讼。",
    2: "",
    3: "",
    4: "",
    5: "（一）2023年问题整改情况。针对上一年度公开不及时的问题已完成整改。"
    "（二）存在的主要问题。一是公开内容不够全面；二是人员力量薄弱。"
    "（三）改进措施。下一步将加强培训，完善制度，提升公开质量。",
    6: "（一）信息处理费收取情况。本年度未收取信息处理费。（二）落实上级年度政务公开工作要点情况。"
    "全面完成年度工作要点任务。（三）人大代表建议和政协提案办理结果公开情况。本年度承办人大代表建议0件、"
    "政协提案0件。（四）年度政务公开工作创新情况。创新开展政务公开进社区活动。"
    "（五）数据统计说明。本报告所列数据统计期限为2024年1月1日至2024年12月31日。",
}
GOOD_INTRO = "本报告所列数据统计期间为2024年1月1日至2024年12月31日。如有疑问请联系测试镇党政办公室（电话：0536-1234567）。"


def zeros_report() -> Report:
    """Every cell 0, six standard sections in order, three complete tables."""
    report = Report(source="<case>", year=2024, title="测试镇人民政府2024年政府信息公开工作年度报告")
    for cid in CELL_IDS:
        report.cells[cid] = Cell(cid, CellState.NUMBER, 0, "0", None)
    for n in SECTION_TITLES:
        line = n * 10
        report.sections[n] = Section(
            number=n, ordinal=n, heading=section_heading(n), standard=section_heading(n), variant=False,
            text="", span=Span(line, 0, line + 9, 0),
        )
    for t in Table:
        line = TABLE_SECTION[t] * 10 + 2
        report.tables[t] = TableInfo(t, Span(line, 0, line + 5, 0), "tsv", TABLE_SECTION[t], [r.key for r in TABLE_ROWS[t]])
    return report


def good_report() -> Report:
    """``zeros`` with complete header facts and section texts: a report every rule passes."""
    report = zeros_report()
    report.unit = report.signed_unit = "测试镇人民政府"
    report.signed_on = dt.date(2025, 1, 15)
    report.intro = GOOD_INTRO
    report.periods = [PeriodStatement(dt.date(2024, 1, 1), dt.date(2024, 12, 31), "统计期间为2024年1月1日至2024年12月31日", Span(3, 0, 3, 0))]
    for n, text in GOOD_SECTIONS.items():
        report.sections[n].text = text
    return report


def _date(v: Any) -> dt.date | None:
    if v is None or isinstance(v, dt.date):
        return v
    return dt.date.fromisoformat(str(v))


def cell_from(cell_id: str, v: Any) -> Cell:
    """A cell from a case override value."""
    if v is None:
        return Cell(cell_id, CellState.BLANK, None, "", None)
    if isinstance(v, bool):
        raise TypeError(f"{cell_id}: boolean is not a cell value")
    if isinstance(v, int):
        return Cell(cell_id, CellState.NUMBER, v, str(v), None)
    if isinstance(v, float):
        return Cell(cell_id, CellState.NUMBER, Decimal(str(v)), str(v), None)
    if v == "ABSENT":
        return Cell(cell_id)
    state, value = read_value(str(v), CELL[cell_id].decimal)
    return Cell(cell_id, state, value, str(v), None)


def note_from(d: dict[str, Any]) -> ParseNote:
    """A parse note from a case entry."""
    span = d.get("span", [1, 0, 1, 0])
    table = d.get("table")
    return ParseNote(
        NoteKind(d["kind"]),
        Table(table) if table else None,
        Span(*span) if span is not None else None,
        dict(d.get("data") or {}),
    )


def build_report(case: dict[str, Any]) -> Report:
    """The report a case describes."""
    base = case.get("base", "zeros")
    if base not in BASES:
        raise ValueError(f"unknown base {base!r}")
    if base == "text":
        report = parse_text(case["text"].replace(TAB_MARK, "\t"), "<case>")
    elif base == "empty":
        report = Report(source="<case>")
    elif base == "good":
        report = good_report()
    else:
        report = zeros_report()

    for cid, v in (case.get("cells") or {}).items():
        if cid not in report.cells:
            raise KeyError(f"unknown cell id {cid!r}")
        report.cells[cid] = cell_from(cid, v)
    for n, changes in (case.get("sections") or {}).items():
        sec = report.sections[int(n)]
        for key in ("ordinal", "heading", "standard", "variant"):
            if key in changes:
                setattr(sec, key, changes[key])
        if "line" in changes:
            sec.span = Span(changes["line"], 0, changes["line"] + 9, 0)
    for n in case.get("remove_sections") or ():
        report.sections.pop(int(n), None)
    for t in case.get("remove_tables") or ():
        table = Table(t)
        report.tables.pop(table, None)
        for cid in TABLE_CELLS[table]:
            report.cells[cid] = Cell(cid)
    for t, changes in (case.get("tables") or {}).items():
        info = report.tables[Table(t)]
        if "section" in changes:
            info.section = changes["section"]
    report.notes.extend(note_from(d) for d in case.get("notes") or ())
    if "year" in case:
        report.year = case["year"]
    for key in ("unit", "title", "intro", "signed_unit"):
        if key in case:
            setattr(report, key, case[key])
    for key in ("signed_on", "published_on"):
        if key in case:
            setattr(report, key, _date(case[key]))
    if "periods" in case:
        report.periods = [
            PeriodStatement(_date(p[0]), _date(p[1]), p[2] if len(p) > 2 else "", Span(1, 0, 1, 0)) for p in case["periods"]
        ]
    for n, text in (case.get("section_text") or {}).items():
        report.sections[int(n)].text = text
    if base != "text":
        for t, info in report.tables.items():
            info.rows_found = [
                r.key for r in TABLE_ROWS[t]
                if any(report.cells[i].state is not CellState.ABSENT for i in row_cells(t, r.key))
            ]
    return report


def build_previous(case: dict[str, Any]) -> Report | None:
    """The previous-year report of a case, if it gives one."""
    prev = case.get("previous")
    return build_report(prev) if prev is not None else None


def build_peers(case: dict[str, Any], report: Report) -> tuple[PeerCopy, ...] | None:
    """The other units' reports of a case (if it gives them), measured against ``report``."""
    given = case.get("peers")
    if given is None:
        return None
    mine = {n: s.text for n, s in report.sections.items()}
    peers = []
    for k, d in enumerate(given):
        other = build_report(d)
        theirs = {n: s.text for n, s in other.sections.items()}
        for n, (share, _) in section_shares(mine, report.unit, theirs, other.unit).items():
            peers.append(PeerCopy(n, other.unit or "", share, k + 1, f"<peer {k + 1}>", other.year))
    return tuple(peers)


def build_earlier(case: dict[str, Any]) -> tuple[EarlierCopy, ...] | None:
    """The other collected files of a case's report (publication rules), each built from a case dict with
    its ``url`` and ``same_address``; absent: not collected.
    """
    given = case.get("earlier")
    if given is None:
        return None
    return tuple(EarlierCopy(build_report(d), d.get("url", f"http://127.0.0.1/{k}.html"), d.get("same_address", True),
                             "2025-01-20T09:00:00", k + 1) for k, d in enumerate(given))


def build_settings(case: dict[str, Any]) -> CheckSettings | None:
    """Check settings of a case, if it gives any."""
    settings = case.get("settings")
    return CheckSettings(**settings) if settings is not None else None
