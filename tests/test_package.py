"""The top-level API: zfxxgk.parse / zfxxgk.check are callable and still the subpackages."""

import importlib

import zfxxgk
from tests.conftest import SEEDS


def test_parse_and_check_are_the_api_functions():
    report = zfxxgk.parse(SEEDS[4])
    assert isinstance(report, zfxxgk.Report) and report.year == 2024
    assert zfxxgk.check(report).has_errors


def test_subpackages_stay_importable_through_the_package():
    tables = importlib.import_module("zfxxgk.parse.tables")
    import zfxxgk.check.rules as rules  # attribute access through zfxxgk.check must reach the package

    assert zfxxgk.parse.tables is tables
    assert rules.__name__ == "zfxxgk.check.rules"
    assert zfxxgk.check.RULES is zfxxgk.RULES
