"""The one ingest pipeline: every door (import, batch, web upload, 提交报送, collection) stores reports here.

For each input: read → content hash (the same bytes stored before are the same report) → parse →
refuse what is not an annual report, with the reason → check → then, per chunk of inputs, find each
report's neighbouring years of the same unit among the chunk and in the store: a report with a
previous year is checked again with it (the cross-year rules), and a stored following year is checked
again with this one → one transaction writes the new reports and the re-checked neighbours.

The final findings therefore do not depend on the door, the order of the files or how they were
chunked: every report ends checked against the current report of its unit's previous year.

Parsing and the first check run where the executor puts them: ``inline`` (one worker process, or
this one), ``process`` (a local process pool) or ``dask`` (a Dask cluster); every door writes through
the same batched writer, a chunk of inputs per transaction. Workers send back database rows
(``store.prepare``), so the writing process mostly just writes. An input whose content is stored, or
came earlier in the run, is dropped before it is parsed. Memory stays flat: at most ``workers × 2``
chunks are in flight.
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
import multiprocessing as mp
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from ..check import (
    CheckResult,
    check,
    check_cross_year,
    cross_year_cells,
    cross_year_instances,
    finding_order,
)
from ..model import Finding, NoteKind, Report, Severity
from ..model.units import normalise_unit
from ..model.versions import current_rank
from ..parse import ParseError, iter_report_files, parse_bytes, read_file
from ..store import Imported, Partial, Prepared, Store, StoreError, content_hash, dashboard, prepare
from ..store.regions import placement
from . import copies, publication, rectify
from .executor import QUEUED, Budget, bounded_map, default_workers, ordered_map

log = logging.getLogger(__name__)

EXECUTORS = ("inline", "process", "dask")
DEFAULT_BUDGET = Budget()
T = TypeVar("T")


@dataclass(slots=True)
class Source:
    """One input: a file to read, or bytes already in hand (an upload) with their file name."""

    name: str
    data: bytes | None = None
    # what the place it was published says of it (a collector's portal page): the portal's publication
    # date is the report's (the signature date stays the signed date); the page's 索引号; the column's unit
    published_on: dt.date | None = None
    index_no: str | None = None
    unit: str | None = None


@dataclass(slots=True)
class Parsed:
    """What a worker sends back for one input."""

    source: str
    digest: str
    data: bytes = b""  # kept for failures only (recorded with their hash)
    rows: Prepared | None = None  # the report as database rows, made in the worker to spare the writer
    errors: int = 0  # error-severity findings
    error: str | None = None
    prints: list | None = None  # its text prints for XU-TEXT-COPY (copies.report_prints), made in the worker too

    @property
    def key(self) -> tuple[str, int] | None:
        """(normalised unit name, year) when both are known: what pairs consecutive years."""
        if self.rows is None or not self.rows.unit_key or self.rows.year is None:
            return None
        return (self.rows.unit_key, self.rows.year)


@dataclass(slots=True)
class Outcome:
    """One input of an ingest: the stored report (new or already there) or why it was not stored."""

    source: str
    report_id: int | None = None
    created: bool = False
    errors: int = 0  # error-severity findings of the stored report
    error: str | None = None


@dataclass(slots=True)
class Stats:
    """Running totals of an ingest."""

    total: int = 0
    imported: int = 0
    skipped: int = 0
    failed: int = 0
    with_errors: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)

    def add(self, o: Outcome) -> None:
        """Count one outcome."""
        self.total += 1
        if o.error is not None:
            self.failed += 1
            self.errors.append((o.source, o.error))
        elif o.created:
            self.imported += 1
            self.with_errors += o.errors > 0
        else:
            self.skipped += 1


def _error_count(findings: Sequence[Finding]) -> int:
    return sum(f.severity is Severity.ERROR for f in findings)


NOT_A_REPORT = "不是政府信息公开工作年度报告"


def not_a_report(report: Report) -> str | None:
    """Why a parsed file is not an annual report (it is then refused, never stored), or None."""
    for note in report.notes:
        if note.kind is NoteKind.NOT_ANNUAL_REPORT:
            return f"{NOT_A_REPORT}：{note.data.get('reason', '')}"
    return None


def work(source: Source) -> Parsed:
    """Read, parse and check one input (in a worker; never raises)."""
    data = source.data
    if data is None:
        try:
            data = read_file(source.name)
        except ParseError as e:
            return Parsed(source.name, "", error=e.reason)
    digest = content_hash(data)
    name = Path(source.name).name
    try:
        report = parse_bytes(data, source.name)
        report.source = name  # the same file through any door is the same report, wherever it lay
        if source.published_on is not None:
            report.published_on = source.published_on
        report.index_no = report.index_no or source.index_no
        report.unit = report.unit or source.unit
        if (refused := not_a_report(report)) is not None:
            return Parsed(source.name, digest, data, error=refused)
        findings = check(report).findings
        rows = prepare(name, data, report, findings, digest)
        prints = copies.report_prints(report)
    except ParseError as e:
        return Parsed(source.name, digest, data, error=e.reason)
    except Exception as e:  # noqa: BLE001 - a parser bug must not stop the run
        return Parsed(source.name, digest, data, error=f"解析时发生内部错误：{type(e).__name__}: {e}")
    return Parsed(source.name, digest, b"", rows, _error_count(findings), prints=prints)


# Cyclic garbage collection only costs time here: parsing, checking and preparing a report make
# no reference cycles (tests/test_batch.py checks it), refcounting frees everything, and the
# default threshold (a collection every 700 allocations) took ≈ 12 % of parse + check.
GC_THRESHOLD = 100_000


@contextmanager
def rare_collections() -> Iterator[None]:
    """Raise the garbage collector's first threshold for the duration (restored afterwards)."""
    old = gc.get_threshold()
    gc.set_threshold(max(old[0], GC_THRESHOLD), *old[1:])
    try:
        yield
    finally:
        gc.set_threshold(*old)


