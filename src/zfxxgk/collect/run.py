"""A collection run: walk the columns' list pages, the report articles they link and the articles'
attachments, one polite request at a time, recording every document in the store's frontier, and hand
each report file to the one ingest pipeline with its provenance.

The frontier lives in the database (store/collecting.py): a run that is interrupted (Ctrl-C, a kill)
leaves the unfetched documents queued and the next run continues with them; a re-run looks at the
column pages again and asks for the rest conditionally (ETag, Last-Modified), so unchanged documents
are neither downloaded nor imported twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from urllib.parse import unquote, urlsplit

from ..app.ingest import NOT_A_REPORT, Source, ingest, recheck
from ..model import NoteKind
from ..parse import ParseError, parse_bytes
from ..store import Store, content_hash
from ..store import collecting as rec
from .http import DEFAULT_DELAY, MAX_BYTES, CollectError, Fetched, Paused, Polite
from .portal import ATTACHMENT_EXTENSIONS, read_article, read_list_page

DEFAULT_MAX_PAGES = 50  # list pages per column (a township column rarely has more than a few)


@dataclass(frozen=True, slots=True)
class Settings:
    """How a run behaves (kept with the run)."""

    delay: float = DEFAULT_DELAY
    max_pages: int = DEFAULT_MAX_PAGES
    since: dt.date | None = None  # links dated before this are skipped
    max_bytes: int = MAX_BYTES


@dataclass(slots=True)
class Progress:
    """Counts of a run so far."""

    fetched: int = 0
    imported: int = 0
    unchanged: int = 0  # 304, or the same content as last time
    skipped: int = 0
    failed: int = 0
    paused: int = 0
    refused: int = 0  # a report's link whose file is no annual report
    changed: int = 0  # a document published before whose content is now different
    current: str = ""
    errors: list[tuple[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict:
        """JSON form (stored with the run; the web page polls it)."""
        d = asdict(self)
        d["errors"] = [list(e) for e in self.errors[-50:]]
        return d


@dataclass(frozen=True, slots=True)
class Result:
    """How a run ended."""

    run_id: int
    state: str  # done | interrupted
    progress: Progress


def _file_name(url: str) -> str:
    """A fetched document's file name (what the store shows as its source)."""
    name = unquote(urlsplit(url).path.rsplit("/", 1)[-1]) or "index.html"
    return name if "." in name else name + ".html"


def _is_report_page(data: bytes, url: str) -> bool:
    """Whether an article page itself holds the report — its sections or tables, not only a report's
    title above "详见附件" (the parser accepts a title alone: a report that is only a title is checked
    and found incomplete, but a page that points to the report is no report).
    """
    try:
        report = parse_bytes(data, _file_name(url))
    except ParseError:
        return False
    if any(n.kind is NoteKind.NOT_ANNUAL_REPORT for n in report.notes):
        return False
    return bool(report.tables) or len(report.sections) >= 2


