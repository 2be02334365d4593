"""Collection records: the portal columns to collect from, each run, and every document fetched or to
fetch (the crawl frontier), with its provenance — so an interrupted run continues where it stopped and
a re-run asks the portal only for what changed.

A document's ``state``: ``queued`` (to fetch), ``done`` (fetched and handled), ``skipped`` (a link whose
title names no report, or a report of a year before ``--since``), ``refused`` (a report link whose file is
no annual report: the unit published something else in its place), ``failed`` (the reason in ``error``), ``paused`` (the portal
refused us; retried by the next run). ``kind``: ``list`` (a column page), ``article`` (a page a column
links) or ``file`` (an attachment).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Text, func, select, update
from sqlalchemy.orm import Mapped, mapped_column

from .db import Store, StoreError
from .schema import Base, Unit

KINDS = ("list", "article", "file")
STATES = ("queued", "done", "skipped", "refused", "failed", "paused")
STATE_CN = {"queued": "待采集", "done": "已采集", "skipped": "已跳过", "refused": "不是年报", "failed": "失败",
            "paused": "已暂停"}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def url_hash(url: str) -> str:
    """The key of a URL (a URL may be longer than an index allows)."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()


class CollectSource(Base):
    """A portal column to collect from (a unit's 年报栏目网址, or one a user added)."""

    __tablename__ = "collect_sources"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    url_hash: Mapped[str] = mapped_column(String(64), unique=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    added_by: Mapped[str] = mapped_column(String(100), default="", server_default="")
    added_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)


class CollectRun(Base):
    """One collection run: its settings, counts so far and how it ended."""

    __tablename__ = "collect_runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    state: Mapped[str] = mapped_column(String(12))  # running | done | interrupted | failed
    actor: Mapped[str] = mapped_column(String(100), default="", server_default="")
    settings: Mapped[dict] = mapped_column(JSON)
    counts: Mapped[dict] = mapped_column(JSON)
    message: Mapped[str] = mapped_column(Text, default="", server_default="")
    started_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class CollectDoc(Base):
    """A document of the frontier: where it was found, and what fetching it gave."""

    __tablename__ = "collect_docs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    url_hash: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(8))
    state: Mapped[str] = mapped_column(String(12), index=True)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("collect_sources.id"))
    referrer_id: Mapped[int | None] = mapped_column(ForeignKey("collect_docs.id"))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("collect_runs.id"))
    depth: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # list pages from the source
    year: Mapped[int | None] = mapped_column(Integer)  # the report year its link's title names
    title: Mapped[str | None] = mapped_column(Text)  # as the linking page shows it
    link_date: Mapped[dt.date | None] = mapped_column(Date)  # the date beside the link
    final_url: Mapped[str | None] = mapped_column(Text)
    status: Mapped[int | None] = mapped_column(Integer)
    headers: Mapped[dict | None] = mapped_column(JSON)
    meta: Mapped[dict | None] = mapped_column(JSON)  # the page's metadata (PubDate, 索引号 …)
    etag: Mapped[str | None] = mapped_column(String(200))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    content_hash: Mapped[str | None] = mapped_column(String(64))
    previous_hash: Mapped[str | None] = mapped_column(String(64))  # the content before it last changed
    changed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id", ondelete="SET NULL"), index=True)
    # the report this address gave before its content changed (the report as first published)
    previous_report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id", ondelete="SET NULL"))
    error: Mapped[str | None] = mapped_column(Text)
    fetched_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


@dataclass(frozen=True, slots=True)
class Queued:
    """A document to fetch, with what the next fetch needs to know."""

    id: int
    url: str
    kind: str
    depth: int
    source_id: int | None
    title: str | None
    link_date: dt.date | None
    etag: str | None
    last_modified: str | None
    content_hash: str | None
    unit: str | None  # the source's unit, when the registry gave the column
    referrer_meta: dict | None  # the article's metadata, for an attachment
    year: int | None = None  # the report year its link names


@dataclass(frozen=True, slots=True)
class DocView:
    """A fetched (or failed, skipped) document for listings."""

    id: int
    url: str
    kind: str
    state: str
    title: str | None
    status: int | None
    published: str | None
    report_id: int | None
    error: str | None
    changed: bool
    fetched_at: dt.datetime | None = None  # UTC

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"id": self.id, "url": self.url, "kind": self.kind, "state": self.state, "title": self.title,
                "status": self.status, "published": self.published, "report_id": self.report_id, "error": self.error,
                "changed": self.changed, "fetched_at": self.fetched_at.isoformat() if self.fetched_at else None}


def add_sources(store: Store, urls: Sequence[str], actor: str = "", unit: int | None = None) -> list[int]:
    """The ids of these columns as sources (added when new)."""
    out = []
    with store.session() as s:
        for url in urls:
            h = url_hash(url)
            sid = s.scalar(select(CollectSource.id).where(CollectSource.url_hash == h))
            if sid is None:
                row = CollectSource(url=url, url_hash=h, unit_id=unit, added_by=actor)
                s.add(row)
                s.flush()
                sid = row.id
            out.append(sid)
    return out


