"""The report store: SQLite by default, PostgreSQL for shared use; a chunk of files per transaction.

Nothing is overwritten: the source bytes are kept, a correction writes a new version of the
cells (the original parse stays version 0), findings are stored per version, and review
decisions follow a finding through its fingerprint across re-checks.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table as SqlTable
from sqlalchemy import Text, create_engine, delete, event, func, insert, select, update
from sqlalchemy import cast as sql_cast
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, defer, sessionmaker

from ..model import (
    CELL_IDS,
    DECISION_CN,
    Finding,
    NoteKind,
    ParseNote,
    PeriodStatement,
    Report,
    Section,
    Span,
    Table,
    TableInfo,
    divisions,
)
from ..model.codec import pack, unpack
from ..model.ids import CELL
from ..model.limits import MAX_FRACTION_DIGITS, MAX_INTEGER_DIGITS, value_fits
from ..model.regions import canonical_path, region_level, split_path
from ..model.units import UnitType, credit_division, index_credit_code, infer_unit_type, normalise_unit
from ..model.versions import VersionStatus, current_rank
from . import cellpack
from .schema import (
    AuditEvent,
    CellPack,
    Correction,
    FindingRow,
    ImportError_,
    Region,
    ReportRow,
    ReviewDecision,
    SectionRow,
    Unit,
    UnitAlias,
)

DEFAULT_URL = "sqlite:///zfxxgk.db"
DECISIONS = DECISION_CN  # stored value → Chinese name (model.Decision)
PARSER_VERSION = "0.1.0"


# A unit's statistics group is its region's ancestor this many levels down (a county with its townships),
# or its region when higher: store/summary.py keeps one summary per group.
GROUP_DEPTH = 3


def _revised(s: Session, report_id: int) -> None:
    """Count a change of the report that its statistics summary depends on (store/summary.py)."""
    s.execute(update(ReportRow).where(ReportRow.id == report_id).values(revision=ReportRow.revision + 1))


def _revised_many(s: Session, report_ids: Sequence[int]) -> None:
    """:func:`_revised` for many reports, a statement per 500."""
    ids = sorted(set(report_ids))
    for i in range(0, len(ids), 500):
        s.execute(update(ReportRow).where(ReportRow.id.in_(ids[i:i + 500])).values(revision=ReportRow.revision + 1))


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
        # the web server runs up to 40 requests in threads: enough connections that none waits for one
        pool = {} if ":memory:" in self.url else {"pool_size": 10, "max_overflow": 30, "pool_timeout": 120}
        self.engine = create_engine(self.url, **pool)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        # statements through this store that may change data: a cache of derived figures (the statistics
        # page) sees this process's own writes at once without asking the database (store/dashboard.py)
        self.writes = 0
        event.listen(self.engine, "before_cursor_execute", self._count_write)
        if upgrade:
            migrate(self.engine)
        self._session = sessionmaker(self.engine, expire_on_commit=False)
        self._region_ids: dict[tuple[int | None, str], int] | None = None  # (parent, name) → id
        self._coded: set[int] = set()  # regions known to carry their official code

    def _count_write(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip()[:6].upper().startswith("SELECT"):
            self.writes += 1

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction: committed when the block ends, rolled back on any error."""
        with self._session() as s:
            with s.begin():
                yield s
            if staged := s.info.get("regions_staged"):
                assert self._region_ids is not None  # _chain filled the cache before it staged anything
                self._region_ids.update(staged)
            self._coded.update(s.info.get("regions_coded", ()))

    def close(self) -> None:
        """Release the connections."""
        self.engine.dispose()

    # --- import ---------------------------------------------------------------------------

    def find_by_hash(self, digest: str) -> int | None:
        """The report id of already-imported content, if any."""
        with self.session() as s:
            return s.scalar(select(ReportRow.id).where(ReportRow.source_hash == digest))

    def find_by_hashes(self, digests: Iterable[str]) -> dict[str, int]:
        """The report ids of already-imported contents, by content hash (one query)."""
        wanted = set(digests)
        if not wanted:
            return {}
        with self.session() as s:
            return dict(s.execute(select(ReportRow.source_hash, ReportRow.id).where(ReportRow.source_hash.in_(wanted))).all())

    def import_report(
        self, source_name: str, data: bytes, report: Report, findings: Sequence[Finding], region: str | None = None
    ) -> Imported:
        """Store one parsed and checked report in one transaction (idempotent by content hash)."""
        return self.import_many([(source_name, data, report, findings)], region)[0]

    def import_many(
        self, items: Sequence[tuple[str, bytes, Report, Sequence[Finding]]], region: str | None = None
    ) -> list[Imported]:
        """Store a batch of reports in one transaction (batch import); duplicates inside the batch are one report."""
        return self.import_prepared([prepare(name, data, report, findings) for name, data, report, findings in items],
                                    region)

    def import_prepared(
        self,
        items: Sequence[Prepared],
        region: str | None = None,
        rechecked: Sequence[tuple[int, Sequence[Finding]]] = (),
        partial: Partial | None = None,
    ) -> list[Imported]:
        """Write prepared reports in one transaction: one statement per table for the whole batch.

        ``rechecked`` are stored reports checked again because of the new ones (the following year
        of a unit, its cross-year rules now seeing this year): their current findings are replaced
        in the same transaction, so a crash never leaves a report checked without its neighbour;
        with ``partial``, only the findings of its rules are.

        Workers of a batch run :func:`prepare` themselves, so the writing process only talks to the
        database (it was the bottleneck of a parallel import). Another writer committing the same
        file or unit first (two uploads of one file, shared PostgreSQL) makes the transaction fail
        on a unique key; it is retried once, and then finds that report or unit.
        """
        try:
            return self._import_prepared(items, region, rechecked, partial)
        except IntegrityError:
            return self._import_prepared(items, region, rechecked, partial)

    def _import_prepared(
        self, items: Sequence[Prepared], region: str | None, rechecked: Sequence[tuple[int, Sequence[Finding]]],
        partial: Partial | None = None,
    ) -> list[Imported]:
        out: list[Imported | None] = [None] * len(items)
        with self.session() as s:
            conn = s.connection()
            if rechecked:
                self._replace_current_findings(s, rechecked, partial)
            digests = {p.digest for p in items}
            known = dict(conn.execute(select(ReportRow.source_hash, ReportRow.id)
                                      .where(ReportRow.source_hash.in_(digests))).all()) if digests else {}
            fresh: dict[str, int] = {}  # digest → index into ``new`` (the same content twice is one report)
            new: list[Prepared] = []
            for k, p in enumerate(items):
                if p.digest in known:
                    out[k] = Imported(known[p.digest], False)
                elif p.digest not in fresh:
                    fresh[p.digest] = len(new)
                    new.append(p)
            if new:
                coded = self._by_credit_code(s, new)
                units = self._units(s, [(p.unit, p.credit_code) for p in new if p.digest not in coded], region)
                rows = [dict(p.row, unit_id=coded.get(p.digest) or (units.get(key) if (key := p.unit_key) is not None else None))
                        for p in new]
                table = cast(SqlTable, ReportRow.__table__)  # a declarative Table, typed as FromClause
                ids = conn.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True), rows).scalars().all()
                self._write_rows(conn, list(zip(ids, new, strict=True)))
                self._elect(s, {(r["unit_id"], r["year"]) for r in rows})
                first = {p.digest: p for p in new}
                for k, p in enumerate(items):
                    if out[k] is None:
                        out[k] = Imported(ids[fresh[p.digest]], p is first[p.digest])
        return [o for o in out if o is not None]

    @staticmethod
    def _write_rows(conn, written: Sequence[tuple[int, Prepared]]) -> None:
        """Sections, cells and findings of new reports: plain tuples to the driver's executemany,
        or streamed with ``COPY … FROM STDIN`` on PostgreSQL.

        SQLAlchemy's per-row parameter handling cost more than the database (a report's cells were
        200 rows then; now one, see store/cellpack.py). On PostgreSQL, ``COPY`` cost the client ≈ 8 ×
        less CPU than psycopg's pipelined ``executemany`` for those rows and the server ≈ 1.4 × less
        (benchmarks/bench_store_cells.py --postgres).
        """
        if conn.dialect.name == "postgresql":
            # the driver's own connection, inside the transaction the session has begun
            with conn.connection.driver_connection.cursor() as cur:
                for table, columns, attr in _ROW_TABLES:
                    if any(getattr(p, attr) for _, p in written):
                        with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                            for rid, p in written:
                                for t in getattr(p, attr):
                                    copy.write_row((rid, *t))
            return
        mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        for table, columns, attr in _ROW_TABLES:
            values = [(rid, *t) for rid, p in written for t in getattr(p, attr)]
            if values:
                sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join([mark] * len(columns))})"
                conn.exec_driver_sql(sql, values)

    def known_hashes(self) -> set[str]:
        """Content hashes of every stored report (to skip them when a batch is resumed)."""
        with self.session() as s:
            return set(s.scalars(select(ReportRow.source_hash)))

    def record_errors(self, items: Sequence[tuple[str, bytes | None, str]]) -> None:
        """Remember several files that could not be imported, in one transaction."""
        self.record_hashed_errors([(name, content_hash(data) if data else None, reason) for name, data, reason in items])

    def record_hashed_errors(self, items: Sequence[tuple[str, str | None, str]]) -> None:
        """:meth:`record_errors` with each file's content hash (None: unread) instead of its bytes."""
        if not items:
            return
        rows = {(fit_name(name), digest, reason): None for name, digest, reason in items}
        with self.session() as s:
            # a file that failed before for the same reason is not recorded again (a resumed batch)
            hashes = {h for _, h, _ in rows if h is not None}
            known = set(s.execute(select(ImportError_.source_name, ImportError_.source_hash, ImportError_.reason)
                                  .where(ImportError_.source_hash.in_(hashes))).all()) if hashes else set()
            names = {n for n, h, _ in rows if h is None}
            if names:
                known |= set(s.execute(select(ImportError_.source_name, ImportError_.source_hash, ImportError_.reason)
                                       .where(ImportError_.source_hash.is_(None), ImportError_.source_name.in_(names)))
                             .all())
            s.add_all(ImportError_(source_name=name, source_hash=digest, reason=reason)
                      for name, digest, reason in rows if (name, digest, reason) not in known)

    def record_error(self, source_name: str, data: bytes | None, reason: str) -> None:
        """Remember a file that could not be imported (its own transaction)."""
        self.record_errors([(source_name, data, reason)])

    @staticmethod
    def _by_credit_code(s: Session, items: Sequence[Prepared]) -> dict[str, int]:
        """Unit ids (by digest) of the reports whose 索引号 names a unit's 统一社会信用代码 — the surest
        attachment there is (a renamed unit keeps its code), when nothing in the report contradicts it.

        A portal may number a subordinate's report with its own code (a county office's prefix on a
        township's report): the code attaches a report only to a unit of the same type, and not when the
        report's name names another unit the store knows or a division outside the unit's region.
        """
        codes = {p.credit_code for p in items if p.credit_code is not None}
        if not codes:
            return {}
        owners = {u.credit_code: u for u in s.scalars(select(Unit).where(Unit.credit_code.in_(codes)))}
        if not owners:
            return {}
        keys = {k for p in items if p.credit_code in owners and (k := p.unit_key)}
        named = set(s.scalars(select(Unit.key).where(Unit.key.in_(keys)))) | set(
            s.scalars(select(UnitAlias.key).where(UnitAlias.key.in_(keys))))
        region_ids = {u.region_id for u in owners.values() if u.region_id is not None}
        region_codes = {i: c for i, c in s.execute(select(Region.id, Region.code).where(Region.id.in_(region_ids)))}
        out: dict[str, int] = {}
        for p in items:
            unit = owners.get(p.credit_code) if p.credit_code is not None else None
            if unit is None:
                continue
            key = p.unit_key
            if key is not None and key != unit.key and key in named:
                continue  # the report names another unit of the store: its name decides
            kind = infer_unit_type(p.unit)
            if kind is not None and unit.unit_type is not None and kind != UnitType(unit.unit_type):
                continue
            at = divisions.division(region_codes.get(unit.region_id) or "") if unit.region_id is not None else None
            named_at = divisions.locate(p.unit).division if p.unit else None
            if at is not None and named_at is not None and not (divisions.within(named_at, at) or divisions.within(at, named_at)):
                continue  # the name places the report in another division
            out[p.digest] = unit.id
        return out

    def _units(self, s: Session, names: Sequence[tuple[str | None, str | None]], region: str | None) -> dict[str, int]:
        """Unit ids by normalised name, created as needed (one query for the known ones). Each name comes
        with the 统一社会信用代码 its report's 索引号 gives, if any: the code's division places a name that
        names several divisions (朝阳区财政局) or none.
        """
        wanted: dict[str, str] = {}
        credit: dict[str, str] = {}
        for n, code in names:
            if n:
                key = normalise_unit(n)
                wanted.setdefault(key, n)
                if code is not None:
                    credit.setdefault(key, code)
        if not wanted:
            return {}
        units = {u.key: u for u in s.scalars(select(Unit).where(Unit.key.in_(wanted)))}
        if missing := [k for k in wanted if k not in units]:  # a registry unit's other (former) names
            aliases = {k: uid for k, uid in s.execute(select(UnitAlias.key, UnitAlias.unit_id).where(UnitAlias.key.in_(missing)))}
            if aliases:
                owners = {u.id: u for u in s.scalars(select(Unit).where(Unit.id.in_(set(aliases.values()))))}
                units.update({k: owners[uid] for k, uid in aliases.items()})
        new: list[dict] = []
        given = divisions.by_path(region) if region else None
        for key, name in wanted.items():
            unit = units.get(key)
            if unit is not None and unit.region_id is not None:
                continue  # placed already: nothing to locate (most of a batch's later years)
            # the official division the name begins with; a given region settles an ambiguous name and
            # gives way to a division the name names inside it (山东省/潍坊市 + 昌乐县… → 昌乐县)
            located = divisions.locate(name)
            found = [located.division] if located.division is not None else list(located.candidates)
            if given is not None:
                found = [d for d in found if divisions.within(d, given)] or [given]
            elif key in credit and len(found) != 1:
                # the code's division (its characters 3–8: where the organ was registered) settles a name
                # that names several divisions or none; a code that contradicts the name is ignored
                at = divisions.division_of_code(credit_division(credit[key]))
                if at is not None:
                    found = [d for d in found if divisions.within(d, at) or divisions.within(at, d)] if found else [at]
                    if len(found) > 1:  # 朝阳区 inside a code's province: the deepest one inside it only
                        found = [d for d in found if divisions.within(d, at)]
            candidates = None
            if region and given is None:  # a path of the store's own (made before the division table)
                region_id, group = self._placed(s, region)
            elif len(found) == 1:
                region_id, group = self._official(s, found[0])
            else:  # several possible: none, until someone places it (待确认)
                region_id = group = None
                candidates = [d.code for d in found] or None
            if unit is None:
                kind = infer_unit_type(name)
                new.append({"key": key, "name": name, "unit_type": kind.value if kind else None, "region_id": region_id,
                            "group_key": group, "candidates": candidates})
            elif unit.region_id is None and region_id is not None:
                unit.region_id, unit.group_key, unit.candidates = region_id, group, None
        s.flush()
        ids = {key: u.id for key, u in units.items()}
        if new:
            # A batch meets a new unit in almost every report: one INSERT … RETURNING for all of them
            # (ORM objects flushed one by one cost more than the rest of the batch's writes).
            table = cast(SqlTable, Unit.__table__)  # a declarative Table, typed as FromClause
            created = s.connection().execute(
                insert(table).returning(table.c.id, sort_by_parameter_order=True), new
            ).scalars().all()
            ids.update(zip((u["key"] for u in new), created, strict=True))
        return ids

    def _region(self, s: Session, path: str | None) -> int | None:
        """Region id of a path like ``山东省/潍坊市/昌乐县`` (created as needed)."""
        return self._placed(s, path)[0]

    def _placed(self, s: Session, path: str | None) -> tuple[int | None, int | None]:
        """Region id of a path like ``山东省/潍坊市/昌乐县`` (created as needed) and its statistics group
        (the region :data:`GROUP_DEPTH` levels down, or the region itself when higher).

        The region tree is cached per store (a batch meets a new township in almost every report);
        regions created in a transaction join the cache only when it commits.
        """
        if not path:
            return None, None
        official = divisions.by_path(path)
        if official is not None:
            return self._official(s, official)
        try:
            names = split_path(canonical_path(path))
        except ValueError as e:
            raise StoreError(str(e)) from None
        return self._chain(s, [(name, region_level(name), None) for name in names])

    def _official(self, s: Session, division: divisions.Division) -> tuple[int, int]:
        """The regions of an official division and its parents (created as needed, with their codes) and
        its statistics group.
        """
        chain: list[divisions.Division] = []
        at: divisions.Division | None = division
        while at is not None:
            chain.append(at)
            at = divisions.division(at.parent) if at.parent else None
        rid, group = self._chain(s, [(d.name, d.level, d.code) for d in reversed(chain)])
        assert rid is not None and group is not None  # a chain of at least one division
        return rid, group

    def _chain(self, s: Session, levels: Sequence[tuple[str, str, str | None]]) -> tuple[int | None, int | None]:
        """The region of a path given as (name, level, official code or None) from the top, created as
        needed (a region found without its code gets it), and its statistics group.
        """
        if not levels:
            return None, None
        if self._region_ids is None:
            self._region_ids = {(p, n): i for i, n, p in s.execute(select(Region.id, Region.name, Region.parent_id))}
            self._coded = set(s.scalars(select(Region.id).where(Region.code.is_not(None))))
        staged: dict[tuple[int | None, str], int] = s.info.setdefault("regions_staged", {})
        coded: set[int] = s.info.setdefault("regions_coded", set())
        parent = None
        chain: list[int] = []
        for name, level, code in levels:
            key = (parent, name)
            rid = staged.get(key) or self._region_ids.get(key)
            if rid is None:
                rid = self._new_region(s, name, parent, level, code)
                staged[key] = rid
                if code is not None:
                    coded.add(rid)
            elif code is not None and rid not in self._coded and rid not in coded:
                s.execute(update(Region).where(Region.id == rid, Region.code.is_(None)).values(code=code, level=level))
                coded.add(rid)
            parent = rid
            chain.append(rid)
        return parent, chain[min(len(chain), GROUP_DEPTH) - 1]

    @staticmethod
    def _new_region(s: Session, name: str, parent: int | None, level: str, code: str | None) -> int:
        """Id of a region not in the cache: another writer may have added it since it was read."""
        conn = s.connection()
        mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        if parent is not None:  # the (parent, name) unique key settles a race; NULL parents never conflict
            rid = conn.exec_driver_sql(f"INSERT INTO regions (name, level, parent_id, code) VALUES ({mark}, {mark}, "
                                       f"{mark}, {mark}) ON CONFLICT DO NOTHING RETURNING id",
                                       (name, level, parent, code)).scalar()
            if rid is not None:
                return rid
            return conn.exec_driver_sql(f"SELECT id FROM regions WHERE name = {mark} AND parent_id = {mark}",
                                        (name, parent)).scalar_one()
        rid = conn.exec_driver_sql(f"SELECT id FROM regions WHERE name = {mark} AND parent_id IS NULL", (name,)).scalar()
        if rid is None:
            rid = conn.exec_driver_sql(f"INSERT INTO regions (name, level, parent_id, code) VALUES ({mark}, {mark}, "
                                       f"NULL, {mark}) RETURNING id", (name, level, code)).scalar_one()
        return rid

    # --- reading --------------------------------------------------------------------------

    def report_ids(self) -> list[int]:
        """The current reports' ids (one per unit and year), oldest first."""
        with self.session() as s:
            return list(s.scalars(select(ReportRow.id).where(ReportRow.is_current).order_by(ReportRow.id)))

    def count_reports(self) -> int:
        """How many reports are stored (current versions: one per unit and year)."""
        with self.session() as s:
            # COUNT always yields a row, never None
            return int(cast(int, s.scalar(select(func.count(ReportRow.id)).where(ReportRow.is_current))))

    def load(self, report_id: int, version: int | None = None) -> Report:
        """A stored report as the model's Report (current version unless ``version`` is given)."""
        with self.session() as s:
            row = s.get(ReportRow, report_id)
            if row is None:
                raise StoreError(f"没有编号为 {report_id} 的报告")
            v = row.current_version if version is None else version
            if row.document is not None:
                return self._from_document(s, report_id, row.document, v)
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
                sec_span = Span(sec.line, 0, sec.line, 0)
                report.sections[sec.number] = Section(sec.number, sec.number, sec.heading, sec.heading, False, sec.text, sec_span)
            packed = s.scalar(select(CellPack.cells).where(CellPack.report_id == report_id, CellPack.version == v))
            if packed is not None:
                report.cells.update(cellpack.cells_of(packed))
            return report

    def load_many(self, report_ids: Iterable[int], cells: Collection[str] | None = None) -> dict[int, Report]:
        """Several stored reports' current versions as :meth:`load` gives them (one query for their
        documents: the batch writer loads the neighbouring years of every chunk); with ``cells``, only
        those cells (``codec.unpack``: the others are absent).
        """
        ids = set(report_ids)
        out: dict[int, Report] = {}
        if ids:
            with self.session() as s:
                rows = s.execute(select(ReportRow.id, ReportRow.document, ReportRow.current_version)
                                 .where(ReportRow.id.in_(ids)))
                out = {rid: self._from_document(s, rid, doc, v, cells) for rid, doc, v in rows if doc is not None}
        for rid in sorted(ids - out.keys()):  # stored without a document (older stores), or gone: as load says
            out[rid] = self.load(rid)
        return out

    @staticmethod
    def _from_document(s: Session, report_id: int, document: bytes, version: int,
                       cells: Collection[str] | None = None) -> Report:
        """The parse as stored, with the corrected cells of ``version`` laid over it."""
        report = unpack(document, cells)
        if version:
            packed = s.scalar(select(CellPack.cells).where(CellPack.report_id == report_id, CellPack.version == version))
            if packed is not None:
                for cid, e in zip(CELL_IDS, cellpack.loads(packed), strict=True):
                    if cellpack.is_correction(e) and (cells is None or cid in cells):
                        report.cells[cid] = cellpack.cell_of(cid, e)
        return report

    def find_reports(self, wanted: Sequence[tuple[str, int]]) -> dict[tuple[str, int], int]:
        """The current report of each (normalised unit name, year), for those that have one (one query)."""
        pairs = set(wanted)
        keys = {k for k, _ in pairs}
        years = {y for _, y in pairs}
        if not keys:
            return {}
        found: dict[tuple[str, int], int] = {}
        with self.session() as s:
            units = self._unit_ids(s, keys)
            rows = s.execute(select(ReportRow.unit_id, ReportRow.year, ReportRow.id)
                             .where(ReportRow.unit_id.in_(set(units.values())), ReportRow.year.in_(years),
                                    ReportRow.is_current))
            current = {(uid, year): rid for uid, year, rid in rows}  # IN never matches a NULL year anyway
        for key, year in pairs:
            if key in units and (units[key], year) in current:
                found[(key, year)] = current[(units[key], year)]
        return found

    @staticmethod
    def _unit_ids(s: Session, keys: Iterable[str]) -> dict[str, int]:
        """The unit of each normalised name: a unit's own name, else a registry unit's former name (an alias,
        or a unit merged into another): a report under the old name is one of that unit's years.
        """
        keys = set(keys)
        if not keys:
            return {}
        ids = {k: i for k, i in s.execute(select(Unit.key, Unit.id).where(Unit.key.in_(keys)))}
        if missing := keys - ids.keys():
            ids.update({k: i for k, i in s.execute(select(UnitAlias.key, UnitAlias.unit_id).where(UnitAlias.key.in_(missing)))})
        return ids

    def current_ranks(self, wanted: Sequence[tuple[str, int]]) -> dict[tuple[str, int], tuple[bool, dt.date, int]]:
        """The current-rule rank (``model.versions.current_rank``) of each unit-year's current report."""
        pairs = set(wanted)
        if not pairs:
            return {}
        with self.session() as s:
            units = self._unit_ids(s, {k for k, _ in pairs})
            rows = s.execute(select(ReportRow.unit_id, ReportRow.year, ReportRow.chosen, ReportRow.published_on,
                                    ReportRow.id)
                             .where(ReportRow.unit_id.in_(set(units.values())),
                                    ReportRow.year.in_({y for _, y in pairs}), ReportRow.is_current))
            ranks = {(uid, y): current_rank(chosen, published, rid) for uid, y, chosen, published, rid in rows}
        return {(k, y): ranks[(units[k], y)] for k, y in pairs if k in units and (units[k], y) in ranks}

    def find_report(self, unit: str, year: int) -> int | None:
        """The current report of a unit (by normalised name) for a year."""
        return self.find_reports([(normalise_unit(unit), year)]).get((normalise_unit(unit), year))

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
        beyond = [c for c, v in changes.items() if v is not None and not value_fits(v)]
        if beyond:
            raise StoreError(f"数值超出范围（小于 10^{MAX_INTEGER_DIGITS}、最多 {MAX_FRACTION_DIGITS} 位小数）："
                             f"{'、'.join(beyond)}")
        with self.session() as s:
            row = s.get(ReportRow, report_id)
            if row is None:
                raise StoreError(f"没有编号为 {report_id} 的报告")
            old, new = row.current_version, row.current_version + 1
            packed = s.scalar(select(CellPack.cells).where(CellPack.report_id == report_id, CellPack.version == old))
            if packed is None:
                raise StoreError(f"报告 {report_id} 第 {old} 版没有单元格数据")
            entries = cellpack.loads(packed)
            for k, cid in enumerate(CELL_IDS):
                if cid in changes:
                    value = changes[cid]
                    s.add(Correction(report_id=report_id, version=new, cell_id=cid,
                                     old_value=cellpack.value_of(entries[k]), new_value=value, author=author, reason=reason))
                    entries[k] = cellpack.corrected_entry(value, new)
            s.add(CellPack(report_id=report_id, version=new, cells=cellpack.dumps(entries)))
            row.current_version = new
            return new

    def corrections(self, report_id: int) -> list[Correction]:
        """The correction history of a report, oldest first."""
        with self.session() as s:
            return list(s.scalars(select(Correction).where(Correction.report_id == report_id).order_by(Correction.id)))

    def save_current_findings(self, report_id: int, findings: Sequence[Finding]) -> None:
        """Replace the findings of a report's current version (a re-check)."""
        with self.session() as s:
            self._replace_findings(s, report_id, findings)

    def save_findings(self, report_id: int, version: int, findings: Sequence[Finding]) -> None:
        """Replace the findings of one report version (a re-check)."""
        with self.session() as s:
            self._replace_findings(s, report_id, findings, version)

    def _replace_findings(self, s: Session, report_id: int, findings: Sequence[Finding], version: int | None = None) -> None:
        """The findings of a report's version (default: its current one) replaced, in the session's transaction."""
        if version is None:
            version = s.scalar(select(ReportRow.current_version).where(ReportRow.id == report_id))
            if version is None:
                return  # deleted meanwhile: nothing to re-check
        s.execute(delete(FindingRow).where(FindingRow.report_id == report_id, FindingRow.version == version))
        _revised(s, report_id)
        self._write_rows(s.connection(), [(report_id, Prepared("", "", None, {}, [], [], _finding_tuples(version, findings)))])

    def _replace_current_findings(self, s: Session, rechecked: Sequence[tuple[int, Sequence[Finding]]],
                                  partial: Partial | None) -> None:
        """:meth:`_replace_findings` of many reports' current versions, a few statements for them all (a
        batch re-checks the stored following year of most of a chunk's reports); with ``partial``, the
        findings of its rules only.
        """
        latest = dict(rechecked)  # a report named twice (under a unit's former name too): as if replaced in turn
        versions = dict(s.execute(select(ReportRow.id, ReportRow.current_version)
                                  .where(ReportRow.id.in_(list(latest)))).all())  # one deleted meanwhile: nothing to do
        if not versions:
            return
        ids = sorted(versions)
        current = (FindingRow.report_id.in_(ids), FindingRow.version == select(ReportRow.current_version)
                   .where(ReportRow.id == FindingRow.report_id).scalar_subquery())
        stored: dict[int, list[tuple]] = {rid: [] for rid in ids}
        if partial is not None:
            # the JSON columns as the text they hold: the findings kept are written back unchanged
            for rid, *row in s.execute(select(FindingRow.report_id, FindingRow.version, FindingRow.rule, FindingRow.severity,
                                              FindingRow.fingerprint, FindingRow.message, sql_cast(FindingRow.cells, Text),
                                              sql_cast(FindingRow.evidence, Text))
                                       .where(*current).order_by(FindingRow.id)):
                stored[rid].append(tuple(row))
        s.execute(delete(FindingRow).where(*current))
        _revised_many(s, ids)
        written = []
        for rid in ids:
            rows = _finding_tuples(versions[rid], latest[rid])
            written.append((rid, Prepared("", "", None, {}, [], [], partial.merge(stored[rid], rows) if partial else rows)))
        self._write_rows(s.connection(), written)

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
            _revised(s, report_id)

    # --- versions ----------------------------------------------------------------------------

    @staticmethod
    def _elect(s: Session, groups: Iterable[tuple[int | None, int | None]]) -> list[tuple[int, int]]:
        """Mark the current version of each (unit id, year) by the rule of ``model.versions``;
        returns the groups whose current version changed.
        """
        wanted = {(u, y) for u, y in groups if u is not None and y is not None}
        changed: list[tuple[int, int]] = []
        if not wanted:
            return changed
        rows: dict[tuple[int, int], list] = {}
        q = (select(ReportRow.id, ReportRow.unit_id, ReportRow.year, ReportRow.status, ReportRow.chosen,
                    ReportRow.published_on, ReportRow.is_current)
             .where(ReportRow.unit_id.in_({u for u, _ in wanted}), ReportRow.year.in_({y for _, y in wanted})))
        for r in s.execute(q):
            if (r.unit_id, r.year) in wanted:
                rows.setdefault((r.unit_id, r.year), []).append(r)
        on: list[int] = []
        off: list[int] = []
        for group, versions in rows.items():
            active = [r for r in versions if r.status == VersionStatus.ACTIVE]
            best = max(active, key=lambda r: current_rank(r.chosen, r.published_on, r.id)).id if active else None
            for r in versions:
                if r.is_current != (r.id == best):
                    (on if r.id == best else off).append(r.id)
            if any(r.is_current != (r.id == best) for r in versions):
                changed.append(group)
        for ids, flag in ((off, False), (on, True)):
            if ids:
                s.execute(update(ReportRow).where(ReportRow.id.in_(ids)).values(is_current=flag))
        return changed

    def _audited(self, s: Session, row: ReportRow, action: str, actor: str, reason: str) -> None:
        if not actor.strip():
            raise StoreError("必须注明操作人")
        s.add(AuditEvent(actor=actor, action=action, report_id=row.id, unit_name=row.unit_name, year=row.year,
                         source_name=row.source_name, reason=reason))

    def set_status(self, report_id: int, status: VersionStatus | str, actor: str, reason: str = "") -> bool:
        """Withdraw (撤回), delete (删除) or restore (恢复) a version, audit-logged; returns whether the
        current version of its unit and year changed. The source stays until :meth:`purge`.
        """
        status = VersionStatus(status)
        action = {VersionStatus.ACTIVE: "restore", VersionStatus.WITHDRAWN: "withdraw",
                  VersionStatus.DELETED: "delete"}[status]
        with self.session() as s:
            row = self._row(s, report_id)
            if row.status == status:
                raise StoreError(f"报告 {report_id} 已是“{status.cn}”状态")
            self._audited(s, row, action, actor, reason)
            row.status = status.value
            if status is not VersionStatus.ACTIVE:
                row.chosen = False
            s.flush()
            return self._settle(s, row, status)

    def choose(self, report_id: int, actor: str, reason: str = "") -> bool:
        """Make a version the current one of its unit and year explicitly (audit-logged)."""
        with self.session() as s:
            row = self._row(s, report_id)
            if row.status != VersionStatus.ACTIVE:
                raise StoreError(f"报告 {report_id} 处于“{VersionStatus(row.status).cn}”状态，不能设为当前版本")
            self._audited(s, row, "choose", actor, reason)
            if row.unit_id is not None and row.year is not None:
                s.execute(update(ReportRow).where(ReportRow.unit_id == row.unit_id, ReportRow.year == row.year)
                          .values(chosen=False))
            row.chosen = True
            s.flush()
            return self._settle(s, row, VersionStatus.ACTIVE)

    def _settle(self, s: Session, row: ReportRow, status: VersionStatus) -> bool:
        if row.unit_id is None or row.year is None:  # no unit-year: a version of nothing but itself
            changed = row.is_current != (status is VersionStatus.ACTIVE)
            row.is_current = status is VersionStatus.ACTIVE
            return changed
        return bool(self._elect(s, [(row.unit_id, row.year)]))

    def unit_year(self, report_id: int) -> tuple[str | None, int | None]:
        """A report's unit (normalised name, None when unknown) and year."""
        with self.session() as s:
            row = self._row(s, report_id)
            key = s.scalar(select(Unit.key).where(Unit.id == row.unit_id)) if row.unit_id is not None else None
            return key, row.year

    @staticmethod
    def _row(s: Session, report_id: int) -> ReportRow:
        row = s.get(ReportRow, report_id)
        if row is None:
            raise StoreError(f"没有编号为 {report_id} 的报告")
        return row

    def purge(self, actor: str, reason: str = "") -> int:
        """Remove the deleted versions for good (source, cells, findings, decisions); the audit trail stays."""
        with self.session() as s:
            rows = list(s.scalars(select(ReportRow).where(ReportRow.status == VersionStatus.DELETED)))
            for row in rows:
                self._audited(s, row, "purge", actor, reason)
                s.delete(row)
            return len(rows)

    def versions(self, report_id: int) -> list[VersionInfo]:
        """Every version of the report's unit and year (itself only without both), oldest import first."""
        with self.session() as s:
            row = self._row(s, report_id)
            q = select(ReportRow).options(defer(ReportRow.source_bytes), defer(ReportRow.notes),
                                          defer(ReportRow.tables))
            if row.unit_id is None or row.year is None:
                rows = [row]
            else:
                rows = list(s.scalars(q.where(ReportRow.unit_id == row.unit_id, ReportRow.year == row.year)
                                      .order_by(ReportRow.id)))
            return [VersionInfo(r.id, r.source_name, r.format, r.source_size, r.published_on, r.imported_at,
                                VersionStatus(r.status), r.chosen, r.is_current) for r in rows]

    def audit_trail(self, report_id: int | None = None, limit: int = 500) -> list[AuditEntry]:
        """Withdrawals, deletions, restorations, choices and purges, newest first."""
        with self.session() as s:
            q = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
            if report_id is not None:
                q = q.where(AuditEvent.report_id == report_id)
            return [AuditEntry(e.at, e.actor, e.action, e.report_id, e.unit_name, e.year, e.source_name, e.reason)
                    for e in s.scalars(q)]

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


