"""The one local executor: a function mapped over tasks on a process pool, results in task order.

Ordered output keeps every door deterministic (the same files give the same output and the same
database writes whatever the number of workers), and a bounded window (``workers × 2`` tasks in
flight) keeps memory flat on a national corpus. One worker runs in this process: no pool, no
pickling, the same results.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
import queue
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.context import BaseContext
from multiprocessing.reduction import ForkingPickler
from typing import Any, TypeVar

from ..model.limits import LIMITS

T = TypeVar("T")
R = TypeVar("R")


def default_workers() -> int:
    """All cores this process may use."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def ordered_map(fn: Callable[[T], R], tasks: Iterable[T], workers: int, window: int | None = None) -> Iterator[R]:
    """``fn`` over ``tasks`` on ``workers`` processes, yielded in task order (``fn`` must be picklable).

    At most ``window`` tasks (default ``workers × 2``) are submitted ahead of the one being yielded.
    """
    if workers <= 1:
        for t in tasks:
            yield fn(t)
        return
    limit = window or workers * 2
    with ProcessPoolExecutor(max_workers=workers) as pool:
        pending: deque[Future[R]] = deque()
        try:
            for t in tasks:
                pending.append(pool.submit(fn, t))
                if len(pending) >= limit:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        except BaseException:
            for f in pending:
                f.cancel()
            raise


# Cyclic garbage collection only costs time in a long run: parsing and checking a report make no
# reference cycles (tests/test_batch.py checks it), refcounting frees everything, and the default
# threshold (a collection every 700 allocations) took ≈ 12 % of parse + check and 31 % of a
# ``check DIR --json`` that kept every result. The same figure as the batch writer's workers.
GC_THRESHOLD = 100_000


def rare_collections() -> None:
    """Collect cycles every ``GC_THRESHOLD`` allocations instead of 700 (idempotent; in a worker too)."""
    threshold = gc.get_threshold()
    if threshold[0] < GC_THRESHOLD:
        gc.set_threshold(GC_THRESHOLD, *threshold[1:])


def long_run() -> None:
    """Before a long command's loop: rare collections, and everything imported so far moved out of
    the collector's sight (``gc.freeze``: modules and their objects live to the end anyway, and
    forked workers then share those pages instead of copying them when a collection touches them).
    """
    rare_collections()
    gc.freeze()


# --- bounded workers: one file cannot hang or exhaust a run ---------------------------------------


@dataclass(frozen=True, slots=True)
class Budget:
    """What one task may cost in a worker: wall seconds and resident memory (bytes)."""

    seconds: float = LIMITS.file_seconds
    memory: int = LIMITS.worker_memory


def _context() -> BaseContext:
    """How workers start. A plain fork of this process is cheapest (parser and checker already
    imported) but only safe while this process has one thread: a fork copies locks other threads hold
    (logging, imports) and the worker can wait on them forever. A process with threads (the web
    server, a Dask client, a loaded OCR model's thread pool) forks its workers from a fork server instead:
    a clean single-threaded process that imported the parser and checker once.
    """
    methods = mp.get_all_start_methods()
    if _threads() == 1 and "fork" in methods:
        return mp.get_context("fork")
    if "forkserver" in methods:
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(["zfxxgk.app.ingest"])
        return ctx
    return mp.get_context("spawn")


def process_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of ``workers`` processes started as :func:`_context` says: forked while this process has
    one thread, from a fork server otherwise.
    """
    return ProcessPoolExecutor(max_workers=workers, mp_context=_context())


def _threads() -> int:
    """How many threads run in this process, those a library started in C too (an OCR or BLAS pool): a
    fork copies their locks as well. Python's own threads where the system does not list them.
    """
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return threading.active_count()


def _die_with_parent() -> None:
    """Ask Linux to kill this worker when the process that started it dies (even by ``kill -9``)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the pipe's end still stops an idle worker
        pass


def _serve(fn: Callable[[Any], Any], conn: Connection) -> None:
    """A worker's loop: run each task it is sent, send the result back; stop at the pipe's end.

    The death signal takes the worker down with the process that started it, even in the middle of
    a task (a worker stuck in a C library never reads its pipe again).
    """
    _die_with_parent()
    if os.getppid() == 1:  # the parent died before the death signal was armed
        return
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:  # asked to stop (forked siblings hold copies of the pipe: no end of file)
            return
        index, task = message
        try:
            result = fn(task)
        except Exception as e:  # noqa: BLE001 - reported as this task's failure, the worker goes on
            result = _Raised(f"{type(e).__name__}: {e}")
        conn.send((index, result))


