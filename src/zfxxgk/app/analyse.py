"""Parse and check files without storing them (``zfxxgk parse|check``, ``api.run``), on all cores.

The work runs on the shared executor (:mod:`.executor`), so the output comes in input order whatever
the number of workers. ``digest`` turns each outcome into what the caller wants (a JSON record, a
count) *in the worker*: moving a parsed report between processes costs about as much as parsing it,
a JSON line costs little.

Cross-year rules need the same unit's previous year. A report's previous year may come anywhere
among the inputs, so checking runs in two passes: every file is parsed and checked alone, then the
reports whose previous year is among the inputs are checked again with it (in the workers, which
parse both files again: cheaper than sending reports back and forth). ``parse`` streams as it goes;
``check`` can emit only after the first pass, when it knows every report's neighbours: meanwhile
the first pass's results wait in a temporary file, not in memory (memory stays flat in the number
of files: a few dozen bytes a file for its unit and year).
"""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..model import Report
from ..model.units import normalise_unit
from ..parse import ParseError, iter_report_files, parse_file
from .executor import Budget, bounded_map, rare_collections

if TYPE_CHECKING:  # the checker is imported when a check runs (``parse`` starts without it)
    from ..check import CheckResult, CheckSettings

EMPTY_DIR = "目录中没有可识别的报告文件"


@dataclass(slots=True)
class Outcome:
    """One input: its report and check result, or the error that stopped it."""

    source: str
    report: Report | None = None
    result: CheckResult | None = None
    error: str | None = None


Digest = Callable[[Outcome], Any]
Key = tuple[str, int]


@dataclass(frozen=True, slots=True)
class Job:
    """What to do with each file (sent to the workers with every task)."""

    do_check: bool = True
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] | None = None
    settings: CheckSettings | None = None
    digest: Digest | None = None


def _parse(path: str) -> Outcome:
    try:
        return Outcome(path, parse_file(path))
    except ParseError as e:
        return Outcome(path, error=e.reason)
    except Exception as e:  # noqa: BLE001 - a parser bug must not stop the run
        return Outcome(path, error=f"解析时发生内部错误：{type(e).__name__}: {e}")


def key_of(report: Report | None) -> Key | None:
    """(normalised unit, year) when both are known: what pairs a report with its previous year."""
    if report is None or not report.unit or report.year is None:
        return None
    return (normalise_unit(report.unit), report.year)


def _one(path: str, job: Job, previous: str | None = None) -> tuple[Key | None, Any]:
    o = _parse(path)
    if job.do_check and o.report is not None:
        from ..check import check

        prev = _parse(previous).report if previous is not None else None
        o.result = check(o.report, job.select, job.ignore, previous=prev, settings=job.settings)
    return key_of(o.report), (job.digest(o) if job.digest is not None else o)


Task = tuple[Job, str, str | None]  # what to do, the file, its previous year's file


def _task(task: Task) -> tuple[Key | None, Any]:
    rare_collections()  # a worker started from a fork server does not inherit the caller's setting
    job, path, previous = task
    return _one(path, job, previous)


def _overran(task: Task, reason: str) -> tuple[Key | None, Any]:
    """A file whose worker was stopped (too slow, too big, crashed): its outcome says why."""
    job, path, _ = task
    o = Outcome(path, error=reason)
    return None, (job.digest(o) if job.digest is not None else o)


def _inline(entries: list[str | Outcome], job: Job) -> Iterator[Any]:
    """One process: every report parsed once (and, to check, kept), then checked with its previous year."""
    if not job.do_check:
        for e in entries:
            o = e if isinstance(e, Outcome) else _parse(e)
            yield job.digest(o) if job.digest is not None else o
        return
    from ..check import check

    outcomes = [e if isinstance(e, Outcome) else _parse(e) for e in entries]
    reports = {k: o.report for o in outcomes if (k := key_of(o.report)) is not None}
    for o in outcomes:
        if o.report is not None:
            k = key_of(o.report)
            prev = reports.get((k[0], k[1] - 1)) if k is not None else None
            o.result = check(o.report, job.select, job.ignore, previous=prev, settings=job.settings)
    for o in outcomes:
        yield job.digest(o) if job.digest is not None else o


def analyse(
    paths: Sequence[str | Path],
    *,
    do_check: bool = True,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
    settings: CheckSettings | None = None,
    workers: int = 1,
    digest: Digest | None = None,
    budget: Budget | None = None,
) -> Iterator[Any]:
    """One result per input file (or per folder without report files), in input order.

    A result is the :class:`Outcome`, or ``digest(outcome)`` when a digest is given (it must be a
    picklable, module-level function when ``workers`` > 1). A bad file gives an outcome with its
    error; the run goes on. With several workers each file is held to ``budget`` (time and memory,
    default :class:`Budget`): a file that overruns gives an outcome with the reason.
    """
    job = Job(do_check, tuple(select) if select else None, tuple(ignore) if ignore else None, settings, digest)
    entries: list[str | Outcome] = []  # files, and the errors of folders without any
    for p in paths:
        found = iter_report_files(p)
        if not found and Path(p).is_dir():
            entries.append(Outcome(str(p), error=EMPTY_DIR))
        entries += [str(f) for f in found]
    files = [e for e in entries if isinstance(e, str)]
    if digest is None and (workers <= 1 or len(files) <= 1):  # the API, one process: reports kept as asked
        yield from _inline(entries, job)
        return
    budget = budget or Budget()
    workers = max(1, min(workers, len(files)))

    def mapped(tasks: Iterable[Task], count: int) -> Iterator[tuple[Key | None, Any]]:
        if workers <= 1 or count <= 1:  # in this process: the same results, no pool
            return map(_task, tasks)
        return bounded_map(_task, tasks, min(workers, count), budget, _overran)

    def fixed(o: Outcome) -> Any:
        return digest(o) if digest is not None else o

    if not do_check:
        first = mapped(((job, f, None) for f in files), len(files))
        for e in entries:
            yield fixed(e) if isinstance(e, Outcome) else next(first)[1]
        return
    with tempfile.TemporaryFile(prefix="zfxxgk-") as spill:
        keys: list[Key | None] = []
        for k, r in mapped(((job, f, None) for f in files), len(files)):
            keys.append(k)
            pickle.dump(r, spill, pickle.HIGHEST_PROTOCOL)
        index = {k: i for i, k in enumerate(keys) if k is not None}  # the last of a unit and year wins
        pairs = [(i, index[(k[0], k[1] - 1)]) for i, k in enumerate(keys)
                 if k is not None and (k[0], k[1] - 1) in index]
        del keys, index
        again = mapped(((job, files[i], files[j]) for i, j in pairs), len(pairs))
        redo = iter(pairs)
        upcoming = next(redo, None)
        spill.seek(0)
        i = 0
        for e in entries:
            if isinstance(e, Outcome):
                yield fixed(e)
                continue
            r = pickle.load(spill)
            if upcoming is not None and upcoming[0] == i:
                r = next(again)[1]
                upcoming = next(redo, None)
            i += 1
            yield r
