"""Fingerprints (spec §4.0): stable across re-runs, distinct within a report, blind to unrelated edits."""

from __future__ import annotations

from collections import Counter

from tests.check.casebuild import build_report
from tests.conftest import SEEDS
from zfxxgk.check import check
from zfxxgk.parse import parse_file


def fingerprints(report) -> list[str]:
    return [f.fingerprint for f in check(report).findings]


def test_same_report_same_fingerprints():
    for path in SEEDS:
        assert fingerprints(parse_file(path)) == fingerprints(parse_file(path))


def test_fingerprints_are_distinct_within_a_report():
    for path in SEEDS:
        counts = Counter(fingerprints(parse_file(path)))
        assert all(n == 1 for n in counts.values()), (path.name, counts.most_common(3))


def test_unrelated_change_keeps_a_findings_fingerprint():
    base = {"base": "good", "cells": {"t3.granted.total": 4}}
    a = {f.rule: f.fingerprint for f in check(build_report(base)).findings}
    b = {f.rule: f.fingerprint for f in check(build_report({**base, "cells": {**base["cells"], "t4.review.total": 3}})).findings}
    assert a["T3-ROWSUM-granted"] == b["T3-ROWSUM-granted"]
    assert "T4-SUM-review" in b and "T4-SUM-review" not in a


def test_fingerprint_is_a_short_hex_string():
    fp = fingerprints(parse_file(SEEDS[-1]))[0]
    assert len(fp) == 16 and int(fp, 16) >= 0
