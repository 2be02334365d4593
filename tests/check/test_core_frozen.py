"""The check core (prose extraction, identity families, the rule plan) was restructured for speed
(issue 21): the samples and the synthetic reports of ``core_corpus`` must give exactly the results
frozen before that work — every failed finding in full (rule, severity, message, cells, evidence,
excerpt) and a digest of every result, passes and not-assessable ones included.

The fixture is regenerated only on purpose, when a rule's output is meant to change:
``PYTHONPATH=src python -c "from tests.check.core_corpus import write_fixture; write_fixture()"``.
"""

from __future__ import annotations

import json

import pytest

from tests.check.core_corpus import FIXTURE, corpus, frozen_form

FROZEN = json.loads(FIXTURE.read_text(encoding="utf-8"))
CORPUS = corpus()


def test_the_fixture_covers_the_corpus():
    assert sorted(FROZEN) == sorted(name for name, _ in CORPUS)
    assert sum(len(v["findings"]) for v in FROZEN.values()) > 100  # most families fail somewhere


@pytest.mark.parametrize(("name", "text"), CORPUS, ids=[name for name, _ in CORPUS])
def test_results_are_the_frozen_ones(name, text):
    now = frozen_form(text, name)
    assert now["findings"] == FROZEN[name]["findings"]
    assert (now["results"], now["digest"]) == (FROZEN[name]["results"], FROZEN[name]["digest"])


@pytest.mark.parametrize(("name", "text"), CORPUS[:20], ids=[name for name, _ in CORPUS[:20]])
def test_squashed_texts_are_squash(name, text):
    """The content rules read ``squash`` of the intro and of each section from the prose's NFKC."""
    from zfxxgk.check.prose_text import squashed_text
    from zfxxgk.model.text import squash
    from zfxxgk.parse import parse_text

    report = parse_text(text, name)
    assert squashed_text(report, 0) == (squash(report.intro) if report.intro else "")
    for n in range(1, 7):
        expected = squash(report.sections[n].text) if n in report.sections else ""
        assert squashed_text(report, n) == expected


@pytest.mark.parametrize("text", ["", " \n\t", "一、总体情况\u3000（一）主动公开\r\n\u00a0２０２４年‾", "a\u2028b\u3013c"])
def test_squashed_text_of_odd_whitespace(text):
    from zfxxgk.check.prose_text import squashed_text
    from zfxxgk.model import Report, Section, Span
    from zfxxgk.model.text import squash

    report = Report(source="t", intro=text)
    report.sections[6] = Section(6, 6, "", "", False, text + "。" + text, Span(1, 0, 1, 0))
    assert squashed_text(report, 0) == squash(text)
    assert squashed_text(report, 6) == squash(text + "。" + text)
    assert squashed_text(report, 5) == ""