@dataclass(frozen=True, slots=True)
class VersionInfo:
    """One stored file of a unit's report for a year."""

    report_id: int
    source_name: str
    format: str
    size: int
    published_on: dt.date | None
    imported_at: dt.datetime
    status: VersionStatus
    chosen: bool
    current: bool


AUDIT_ACTIONS = {"withdraw": "撤回", "delete": "删除", "restore": "恢复", "choose": "设为当前版本", "purge": "彻底清除",
                 # the unit registry's changes (store/units_edit.py): a unit's reports move with a merge
                 "unit_edit": "修改单位", "unit_move": "迁移单位地区", "unit_merge": "合并单位"}


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One audited action on a report version."""

    at: dt.datetime
    actor: str
    action: str
    report_id: int | None
    unit_name: str | None
    year: int | None
    source_name: str | None
    reason: str

    @property
    def action_cn(self) -> str:
        """Chinese name of the action."""
        return AUDIT_ACTIONS.get(self.action, self.action)


@dataclass(slots=True)
class Prepared:
    """A report turned into database rows, without ids: made where it was parsed (a worker).

    ``sections``, ``cells`` and ``findings`` are tuples in the column order of ``_ROW_TABLES``
    without the leading report id; values are driver-ready (Decimal as text, JSON as text).
    """

    source_name: str
    digest: str
    unit: str | None
    row: dict
    sections: list[tuple]
    cells: list[tuple]
    findings: list[tuple]
    credit_code: str | None = None  # the 统一社会信用代码 its 索引号 begins with

    @property
    def unit_key(self) -> str | None:
        """The unit's normalised name."""
        return normalise_unit(self.unit) if self.unit else None

    @property
    def year(self) -> int | None:
        """The report year."""
        return self.row["year"]

    @property
    def errors(self) -> int:
        """Its error-severity findings."""
        return sum(t[2] == "error" for t in self.findings)

    def report(self, cells: Collection[str] | None = None) -> Report:
        """The parsed report these rows were made from (as :meth:`Store.load` would give it; with
        ``cells``, only those cells, as ``codec.unpack`` says).
        """
        return unpack(self.row["document"], cells)

    def set_findings(self, findings: Sequence[Finding], partial: Partial | None = None) -> None:
        """Replace the findings to write (the report was checked again, with its previous year); with
        ``partial``, those of its rules only.
        """
        rows = _finding_tuples(0, findings)
        self.findings = partial.merge(self.findings, rows) if partial is not None else rows


