"""The directory commands (issue 21): the same output whatever the number of workers, in input
order; plain text when stdout is not a terminal, byte for byte what rich prints; start-up without
the checker or the store for ``parse``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

from typer.testing import CliRunner

from tests.conftest import SEEDS
from tests.test_doors import corpus
from zfxxgk import api
from zfxxgk.app.analyse import Outcome as Analysed
from zfxxgk.app.analyse import analyse
from zfxxgk.cli import (
    _check_lines,
    _print_markup,
    _report_lines,
    app,
    digest_check_text,
    digest_report_text,
    out,
)

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]


def _shuffled_corpus(tmp_path: Path) -> Path:
    """Reports under names whose sorted order is not the order they were made in, with two years
    of the same units (the cross-year pass) and a file that is not a report, in its place."""
    folder = corpus(tmp_path / "src")
    target = tmp_path / "in"
    target.mkdir()
    for i, f in enumerate(sorted(folder.rglob("*.txt"))):
        for copy in range(3):  # more files than workers × queued tasks: results overtake each other
            shutil.copy(f, target / f"{(i * 7 + copy * 13) % 97:02d}_{copy}_{f.name}")
    (target / "50_坏.txt").write_bytes(b"\xff\xfe not a report")
    return target


def test_check_dir_json_in_input_order_and_as_one_process(tmp_path):
    folder = _shuffled_corpus(tmp_path)
    one = runner.invoke(app, ["check", str(folder), "--json", "--workers", "1"])
    many = runner.invoke(app, ["check", str(folder), "--json", "--workers", "3"])
    assert one.exit_code == many.exit_code
    assert one.stdout == many.stdout
    sources = [json.loads(line)["source"] for line in many.stdout.splitlines()]
    assert sources == [str(p) for p in sorted(folder.rglob("*.txt"))]
    # the same records as the API (one process, every report in memory)
    records = [json.loads(line) for line in one.stdout.splitlines()]
    by_api = {o.source: o for o in api.run([folder])}
    for rec in records:
        o = by_api[rec["source"]]
        if o.error is None:
            assert [f["fingerprint"] for f in rec["findings"]] == [f.fingerprint for f in o.result.findings]


def test_check_and_parse_text_same_on_one_and_several_workers(tmp_path):
    folder = _shuffled_corpus(tmp_path)
    for args in (["check", str(folder)], ["parse", str(folder)], ["parse", str(folder), "--explain"]):
        one = runner.invoke(app, [*args, "--workers", "1"])
        many = runner.invoke(app, [*args, "--workers", "2"])
        assert one.stdout == many.stdout and one.exit_code == many.exit_code, args


def _rich_text(lines: list[str], rows=None) -> str:
    with out.capture() as captured:
        _print_markup(lines, rows)
    return captured.get()


def test_plain_text_is_what_rich_prints():
    for path in SEEDS:
        o = next(iter(api.run([path])))
        report, res = o.report, o.result
        # what rich would treat as markup or emoji, or change (tabs): the plain path must agree
        report.unit = "某某[bold]镇[/bold] :smile: 人民\t政府"
        report.title = "[红色] 标题 :: 10:30:00"
        counts = Counter(f.severity.value for f in res.findings)
        assert digest_check_text(True, Analysed(path, report, res)).line == _rich_text(_check_lines(res, counts, False))
        for explain in (False, True):
            lines, rows = _report_lines(report, explain, False)
            assert digest_report_text(explain, True, Analysed(path, report)).line == _rich_text(lines, rows)


def test_plain_text_fast_path_for_ordinary_reports():
    o = next(iter(api.run([SEEDS[0]])))
    counts = Counter(f.severity.value for f in o.result.findings)
    plain = "\n".join(_check_lines(o.result, counts, True)) + "\n"
    assert digest_check_text(True, o).line == plain == _rich_text(_check_lines(o.result, counts, False))


def test_check_results_wait_on_disk_not_in_memory(tmp_path, monkeypatch):
    # the first pass's results go to a temporary file: none is kept in a list until the end
    folder = corpus(tmp_path / "in")
    dumped = []
    import zfxxgk.app.analyse as analyse_mod

    real = analyse_mod.pickle.dump
    monkeypatch.setattr(analyse_mod.pickle, "dump", lambda obj, f, *a: (dumped.append(type(obj)), real(obj, f, *a)))
    results = list(analyse([folder], workers=1, digest=str))
    assert len(dumped) == len(results) == len(list(folder.rglob("*.txt")))


def test_parse_starts_without_the_checker_or_the_store(tmp_path):
    # (pydantic is loaded all the same: typer 0.29 converts command-line values with it)
    code = ("import sys\nfrom zfxxgk.cli import main\nsys.argv = ['zfxxgk', 'parse', sys.argv[1]]\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "bad = [m for m in ('sqlalchemy', 'zfxxgk.check', 'zfxxgk.store', 'fastapi') if m in sys.modules]\n"
            "print('LOADED', bad)\n")
    done = subprocess.run([sys.executable, "-c", code, str(SEEDS[0])], capture_output=True, text=True,
                          env={"PYTHONPATH": str(ROOT / "src"), "PATH": ""}, check=False)
    assert "LOADED []" in done.stdout, done.stdout[-2000:] + done.stderr[-2000:]
