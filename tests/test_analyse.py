"""``zfxxgk parse|check DIR`` on all cores: the same output, in input order, as one worker, with the
cross-year rules wherever the previous year lies among the inputs.
"""

from __future__ import annotations

import json
import pickle

from typer.testing import CliRunner

from tests.test_doors import UNITS, corpus
from zfxxgk import api
from zfxxgk.app.analyse import EMPTY_DIR, analyse
from zfxxgk.app.executor import ordered_map
from zfxxgk.cli import app
from zfxxgk.model.codec import report_to_doc

runner = CliRunner()


def lines(result) -> list[dict]:
    return [json.loads(x) for x in result.stdout.splitlines() if x.strip()]


def _square(x: int) -> int:
    return x * x


def test_ordered_map_keeps_order_with_a_small_window():
    assert list(ordered_map(_square, range(50), 2, window=3)) == [x * x for x in range(50)]
    assert list(ordered_map(_square, iter([]), 2)) == []


def test_check_dir_same_output_on_one_and_two_workers(tmp_path):
    folder = corpus(tmp_path / "in")
    one = runner.invoke(app, ["check", str(folder), "--json", "--workers", "1"])
    two = runner.invoke(app, ["check", str(folder), "--json", "--workers", "2"])
    assert one.exit_code == two.exit_code == 1  # the forgotten carry-over is an error
    assert one.stdout == two.stdout
    records = lines(two)
    sources = [r["source"] for r in records]
    assert sources == [str(p) for p in sorted(folder.rglob("*.txt"))]  # input (sorted path) order
    carry = {(r["unit"], r["year"]): {f["rule"] for f in r["findings"]} for r in records}
    # the previous year is found among the inputs whatever worker parsed it
    assert {"XY-CARRY-natural_person", "XY-CARRY-total"} <= carry[(UNITS[0], 2024)]
    assert not any(rule.startswith("XY-CARRY") for rule in carry[(UNITS[0], 2023)])


def test_check_pairs_whatever_the_order(tmp_path):
    folder = corpus(tmp_path / "in")
    files = sorted(folder.glob("0_*.txt"))
    forward = [o.result.findings for o in api.run(files, workers=2)]
    backward = [o.result.findings for o in api.run(files[::-1], workers=2)][::-1]
    assert [[f.fingerprint for f in fs] for fs in forward] == [[f.fingerprint for f in fs] for fs in backward]
    assert any(f.rule.startswith("XY-CARRY") for f in forward[-1])


def test_parse_dir_streams_in_input_order_with_errors_in_place(tmp_path):
    folder = corpus(tmp_path / "in")
    (tmp_path / "empty").mkdir()
    (folder / "坏.pdf").write_bytes(b"%PDF-1.4 not really")
    args = [str(tmp_path / "empty"), str(folder)]
    one = list(analyse(args, do_check=False, workers=1))
    two = list(analyse(args, do_check=False, workers=2))
    assert [o.source for o in one] == [o.source for o in two]
    assert one[0].error == EMPTY_DIR and one[0].source == str(tmp_path / "empty")
    assert [o.error for o in one] == [o.error for o in two]
    assert any(o.error for o in one[1:])  # the broken PDF, in its place
    assert [report_to_doc(o.report) for o in one if o.report] == [report_to_doc(o.report) for o in two if o.report]
    cli = runner.invoke(app, ["parse", *args, "--json", "-w", "2"])
    assert cli.exit_code == 2
    assert [r["source"] for r in lines(cli) if "error" not in r] == [o.report.source for o in one if o.report]


def test_reports_and_findings_pickle():
    # workers send them between processes; compiled model classes need their own reduce
    outcome = next(iter(api.run(api.samples()[:1])))
    copy = pickle.loads(pickle.dumps(outcome))
    assert report_to_doc(copy.report) == report_to_doc(outcome.report)
    assert [f.to_dict() for f in copy.result.results] == [f.to_dict() for f in outcome.result.results]


def test_a_typo_in_select_is_refused_with_a_suggestion():
    res = runner.invoke(app, ["check", str(api.samples()[0]), "--select", "T3-BALANSE"])
    assert res.exit_code == 2
    assert "没有这样的规则：T3-BALANSE" in res.stderr and "T3-BALANCE" in res.stderr
    ok = runner.invoke(app, ["check", str(api.samples()[0]), "--json", "--select", "T3-BALANCE"])
    assert ok.exit_code in (0, 1) and lines(ok)
    res = runner.invoke(app, ["check", str(api.samples()[0]), "--ignore", "NOPE"])
    assert res.exit_code == 2 and "没有这样的规则：NOPE" in res.stderr


def test_a_pipe_among_the_files_is_refused_in_its_place_not_waited_for(tmp_path):
    """A named pipe (a stuck network share looks the same) is refused with the reason, in its place, by
    ``check DIR``, ``import`` and ``batch``; every other file is checked or stored."""
    import os

    from zfxxgk.app import batch_import
    from zfxxgk.store import Store

    folder = corpus(tmp_path / "in")
    os.mkfifo(folder / "stuck.txt")
    files = [str(p) for p in sorted(folder.rglob("*.txt"))]
    outcomes = list(analyse(files, workers=2))
    refused = [o for o in outcomes if o.error]
    assert [o.source for o in outcomes] == files
    assert [o.source for o in refused] == [str(folder / "stuck.txt")] and "不是普通文件" in refused[0].error
    store = Store(str(tmp_path / "a.db"))
    imported = list(api.import_paths([folder], store))
    failed = [(o.source, o.error) for o in imported if o.error]
    assert (str(folder / "stuck.txt"), refused[0].error) in failed
    stats = batch_import([folder], Store(str(tmp_path / "b.db")), workers=2)
    assert sorted(stats.errors) == sorted(failed) and stats.imported == store.count_reports()


def test_a_task_that_overruns_gives_its_outcome_with_the_reason():
    from zfxxgk.app.analyse import Job, _overran

    key, o = _overran((Job(), "x.txt", None), "处理超时（超过 1 秒），已终止并跳过该文件")
    assert key is None and o.source == "x.txt" and "超时" in o.error and o.report is None
