"""Batch import at scale: parse and check on all cores, write to the store in batches, resumable.

Files are enumerated lazily; the content hashes already in the store are loaded once, so a
re-run skips everything imported before (resumption after a crash or Ctrl-C). Workers read,
parse and check; the main process writes each batch in one transaction, so an interruption
loses at most the batch in flight and never leaves a half-written report. Memory stays flat:
at most ``workers × chunk`` results are in flight.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .check import check
from .parse import ParseError, iter_report_files, parse_bytes
from .store import Store, content_hash
from .store.db import Prepared, prepare


@dataclass(slots=True)
class Parsed:
    """What a worker sends back for one file."""

    source: str
    digest: str
    data: bytes = b""
    rows: Prepared | None = None  # the report as database rows, made here to spare the writer
    has_errors: bool = False  # any error-severity finding
    error: str | None = None


@dataclass(slots=True)
class BatchStats:
    """Running totals of a batch."""

    total: int = 0
    imported: int = 0
    skipped: int = 0
    failed: int = 0
    with_errors: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)


def work(path: str) -> Parsed:
    """Read, parse and check one file (runs in a worker process; never raises)."""
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        return Parsed(path, "", error=f"无法读取文件：{e.strerror or e}")
    digest = content_hash(data)
    try:
        report = parse_bytes(data, path)
        findings = check(report).findings
        rows = prepare(Path(path).name, data, report, findings, digest)
    except ParseError as e:
        return Parsed(path, digest, data, error=e.reason)
    except Exception as e:  # noqa: BLE001 - a parser bug must not stop the batch
        return Parsed(path, digest, data, error=f"解析时发生内部错误：{type(e).__name__}: {e}")
    return Parsed(path, digest, b"", rows, any(f.severity.value == "error" for f in findings))


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


def work_chunk(paths: Sequence[str]) -> list[Parsed]:
    """A chunk of files for one task (amortises per-task overhead on a cluster)."""
    with rare_collections():
        return [work(p) for p in paths]


def iter_files(paths: Iterable[str | Path]) -> Iterator[str]:
    """Every report file under the paths, lazily."""
    for p in paths:
        for f in iter_report_files(p):
            yield str(f)


def _chunks(items: Iterable[str], size: int) -> Iterator[list[str]]:
    chunk: list[str] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def run_local(files: Iterable[str], workers: int, chunk: int) -> Iterator[list[Parsed]]:
    """Parse and check on a local process pool; yields results chunk by chunk, bounded in flight."""
    if workers <= 1:
        for c in _chunks(files, chunk):
            yield work_chunk(c)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        pending: set[Future] = set()
        source = _chunks(files, chunk)
        try:
            for c in source:
                pending.add(pool.submit(work_chunk, c))
                if len(pending) >= workers * 2:
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for f in done:
                        yield f.result()
            for f in pending:
                yield f.result()
        except BaseException:
            for f in pending:
                f.cancel()
            raise


def run_dask(files: Iterable[str], scheduler: str | None, chunk: int) -> Iterator[list[Parsed]]:
    """The same pipeline on a Dask distributed cluster (``scheduler`` None starts a LocalCluster)."""
    from dask.distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler is None:
        cluster = LocalCluster(n_workers=os.cpu_count() or 1, threads_per_worker=1, dashboard_address=None,
                               processes=True)
        client = Client(cluster)
    else:
        client = Client(scheduler)
    try:
        window = max(4, 2 * len(client.scheduler_info().get("workers", {})))
        source = _chunks(files, chunk)
        # range first: zip pulls from its arguments in order and would drop a chunk of ``source``
        futures = as_completed([client.submit(work_chunk, c, pure=False) for _, c in zip(range(window), source)])
        for f in futures:
            yield f.result()
            nxt = next(source, None)
            if nxt is not None:
                futures.add(client.submit(work_chunk, nxt, pure=False))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def batch_import(
    paths: Sequence[str | Path],
    store: Store,
    workers: int | None = None,
    chunk: int = 64,
    engine: str = "local",
    scheduler: str | None = None,
    on_progress: Callable[[BatchStats], None] | None = None,
) -> BatchStats:
    """Import every report under the paths: skip what is already stored, parse/check in parallel, store in batches."""
    workers = workers or os.cpu_count() or 1
    known = store.known_hashes()
    stats = BatchStats()
    files = _unseen(iter_files(paths), known, stats)
    results = run_dask(files, scheduler, chunk) if engine == "dask" else run_local(files, workers, chunk)
    for parsed in results:
        fresh: dict[str, Parsed] = {}
        for p in parsed:
            if p.error is None and p.digest not in known and p.digest not in fresh:
                fresh[p.digest] = p
            elif p.error is None:
                stats.skipped += 1  # stored before, or the same content twice in this batch
        for p in parsed:
            stats.total += 1
            if p.error is not None:
                stats.failed += 1
                stats.errors.append((p.source, p.error))
        done = store.import_prepared([p.rows for p in fresh.values() if p.rows is not None])
        store.record_errors([(p.source, p.data, p.error) for p in parsed if p.error is not None])
        known.update(fresh)
        stats.imported += sum(d.created for d in done)
        stats.with_errors += sum(1 for p in fresh.values() if p.has_errors)
        if on_progress is not None:
            on_progress(stats)
    if on_progress is not None:
        on_progress(stats)  # files skipped before any work was sent still count
    return stats


def _unseen(files: Iterable[str], known: set[str], stats: BatchStats) -> Iterator[str]:
    """Files whose content is not in the store yet (hashing is cheap next to parsing)."""
    if not known:
        yield from files  # an empty store: nothing to skip, no need to read every file twice
        return
    for f in files:
        try:
            with open(f, "rb") as fh:
                digest = content_hash(fh.read())
        except OSError:
            yield f  # the worker reports the error
            continue
        if digest in known:
            stats.total += 1
            stats.skipped += 1
            continue
        yield f