@dataclass(frozen=True, slots=True)
class Partial:
    """New findings of some rules only (a re-check of the cross-year rules): ``rules(instance id)`` tells
    the findings they replace; the others stay as they are, and all come in ``order(rule, severity)``,
    the order a whole check gives them (``check.finding_order``).
    """

    rules: Callable[[str], bool]
    order: Callable[[str, str], Any]

    def merge(self, stored: Sequence[tuple], new: Sequence[tuple]) -> list[tuple]:
        """Finding rows (``_finding_tuples``): the stored ones of other rules with the new ones, in order."""
        kept = [t for t in stored if not self.rules(t[1])]
        return sorted(kept + list(new), key=lambda t: self.order(t[1], t[2]))  # stable: a rule's findings keep their order


MAX_NAME = 500  # characters of a stored file name (the columns' length on PostgreSQL)


def fit_name(name: str, limit: int = MAX_NAME) -> str:
    """A file name cut to ``limit`` characters, keeping its extension (the file's type is read from it;
    the stored bytes keep everything).
    """
    if len(name) <= limit:
        return name
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem or len(ext) > 16:
        return name[: limit - 1] + "…"
    return stem[: limit - len(ext) - 2] + "…." + ext


def prepare(source_name: str, data: bytes, report: Report, findings: Sequence[Finding], digest: str | None = None) -> Prepared:
    """The rows of one report version 0 (pure: no database)."""
    source_name = fit_name(source_name)
    source_hash = digest or content_hash(data)
    row = dict(
        year=report.year, source_name=source_name, source_hash=source_hash,
        source_bytes=data, source_size=len(data), format=report.format,
        format_version="2019" if any(n.kind.value == "format_2019" for n in report.notes) else "2021",
        title=report.title, unit_name=report.unit, published_on=report.published_on, signed_on=report.signed_on,
        period_start=report.period[0] if report.period else None,
        period_end=report.period[1] if report.period else None, current_version=0,
        parser_version=PARSER_VERSION, notes=_notes_json(report), tables=_tables_json(report),
        signed_unit=report.signed_unit, document=pack(report),
    )
    sections = [(n, sec.heading[:200], sec.text, sec.span.line) for n, sec in report.sections.items()]  # column width
    sections.append((0, "", report.intro, report.intro_line))
    return Prepared(source_name, source_hash, report.unit, row, sections,
                    [(0, cellpack.dumps(cellpack.report_entries(report)))], _finding_tuples(0, findings),
                    index_credit_code(report.index_no))