class _Run:
    def __init__(self, store: Store, client: Polite, settings: Settings, run_id: int,
                 on_progress: Callable[[Progress], None] | None) -> None:
        self.store, self.client, self.settings, self.run_id = store, client, settings, run_id
        self.progress = Progress()
        self.on_progress = on_progress

    def _tell(self) -> None:
        rec.save_counts(self.store, self.run_id, self.progress.to_dict())
        if self.on_progress is not None:
            self.on_progress(self.progress)

    def _fetch(self, q: rec.Queued) -> Fetched | None:
        """The document, or None when it was recorded as failed, paused or unchanged."""
        self.progress.current = q.url
        try:
            got = self.client.fetch(q.url, q.etag, q.last_modified)
        except Paused as e:
            rec.record(self.store, q.id, "paused", error=str(e))
            self.progress.paused += 1
            return None
        except CollectError as e:
            rec.record(self.store, q.id, "failed", error=str(e), fetched_at=_now())
            self.progress.failed += 1
            self.progress.errors.append((q.url, str(e)))
            return None
        self.progress.fetched += 1
        if got.not_modified or (q.content_hash is not None and content_hash(got.content) == q.content_hash):
            rec.record(self.store, q.id, "done", status=got.status, fetched_at=got.fetched_at, run_id=self.run_id)
            rec.requeue_children(self.store, q.id, self.run_id)
            self.progress.unchanged += 1
            return None
        return got

    def _provenance(self, got: Fetched) -> dict:
        return {"final_url": got.final_url, "status": got.status, "headers": got.headers, "fetched_at": got.fetched_at,
                "etag": got.etag, "last_modified": got.last_modified, "content_hash": content_hash(got.content)}

    def list_page(self, q: rec.Queued) -> None:
        got = self._fetch(q)
        if got is None:
            return
        page = read_list_page(got.content, got.final_url)
        items: list[dict] = []
        for link in page.reports:
            if self.settings.since is not None and link.date is not None and link.date < self.settings.since:
                self._skip(link.url, link.title, q, f"发布日期 {link.date} 早于设定的起始日期 {self.settings.since}")
                continue
            kind = "file" if urlsplit(link.url).path.lower().endswith(ATTACHMENT_EXTENSIONS) else "article"
            items.append({"url": link.url, "kind": kind, "source_id": q.source_id, "referrer_id": q.id,
                          "title": link.title, "link_date": link.date, "year": link.year})
        for link in page.others:
            self._skip(link.url, link.title, q, "标题不是政府信息公开工作年度报告")
        if q.depth + 1 < self.settings.max_pages:
            items += [{"url": u, "kind": "list", "source_id": q.source_id, "referrer_id": q.id, "depth": q.depth + 1}
                      for u in page.pages]
        rec.enqueue(self.store, items, self.run_id)
        rec.record(self.store, q.id, "done", **self._provenance(got))

    def _skip(self, url: str, title: str, q: rec.Queued, why: str) -> None:
        """Record a link that is not fetched (once: a re-run does not count it again)."""
        self.progress.skipped += rec.enqueue(self.store, [{"url": url, "kind": "article", "source_id": q.source_id,
                                                           "referrer_id": q.id, "title": title, "state": "skipped",
                                                           "error": why}], self.run_id)

    def article(self, q: rec.Queued) -> None:
        got = self._fetch(q)
        if got is None:
            return
        article = read_article(got.content, got.final_url)
        meta = article.meta.to_dict()
        published = article.meta.published or q.link_date
        if published is not None:
            meta["published"] = published.isoformat()
        rec.enqueue(self.store, [{"url": a.url, "kind": "file", "source_id": q.source_id, "referrer_id": q.id,
                                  "title": a.title, "link_date": published, "year": q.year, "requeue": True}
                                 for a in article.attachments], self.run_id)
        fields = dict(self._provenance(got), meta=meta)
        if _is_report_page(got.content, got.final_url):
            self._ingest(q, got, published, article.meta.index_no, fields)
        elif article.attachments:
            rec.record(self.store, q.id, "done", **fields)
        else:  # a report's link that leads to something else: what the unit published in its place
            rec.record(self.store, q.id, "refused", error="页面不是年度报告，也没有附件", **fields)
            self.progress.refused += 1

    def file(self, q: rec.Queued) -> None:
        got = self._fetch(q)
        if got is None:
            return
        meta = q.referrer_meta or {}
        published = dt.date.fromisoformat(meta["published"]) if meta.get("published") else q.link_date
        self._ingest(q, got, published, meta.get("index_no"), dict(self._provenance(got), meta=meta))

    def _ingest(self, q: rec.Queued, got: Fetched, published: dt.date | None, index_no: str | None, fields: dict) -> None:
        # a report that names no unit of its own is the column's unit's (the registry's), else the page's 发布机构
        unit = q.unit or (fields.get("meta") or {}).get("source")
        source = Source(_file_name(got.final_url), got.content, published_on=published, index_no=index_no, unit=unit)
        (outcome,) = ingest([source], self.store)
        if outcome.error is not None:
            refused = outcome.error.startswith(NOT_A_REPORT)
            rec.record(self.store, q.id, "refused" if refused else "failed", error=outcome.error, **fields)
            if refused:
                self.progress.refused += 1
            else:
                self.progress.failed += 1
                self.progress.errors.append((q.url, outcome.error))
            return
        if q.content_hash is not None:
            self.progress.changed += 1  # fetched before with other content: republished
        rec.record(self.store, q.id, "done", report_id=outcome.report_id, **fields)
        self.progress.imported += outcome.created
        if outcome.report_id is not None and rec.copies_of(self.store, outcome.report_id):
            recheck(self.store, outcome.report_id)  # compared with its other collected files (PUB-MODIFIED)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def collect(store: Store, urls: Sequence[str] = (), *, units: bool = False, settings: Settings | None = None,
            client: Polite | None = None, on_progress: Callable[[Progress], None] | None = None,
            actor: str = "", stop: Callable[[], bool] | None = None) -> Result:
    """Collect from these column URLs (and, with ``units``, every registry unit's 年报栏目网址)."""
    settings = settings or Settings()
    own = client is None
    client = client or Polite(delay=settings.delay, max_bytes=settings.max_bytes)
    sources = rec.add_sources(store, list(urls), actor)
    if units:
        sources += rec.registry_sources(store)
    run_id = rec.start_run(store, {**asdict(settings), "since": settings.since.isoformat() if settings.since else None,
                                   "urls": list(urls), "units": units}, actor)
    rec.enqueue(store, [{"url": url, "kind": "list", "source_id": sid} for sid, url, _ in rec.sources(store)
                        if sid in set(sources)], run_id)
    run = _Run(store, client, settings, run_id, on_progress)
    handlers = {"list": run.list_page, "article": run.article, "file": run.file}
    state = "done"
    try:
        while True:
            if stop is not None and stop():
                state = "interrupted"
                break
            queued = rec.next_queued(store)
            if not queued:
                break
            handlers[queued[0].kind](queued[0])
            run._tell()
    except KeyboardInterrupt:
        state = "interrupted"
        raise
    finally:
        run.progress.current = ""
        rec.finish_run(store, run_id, state, run.progress.to_dict(),
                       "" if state == "done" else "已中断：未采集的文件留在队列中，再次运行时继续。")
        if own:
            client.close()
    return Result(run_id, state, run.progress)


__all__ = ["DEFAULT_MAX_PAGES", "Progress", "Result", "Settings", "collect"]