def registry_sources(store: Store) -> list[int]:
    """Every registry unit's 年报栏目网址 as a source of that unit."""
    with store.session() as s:
        units = [(u.id, u.portal_urls) for u in s.scalars(select(Unit).where(Unit.portal_urls.is_not(None)))]
    ids: list[int] = []
    for uid, urls in units:
        ids += add_sources(store, [u for u in urls or () if u], unit=uid)
    return ids


def sources(store: Store) -> list[tuple[int, str, str | None]]:
    """(id, url, unit name) of every source."""
    with store.session() as s:
        return [(i, u, n) for i, u, n in s.execute(select(CollectSource.id, CollectSource.url, Unit.name)
                                                     .outerjoin(Unit, CollectSource.unit_id == Unit.id)
                                                     .order_by(CollectSource.id))]


def start_run(store: Store, settings: dict, actor: str = "") -> int:
    """A new run; documents a run left half-done are queued again."""
    with store.session() as s:
        run = CollectRun(state="running", actor=actor, settings=settings, counts={})
        s.add(run)
        # a run stopped by a kill leaves no state behind but 'running': it was interrupted
        s.execute(update(CollectRun).where(CollectRun.state == "running", CollectRun.id != run.id)
                  .values(state="interrupted"))
        s.execute(update(CollectDoc).where(CollectDoc.state == "paused").values(state="queued", error=None))
        s.flush()
        return run.id


def finish_run(store: Store, run_id: int, state: str, counts: dict, message: str = "") -> None:
    """Record how a run ended."""
    with store.session() as s:
        s.execute(update(CollectRun).where(CollectRun.id == run_id)
                  .values(state=state, counts=counts, message=message, finished_at=_now()))


def save_counts(store: Store, run_id: int, counts: dict) -> None:
    """A run's counts so far (the web page shows its progress)."""
    with store.session() as s:
        s.execute(update(CollectRun).where(CollectRun.id == run_id).values(counts=counts))


def enqueue(store: Store, items: Sequence[dict], run_id: int | None = None) -> int:
    """Add documents to the frontier (``url``, ``kind`` and optionally ``source_id``, ``referrer_id``,
    ``depth``, ``title``, ``link_date``; ``state`` and ``error`` to record one skipped unfetched). A known
    URL is queued again only when it is a list page or ``requeue`` is set (a re-run looks at every column
    page again); returns how many were added or queued again.
    """
    queued = 0
    with store.session() as s:
        for item in items:
            if item["kind"] not in KINDS:
                raise StoreError(f"unknown document kind {item['kind']!r}")
            h = url_hash(item["url"])
            row = s.scalar(select(CollectDoc).where(CollectDoc.url_hash == h))
            if row is None:
                s.add(CollectDoc(url=item["url"], url_hash=h, kind=item["kind"], state=item.get("state", "queued"),
                                 run_id=run_id, source_id=item.get("source_id"), referrer_id=item.get("referrer_id"),
                                 depth=item.get("depth", 0), title=item.get("title"), link_date=item.get("link_date"),
                                 error=item.get("error"), year=item.get("year")))
                queued += 1
            elif (item.get("requeue") or row.kind == "list") and row.state != "queued" and row.run_id != run_id:
                row.state, row.run_id, row.error = "queued", run_id, None
                queued += 1
            s.flush()
    return queued


def requeue_children(store: Store, doc_id: int, run_id: int) -> int:
    """Queue again what an unchanged page linked and a past run fetched — the column's next pages, its
    articles, their attachments — to ask each, conditionally, whether it changed (a report edited after
    publication keeps its link).
    """
    with store.session() as s:
        result = s.execute(update(CollectDoc).where(CollectDoc.referrer_id == doc_id, CollectDoc.state == "done",
                                                    CollectDoc.run_id != run_id)
                           .values(state="queued", run_id=run_id))
        return int(getattr(result, "rowcount", 0) or 0)


def next_queued(store: Store, limit: int = 1) -> list[Queued]:
    """The oldest queued documents (a column's pages before the articles they link: by id)."""
    with store.session() as s:
        rows = s.execute(select(CollectDoc, Unit.name).outerjoin(CollectSource, CollectDoc.source_id == CollectSource.id)
                         .outerjoin(Unit, CollectSource.unit_id == Unit.id)
                         .where(CollectDoc.state == "queued").order_by(CollectDoc.id).limit(limit)).all()
        referrers = {d.referrer_id for d, _ in rows if d.referrer_id is not None}
        metas = {i: m for i, m in s.execute(select(CollectDoc.id, CollectDoc.meta).where(CollectDoc.id.in_(referrers)))}
        return [Queued(d.id, d.url, d.kind, d.depth, d.source_id, d.title, d.link_date, d.etag, d.last_modified,
                       d.content_hash, unit, metas.get(d.referrer_id), d.year) for d, unit in rows]


