from tests.conftest import SEEDS_DIR
from zfxxgk.check import check
from zfxxgk.check.prose_text import parse_number
from zfxxgk.model import Outcome
from zfxxgk.parse import iter_report_files, parse_file

SEEDS = SEEDS_DIR  # the installed package's samples, not relative to the working directory


def test_numerals():
    assert parse_number("105") == 105
    assert parse_number("一百零五") == 105
    assert parse_number("二〇二四") == 2024


def test_absurdly_long_digit_runs_are_unreadable_not_a_crash():
    assert parse_number("9" * 19) is None
    assert parse_number("9" * 5000) is None


def test_a_report_with_a_5000_digit_number_in_its_prose_is_checked():
    report = parse_file(next(iter(iter_report_files(SEEDS))))
    section = report.sections[3]
    section.text += "\n本年共收到政府信息公开申请" + "7" * 5000 + "件。"
    result = check(report)
    assert all(f.outcome is not Outcome.FAIL or "7777777777" not in f.message for f in result.results)
