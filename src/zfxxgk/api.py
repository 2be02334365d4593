"""The Python API: what the CLI and the web app call.

>>> import zfxxgk
>>> report = zfxxgk.parse("report.txt")            # doctest: +SKIP
>>> result = zfxxgk.check(report)                  # doctest: +SKIP
>>> [f.rule for f in result.findings]              # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .app.analyse import Outcome, analyse
from .model import Report
from .parse import ParseError, parse_bytes, parse_file  # noqa: F401  (api.ParseError: what parse raises)

if TYPE_CHECKING:
    from .app.executor import Budget
    from .app.ingest import Outcome as ImportOutcome
    from .check import CheckResult, CheckSettings
    from .store import Store

# Imported on first use (PEP 562): parsing needs neither the checker nor the store (SQLAlchemy).
_LAZY = {"ImportOutcome": ("app.ingest", "Outcome"), "CheckResult": ("check", "CheckResult"),
         "CheckSettings": ("check", "CheckSettings"), "Store": ("store", "Store"),
         "Budget": ("app.executor", "Budget"), "DEFAULT_BUDGET": ("app.ingest", "DEFAULT_BUDGET")}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(f".{module}", __package__), attr)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_DEFAULT: Any = object()  # import_paths' default budget (app.ingest.DEFAULT_BUDGET, imported when used)

# Five real township reports (public documents, 2024) shipped inside the package: the demo data of
# ``zfxxgk serve --demo`` and ``zfxxgk samples``; their hand-verified values are tests/data/seeds-gold.
SAMPLES_DIR = Path(__file__).resolve().parent / "samples"


def samples() -> list[Path]:
    """The bundled sample reports, in file-name order."""
    return sorted(SAMPLES_DIR.glob("*.txt"))


def parse(source: str | Path | bytes, name: str | None = None) -> Report:
    """Parse a report from a path or from its bytes. Raises :class:`ParseError`."""
    if isinstance(source, bytes):
        return parse_bytes(source, name or "<bytes>")
    return parse_file(source)


def check(
    report: Report | str | Path,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
    previous: Report | None = None,
    settings: CheckSettings | None = None,
) -> CheckResult:
    """Check a parsed report (or parse a path first) with the selected rules.

    ``previous`` is the same unit's report for the year before (for the cross-year rules).
    """
    from .check import check as _check

    if not isinstance(report, Report):
        report = parse_file(report)
    return _check(report, select, ignore, previous=previous, settings=settings)


def run(
    paths: Sequence[str | Path],
    do_check: bool = True,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
    settings: CheckSettings | None = None,
    workers: int = 1,
) -> Iterator[Outcome]:
    """Parse (and check) every report under the paths, in input order; a bad file yields an error,
    never stops the run. ``workers`` > 1 parses and checks on that many processes.

    Each report is checked with the same unit's report for the year before when it is among the
    inputs (cross-year rules); ``check`` therefore yields once every file is parsed.
    """
    return analyse(paths, do_check=do_check, select=select, ignore=ignore, settings=settings, workers=workers)


def import_paths(paths: Sequence[str | Path], store: Store, region: str | None = None,
                 budget: Budget | None = _DEFAULT, workers: int = 1) -> Iterator[ImportOutcome]:
    """Parse, check and store every report under the paths; written in chunks, one transaction each.

    The same content imported again (or twice among the paths) is the same report, known by its hash
    before it is parsed (nothing written); a file the database refuses is written again alone, so a bad
    file or one that is
    not an annual report is recorded with its reason and the rest go on. Each report is checked
    against the same unit's previous year, and a stored following year against it (cross-year rules).
    Each file is read in a worker process held to ``budget`` (time and memory; None: in this process).
    ``ImportOutcome`` (one file of an import): the stored report id (new or already there) or the error.
    ``workers`` > 1 parses and checks on that many processes (outcomes still in input order).
    """
    from .app.ingest import DEFAULT_BUDGET, ingest

    if budget is _DEFAULT:
        budget = DEFAULT_BUDGET
    if workers > 1:
        return ingest(paths, store, region=region, budget=budget, executor="process", workers=workers)
    return ingest(paths, store, region=region, budget=budget)


def import_bytes(data: bytes, source: str, store: Store, region: str | None = None,
                 admit: Callable[[str | None], str | None] | None = None) -> ImportOutcome:
    """Parse, check and store one file given as bytes (an upload); as :func:`import_paths` does per file.

    ``source`` is the file's name or path (its last part is stored as the source name); ``admit``
    refuses reports outside the uploader's scope (``zfxxgk.store.scope``).
    """
    from .app.ingest import Source, ingest

    (outcome,) = ingest([Source(source, data)], store, region=region, admit=admit)
    return outcome


def recheck(store: Store, report_id: int) -> CheckResult:
    """Check a stored report's current version again and store its findings (decisions stay)."""
    from .app.ingest import recheck as _recheck

    return _recheck(store, report_id)