def work_alone(source: Source) -> Parsed:
    """:func:`work` in a bounded worker (one file per task: a file that overruns fails alone)."""
    threshold = gc.get_threshold()
    if threshold[0] < GC_THRESHOLD:
        gc.set_threshold(GC_THRESHOLD, *threshold[1:])
    return work(source)


def overran(source: Source, reason: str) -> Parsed:
    """The outcome of a file whose worker was stopped (too slow, too big, or crashed)."""
    data = source.data or b""
    return Parsed(source.name, content_hash(data) if data else "", data, error=reason)


def work_chunk(sources: Sequence[Source]) -> list[Parsed]:
    """A chunk of inputs for one task (amortises per-task overhead on a cluster)."""
    with rare_collections():
        return [work(s) for s in sources]


def iter_sources(inputs: Iterable[str | Path | Source]) -> Iterator[Source]:
    """Every report file under the paths (lazily), and the given sources as they are."""
    for item in inputs:
        if isinstance(item, Source):
            yield item
        else:
            for f in iter_report_files(item):
                yield Source(str(f))


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def run_inline(chunks: Iterable[list[Source]]) -> Iterator[list[Parsed]]:
    """Parse and check in this process."""
    return ordered_map(work_chunk, chunks, 1)


def run_local(chunks: Iterable[list[Source]], workers: int) -> Iterator[list[Parsed]]:
    """Parse and check on a local process pool; results chunk by chunk in input order, bounded in flight."""
    return ordered_map(work_chunk, chunks, workers)


def run_bounded(sources: Iterable[Source], workers: int, budget: Budget, size: int) -> Iterator[list[Parsed]]:
    """Parse and check each file in a bounded worker (its own time and memory budget); results in input
    order, in chunks of ``size`` for writing.

    The window covers two chunks: the workers go on with the next chunk while this process writes one.
    """
    window = 2 * size + workers * QUEUED
    return _timed_chunks(bounded_map(work_alone, sources, workers, budget, overran, window), size, CHUNK_SECONDS)


# A chunk of results is written once it is this old when a result arrives, full or not: an import of
# slow files (scans, at seconds each) commits and reports them about as they come, not 64 at a time.
CHUNK_SECONDS = 1.0


def _timed_chunks(items: Iterable[T], size: int, seconds: float) -> Iterator[list[T]]:
    chunk: list[T] = []
    start = 0.0
    for item in items:
        if not chunk:
            start = time.monotonic()
        chunk.append(item)
        if len(chunk) == size or time.monotonic() - start >= seconds:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def work_chunk_bounded(sources: Sequence[Source], budget: Budget | None) -> list[Parsed]:
    """:func:`work_chunk` on a Dask worker, each file in a bounded worker process (its own time and memory
    budget) when the Dask worker may start one. A daemonic Dask worker cannot (the default of
    ``distributed.worker.daemon`` on a cluster started elsewhere): it parses in itself, under the
    cluster's own memory limit and without a time limit.
    """
    if budget is None or mp.current_process().daemon:
        return work_chunk(sources)
    return list(bounded_map(work_alone, sources, 1, budget, overran))