@dataclass(frozen=True, slots=True)
class _Raised:
    """A task's function raised (in the worker): the message goes back instead of a result."""

    message: str


def _rss(pid: int) -> int:
    """Resident memory of a process in bytes (0 where /proc is not available)."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as f:
            return int(f.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return 0


_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


class _Worker:
    """A worker process and the tasks sent to it, in order; the first is the one it is running."""

    def __init__(self, ctx: BaseContext, fn: Callable[[Any], Any]) -> None:
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_serve, args=(fn, child), daemon=True)  # type: ignore[attr-defined]
        self.proc.start()
        child.close()
        self.tasks: deque[_Task] = deque()
        self.started = 0.0  # when the first task began (its budget runs from there)
        self.unsent: set[int] = set()  # tasks it died before receiving
        self.measured = 0.0  # when its memory was last read

    def rss(self, now: float) -> int:
        self.measured = now
        return _rss(self.proc.pid)

    def takes(self, task: _Task) -> bool:
        """Whether the task can be sent now without blocking: the worker is idle (it reads at once), or
        what waits in the pipe stays within the pipe's buffer. A large task (an uploaded file's bytes)
        waits for an idle worker: a send that blocks on a stuck worker would stop all budget checks.
        """
        if not self.tasks:
            return True
        return len(self.tasks) < QUEUED and sum(len(t.payload) for t in self.tasks) + len(task.payload) <= PIPE_ROOM

    def give(self, task: _Task) -> None:
        if not self.tasks:
            self.started = time.monotonic()
        self.tasks.append(task)
        try:
            self.conn.send_bytes(task.payload)
        except OSError:  # the worker died meanwhile: the task goes to its replacement, never ran here
            self.unsent.add(task.index)

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.proc.kill()
        else:
            try:
                self.conn.send(None)
            except OSError:
                pass
        self.conn.close()
        self.proc.join(timeout=5)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()


@dataclass(frozen=True, slots=True)
class _Task:
    index: int
    task: Any
    payload: bytes  # (index, task) pickled once, as the worker's ``recv`` reads it

    @classmethod
    def of(cls, index: int, task: Any) -> _Task:
        return cls(index, task, bytes(ForkingPickler.dumps((index, task))))


MEASURE_EVERY = 0.25  # seconds between two readings of a worker's memory (each costs a /proc read)
# Tasks sent to a worker ahead, so it starts the next one without waiting for the dispatcher thread
# (which may wait for the interpreter lock while the caller writes): 2 left workers idle ~10 % of a batch.
QUEUED = 8
PIPE_ROOM = 48 * 1024  # bytes of tasks waiting in a worker's pipe (Linux pipes buffer 64 KiB)


def bounded_map(fn: Callable[[T], R], tasks: Iterable[T], workers: int, budget: Budget,
                failed: Callable[[T, str], R], window: int | None = None) -> Iterator[R]:
    """``fn`` over ``tasks`` in worker processes, yielded in task order; a task that runs longer than
    ``budget.seconds``, grows beyond ``budget.memory`` or kills its worker gives ``failed(task, reason)``
    (reason in Chinese), its worker is replaced (the tasks queued behind it go to the new one) and the run
    goes on. Workers die with this process.

    ``fn`` must be importable by name (module level); at most ``window`` (default ``workers × 4``)
    tasks are in flight or waiting to be yielded. ``tasks`` is read in the calling thread only (it may
    use the caller's database connection); a dispatcher thread feeds the workers and collects their
    results, so they keep working while the caller handles a result (e.g. writes it).
    """
    limit = window or workers * 2 * QUEUED
    # the first workers fork from this process while it may still be single-threaded (cheapest);
    # replacements start once the dispatcher runs, from the fork server
    ctx = _context()
    pool = [_Worker(ctx, fn) for _ in range(max(1, workers))]
    dispatcher = _Dispatcher(pool, fn, budget, failed)
    thread = threading.Thread(target=dispatcher.run, name="zfxxgk-workers", daemon=True)
    thread.start()
    source = iter(tasks)
    done: dict[int, Any] = {}
    issued = yielded = 0
    exhausted = False
    try:
        while True:
            added = False
            while not exhausted and issued - yielded < limit:
                task = next(source, _END)
                if task is _END:
                    exhausted = True
                    dispatcher.inbox.put(_END)
                else:
                    dispatcher.inbox.put((issued, task))
                    issued += 1
                added = True
            if added:
                dispatcher.wake()
            if exhausted and yielded == issued:
                return
            while yielded not in done:
                item = dispatcher.outbox.get()
                if isinstance(item, BaseException):
                    raise item
                done[item[0]] = item[1]
            yield done.pop(yielded)
            yielded += 1
    finally:
        dispatcher.stop.set()
        dispatcher.wake()
        thread.join()


class _Dispatcher:
    """The thread that owns the workers: hands out tasks from ``inbox`` (at most ``QUEUED`` per worker),
    watches budgets, and puts ``(index, result)`` into ``outbox`` as results arrive (any order).
    """

    def __init__(self, pool: list[_Worker], fn: Callable[[Any], Any], budget: Budget,
                 failed: Callable[[Any, str], Any]) -> None:
        self.pool = pool
        self.fn = fn
        self.budget = budget
        self.failed = failed
        self.inbox: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self.outbox: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self.stop = threading.Event()
        self.waiting: deque[_Task] = deque()  # received, not yet sent to a worker
        self._bell, self._ring = mp.Pipe(duplex=False)  # wakes the dispatcher when tasks arrive

    def wake(self) -> None:
        try:
            self._ring.send_bytes(b"")
        except OSError:  # the dispatcher has already finished
            pass

    def run(self) -> None:
        try:
            self._loop()
        except BaseException as e:  # noqa: BLE001 - raised again in the calling thread
            self.outbox.put(e)
        finally:
            for w in self.pool:
                w.stop(kill=bool(w.tasks))
            self._bell.close()
            self._ring.close()

    def _loop(self) -> None:
        closed = False
        while not self.stop.is_set():
            while not closed:
                try:
                    item = self.inbox.get_nowait()
                except queue.Empty:
                    break
                if item is _END:
                    closed = True
                else:
                    self.waiting.append(_Task.of(*item))
            while self.waiting:  # one task to the idlest worker
                w = min(self.pool, key=lambda w: len(w.tasks))
                if not w.takes(self.waiting[0]):
                    break
                w.give(self.waiting.popleft())
            busy = [w for w in self.pool if w.tasks]
            if closed and not busy and not self.waiting:
                return
            ready = wait([self._bell] + [w.conn for w in busy] + [w.proc.sentinel for w in busy], timeout=0.2)
            if self._bell in ready:
                while self._bell.poll():
                    self._bell.recv_bytes()
            now = time.monotonic()
            for i, w in enumerate(self.pool):
                if w.tasks:
                    self._watch(i, w, ready, now)

    def _watch(self, i: int, w: _Worker, ready: list[Any], now: float) -> None:
        """Collect a worker's results, or stop it when it died or overran its budget."""
        budget = self.budget
        died = "处理进程意外退出（可能是内存不足或解析库崩溃），已跳过该文件"
        reason = None
        if w.conn in ready:
            try:
                while w.tasks and w.conn.poll():
                    got_index, result = w.conn.recv()
                    task = w.tasks.popleft().task
                    if isinstance(result, _Raised):
                        result = self.failed(task, f"处理时发生内部错误：{result.message}")
                    self.outbox.put((got_index, result))
                    w.started = time.monotonic()  # the next queued task starts now
            except (EOFError, OSError):
                reason = died
            if reason is None:
                return
        elif w.proc.sentinel in ready:
            reason = died
        elif now - w.started > budget.seconds:
            reason = f"处理超时（超过 {budget.seconds:g} 秒），已终止并跳过该文件"
        elif now - w.measured > MEASURE_EVERY and (rss := w.rss(now)) > budget.memory:
            reason = f"处理时内存超限（{rss // 2**20} MB，上限 {budget.memory // 2**20} MB），已终止并跳过该文件"
        if reason is None:
            return
        first = w.tasks[0]
        if first.index not in w.unsent:  # the task it was running: that one failed
            w.tasks.popleft()
            self.outbox.put((first.index, self.failed(first.task, reason)))
        w.stop(kill=True)
        self.pool[i] = _Worker(_context(), self.fn)
        self.waiting.extendleft(reversed(w.tasks))  # not started: handed out again first


_END: Any = object()
