"""Database schema (SQLAlchemy 2), derived from the model's id registry.

Cells are stored long (one row per report version and cell id); ``cell_defs`` is filled from
``model.ids`` by the first migration and every cell row references it, so the database knows
exactly the 200 canonical cells. A correction never overwrites: it writes a new version.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    """Declarative base of the zfxxgk schema."""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class CellDef(Base):
    """The 200 canonical cells (from ``zfxxgk.model.ids``)."""

    __tablename__ = "cell_defs"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    table_id: Mapped[str] = mapped_column(String(4))
    row: Mapped[str] = mapped_column(String(48))
    column: Mapped[str] = mapped_column(String(32))
    label: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(8))
    ord: Mapped[int] = mapped_column(Integer)


class Region(Base):
    """省/市/县/乡 hierarchy for roll-ups."""

    __tablename__ = "regions"
    __table_args__ = (UniqueConstraint("parent_id", "name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(8))  # province | city | county | township
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    # the official division code (6 digits, model/divisions.py); None for a region made before 0009
    code: Mapped[str | None] = mapped_column(String(6), unique=True, index=True)


class Unit(Base):
    """A reporting organ."""

    __tablename__ = "units"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)  # normalised name
    name: Mapped[str] = mapped_column(String(200))
    unit_type: Mapped[str | None] = mapped_column(String(16))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    # the unit's statistics group (store/summary.py): its region's ancestor GROUP_DEPTH levels down (a
    # county), or the region itself when higher; None without a region. Set with region_id.
    group_key: Mapped[int | None] = mapped_column(Integer, index=True)
    # division codes the name could mean when it names none for sure (朝阳区财政局): 待确认 until placed
    candidates: Mapped[list | None] = mapped_column(JSON)
    # the unit registry (store/registry.py): a registered unit must report in the years it existed
    registered: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    credit_code: Mapped[str | None] = mapped_column(String(18), unique=True, index=True)  # 统一社会信用代码
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))  # 上级单位
    portal_urls: Mapped[list | None] = mapped_column(JSON)  # 年报栏目网址
    since: Mapped[int | None] = mapped_column(Integer)  # first report year it owes (None: always)
    until: Mapped[int | None] = mapped_column(Integer)  # last report year it owes (None: still)
    reports: Mapped[list[ReportRow]] = relationship(back_populates="unit")


class ReportRow(Base):
    """One imported source file (unchanged bytes kept) and its header facts."""

    __tablename__ = "reports"
    # the versions of a chunk's unit-years are looked up by unit, year and current flag (migration 0015)
    __table_args__ = (Index("ix_reports_unit_year_current", "unit_id", "year", "is_current"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    year: Mapped[int | None] = mapped_column(Integer, index=True)
    source_name: Mapped[str] = mapped_column(String(500))
    source_hash: Mapped[str] = mapped_column(String(64), unique=True)
    source_bytes: Mapped[bytes] = mapped_column(LargeBinary)
    source_size: Mapped[int] = mapped_column(BigInteger)
    format: Mapped[str] = mapped_column(String(16))
    format_version: Mapped[str] = mapped_column(String(8), default="2021")
    title: Mapped[str | None] = mapped_column(Text)
    unit_name: Mapped[str | None] = mapped_column(String(200))
    published_on: Mapped[dt.date | None] = mapped_column(Date)
    signed_on: Mapped[dt.date | None] = mapped_column(Date)
    period_start: Mapped[dt.date | None] = mapped_column(Date)
    period_end: Mapped[dt.date | None] = mapped_column(Date)
    current_version: Mapped[int] = mapped_column(Integer, default=0)  # of the cells (corrections)
    # a report is one version of its unit's report for its year (model/versions.py: the current rule)
    status: Mapped[str] = mapped_column(String(12), default="active", server_default="active")
    chosen: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    is_current: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true(), index=True)
    # bumped by every change a statistics summary depends on that leaves the rest of the row alone
    # (findings re-checked, a review decision, a correction): see store/summary.py
    revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    parser_version: Mapped[str] = mapped_column(String(16), default="0.1.0")
    notes: Mapped[list] = mapped_column(JSON, default=list)  # parse notes (kind, table, span, data)
    tables: Mapped[dict] = mapped_column(JSON, default=dict)  # table → layout, section, rows found, span
    signed_unit: Mapped[str | None] = mapped_column(String(200))
    # the whole parse as zfxxgk.model.codec packs it (lossless; null for reports stored before 0005)
    document: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    unit: Mapped[Unit | None] = relationship(back_populates="reports")


class SectionRow(Base):
    """The six sections as printed; number 0 is the intro (text between title and first heading)."""

    __tablename__ = "sections"
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    heading: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    line: Mapped[int] = mapped_column(Integer)


class CellPack(Base):
    """The 200 cells of a report version in one value (value, state, raw text, provenance): store/cellpack.py."""

    __tablename__ = "cell_packs"
    __table_args__ = {"sqlite_with_rowid": False}  # clustered on the key, as the cells rows were (migration 0004)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    cells: Mapped[str] = mapped_column(Text)


class Correction(Base):
    """A corrected value: who, when, why. It creates report version ``version``."""

    __tablename__ = "corrections"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    cell_id: Mapped[str] = mapped_column(ForeignKey("cell_defs.id"))
    old_value: Mapped[object | None] = mapped_column(Numeric(18, 4))
    new_value: Mapped[object | None] = mapped_column(Numeric(18, 4))
    author: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)


class FindingRow(Base):
    """A failed rule instance of a report version."""

    __tablename__ = "findings"
    __table_args__ = (Index("ix_findings_report_version", "report_id", "version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    rule: Mapped[str] = mapped_column(String(64), index=True)
    severity: Mapped[str] = mapped_column(String(8))
    fingerprint: Mapped[str] = mapped_column(String(32), index=True)
    message: Mapped[str] = mapped_column(Text)
    cells: Mapped[list] = mapped_column(JSON)
    evidence: Mapped[dict] = mapped_column(JSON)


class ReviewDecision(Base):
    """A reviewer's decision on a finding (确认/驳回), kept across re-checks through the fingerprint."""

    __tablename__ = "review_decisions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    fingerprint: Mapped[str] = mapped_column(String(32), index=True)
    decision: Mapped[str] = mapped_column(String(16))  # confirmed | rejected
    reviewer: Mapped[str] = mapped_column(String(100))
    comment: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)