def record(store: Store, doc_id: int, state: str, **fields: Any) -> None:
    """What fetching a document gave (``state`` and any of the provenance columns)."""
    if state not in STATES:
        raise StoreError(f"unknown document state {state!r}")
    with store.session() as s:
        row = s.get(CollectDoc, doc_id)
        if row is None:
            raise StoreError(f"没有编号为 {doc_id} 的采集记录")
        new_hash = fields.get("content_hash")
        if new_hash is not None and row.content_hash is not None and new_hash != row.content_hash:
            row.previous_hash, row.changed_at = row.content_hash, _now()
            new_report = fields.get("report_id")
            if new_report is not None and row.report_id is not None and new_report != row.report_id:
                row.previous_report_id = row.report_id
        row.state = state
        for k, v in fields.items():
            setattr(row, k, v)


def refused_for(store: Store, unit_ids: Sequence[int], year: int) -> dict[int, str]:
    """The units (of these) whose column gave, for ``year``, a document that is no annual report: its URL."""
    if not unit_ids:
        return {}
    with store.session() as s:
        rows = s.execute(select(CollectSource.unit_id, CollectDoc.url).join(CollectSource, CollectDoc.source_id == CollectSource.id)
                         .where(CollectSource.unit_id.in_(unit_ids), CollectDoc.year == year, CollectDoc.state == "refused")
                         .order_by(CollectDoc.id))
        return {uid: url for uid, url in rows if uid is not None}


@dataclass(frozen=True, slots=True)
class Copy:
    """Another collected file of a report: the same address before it changed, or another address."""

    report_id: int
    url: str
    same_address: bool
    fetched_at: dt.datetime | None


def copies_of(store: Store, report_id: int) -> list[Copy]:
    """The other collected files of a collected report: what its address gave before (the report as first
    published), and the other addresses that gave a report of the same unit and year.
    """
    from .schema import ReportRow

    with store.session() as s:
        mine = s.execute(select(CollectDoc.url, CollectDoc.previous_report_id, CollectDoc.fetched_at)
                         .where(CollectDoc.report_id == report_id)).all()
        if not mine:
            return []
        out = [Copy(prev, url, True, at) for url, prev, at in mine if prev is not None and prev != report_id]
        unit_year = s.execute(select(ReportRow.unit_id, ReportRow.year).where(ReportRow.id == report_id)).first()
        if unit_year is not None and unit_year[0] is not None and unit_year[1] is not None:
            urls = {url for url, _, _ in mine}
            others = s.execute(select(CollectDoc.report_id, CollectDoc.url, CollectDoc.fetched_at)
                               .join(ReportRow, ReportRow.id == CollectDoc.report_id)
                               .where(ReportRow.unit_id == unit_year[0], ReportRow.year == unit_year[1],
                                      ReportRow.status == "active", CollectDoc.report_id != report_id)
                               .order_by(CollectDoc.id)).all()
            out += [Copy(rid, url, False, at) for rid, url, at in others if rid is not None and url not in urls]
        return out


def documents(store: Store, run_id: int | None = None, state: str | None = None, limit: int = 500) -> list[DocView]:
    """Fetched documents, newest first (of one run, in one state)."""
    q = select(CollectDoc).order_by(CollectDoc.id.desc()).limit(limit)
    if run_id is not None:
        q = q.where(CollectDoc.run_id == run_id)
    if state is not None:
        q = q.where(CollectDoc.state == state)
    with store.session() as s:
        return [DocView(d.id, d.url, d.kind, d.state, d.title, d.status, (d.meta or {}).get("published"), d.report_id,
                        d.error, d.previous_hash is not None) for d in s.scalars(q)]


def provenance(store: Store, report_id: int) -> list[DocView]:
    """Where a report was collected from: the documents that gave it (or gave it before they changed)."""
    q = (select(CollectDoc).where((CollectDoc.report_id == report_id) | (CollectDoc.previous_report_id == report_id))
         .order_by(CollectDoc.id))
    with store.session() as s:
        return [DocView(d.id, d.final_url or d.url, d.kind, d.state, d.title, d.status, (d.meta or {}).get("published"),
                        d.report_id, d.error, d.previous_hash is not None, d.fetched_at) for d in s.scalars(q)]


def runs(store: Store, limit: int = 20) -> list[CollectRun]:
    """The latest runs."""
    with store.session() as s:
        out = list(s.scalars(select(CollectRun).order_by(CollectRun.id.desc()).limit(limit)))
        s.expunge_all()
        return out


def state_counts(store: Store, run_id: int | None = None) -> dict[str, int]:
    """How many documents are in each state (of one run)."""
    q = select(CollectDoc.state, func.count()).group_by(CollectDoc.state)
    if run_id is not None:
        q = q.where(CollectDoc.run_id == run_id)
    with store.session() as s:
        return {st: n for st, n in s.execute(q)}


__all__ = ["KINDS", "STATES", "STATE_CN", "CollectDoc", "CollectRun", "CollectSource", "Copy", "DocView", "Queued",
           "add_sources", "copies_of", "documents", "refused_for", "enqueue", "finish_run", "next_queued", "provenance", "record", "registry_sources", "requeue_children", "runs",
           "save_counts", "sources", "start_run", "state_counts", "url_hash"]