def run_dask(chunks: Iterator[list[Source]], scheduler: str | None, budget: Budget | None = None) -> Iterator[list[Parsed]]:
    """The same on a Dask distributed cluster (``scheduler`` None starts a LocalCluster whose workers may
    start the bounded workers of ``budget``).
    """
    import dask
    from dask.distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler is None:
        with dask.config.set({"distributed.worker.daemon": False}):
            cluster = LocalCluster(n_workers=os.cpu_count() or 1, threads_per_worker=1, dashboard_address=None,
                                   processes=True)
        client = Client(cluster)
    else:
        client = Client(scheduler)
    try:
        window = max(4, 2 * len(client.scheduler_info().get("workers", {})))
        # range first: zip pulls from its arguments in order and would drop a chunk
        futures = as_completed([client.submit(work_chunk_bounded, c, budget, pure=False)
                                for _, c in zip(range(window), chunks)])
        for f in futures:
            yield f.result()
            nxt = next(chunks, None)
            if nxt is not None:
                futures.add(client.submit(work_chunk_bounded, nxt, budget, pure=False))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


class _Unseen:
    """Drops, before they are parsed, the inputs whose content is already stored or came earlier in
    this run (their outcome is emitted as 已存在 — a copy of an earlier input once that one is written,
    with its report or its error).

    ``per_file`` (``inline``: an import, an upload) asks the store for the hashes of each group of
    inputs (one query per group; a large store need not load every hash); otherwise the stored hashes
    are loaded once, so a resumed national batch skips what it imported before without parsing it.
    Every input is read and hashed here, in the calling process (≈ 20 µs for a text report: far less
    than parsing a copy); the worker reads it again from the page cache.
    """

    GROUP = 64  # inputs looked up per query (per_file)

    def __init__(self, store: Store, per_file: bool) -> None:
        self.store = store
        self.per_file = per_file
        self.known: set[str] = set() if per_file else store.known_hashes()
        # digests of this run's inputs sent to be parsed (a national batch: ≈ 10 MB per 100,000 files)
        self.first: set[str] = set()
        self.copies: dict[str, list[str]] = {}  # digest → later inputs with the same content, waiting
        self.done: dict[str, Outcome] = {}  # digest → the outcome of its first input, once written
        self.seen: list[Outcome] = []
        self.failed: list[tuple[str, str, str]] = []  # copies of failed inputs: (name, digest, reason)

    def filter(self, sources: Iterable[Source]) -> Iterator[Source]:
        if not self.per_file:
            for s in sources:
                yield from self._sort([self._hashed(s)], {})
            return
        for group in _chunks(sources, self.GROUP):
            hashed = [self._hashed(s) for s in group]
            stored = self.store.find_by_hashes({d for _, d in hashed if d is not None and d not in self.first})
            yield from self._sort(hashed, stored)

    @staticmethod
    def _hashed(s: Source) -> tuple[Source, str | None]:
        data = s.data
        if data is None:
            try:
                data = read_file(s.name)
            except ParseError:
                return s, None  # the worker reports the error
        return s, content_hash(data)

    def _sort(self, hashed: list[tuple[Source, str | None]], stored: dict[str, int]) -> Iterator[Source]:
        for s, digest in hashed:
            if digest is None:
                yield s
            elif digest in stored:
                self.seen.append(Outcome(s.name, stored[digest]))
            elif digest in self.known:
                self.seen.append(Outcome(s.name))
            elif digest in self.done:
                self._copy(s.name, digest, self.done[digest])
            elif digest in self.first:
                self.copies.setdefault(digest, []).append(s.name)
            else:
                self.first.add(digest)
                yield s

    def settled(self, outcome: Outcome, digest: str) -> None:
        """An input of this run was written (or failed): its copies, met before or after, share its outcome."""
        if not digest:
            return
        self.done[digest] = outcome
        for name in self.copies.pop(digest, ()):
            self._copy(name, digest, outcome)

    def _copy(self, name: str, digest: str, outcome: Outcome) -> None:
        if outcome.error is not None:
            self.seen.append(Outcome(name, error=outcome.error))
            self.failed.append((name, digest, outcome.error))  # recorded under its own name
        else:
            self.seen.append(Outcome(name, outcome.report_id, errors=outcome.errors))


