"""CLI: zfxxgk rectify add / list / set / check, verdict, opinion and notice against a database file."""

from __future__ import annotations

import io
import json

from docx import Document
from typer.testing import CliRunner

from tests.parse.builders import text_with
from zfxxgk.cli import EXIT_INPUT, EXIT_OK, app
from zfxxgk.model.ids import t3
from zfxxgk.store import Store

runner = CliRunner()
UNIT = "昌乐县乔官镇人民政府"


def test_the_loop_from_the_command_line(tmp_path):
    db = str(tmp_path / "z.db")
    wrong = tmp_path / "v1.txt"
    wrong.write_text(text_with({t3("new_received", "total"): 5}, unit=UNIT), encoding="utf-8")
    assert runner.invoke(app, ["import", str(wrong), "--db", db]).exit_code in (EXIT_OK, 1)
    store = Store(db)
    rid = store.find_report(UNIT, 2024)
    fp = next(f.fingerprint for f, _ in store.findings(rid) if f.rule == "T3-BALANCE-total")
    store.close()
    refused = runner.invoke(app, ["rectify", "add", str(rid), fp, "--by", "张三", "--db", db])
    assert refused.exit_code == EXIT_INPUT and "确认" in refused.stderr
    assert runner.invoke(app, ["review", str(rid), fp, "--decision", "确认", "--by", "张三", "--db", db]).exit_code == 0
    bad_date = runner.invoke(app, ["rectify", "add", str(rid), fp, "--by", "张三", "--due", "6月30日", "--db", db])
    assert bad_date.exit_code == EXIT_INPUT and "年-月-日" in bad_date.stderr
    added = runner.invoke(app, ["rectify", "add", str(rid), fp, "--by", "张三", "--due", "2025-06-30",
                                "--unit", "乔官镇党政办", "--db", db])
    assert added.exit_code == EXIT_OK, added.output
    assert "已列入整改：事项 1" in added.stdout and "待整改" in added.stdout
    returned = runner.invoke(app, ["verdict", str(rid), "退回修改", "--by", "张三", "--db", db])
    assert returned.exit_code == EXIT_OK and "退回修改" in returned.stdout and "2025-06-30" in returned.stdout
    shown = runner.invoke(app, ["verdict", str(rid), "--db", db, "--json"])
    record = json.loads(shown.stdout)
    assert record["verdict_cn"] == "退回修改" and record["items"][0]["status_cn"] == "待整改"
    opinion = tmp_path / "意见书.docx"
    made = runner.invoke(app, ["opinion", str(rid), "-o", str(opinion), "--date", "2025-04-10", "--db", db])
    assert made.exit_code == EXIT_OK, made.output
    assert "2025年4月10日" in "\n".join(p.text for p in Document(io.BytesIO(opinion.read_bytes())).paragraphs)
    notice = tmp_path / "通报.pdf"
    made = runner.invoke(app, ["notice", "2024", "-o", str(notice), "--region", "昌乐县", "--date", "2025-04-10",
                               "--db", db])
    assert made.exit_code == EXIT_OK and notice.read_bytes().startswith(b"%PDF")
    assert runner.invoke(app, ["notice", "2024", "-o", str(tmp_path / "x.txt"), "--db", db]).exit_code == EXIT_INPUT

    # the corrected report comes in: the item closes itself
    fixed = tmp_path / "v2.txt"
    fixed.write_text(text_with(unit=UNIT), encoding="utf-8")
    runner.invoke(app, ["import", str(fixed), "--db", db])
    listed = runner.invoke(app, ["rectify", "list", "--year", "2024", "--db", db, "--json"])
    assert json.loads(listed.stdout.splitlines()[0])["status_cn"] == "已整改"
    assert runner.invoke(app, ["rectify", "set", "1", "整改中", "--by", "张三", "--db", db]).exit_code == EXIT_OK
    checked = runner.invoke(app, ["rectify", "check", "--db", db])
    assert "整改中 → 已整改" not in checked.stdout  # the same version: a status set by hand stays
    assert runner.invoke(app, ["rectify", "set", "1", "完成", "--by", "张三", "--db", db]).exit_code == EXIT_INPUT