def _notes_json(report: Report) -> list[dict]:
    import json

    return [json.loads(json.dumps({"kind": n.kind.value, "table": n.table.value if n.table else None,
                                   "span": list(n.span) if n.span else None, "data": n.data},
                                  ensure_ascii=False, default=str)) for n in report.notes]


def _tables_json(report: Report) -> dict:
    return {t.value: {"layout": i.layout, "section": i.section, "rows_found": list(i.rows_found), "span": list(i.span)}
            for t, i in report.tables.items()}


CELL_COLUMNS = ("report_id", "version", "cells")
SECTION_COLUMNS = ("report_id", "number", "heading", "text", "line")
FINDING_COLUMNS = ("report_id", "version", "rule", "severity", "fingerprint", "message", "cells", "evidence")
_ROW_TABLES = (("sections", SECTION_COLUMNS, "sections"), ("cell_packs", CELL_COLUMNS, "cells"),
               ("findings", FINDING_COLUMNS, "findings"))


def _finding_tuples(version: int, findings: Sequence[Finding]) -> list[tuple]:
    """Finding rows without the report id; JSON columns as text (the JSON type reads them back)."""
    import json

    return [(version, f.rule, f.severity.value, f.fingerprint, f.message,
             json.dumps(list(f.cells), ensure_ascii=False),
             json.dumps(f.evidence, ensure_ascii=False, default=str)) for f in findings]