def ingest(
    inputs: Iterable[str | Path | Source],
    store: Store,
    *,
    region: str | None = None,
    executor: str = "inline",
    workers: int | None = None,
    chunk: int | None = None,
    scheduler: str | None = None,
    on_chunk: Callable[[], None] | None = None,
    admit: Callable[[str | None], str | None] | None = None,
    budget: Budget | None = DEFAULT_BUDGET,
) -> Iterator[Outcome]:
    """Store every report among the inputs (paths, folders or :class:`Source`); one outcome per input.

    ``executor``: ``inline`` (default; one worker), ``process`` (``workers``
    processes, default all cores) or ``dask`` (``scheduler`` address, default a LocalCluster).
    ``on_chunk`` is called after each chunk is written (progress; an exception there stops the run,
    leaving every written chunk complete). ``admit(unit name)`` returns why a parsed report may not be
    stored by this user (``store.scope``), or None.

    ``budget``: each file is parsed and checked in a worker process that is stopped when it runs longer
    or grows larger than the budget (the file is recorded as failed, the run goes on); None parses in
    this process (``inline``) or on a plain process pool (``process``). On Dask each worker runs its
    files in a bounded worker too, when it may start processes (see :func:`work_chunk_bounded`).
    """
    if executor not in EXECUTORS:
        raise ValueError(f"unknown executor {executor!r}")
    if region is not None:  # a typed region: one of the store's or an official division, never a new name
        region = checked_region(store, region)
    # import goes through the same batched writer as batch: a chunk per transaction (a report the
    # database refuses is written again alone, see _write_isolated), and a slow file (a scan) does
    # not hold back the files before it (run_bounded cuts a chunk after CHUNK_SECONDS)
    size = chunk or 64
    unseen = _Unseen(store, per_file=executor == "inline")
    sources = unseen.filter(iter_sources(inputs))
    results: Iterator[list[Parsed]]
    if executor == "dask":
        results = run_dask(_chunks(sources, size), scheduler, budget)
    elif budget is not None:
        results = run_bounded(sources, 1 if executor == "inline" else workers or default_workers(), budget, size)
    elif executor == "inline":
        results = run_inline(_chunks(sources, size))
    else:
        results = run_local(_chunks(sources, size), workers or default_workers())
    created = False
    years: set[int] = set()  # of the reports stored: their year's other units are compared once, at the end
    for parsed in results:
        yield from _drain(unseen, store)
        outcomes = _write(store, parsed, region, admit)
        _save_prints(store, outcomes, parsed)
        for outcome, p in zip(outcomes, parsed, strict=True):
            created = created or outcome.created
            if outcome.created and p.rows is not None and p.rows.year is not None:
                years.add(p.rows.year)
            yield outcome
            unseen.settled(outcome, p.digest)
        yield from _drain(unseen, store)
        if on_chunk is not None:
            on_chunk()
    yield from _drain(unseen, store)
    if created:
        # before the statistics: they count its findings; a batch's cores match the years' sections
        copies.refresh_quietly(store, years, (workers or default_workers()) if executor == "process" else 1)
        # a unit's new version closes or reopens its 整改 items (its following year was re-checked too)
        rectify.settle_quietly(store, years | {y + 1 for y in years})
        _refresh_statistics(store)
    if on_chunk is not None:
        on_chunk()  # inputs skipped before any work was sent still count


def _save_prints(store: Store, outcomes: list[Outcome], parsed: list[Parsed]) -> None:
    """The new reports' text prints, made by the workers, stored with the chunk: the copy refresh at the
    end of the run, which runs in this process alone, then only matches them.
    """
    made = [(o.report_id, p.rows.unit, p.prints) for o, p in zip(outcomes, parsed, strict=True)
            if o.created and o.report_id is not None and p.prints is not None and p.rows is not None and p.rows.unit]
    if made:
        try:
            copies.save_made(store, made)
        except Exception:  # noqa: BLE001 - the reports are stored; the refresh prints what is missing
            log.warning("文字指纹未能保存（导入结束时重新计算）", exc_info=True)


