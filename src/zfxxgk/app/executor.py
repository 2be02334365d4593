"""The one local executor: a function mapped over tasks on a process pool, results in task order.

Ordered output keeps every door deterministic (the same files give the same output and the same
database writes whatever the number of workers), and a bounded window (``workers × 2`` tasks in
flight) keeps memory flat on a national corpus. One worker runs in this process: no pool, no
pickling, the same results.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TypeVar

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