class ImportError_(Base):
    """A file that could not be imported, with the reason (the batch goes on)."""

    __tablename__ = "import_errors"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_name: Mapped[str] = mapped_column(String(500))
    source_hash: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)


class AuditEvent(Base):
    """Who withdrew, deleted, restored, chose or purged which report, when and why (never deleted)."""

    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(16))  # withdraw | delete | restore | choose | purge
    report_id: Mapped[int | None] = mapped_column(Integer, index=True)  # no foreign key: outlives a purge
    unit_name: Mapped[str | None] = mapped_column(String(200))
    year: Mapped[int | None] = mapped_column(Integer)
    source_name: Mapped[str | None] = mapped_column(String(500))
    reason: Mapped[str] = mapped_column(Text, default="")


class WebSessionRow(Base):
    """A signed-in browser session of the web app (only the hash of its random id is kept).

    The cookie carries the id; the server decides whether it still counts, so signing out, a new
    password or a deactivation ends a session even when someone kept a copy of the cookie.
    """

    __tablename__ = "web_sessions"
    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 of the cookie's id
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now, index=True)
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)  # set: the session no longer counts


class SummaryRow(Base):
    """The statistics of one year's current reports of the units of one region (a cache, see
    store/summary.py): valid while ``fingerprint`` matches those reports.
    """

    __tablename__ = "summaries"
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    region_key: Mapped[int] = mapped_column(Integer, primary_key=True)  # region id; 0 no region, -1 no unit
    fingerprint: Mapped[str] = mapped_column(String(200))
    data: Mapped[str] = mapped_column(Text)  # JSON


class UnitAlias(Base):
    """Another name of a registry unit, in the years it was used (a renamed or merged organ)."""

    __tablename__ = "unit_aliases"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)  # normalised name, as units.key
    name: Mapped[str] = mapped_column(String(200))
    since: Mapped[int | None] = mapped_column(Integer)
    until: Mapped[int | None] = mapped_column(Integer)


class TextPrint(Base):
    """A report's compared section (1 or 5) as the cross-unit copy finder saw it (app/copies.py): the
    length and hash of its masked text and its MinHash signature. Written once per report (its sections
    never change); ``scheme`` names the masking and signature settings, and a row of another scheme
    is made again.
    """

    __tablename__ = "text_prints"
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True)
    section: Mapped[int] = mapped_column(Integer, primary_key=True)
    scheme: Mapped[str] = mapped_column(String(32))
    length: Mapped[int] = mapped_column(Integer)  # masked characters; below the minimum: not compared
    digest: Mapped[str | None] = mapped_column(String(32))  # of the masked text (exact copies share it)
    minhash: Mapped[bytes | None] = mapped_column(LargeBinary)  # the signature's values, little-endian uint32


class TextCopy(Base):
    """Two reports of one year by different units whose same section overlaps (found and measured by
    app/copies.py): ``share`` of the report's masked section covered by the other's (one row each way).
    """

    __tablename__ = "text_copies"
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True)
    other_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True, index=True)
    section: Mapped[int] = mapped_column(Integer, primary_key=True)
    share: Mapped[float] = mapped_column(Float)
