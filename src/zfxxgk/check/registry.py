"""The rule registry: ``@rule`` registers one function per rule under the spec's id.

A rule function takes the report, an :class:`Emit` bound to one rule instance and, for a rule
family such as ``T3-BALANCE-{c}``, the family parameter; it yields :class:`Finding` objects
made by the emitter (``fail``, ``passed``, ``not_assessable``, ``not_stated``). Yielding
nothing means PASS. The function's docstring is the rule's reference page (in Chinese).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from ..model import Finding, Outcome, Report, Severity
from ..model.evidence import EVIDENCE_KEYS, Evidence
from ..model.numbers import number_text

RuleFunc = Callable[..., Iterable[Finding]]

DOC_SECTIONS = ("规则", "原因", "不合格示例", "合格示例", "无法判断", "依据")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Rule:
    """A registered rule or rule family."""

    id: str  # e.g. "T3-IMPLIED" or "T3-BALANCE-{c}"
    severity: Severity
    message: str  # %(name)s template, filled from the finding's fields
    func: RuleFunc
    params: tuple[str, ...] = ()
    wants_ctx: bool = False  # the function takes ``ctx`` (settings, previous-year report)
    uses_previous: bool = False  # reads the unit's previous-year report (its results change with it)
    uses_peers: bool = False  # reads the other units' reports of the same year (``ctx.peers``)
    reads: frozenset[str] = frozenset()  # a cross-year rule's cells, of either year (see ``rule``)

    @property
    def param_name(self) -> str | None:
        """Name of the family parameter, if any."""
        m = _PLACEHOLDER.search(self.id)
        return m.group(1) if m else None

    @property
    def family(self) -> str:
        """Module (family) the rule belongs to, e.g. ``table3``."""
        return self.func.__module__.rsplit(".", 1)[-1]

    @property
    def doc(self) -> str:
        """The docstring, dedented."""
        import inspect

        return inspect.cleandoc(self.func.__doc__ or "")

    @property
    def title(self) -> str:
        """Chinese one-line description: the docstring's first line after ``ID：``."""
        first = self.doc.splitlines()[0] if self.doc else ""
        return first.split("：", 1)[1].strip() if "：" in first else first

    def instances(self) -> list[tuple[str, dict[str, str]]]:
        """Concrete instance ids with the keyword argument each is called with (computed once)."""
        cached = _INSTANCES.get(self.id)
        if cached is None:
            cached = _INSTANCES[self.id] = self._instances()
        return cached

    def _instances(self) -> list[tuple[str, dict[str, str]]]:
        name = self.param_name
        if name is None:
            return [(self.id, {})]
        return [(self.id.replace("{" + name + "}", p), {name: p}) for p in self.params]


RULES: dict[str, Rule] = {}
_INSTANCES: dict[str, list[tuple[str, dict[str, str]]]] = {}
_EMITTERS: dict[str, list[tuple[str, dict[str, str], Emit]]] = {}


def _emitters(r: Rule) -> list[tuple[str, dict[str, str], Emit]]:
    """Each instance of a rule with its (stateless, reusable) emitter."""
    found = _EMITTERS.get(r.id)
    if found is None:
        found = _EMITTERS[r.id] = [(i, kw, Emit(r, i)) for i, kw in r.instances()]
    return found


def rule(
    rule_id: str, severity: Severity, message: str, params: Sequence[str] = (), uses_previous: bool = False,
    uses_peers: bool = False, reads: Iterable[str] | None = None,
) -> Callable[[RuleFunc], RuleFunc]:
    """Register a rule function under its spec id; duplicate ids are refused.

    ``uses_previous``: the rule reads the unit's previous-year report (``ctx.previous``);
    stores and comparisons find the cross-year rules by this flag. Such a rule says which cells it
    reads, of the report and of the previous year (``reads``): a store pairing years unpacks only
    those cells of both reports (with the header, sections and notes), and any other cell is absent.
    ``uses_peers``: the rule reads the other units' reports of the same year (``ctx.peers``), which
    only a store's corpus knows.
    """

    def register(func: RuleFunc) -> RuleFunc:
        if rule_id in RULES:
            raise ValueError(f"duplicate rule id {rule_id}")
        if not func.__name__.startswith("rule_"):
            raise ValueError(f"rule function {func.__name__} must start with rule_")
        import inspect

        wants_ctx = "ctx" in inspect.signature(func).parameters
        for flag, name in ((uses_previous, "uses_previous"), (uses_peers, "uses_peers")):
            if flag and not wants_ctx:
                raise ValueError(f"rule {rule_id}: {name} without a ctx parameter")
        if uses_previous and reads is None:
            raise ValueError(f"rule {rule_id}: uses_previous without the cells it reads")
        r = Rule(rule_id, severity, message, func, tuple(params), wants_ctx, uses_previous, uses_peers,
                 frozenset(reads or ()))
        if (r.param_name is None) != (not r.params):
            raise ValueError(f"rule {rule_id}: parameter placeholder and params must go together")
        RULES[rule_id] = r
        return func

    return register


