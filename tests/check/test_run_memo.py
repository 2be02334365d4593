"""The per-run memo (registry.run_memo): facts computed once per check, never carried to the next one."""

from __future__ import annotations

from zfxxgk.check import RULES, check
from zfxxgk.check.registry import Emit, run_memo
from zfxxgk.model import Cell, CellState, Outcome
from zfxxgk.model.ids import t3

from .casebuild import good_report

CELL = t3("granted", "natural_person")


def _outcomes(report, *rules: str) -> dict[str, list[Outcome]]:
    res = check(report)
    return {r: res.outcome_of(r) for r in rules}


def test_a_report_changed_between_checks_is_judged_afresh():
    report = good_report()
    rules = ("T3-ROWSUM-granted", "T3-IMPLIED", "VAL-TEXT", "STRUCT-CELL-BLANK-t3")
    before = _outcomes(report, *rules)
    assert before == {r: [Outcome.PASS] for r in rules}
    report.cells[CELL] = Cell(CELL, CellState.TEXT, None, "O")
    after = check(report)
    assert after.outcome_of("VAL-TEXT") == [Outcome.FAIL]
    assert after.outcome_of("T3-ROWSUM-granted") == [Outcome.NOT_ASSESSABLE]
    assert after.outcome_of("T3-IMPLIED") == [Outcome.FAIL]  # the one null is solved by the row sum
    report.cells[CELL] = Cell(CELL, CellState.BLANK, None, "")
    again = check(report)
    assert again.outcome_of("VAL-TEXT") == [Outcome.PASS]
    assert again.outcome_of("STRUCT-CELL-BLANK-t3") == [Outcome.FAIL]


def test_outside_a_run_the_memo_is_a_fresh_dict_and_rules_still_work():
    report = good_report()
    memo = run_memo(report)
    memo["x"] = 1
    assert run_memo(report) == {}  # nothing is kept outside a run
    r = RULES["VAL-TEXT"]
    assert list(r.func(report, Emit(r, "VAL-TEXT"))) == []  # a rule called directly: a pass


def test_select_and_ignore_give_the_same_findings_as_a_full_run():
    report = good_report()
    report.cells[CELL] = Cell(CELL, CellState.TEXT, None, "O")
    full = {f.rule: f for f in check(report).results}
    some = check(report, select=["T3", "VAL-TEXT"], ignore=["T3-BALANCE"]).results
    assert some and all(f.rule.startswith(("T3-", "VAL-TEXT")) and not f.rule.startswith("T3-BALANCE") for f in some)
    for f in some:
        assert f == full[f.rule]
    kept = [r for r in full if (r.startswith("T3-") or r.split("-{")[0] == "VAL-TEXT") and not r.startswith("T3-BALANCE")]
    assert sorted(f.rule for f in some) == sorted(kept)  # nothing selected is left out either
    # the same selection again, and with another ignore list (the selected plans are kept per selection)
    assert check(report, select=["T3", "VAL-TEXT"], ignore=["T3-BALANCE"]).results == some
    other = {f.rule for f in check(report, select=["T3", "VAL-TEXT"], ignore=["T3-ROWSUM"]).results}
    assert any(r.startswith("T3-BALANCE") for r in other) and not any(r.startswith("T3-ROWSUM") for r in other)


def test_interleaved_runs_leave_no_run_behind():
    """Two checks in progress at once (the web app checks in a thread pool), the first to start
    ending first: each sees only its own run, and once both are over no memo is left behind.
    """
    import threading

    from zfxxgk.check.registry import run_rules

    a, b = good_report(), good_report()
    b_started, a_done = threading.Event(), threading.Event()
    seen: list[bool] = []

    def other() -> None:
        gen_b = run_rules(b)
        next(gen_b)
        seen.append(run_memo(b) is run_memo(b))  # B's run is visible in B's thread
        seen.append(run_memo(a) is run_memo(a))  # A's run is not
        b_started.set()
        a_done.wait(10)
        list(gen_b)

    gen_a = run_rules(a)
    next(gen_a)  # run A in progress
    t = threading.Thread(target=other)
    t.start()
    b_started.wait(10)
    assert run_memo(a) is run_memo(a)  # B's start did not hide A's run from A
    list(gen_a)
    a_done.set()
    t.join()
    assert seen == [True, False]
    assert run_memo(a) is not run_memo(a) and run_memo(b) is not run_memo(b)