def checked_region(store: Store, region: str) -> str:
    """The region path a user's ``--region`` (or the upload form's 所属地区) places reports in; a
    StoreError with the nearest regions when it names none.
    """
    with store.session() as s:
        return placement(s, region)


def _refresh_statistics(store: Store) -> None:
    """The statistics summaries brought up to date (the next statistics page reads only them; a year
    that did not change costs one query). Everything is stored already: a failure here is logged, and
    the next statistics page builds what is missing.
    """
    try:
        dashboard.refresh(store)
    except Exception:  # noqa: BLE001 - the import itself is complete
        log.warning("统计汇总未能更新（下次打开统计页时重新计算）", exc_info=True)


def _drain(unseen: _Unseen, store: Store) -> Iterator[Outcome]:
    if unseen.failed:  # a copy of a file that failed fails alike, under its own name
        store.record_hashed_errors(unseen.failed)
        unseen.failed = []
    seen, unseen.seen = unseen.seen, []
    yield from seen


def _write(store: Store, parsed: list[Parsed], region: str | None,
           admit: Callable[[str | None], str | None] | None = None) -> list[Outcome]:
    """Settle the chunk's cross-year neighbours, then write it in one transaction."""
    if admit is not None:
        for p in parsed:
            if p.error is None and p.rows is not None and (refused := admit(p.rows.unit)) is not None:
                p.error, p.rows = refused, None
    outcomes = [Outcome(p.source, error=p.error) for p in parsed]
    fresh: dict[str, Parsed] = {}  # the same content twice in a chunk is one report
    for p in parsed:
        if p.error is None:
            fresh.setdefault(p.digest, p)
    rechecked, partial = _settle_years(store, list(fresh.values()))
    written = _write_isolated(store, fresh, region, rechecked, partial)
    for o, p in zip(outcomes, parsed, strict=True):
        if o.error is None and p.digest not in written:  # this report's write failed: the others are stored
            p.error = o.error = fresh[p.digest].error
            p.data = p.data or (p.rows.row["source_bytes"] if p.rows is not None else b"")
    store.record_errors([(p.source, p.data, p.error) for p in parsed if p.error is not None])
    for o, p in zip(outcomes, parsed, strict=True):
        if p.error is None:
            imported = written[p.digest]
            o.report_id, o.errors = imported.report_id, p.errors
            o.created = imported.created and fresh[p.digest] is p
    return outcomes


def _write_isolated(store: Store, fresh: dict[str, Parsed], region: str | None,
                    rechecked: list[tuple[int, list[Finding]]], partial: Partial | None = None) -> dict[str, Imported]:
    """Write the chunk in one transaction; when that fails, each report in its own, so one report the
    database refuses (a value or name beyond a column) is recorded as that file's error and the rest
    are stored. A refused region (the user's ``--region``) fails every report alike: it is raised.
    """
    items = [p for p in fresh.values() if p.rows is not None]
    try:
        return dict(zip(fresh, store.import_prepared([p.rows for p in items if p.rows is not None], region, rechecked, partial), strict=True))
    except StoreError:
        raise
    except Exception:  # noqa: BLE001 - any database refusal: find the report that causes it
        if len(items) == 1 and not rechecked:
            items[0].error = _write_error(sys.exc_info()[1])
            return {}
    written: dict[str, Imported] = {}
    for p in items:
        try:
            written[p.digest] = store.import_prepared([p.rows], region)[0]  # type: ignore[list-item]
        except StoreError:
            raise
        except Exception as e:  # noqa: BLE001
            p.error = _write_error(e)
    if rechecked:
        try:
            store.import_prepared([], region, rechecked, partial)
        except Exception:  # noqa: BLE001 - the neighbours keep their findings; `zfxxgk recheck` settles them
            pass
    return written


def _write_error(e: BaseException | None) -> str:
    """A database refusal in words (the driver's first line, without the SQL statement)."""
    orig = getattr(e, "orig", None) or e
    first = str(orig).strip().splitlines()[0][:200] if str(orig).strip() else type(orig).__name__
    return f"写入数据库失败：{first}"


