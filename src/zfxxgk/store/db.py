"""The report store: SQLite by default, PostgreSQL for shared use; one transaction per file.

Nothing is overwritten: the source bytes are kept, a correction writes a new version of the
cells (the original parse stays version 0), findings are stored per version, and review
decisions follow a finding through its fingerprint across re-checks.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from sqlalchemy import create_engine, delete, event, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from ..model import (
    CELL_IDS,
    Cell,
    CellState,
    Finding,
    NoteKind,
    ParseNote,
    PeriodStatement,
    Report,
    Section,
    Span,
    Table,
    TableInfo,
)
from ..model.ids import CELL
from ..model.units import infer_unit_type, normalise_unit
from .schema import (
    CellRow,
    Correction,
    FindingRow,
    ImportError_,
    Region,
    ReportRow,
    ReviewDecision,
    SectionRow,
    Unit,
)

DEFAULT_URL = "sqlite:///zfxxgk.db"
DECISIONS = {"confirmed": "确认", "rejected": "驳回"}
PARSER_VERSION = "0.1.0"


class StoreError(Exception):
    """A store operation was refused (the message is for users, in Chinese)."""


def resolve_url(url: str | None = None) -> str:
    """The database URL: the argument, else $ZFXXGK_DB, else ./zfxxgk.db (embedded SQLite)."""
    url = url or os.environ.get("ZFXXGK_DB") or DEFAULT_URL
    if "://" not in url:  # a plain path means a SQLite file
        url = f"sqlite:///{Path(url).expanduser()}"
    return url


def content_hash(data: bytes) -> str:
    """SHA-256 of a file's bytes: the same file imported twice is one report."""
    return hashlib.sha256(data).hexdigest()


