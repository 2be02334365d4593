"""The Python API: what the CLI and the web app call.

>>> import zfxxgk
>>> report = zfxxgk.parse("report.txt")            # doctest: +SKIP
>>> result = zfxxgk.check(report)                  # doctest: +SKIP
>>> [f.rule for f in result.findings]              # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from .app import Outcome as _IngestOutcome
from .app import Source, ingest
from .app import recheck as _recheck
from .check import CheckResult, CheckSettings
from .check import check as _check
from .model import Report
from .model.units import normalise_unit
from .parse import ParseError, iter_report_files, parse_bytes, parse_file
from .store import Store

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
    if not isinstance(report, Report):
        report = parse_file(report)
    return _check(report, select, ignore, previous=previous, settings=settings)


@dataclass(slots=True)
class Outcome:
    """One input of a batch: its report and check result, or the error that stopped it."""

    source: str
    report: Report | None = None
    result: CheckResult | None = None
    error: str | None = None


def run(
    paths: Sequence[str | Path],
    do_check: bool = True,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
    settings: CheckSettings | None = None,
) -> Iterator[Outcome]:
    """Parse (and check) every report under the paths; a bad file yields an error, never stops the batch.

    When checking, all files are parsed first so that each report can be compared with the same
    unit's report for the year before, if it is among the inputs (cross-year rules).
    """
    parsed = _parse_all(paths)
    if not do_check:
        yield from parsed
        return
    outcomes = list(parsed)
    index = {
        (normalise_unit(o.report.unit), o.report.year): o.report
        for o in outcomes
        if o.report is not None and o.report.year is not None
    }
    for o in outcomes:
        if o.report is not None:
            year = o.report.year
            previous = index.get((normalise_unit(o.report.unit), year - 1)) if year is not None else None
            o.result = _check(o.report, select, ignore, previous=previous, settings=settings)
        yield o


def _parse_all(paths: Sequence[str | Path]) -> Iterator[Outcome]:
    for p in paths:
        files = iter_report_files(p)
        if not files and Path(p).is_dir():
            yield Outcome(str(p), error="目录中没有可识别的报告文件")
        for f in files:
            try:
                yield Outcome(str(f), parse_file(f))
            except ParseError as e:
                yield Outcome(str(f), error=e.reason)
            except Exception as e:  # noqa: BLE001 - a parser bug must not stop the batch
                yield Outcome(str(f), error=f"解析时发生内部错误：{type(e).__name__}: {e}")


# One file of an import: the stored report id (new or already there) or the error.
ImportOutcome = _IngestOutcome


def import_paths(paths: Sequence[str | Path], store: Store, region: str | None = None) -> Iterator[ImportOutcome]:
    """Parse, check and store every report under the paths; one transaction per file.

    The same content imported again is the same report (nothing written); a bad file or one that is
    not an annual report is recorded with its reason and the rest go on. Each report is checked
    against the same unit's previous year, and a stored following year against it (cross-year rules).
    """
    return ingest(paths, store, region=region)


def import_bytes(data: bytes, source: str, store: Store, region: str | None = None) -> ImportOutcome:
    """Parse, check and store one file given as bytes (an upload); as :func:`import_paths` does per file.

    ``source`` is the file's name or path (its last part is stored as the source name).
    """
    (outcome,) = ingest([Source(source, data)], store, region=region)
    return outcome


def recheck(store: Store, report_id: int) -> CheckResult:
    """Check a stored report's current version again and store its findings (decisions stay)."""
    return _recheck(store, report_id)
