"""The one local executor: a function mapped over tasks on a process pool, results in task order.

Ordered output keeps every door deterministic (the same files give the same output and the same
database writes whatever the number of workers), and a bounded window (``workers × 2`` tasks in
flight) keeps memory flat on a national corpus. One worker runs in this process: no pool, no
pickling, the same results.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.context import BaseContext
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
    server, a Dask client) forks its workers from a fork server instead: a clean single-threaded
    process that imported the parser and checker once.
    """
    methods = mp.get_all_start_methods()
    if threading.active_count() == 1 and "fork" in methods:
        return mp.get_context("fork")
    if "forkserver" in methods:
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(["zfxxgk.app.ingest"])
        return ctx
    return mp.get_context("spawn")


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
        self.tasks: deque[tuple[int, Any]] = deque()
        self.started = 0.0  # when the first task began (its budget runs from there)
        self.unsent: set[int] = set()  # tasks it died before receiving
        self.measured = 0.0  # when its memory was last read

    def rss(self, now: float) -> int:
        self.measured = now
        return _rss(self.proc.pid)

    def give(self, index: int, task: Any) -> None:
        if not self.tasks:
            self.started = time.monotonic()
        self.tasks.append((index, task))
        try:
            self.conn.send((index, task))
        except OSError:  # the worker died meanwhile: the task goes to its replacement, never ran here
            self.unsent.add(index)

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


MEASURE_EVERY = 0.25  # seconds between two readings of a worker's memory (each costs a /proc read)
QUEUED = 2  # tasks sent to a worker ahead: it starts the next one without waiting for this process


def bounded_map(fn: Callable[[T], R], tasks: Iterable[T], workers: int, budget: Budget,
                failed: Callable[[T, str], R], window: int | None = None) -> Iterator[R]:
    """``fn`` over ``tasks`` in worker processes, yielded in task order; a task that runs longer than
    ``budget.seconds``, grows beyond ``budget.memory`` or kills its worker gives ``failed(task, reason)``
    (reason in Chinese), its worker is replaced (the tasks queued behind it go to the new one) and the run
    goes on. Workers die with this process.

    ``fn`` must be importable by name (module level); at most ``window`` (default ``workers × 4``)
    tasks are in flight or waiting to be yielded.
    """
    ctx = _context()
    limit = window or workers * 2 * QUEUED
    pool = [_Worker(ctx, fn) for _ in range(max(1, workers))]
    source = iter(tasks)
    done: dict[int, R] = {}
    issued = yielded = 0
    exhausted = False
    try:
        while True:
            while not exhausted and issued - yielded < limit:  # hand out work, one task to the idlest
                w = min(pool, key=lambda w: len(w.tasks))
                if len(w.tasks) >= QUEUED:
                    break
                task = next(source, _END)
                if task is _END:
                    exhausted = True
                else:
                    w.give(issued, task)
                    issued += 1
            while yielded in done:
                yield done.pop(yielded)
                yielded += 1
            busy = [w for w in pool if w.tasks]
            if not busy:
                if exhausted:
                    return
                continue
            ready = wait([w.conn for w in busy] + [w.proc.sentinel for w in busy], timeout=0.2)
            now = time.monotonic()
            for i, w in enumerate(pool):
                if not w.tasks:
                    continue
                reason = None
                if w.conn in ready:
                    try:
                        while w.tasks and w.conn.poll():
                            got_index, result = w.conn.recv()
                            _, task = w.tasks.popleft()
                            if isinstance(result, _Raised):
                                result = failed(task, f"处理时发生内部错误：{result.message}")
                            done[got_index] = result
                            w.started = time.monotonic()  # the next queued task starts now
                    except (EOFError, OSError):
                        reason = "处理进程意外退出（可能是内存不足或解析库崩溃），已跳过该文件"
                    if reason is None:
                        continue
                elif w.proc.sentinel in ready:
                    reason = "处理进程意外退出（可能是内存不足或解析库崩溃），已跳过该文件"
                elif now - w.started > budget.seconds:
                    reason = f"处理超时（超过 {budget.seconds:g} 秒），已终止并跳过该文件"
                elif now - w.measured > MEASURE_EVERY and (rss := w.rss(now)) > budget.memory:
                    reason = f"处理时内存超限（{rss // 2**20} MB，上限 {budget.memory // 2**20} MB），已终止并跳过该文件"
                if reason is not None:
                    index, task = w.tasks[0]
                    if index not in w.unsent:  # the task it was running: that one failed
                        w.tasks.popleft()
                        done[index] = failed(task, reason)
                    w.stop(kill=True)
                    pool[i] = _Worker(ctx, fn)
                    for queued in w.tasks:  # not started: the new worker runs them
                        pool[i].give(*queued)
    finally:
        for w in pool:
            w.stop(kill=bool(w.tasks))


_END: Any = object()