def migrate(engine: Engine) -> None:
    """Upgrade the database to the newest schema (Alembic, migrations shipped in the package)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


@dataclass(slots=True)
class Imported:
    """Result of importing one file."""

    report_id: int
    created: bool  # False when the same content was already in the store


class Store:
    """A connection to the report database."""

    def __init__(self, url: str | None = None, upgrade: bool = True) -> None:
        self.url = resolve_url(url)
        self.engine = create_engine(self.url)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        if upgrade:
            migrate(self.engine)
        self._session = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction: committed when the block ends, rolled back on any error."""
        with self._session() as s, s.begin():
            yield s

    def close(self) -> None:
        """Release the connections."""
        self.engine.dispose()

    # --- import ---------------------------------------------------------------------------

    def find_by_hash(self, digest: str) -> int | None:
        """The report id of already-imported content, if any."""
        with self.session() as s:
            return s.scalar(select(ReportRow.id).where(ReportRow.source_hash == digest))

    def import_report(
        self, source_name: str, data: bytes, report: Report, findings: Sequence[Finding], region: str | None = None
    ) -> Imported:
        """Store one parsed and checked report in one transaction (idempotent by content hash)."""
        with self.session() as s:
            return self._import(s, source_name, data, report, findings, region)

    def import_many(self, items: Sequence[tuple[str, bytes, Report, Sequence[Finding]]]) -> list[Imported]:
        """Store a batch of reports in one transaction (batch import); duplicates inside the batch are one report."""
        out: list[Imported] = []
        rows: dict[str, list[dict]] = {"sections": [], "cells": [], "findings": []}
        with self.session() as s:
            digests = [content_hash(data) for _, data, _, _ in items]
            s.info["existing"] = dict(s.execute(select(ReportRow.source_hash, ReportRow.id)
                                                .where(ReportRow.source_hash.in_(digests))).all()) if digests else {}
            keys = {normalise_unit(r.unit) for _, _, r, _ in items if r.unit}
            s.info["units"] = {u.key: u for u in s.scalars(select(Unit).where(Unit.key.in_(keys)))} if keys else {}
            for name, data, report, findings in items:
                out.append(self._import(s, name, data, report, findings, None, rows))
            self._bulk(s, rows)
        return out

    @staticmethod
    def _bulk(s: Session, rows: dict[str, list[dict]]) -> None:
        """One executemany per table (Core, not the ORM: ~10x faster for 200 cells per report)."""
        conn = s.connection()
        cells = rows["cells"]
        if cells:
            # 200 rows per report: straight to the driver as tuples (SQLAlchemy's per-row parameter
            # handling cost more than the database); _cell_tuples already made Decimals SQLite-safe.
            mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
            sql = f"INSERT INTO cells ({', '.join(CELL_COLUMNS)}) VALUES ({', '.join([mark] * len(CELL_COLUMNS))})"
            conn.exec_driver_sql(sql, cells)
            cells.clear()
        for table, values in ((SectionRow, rows["sections"]), (FindingRow, rows["findings"])):
            if values:
                conn.execute(table.__table__.insert(), values)
            values.clear()

    def known_hashes(self) -> set[str]:
        """Content hashes of every stored report (to skip them when a batch is resumed)."""
        with self.session() as s:
            return set(s.scalars(select(ReportRow.source_hash)))

    def record_errors(self, items: Sequence[tuple[str, bytes | None, str]]) -> None:
        """Remember several files that could not be imported, in one transaction."""
        if not items:
            return
        with self.session() as s:
            s.add_all(ImportError_(source_name=name, source_hash=content_hash(data) if data else None, reason=reason)
                      for name, data, reason in items)

    def _import(
        self,
        s: Session,
        source_name: str,
        data: bytes,
        report: Report,
        findings: Sequence[Finding],
        region: str | None,
        rows: dict[str, list[dict]] | None = None,
    ) -> Imported:
        """Insert one report; its sections, cells and findings go to ``rows`` (written at once) or now."""
        digest = content_hash(data)
        known: dict[str, int] | None = s.info.get("existing")  # a batch looked them all up at once
        existing = known.get(digest) if known is not None else s.scalar(
            select(ReportRow.id).where(ReportRow.source_hash == digest))
        if existing is not None:
            return Imported(existing, False)
        unit = self._unit(s, report, region)
        row = ReportRow(
            unit_id=unit.id if unit else None, year=report.year, source_name=source_name, source_hash=digest,
            source_bytes=data, source_size=len(data), format=report.format,
            format_version="2019" if any(n.kind.value == "format_2019" for n in report.notes) else "2021",
            title=report.title, unit_name=report.unit, published_on=report.published_on, signed_on=report.signed_on,
            period_start=report.period[0] if report.period else None,
            period_end=report.period[1] if report.period else None, current_version=0,
            parser_version=PARSER_VERSION, notes=_notes_json(report), tables=_tables_json(report),
            signed_unit=report.signed_unit,
        )
        s.add(row)
        s.flush()
        if known is not None:
            known[digest] = row.id  # the same content twice in one batch is one report
        own = rows is None
        rows = {"sections": [], "cells": [], "findings": []} if rows is None else rows
        rows["sections"] += [{"report_id": row.id, "number": n, "heading": sec.heading, "text": sec.text,
                              "line": sec.span.line} for n, sec in report.sections.items()]
        rows["sections"].append({"report_id": row.id, "number": 0, "heading": "", "text": report.intro,
                                 "line": report.intro_line})
        rows["cells"] += _cell_tuples(row.id, 0, report, self.engine.dialect.name == "sqlite")
        rows["findings"] += _finding_dicts(row.id, 0, findings)
        if own:
            self._bulk(s, rows)
        return Imported(row.id, True)

    def record_error(self, source_name: str, data: bytes | None, reason: str) -> None:
        """Remember a file that could not be imported (its own transaction)."""
        with self.session() as s:
            s.add(ImportError_(source_name=source_name, source_hash=content_hash(data) if data else None, reason=reason))

    def _unit(self, s: Session, report: Report, region: str | None) -> Unit | None:
        if not report.unit:
            return None
        key = normalise_unit(report.unit)
        units: dict[str, Unit] = s.info.setdefault("units", {})  # per transaction: batches see many reports
        unit = units.get(key) or s.scalar(select(Unit).where(Unit.key == key))
        region_id = self._region(s, region or _region_path(report.unit))
        if unit is None:
            kind = infer_unit_type(report.unit)
            unit = Unit(key=key, name=report.unit, unit_type=kind.value if kind else None, region_id=region_id)
            s.add(unit)
            s.flush()
        elif unit.region_id is None and region_id is not None:
            unit.region_id = region_id
        units[key] = unit
        return unit

    def _region(self, s: Session, path: str | None) -> int | None:
        """Region id of a path like ``山东省/潍坊市/昌乐县`` (created as needed)."""
        if not path:
            return None
        regions: dict[str, int] = s.info.setdefault("regions", {})
        if path in regions:
            return regions[path]
        parent = None
        for name in [p for p in re.split(r"[/>＞、]", path) if p.strip()]:
            name = name.strip()
            found = s.scalar(select(Region).where(Region.name == name, Region.parent_id.is_(parent)
                                                  if parent is None else Region.parent_id == parent))
            if found is None:
                found = Region(name=name, level=_region_level(name), parent_id=parent)
                s.add(found)
                s.flush()
            parent = found.id
        regions[path] = parent
        return parent

    # --- reading --------------------------------------------------------------------------

    def report_ids(self) -> list[int]:
        """All report ids, oldest first."""
        with self.session() as s:
            return list(s.scalars(select(ReportRow.id).order_by(ReportRow.id)))

    def count_reports(self) -> int:
        """How many reports are stored."""
        with self.session() as s:
            return int(s.scalar(select(func.count(ReportRow.id))))

    def load(self, report_id: int, version: int | None = None) -> Report:
        """A stored report as the model's Report (current version unless ``version`` is given)."""
        with self.session() as s:
            row = s.get(ReportRow, report_id)
            if row is None:
                raise StoreError(f"没有编号为 {report_id} 的报告")
            v = row.current_version if version is None else version
            report = Report(source=row.source_name, format=row.format, title=row.title, unit=row.unit_name,
                            year=row.year, signed_on=row.signed_on, published_on=row.published_on)
            report.signed_unit = row.signed_unit
            if row.period_start and row.period_end:
                report.periods = [PeriodStatement(row.period_start, row.period_end, "", Span(0, 0, 0, 0, "store"))]
            report.notes = [
                ParseNote(NoteKind(n["kind"]), Table(n["table"]) if n.get("table") else None,
                          Span(*n["span"]) if n.get("span") else None, n.get("data") or {})
                for n in row.notes or []
            ]
            for t, info in (row.tables or {}).items():
                report.tables[Table(t)] = TableInfo(Table(t), Span(*info["span"]), info["layout"], info["section"],
                                                    list(info["rows_found"]))
            for sec in s.scalars(select(SectionRow).where(SectionRow.report_id == report_id)):
                if sec.number == 0:
                    report.intro, report.intro_line = sec.text, sec.line
                    continue
                span = Span(sec.line, 0, sec.line, 0)
                report.sections[sec.number] = Section(sec.number, sec.number, sec.heading, sec.heading, False, sec.text, span)
            for c in s.scalars(select(CellRow).where(CellRow.report_id == report_id, CellRow.version == v)):
                span = None  # line 0 / col 0 stand for "no line" (formats with locators only)
                if c.line is not None or c.locator:
                    line, col = (c.line, c.col) if c.line is not None else (0, 0)
                    span = Span(line, col if col is not None else 0, line, col if col is not None else 0, c.locator)
                report.cells[c.cell_id] = Cell(c.cell_id, CellState(c.state), _number(c.value, c.cell_id), c.raw, span)
            return report

    def find_report(self, unit: str, year: int) -> int | None:
        """The newest report of a unit (by normalised name) for a year."""
        with self.session() as s:
            return s.scalar(
                select(ReportRow.id).join(Unit).where(Unit.key == normalise_unit(unit), ReportRow.year == year)
                .order_by(ReportRow.id.desc()).limit(1)
            )

    def source(self, report_id: int) -> tuple[str, bytes]:
        """The file name and the unchanged bytes of a stored report."""
        with self.session() as s:
            row = s.get(ReportRow, report_id)
            if row is None:
                raise StoreError(f"没有编号为 {report_id} 的报告")
            return row.source_name, row.source_bytes

    # --- corrections, findings, reviews ---------------------------------------------------

    def correct(self, report_id: int, changes: dict[str, int | Decimal | None], author: str, reason: str) -> int:
        """Write a new version with corrected cells; the earlier versions stay. Returns the new version."""
        if not author.strip() or not reason.strip():
            raise StoreError("更正必须注明更正人和原因")
        unknown = [c for c in changes if c not in CELL]
        if unknown:
            raise StoreError(f"未知的单元格编号：{'、'.join(unknown)}")
        with self.session() as s:
            row = s.get(ReportRow, report_id)
            if row is None:
                raise StoreError(f"没有编号为 {report_id} 的报告")
            old, new = row.current_version, row.current_version + 1
            cells = {c.cell_id: c for c in s.scalars(select(CellRow).where(CellRow.report_id == report_id,
                                                                              CellRow.version == old))}
            for cid in CELL_IDS:
                c = cells[cid]
                if cid in changes:
                    value = changes[cid]
                    s.add(Correction(report_id=report_id, version=new, cell_id=cid, old_value=c.value, new_value=value,
                                     author=author, reason=reason))
                    s.add(CellRow(report_id=report_id, version=new, cell_id=cid, value=value,
                                  state="number" if value is not None else "blank", raw=f"更正：{value}",
                                  line=None, col=None, locator=f"correction:v{new}"))
                else:
                    s.add(CellRow(report_id=report_id, version=new, cell_id=cid, value=c.value, state=c.state,
                                  raw=c.raw, line=c.line, col=c.col, locator=c.locator))
            row.current_version = new
            return new

    def corrections(self, report_id: int) -> list[Correction]:
        """The correction history of a report, oldest first."""
        with self.session() as s:
            return list(s.scalars(select(Correction).where(Correction.report_id == report_id).order_by(Correction.id)))

    def save_findings(self, report_id: int, version: int, findings: Sequence[Finding]) -> None:
        """Replace the findings of one report version (a re-check)."""
        with self.session() as s:
            s.execute(delete(FindingRow).where(FindingRow.report_id == report_id, FindingRow.version == version))
            self._bulk(s, {"sections": [], "cells": [], "findings": _finding_dicts(report_id, version, findings)})

    def findings(self, report_id: int, version: int | None = None) -> list[tuple[FindingRow, ReviewDecision | None]]:
        """Findings of a report version with the latest review decision on each (by fingerprint)."""
        with self.session() as s:
            row = s.get(ReportRow, report_id)
            if row is None:
                raise StoreError(f"没有编号为 {report_id} 的报告")
            v = row.current_version if version is None else version
            found = list(s.scalars(select(FindingRow).where(FindingRow.report_id == report_id, FindingRow.version == v)
                                   .order_by(FindingRow.id)))
            decisions: dict[str, ReviewDecision] = {}
            for d in s.scalars(select(ReviewDecision).where(ReviewDecision.report_id == report_id)
                               .order_by(ReviewDecision.id)):
                decisions[d.fingerprint] = d
            return [(f, decisions.get(f.fingerprint)) for f in found]

    def review(self, report_id: int, fingerprint: str, decision: str, reviewer: str, comment: str = "") -> None:
        """Record 确认 (confirmed) or 驳回 (rejected) for a finding; the history is kept."""
        if decision not in DECISIONS:
            raise StoreError("审核结论应为 confirmed（确认）或 rejected（驳回）")
        if not reviewer.strip():
            raise StoreError("审核结论必须注明审核人")
        with self.session() as s:
            known = s.scalar(select(func.count(FindingRow.id)).where(FindingRow.report_id == report_id,
                                                                     FindingRow.fingerprint == fingerprint))
            if not known:
                raise StoreError(f"报告 {report_id} 没有指纹为 {fingerprint} 的问题")
            s.add(ReviewDecision(report_id=report_id, fingerprint=fingerprint, decision=decision, reviewer=reviewer,
                                 comment=comment))

    def import_errors(self) -> list[ImportError_]:
        """Files that could not be imported."""
        with self.session() as s:
            return list(s.scalars(select(ImportError_).order_by(ImportError_.id)))


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    # With WAL, NORMAL keeps the database consistent on a crash (the last commits may be lost —
    # a re-run of the import restores them by content hash) and spares an fsync per transaction.
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _notes_json(report: Report) -> list[dict]:
    import json

    return [json.loads(json.dumps({"kind": n.kind.value, "table": n.table.value if n.table else None,
                                   "span": list(n.span) if n.span else None, "data": n.data},
                                  ensure_ascii=False, default=str)) for n in report.notes]


