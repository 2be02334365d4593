"""The registry knows which rules read the previous year (``uses_previous``): stores and comparisons
rely on it to re-check and to show the cross-year rules, so no other rule may depend on it.
"""

from __future__ import annotations

import pytest

from tests.parse.builders import report_with
from tests.test_doors import carry
from zfxxgk import api
from zfxxgk.check import (
    RULES,
    check,
    check_cross_year,
    cross_year_cells,
    cross_year_instances,
    cross_year_rules,
    is_cross_year,
)
from zfxxgk.check.registry import rule
from zfxxgk.model import Outcome, Severity
from zfxxgk.model.codec import report_from_doc, report_to_doc
from zfxxgk.model.ids import t2, t3


def outcomes(report, previous):
    return {(f.rule, f.outcome.value, f.message) for f in check(report, previous=previous).results}


@pytest.mark.parametrize("pair", ["synthetic", "seed"])
def test_only_rules_marked_uses_previous_change_with_the_previous_year(pair):
    if pair == "synthetic":
        current, previous = report_with(carry(1, True), year=2024), report_with(carry(2, True), year=2023)
    else:
        current = api.parse(api.samples()[0])
        previous = api.parse(api.samples()[0])
        previous.year = 2023
        for cid in list(previous.cells)[::7]:  # other numbers, other text: every cross-year rule has work
            c = previous.cells[cid]
            if isinstance(c.value, int):
                c.value += 1
    alone, paired = outcomes(current, None), outcomes(current, previous)
    changed = {r for r, *_ in alone ^ paired}
    assert changed, "the pair must make some cross-year rule assessable"
    assert all(is_cross_year(r) for r in changed), sorted(r for r in changed if not is_cross_year(r))


def test_the_cross_year_rules_are_read_from_the_registry():
    assert set(cross_year_rules()) == {r.id.split("-{")[0] if r.params else r.id
                                       for r in RULES.values() if r.uses_previous}
    assert {"XY-CARRY", "XY-TEXT-DUPLICATE", "T2-ROLLFORWARD", "TXT-GROWTH-NEW"} <= set(cross_year_rules())
    assert is_cross_year("XY-CARRY-total") and not is_cross_year("T3-BALANCE-total")


def test_uses_previous_needs_the_context_parameter():
    def rule_no_ctx(report, emit):
        return iter(())

    with pytest.raises(ValueError, match="uses_previous without a ctx"):
        rule("TEST-NO-CTX", Severity.INFO, "x", uses_previous=True)(rule_no_ctx)
    assert "TEST-NO-CTX" not in RULES


def test_uses_previous_needs_the_cells_it_reads():
    def rule_no_reads(report, emit, ctx=None):
        return iter(())

    with pytest.raises(ValueError, match="without the cells it reads"):
        rule("TEST-NO-READS", Severity.INFO, "x", uses_previous=True)(rule_no_reads)
    assert "TEST-NO-READS" not in RULES


def _seed_pair():
    """A seed and its own copy as the year before, with other numbers and a growth claim the year
    before contradicts: every cross-year rule fails somewhere.
    """
    current = api.parse(api.samples()[0])
    previous = api.parse(api.samples()[0])
    previous.year = current.year - 1
    for cid in list(previous.cells)[::3]:
        c = previous.cells[cid]
        if isinstance(c.value, int):
            c.value += 2
    previous.cells[t2("normative_document", "in_force")].value = 4
    current.sections[1].text += "\n本年共收到政府信息公开申请3件，同比增长50%。"
    return current, previous


@pytest.mark.parametrize("pair", ["synthetic", "seed"])
def test_the_cells_the_cross_year_rules_read_are_all_they_need(pair):
    """The batch writer unpacks only ``cross_year_cells()`` of both years: the cross-year rules give
    the same results, outcome, message, cells and evidence, as on the whole reports. A rule reading a
    cell it did not declare fails here (the cell is absent, never blank).
    """
    if pair == "synthetic":
        current, previous = report_with(carry(1, True), year=2024), report_with(carry(2, True), year=2023)
    else:
        current, previous = _seed_pair()
    cells = cross_year_cells()

    def view(report):
        return report_from_doc(report_to_doc(report), cells)

    def results(report, prev):
        return [(f.rule, f.outcome, f.message, f.cells, f.evidence, f.excerpt)
                for f in check(report, select=sorted(cross_year_instances()), previous=prev).results]

    whole = results(current, previous)
    assert whole == results(view(current), view(previous))
    failed = {r.split("-")[0] + "-" + r.split("-")[1] for r, outcome, *_ in whole if outcome is Outcome.FAIL}
    if pair == "seed":
        assert failed == {"XY-CARRY", "T2-ROLLFORWARD", "XY-TEXT", "TXT-GROWTH"}
    assert check_cross_year(view(current), view(previous)) == check_cross_year(current, previous)


def test_the_cells_read_are_those_the_rules_declare():
    assert cross_year_cells() == {c for r in RULES.values() if r.uses_previous for c in r.reads}
    assert t3("carried_forward", "total") in cross_year_cells() and t3("new_received", "total") in cross_year_cells()
    assert t3("granted", "total") not in cross_year_cells()