class _Fmt(dict):
    """Format mapping that shows a missing value as “空白” rather than crashing."""

    def __missing__(self, key: str) -> str:
        return "？"


def show(v: Any) -> str:
    """Render a value for a message: null is “空白”."""
    return number_text(v) if v is None or isinstance(v, (int, Decimal)) else str(v)


class Emit:
    """Makes the findings of one rule instance."""

    __slots__ = ("rule", "instance", "severity", "_pass")

    def __init__(self, rule: Rule, instance: str) -> None:
        self.rule = rule
        self.instance = instance
        self.severity = rule.severity
        self._pass: Finding | None = None

    def fail(
        self,
        *,
        cells: Iterable[str] = (),
        excerpt: str = "",
        evidence: Evidence | None = None,
        severity: Severity | None = None,
        template: str | None = None,
        **fields: Any,
    ) -> Finding:
        """A failed instance; ``fields`` fill the message template and go into the evidence.

        ``template`` replaces the rule's message for a documented second case of the same rule
        (e.g. STRUCT-SECTION-ORDER for a table lying in the wrong section).
        """
        ev: dict[str, Any] = dict(evidence or {})
        extra: dict[str, Any] = {}
        for k, v in fields.items():
            if k not in EVIDENCE_KEYS:
                extra[k] = v  # a placeholder of the message, not evidence by itself
            elif k not in ev:
                ev[k] = v
        if extra:
            ev["fields"] = extra
        message = (template or self.rule.message) % _Fmt({k: show(v) for k, v in fields.items()})
        sev = severity or self.severity
        ev.setdefault("rule_id", self.instance)
        ev.setdefault("severity", sev.value)
        return Finding(self.instance, sev, Outcome.FAIL, message, list(cells), cast(Evidence, ev), excerpt)

    def passed(
        self, *, cells: Iterable[str] = (), evidence: Evidence | None = None, severity: Severity | None = None
    ) -> Finding:
        """A passed instance, with the cells and evidence that anchor it when given.

        A plain pass (no cells, no evidence) is one shared Finding, never to be mutated: most
        instances pass, and building a new object for each was a measurable share of checking time.
        """
        cells = list(cells)
        if cells or evidence is not None or severity is not None:
            return Finding(self.instance, severity or self.severity, Outcome.PASS, cells=cells, evidence=evidence.copy() if evidence else {})
        if self._pass is None:
            self._pass = Finding(self.instance, self.severity, Outcome.PASS)
        return self._pass

    def not_assessable(self, *, missing: Iterable[str] = (), cells: Iterable[str] = (), reason: str = "") -> Finding:
        """Inputs are null or absent: never a pass."""
        ev: Evidence = {"missing": list(missing)}
        if reason:
            ev["reason"] = reason
        return Finding(self.instance, self.severity, Outcome.NOT_ASSESSABLE, cells=list(cells), evidence=ev)

    def not_stated(self, *, reason: str = "") -> Finding:
        """A prose pattern found nothing: not a pass."""
        return Finding(self.instance, self.severity, Outcome.NOT_STATED, evidence={"reason": reason} if reason else {})


def matches(instance: str, selectors: Iterable[str]) -> bool:
    """Linter-style selection: ``T3`` matches ``T3-…``, ``T3-BALANCE`` matches its family, or exact id."""
    inst = instance.upper()
    for s in selectors:
        s = s.strip().upper()
        if s and (s == "ALL" or inst == s or inst.startswith(s + "-")):
            return True
    return False


class _Run:
    """The report of the run in progress and what its rules worked out once for all of them."""

    __slots__ = ("report", "memo")

    def __init__(self, report: Report) -> None:
        self.report = report
        self.memo: dict[Any, Any] = {}


# Per context (so per thread of the web app): concurrent checks never see each other's run.
_RUN: ContextVar[_Run | None] = ContextVar("zfxxgk_check_run", default=None)


