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