def _tables_json(report: Report) -> dict:
    return {t.value: {"layout": i.layout, "section": i.section, "rows_found": list(i.rows_found), "span": list(i.span)}
            for t, i in report.tables.items()}


CELL_COLUMNS = ("report_id", "version", "cell_id", "value", "state", "raw", "line", "col", "locator")
_STATE = {state: state.value for state in CellState}  # plain str: the enum descriptor is slow per cell


def _cell_tuples(report_id: int, version: int, report: Report, sqlite: bool) -> list[tuple]:
    rows = []
    cells = report.cells
    for cid in CELL_IDS:
        c = cells[cid]
        s = c.span
        v = c.value
        if sqlite and isinstance(v, Decimal):
            v = str(v)  # sqlite3 cannot bind Decimal; the NUMERIC column reads it back as a number
        if s is None:
            rows.append((report_id, version, cid, v, _STATE[c.state], c.raw, None, None, None))
        else:
            rows.append((report_id, version, cid, v, _STATE[c.state], c.raw, s.line, s.col, s.locator))
    return rows


def _finding_dicts(report_id: int, version: int, findings: Sequence[Finding]) -> list[dict]:
    import json

    return [
        {"report_id": report_id, "version": version, "rule": f.rule, "severity": f.severity.value,
         "fingerprint": f.fingerprint, "message": f.message, "cells": list(f.cells),
         "evidence": json.loads(json.dumps(f.evidence, ensure_ascii=False, default=str))}
        for f in findings
    ]


def _number(v, cell_id: str) -> int | Decimal | None:
    if v is None:
        return None
    d = Decimal(v)
    return int(d) if d == d.to_integral_value() else d.normalize()


_LEVELS = (("省", "province"), ("自治区", "province"), ("市", "city"), ("州", "city"), ("盟", "city"),
           ("县", "county"), ("区", "county"), ("旗", "county"), ("镇", "township"), ("乡", "township"),
           ("街道", "township"))


def _region_level(name: str) -> str:
    for suffix, level in _LEVELS:
        if name.endswith(suffix):
            return level
    return "other"


_PATH = re.compile(r"^(.+?(?:省|自治区))?(.+?(?:市|州|盟))?(.+?(?:县|区|旗))?(.+?(?:镇|乡|街道))?")


def _region_path(unit: str | None) -> str | None:
    """A region path from a unit's name (昌乐县乔官镇人民政府 → 昌乐县/乔官镇)."""
    if not unit:
        return None
    m = _PATH.match("".join(unit.split()))
    parts = [p for p in (m.groups() if m else ()) if p]
    return "/".join(parts) or None