def instance_positions() -> dict[str, int]:
    """Each rule instance's place in a full run: a check's findings of one severity come in this order."""
    global _POSITIONS
    plan = _plan()
    if _POSITIONS[0] is not plan:
        _POSITIONS = (plan, {step[0]: k for k, step in enumerate(plan)})
    return _POSITIONS[1]


def run_memo(report: Report) -> dict[Any, Any]:
    """A dict shared by every rule of the run in progress on ``report``.

    Rules keep per-report facts here (a pass over the cells, identity sums, the prose) so the
    136 instances compute each once. The dict lives for one run only, so a report changed
    between two checks is never served stale facts; outside a run on this very report object
    (a rule called directly, or runs interleaved) the answer is a fresh dict: slower, never wrong.
    """
    run = _RUN.get()
    if run is not None and run.report is report:
        return run.memo
    return {}


_Step = tuple[str, RuleFunc, Emit, dict[str, str], bool]  # instance, function, emitter, kwargs, wants ctx
_PLAN: tuple[tuple[Rule, ...], list[_Step]] = ((), [])
# the plan's steps per (select, ignore), made once: a selection re-matched for every report cost more
# than the one rule it kept (the copy refresh checks thousands of reports with one rule)
_SELECTED: dict[tuple[tuple[str, ...], tuple[str, ...]], list[_Step]] = {}
_POSITIONS: tuple[list[_Step] | None, dict[str, int]] = (None, {})


def _plan() -> list[_Step]:
    """Every rule instance in registry order, flattened once (rebuilt if the registry changes)."""
    global _PLAN
    rules = tuple(RULES.values())
    if _PLAN[0] != rules:  # elementwise identity first: cheap when nothing changed
        _PLAN = (rules, [(i, r.func, emit, kw, r.wants_ctx) for r in rules for i, kw, emit in _emitters(r)])
        _SELECTED.clear()
    return _PLAN[1]


def _steps(select: Sequence[str] | None, ignore: Sequence[str] | None) -> list[_Step]:
    """The plan's steps that ``select`` (default: all) keeps and ``ignore`` does not drop."""
    plan = _plan()
    if not select and not ignore:
        return plan
    key = (tuple(select or ()), tuple(ignore or ()))
    steps = _SELECTED.get(key)
    if steps is None:
        if len(_SELECTED) >= 256:  # selections typed by users: bounded
            _SELECTED.clear()
        steps = _SELECTED[key] = [step for step in plan if (not select or matches(step[0], select))
                                  and not (ignore and matches(step[0], ignore))]
    return steps


def run_rules(
    report: Report,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
    ctx: Any = None,
) -> Iterator[Finding]:
    """Run every selected rule instance on the report; rules with a ``ctx`` parameter get ``ctx``."""
    token = _RUN.set(_Run(report))
    try:
        for _instance, func, emit, kwargs, wants_ctx in _steps(select, ignore):
            if wants_ctx:
                results = func(report, emit, ctx=ctx, **kwargs)
            else:
                results = func(report, emit, **kwargs) if kwargs else func(report, emit)
            produced = False
            for f in results:
                produced = True
                yield f
            if not produced:
                # most instances end here: the shared plain pass, without a call once it exists
                yield emit._pass if emit._pass is not None else emit.passed()
    finally:
        try:
            _RUN.reset(token)
        except ValueError:  # a generator closed from another context: that context never saw the run
            pass


def run_all(
    report: Report,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
    ctx: Any = None,
) -> list[Finding]:
    """:func:`run_rules` collected into a list, without a generator.

    ``check`` wants every result at once: going through a generator resumed for each of the ~137
    results was a measurable share of a check (``check`` took ≈ 80 µs more than calling the rules in
    a plain loop, compiled). :func:`run_rules` stays for callers that stream the results.
    """
    token = _RUN.set(_Run(report))
    out: list[Finding] = []
    try:
        for _instance, func, emit, kwargs, wants_ctx in _steps(select, ignore):
            if wants_ctx:
                results = func(report, emit, ctx=ctx, **kwargs)
            else:
                results = func(report, emit, **kwargs) if kwargs else func(report, emit)
            before = len(out)
            out.extend(results)
            if len(out) == before:
                # most instances end here: the shared plain pass, without a call once it exists
                out.append(emit._pass if emit._pass is not None else emit.passed())
    finally:
        _RUN.reset(token)
    return out
