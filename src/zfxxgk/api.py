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

from .check import CheckResult, CheckSettings
from .check import check as _check
from .model import Report
from .model.units import normalise_unit
from .parse import ParseError, iter_report_files, parse_bytes, parse_file
from .store import Store, content_hash

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


@dataclass(slots=True)
class ImportOutcome:
    """One file of an import: the stored report id (new or already there) or the error."""

    source: str
    report_id: int | None = None
    created: bool = False
    errors: int = 0  # error-severity findings
    error: str | None = None


def import_paths(paths: Sequence[str | Path], store: Store, region: str | None = None) -> Iterator[ImportOutcome]:
    """Parse, check and store every report under the paths; one transaction per file.

    The same content imported again is the same report (nothing written); a bad file is recorded
    as an import error and the batch goes on. Each report is checked against the same unit's
    previous year when that is already in the store (cross-year rules).
    """
    for p in paths:
        for f in iter_report_files(p):
            try:
                data = Path(f).read_bytes()
            except OSError as e:
                yield ImportOutcome(str(f), error=f"无法读取文件：{e.strerror or e}")
                continue
            yield import_bytes(data, str(f), store, region)


def import_bytes(data: bytes, source: str, store: Store, region: str | None = None) -> ImportOutcome:
    """Parse, check and store one file given as bytes (an upload); as :func:`import_paths` does per file.

    ``source`` is the file's name or path (its last part is stored as the source name).
    """
    existing = store.find_by_hash(content_hash(data))
    if existing is not None:
        return ImportOutcome(source, existing, False)
    try:
        report = parse_bytes(data, source)
        previous = _previous_from_store(store, report)
        result = _check(report, previous=previous)
        imported = store.import_report(Path(source).name, data, report, result.findings, region)
    except ParseError as e:
        store.record_error(source, data, e.reason)
        return ImportOutcome(source, error=e.reason)
    except Exception as e:  # noqa: BLE001 - one bad file must not stop the batch
        reason = f"导入时发生内部错误：{type(e).__name__}: {e}"
        store.record_error(source, data, reason)
        return ImportOutcome(source, error=reason)
    errors = sum(1 for x in result.findings if x.severity.value == "error")
    if imported.created and report.unit and report.year is not None:
        following = store.find_report(report.unit, report.year + 1)
        if following is not None:
            recheck(store, following)  # its cross-year rules can now see this year
    return ImportOutcome(source, imported.report_id, imported.created, errors)


def _previous_from_store(store: Store, report: Report) -> Report | None:
    if not report.unit or report.year is None:
        return None
    rid = store.find_report(report.unit, report.year - 1)
    return store.load(rid) if rid is not None else None


def recheck(store: Store, report_id: int) -> CheckResult:
    """Check a stored report's current version again and store its findings (decisions stay)."""
    report = store.load(report_id)
    result = _check(report, previous=_previous_from_store(store, report))
    with store.session() as s:
        from .store.schema import ReportRow

        version = s.get(ReportRow, report_id).current_version
    store.save_findings(report_id, version, result.findings)
    return result
