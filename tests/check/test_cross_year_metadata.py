"""The registry knows which rules read the previous year (``uses_previous``): stores and comparisons
rely on it to re-check and to show the cross-year rules, so no other rule may depend on it.
"""

from __future__ import annotations

import pytest

from tests.parse.builders import report_with
from tests.test_doors import carry
from zfxxgk import api
from zfxxgk.check import RULES, check, cross_year_rules, is_cross_year
from zfxxgk.check.registry import rule
from zfxxgk.model import Severity


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
