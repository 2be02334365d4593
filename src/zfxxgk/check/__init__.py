"""The checker: run every registered rule on a report."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..model import Finding, NoteKind, Outcome, Report, Severity
from . import rules as _rules  # noqa: F401  (registers the built-in rules)
from .context import DEFAULT_SETTINGS, CheckContext, CheckSettings, Deadline, EarlierCopy, PeerCopy
from .registry import RULES, Rule, instance_positions, matches, run_all


@dataclass(slots=True)
class CheckResult:
    """Every rule-instance result for one report; ``findings`` are the failed ones."""

    report: Report
    results: list[Finding] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        """Failed instances, errors first, in rule order."""
        failed = [f for f in self.results if f.outcome is Outcome.FAIL]
        return sorted(failed, key=lambda f: f.severity.rank)

    def outcome_of(self, instance: str) -> list[Outcome]:
        """Outcomes of one rule instance (a rule may yield several findings)."""
        return [f.outcome for f in self.results if f.rule == instance]

    @property
    def has_errors(self) -> bool:
        """Whether any error-severity finding failed."""
        return any(f.severity.value == "error" for f in self.findings)


def check(
    report: Report,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
    previous: Report | None = None,
    settings: CheckSettings | None = None,
    peers: Sequence[PeerCopy] | None = None,
    earlier: Sequence[EarlierCopy] | None = None,
) -> CheckResult:
    """Run the selected rules (default: all) on a parsed report.

    ``previous`` is the same unit's report for the year before (cross-year rules are not
    assessable without it); ``settings`` override the default deadlines and unit type; ``peers``
    are the other units' reports of the same year whose text covers a section of this one
    (``zfxxgk.app.copies`` finds them in a store; None: not compared, the cross-unit rule is not assessable);
    ``earlier`` are the other collected copies of this report (``zfxxgk.collect`` records them).
    """
    if any(n.kind is NoteKind.NOT_ANNUAL_REPORT for n in report.notes):
        # Nothing else is meaningful on a file that is not an annual report.
        select = ["PARSE-NOT-ANNUAL-REPORT"]
    ctx = CheckContext(settings or DEFAULT_SETTINGS, previous, tuple(peers) if peers is not None else None,
                       tuple(earlier) if earlier else None)
    return CheckResult(report, run_all(report, select, ignore, ctx))


def cross_year_rules() -> tuple[str, ...]:
    """Ids of the rules that read the unit's previous-year report (registry metadata ``uses_previous``)."""
    return tuple(r.id.split("-{")[0] if r.params else r.id for r in RULES.values() if r.uses_previous)


def cross_year_instances() -> frozenset[str]:
    """Every instance id of the cross-year rules."""
    return frozenset(i for r in RULES.values() if r.uses_previous for i, _ in r.instances())


def cross_year_cells() -> frozenset[str]:
    """The cells the cross-year rules read, of a report and of its previous year (their ``reads``): a
    report unpacked with these cells alone (``codec.unpack(data, cells)``) checks as the whole report with
    :func:`check_cross_year`.
    """
    return frozenset(c for r in RULES.values() if r.uses_previous for c in r.reads)


def check_cross_year(report: Report, previous: Report | None, settings: CheckSettings | None = None) -> list[Finding]:
    """The findings of the cross-year rules alone, with this ``previous`` year: what changes in a report's
    findings when its previous year does (every other rule gives what it gave without it).

    A store pairing years merges them into the findings it holds with :func:`finding_order`: running
    the other rules again, and unpacking what they read, cost the batch writer most of its time.
    """
    return check(report, select=sorted(cross_year_instances()), previous=previous, settings=settings).findings


def finding_order(rule: str, severity: str) -> tuple[int, int]:
    """The sort key of a finding (its rule instance and severity value) in a check's findings: errors first,
    then in rule order (a rule no longer registered comes last of its severity).
    """
    positions = instance_positions()
    return Severity(severity).rank, positions.get(rule, len(positions))


def cross_unit_rules() -> tuple[str, ...]:
    """Ids of the rules that read the other units' reports of the same year (registry metadata ``uses_peers``)."""
    return tuple(r.id.split("-{")[0] if r.params else r.id for r in RULES.values() if r.uses_peers)


def is_cross_year(instance: str) -> bool:
    """Whether a rule instance reads the previous year (its findings change when that report does)."""
    return any(matches(instance, [rid]) for rid in cross_year_rules())


def unknown_selectors(selectors: Sequence[str] | None) -> list[str]:
    """Why each selector that matches no rule instance is refused (with the closest ids), in Chinese.

    A typo in ``--select`` must not silently run nothing, nor one in ``--ignore`` silently run everything.
    """
    if not selectors:
        return []
    instances = [i for r in RULES.values() for i, _ in r.instances()]
    names = sorted({"-".join(i.split("-")[:n]) for i in instances for n in range(1, i.count("-") + 2)})
    problems = []
    for s in selectors:
        if not any(matches(i, [s]) for i in instances):
            close = difflib.get_close_matches(s.strip().upper(), names, n=3, cutoff=0.5)
            hint = f"，是否想写：{'、'.join(close)}？" if close else "；运行 zfxxgk rules 查看全部规则。"
            problems.append(f"没有这样的规则：{s}{hint}")
    return problems


__all__ = ["DEFAULT_SETTINGS", "RULES", "CheckContext", "CheckResult", "CheckSettings", "Deadline", "EarlierCopy", "PeerCopy", "Rule",
           "check", "check_cross_year", "cross_unit_rules", "cross_year_cells", "cross_year_instances", "cross_year_rules", "finding_order", "is_cross_year", "unknown_selectors"]