def _settle_years(store: Store, fresh: list[Parsed]) -> tuple[list[tuple[int, list[Finding]]], Partial]:
    """Check again, with the previous year, the new reports that have one (in the chunk or stored),
    and the stored following years with the new reports; returns the stored ones' new findings.

    Only the cross-year rules run again (``check_cross_year``): every other rule gave its findings in
    the worker, and a stored following year keeps the rest of its findings as stored. Only reports
    with a neighbour are unpacked: a corpus of one year costs one query.
    """
    partial = Partial(cross_year_instances().__contains__, finding_order)
    by_key: dict[tuple[str, int], Parsed] = {}
    for p in fresh:  # the chunk's versions of one unit and year: the current rule picks one
        if (key := p.key) is not None and (key not in by_key or _rank(by_key[key]) <= _rank(p)):
            by_key[key] = p
    if not by_key:
        return [], partial
    keys = set(by_key)
    stored_rank = store.current_ranks(list(keys))  # a stored version that stays current is the neighbour
    for key in [k for k, p in by_key.items() if k in stored_rank and stored_rank[k] > _rank(p)]:
        del by_key[key]
    wanted = [(k, y + d) for k, y in keys for d in (-1, 0, 1) if (k, y + d) not in by_key]
    stored = store.find_reports(wanted)
    following = {(k, y + 1) for k, y in by_key if (k, y + 1) not in by_key and (k, y + 1) in stored}
    before = {(k, y - 1) for k, y in (p.key for p in fresh if p.key is not None)}
    needed = {key for key in before if key not in by_key and key in stored}
    # every stored report the chunk needs, in one query: a following year and the years before the new ones
    # of each report, the cells the cross-year rules read (the 200 cells are most of an unpacking's cost)
    cells = cross_year_cells()
    loaded = store.load_many({stored[key] for key in needed | following}, cells)
    reports: dict[tuple[str, int], Report] = {key: loaded[stored[key]] for key in needed | following}

    def report_of(key: tuple[str, int]) -> Report | None:
        if key not in reports and key in by_key:
            reports[key] = by_key[key].rows.report(cells)  # type: ignore[union-attr]
        return reports.get(key)

    for p in fresh:
        if (key := p.key) is None:
            continue
        previous = report_of((key[0], key[1] - 1))
        if previous is not None:
            mine = report_of(key) if by_key.get(key) is p else p.rows.report(cells)  # type: ignore[union-attr]
            p.rows.set_findings(check_cross_year(mine, previous), partial)  # type: ignore[union-attr,arg-type]
            p.errors = p.rows.errors  # type: ignore[union-attr]
    rechecked = []
    for k, y in sorted(following):
        rechecked.append((stored[(k, y)], check_cross_year(reports[(k, y)], report_of((k, y - 1)))))
    return rechecked, partial


def _rank(p: Parsed) -> tuple[bool, dt.date, int]:
    """A new file's rank under the current rule: after every stored version (import order)."""
    return current_rank(False, p.rows.row["published_on"] if p.rows is not None else None, sys.maxsize)


def recheck(store: Store, report_id: int) -> CheckResult:
    """Check a stored report's current version again (with its previous year and the other units' reports
    of its year that its text overlaps) and store the findings.
    """
    report = store.load(report_id)
    previous = None
    if report.unit and report.year is not None:
        found = store.find_reports([(normalise_unit(report.unit), report.year - 1)])
        if found:
            previous = store.load(next(iter(found.values())))
    result = check(report, previous=previous, peers=copies.peers_of(store, report_id, report.year),
                   earlier=publication.earlier_of(store, report_id))
    store.save_current_findings(report_id, result.findings)
    return result


def batch_import(
    paths: Sequence[str | Path],
    store: Store,
    workers: int | None = None,
    chunk: int = 64,
    engine: str = "local",
    scheduler: str | None = None,
    on_progress: Callable[[Stats], None] | None = None,
    budget: Budget | None = DEFAULT_BUDGET,
) -> Stats:
    """:func:`ingest` on all cores (``engine="local"``) or a Dask cluster, counted; ``on_progress`` after each chunk."""
    stats = Stats()
    executor = "dask" if engine == "dask" else "process"
    progress = (lambda: on_progress(stats)) if on_progress is not None else None
    for o in ingest(paths, store, executor=executor, workers=workers, chunk=chunk, scheduler=scheduler, on_chunk=progress,
                    budget=budget):
        stats.add(o)
    return stats
