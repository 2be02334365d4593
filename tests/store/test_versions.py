"""One report per unit and year: the files of a unit-year are its versions, exactly one is current."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import create_engine, text

from tests.parse.builders import report_with, text_with
from zfxxgk import api
from zfxxgk.app import Source, ingest, versions
from zfxxgk.check import check
from zfxxgk.model.ids import t3
from zfxxgk.model.versions import VersionStatus, current_rank
from zfxxgk.render import render
from zfxxgk.store import StoreError
from zfxxgk.store.db import migrate
from zfxxgk.store.queries import report_views, rollup
from zfxxgk.synth import gov_portal_page, page_body

UNIT = "东风县红旗镇人民政府"
CARRY2 = {t3(r, c): 2 for r in ("new_received", "carried_forward") for c in ("natural_person", "total")}


def put(store, tmp_path, name, values=None, year=2024, layout="tsv"):
    (tmp_path / name).write_text(text_with(values, year=year, unit=UNIT, layout=layout), encoding="utf-8")
    (o,) = api.import_paths([tmp_path / name], store)
    assert o.error is None, o.error
    return o.report_id


def stored(store, published, values=None, n=0):
    r = report_with(values, unit=UNIT, year=2024)
    r.published_on = published
    r.intro = f"版本 {n}"  # different bytes: a different file
    return store.import_report(f"v{n}.txt", f"v{n}-{published}".encode(), r, check(r).findings).report_id


def current(store):
    return [v.report_id for v in store.versions(store.report_ids()[0]) if v.current]


def test_three_files_of_one_unit_year_are_three_versions_and_one_report(store, tmp_path):
    ids = [put(store, tmp_path, f"{k}.txt", layout=layout) for k, layout in enumerate(("tsv", "cells", "grid"))]
    assert len(set(ids)) == 3
    assert store.count_reports() == 1 and store.report_ids() == [ids[-1]]  # latest import, no dates known
    assert store.find_report(UNIT, 2024) == ids[-1]
    assert [v.id for v in report_views(store)] == [ids[-1]]
    assert [t.reports for t in rollup(store, 2024) if t.region_id is None] in ([1], [])
    vs = store.versions(ids[0])
    assert [v.report_id for v in vs] == ids and [v.current for v in vs] == [False, False, True]
    assert all(v.status is VersionStatus.ACTIVE for v in vs)


def test_the_latest_publication_is_current_whatever_the_import_order(store):
    newer = stored(store, dt.date(2025, 1, 20), n=1)
    older = stored(store, dt.date(2025, 1, 10), n=2)
    undated = stored(store, None, n=3)
    assert current(store) == [newer]
    assert store.find_report(UNIT, 2024) == newer
    assert {older, undated} == {v.report_id for v in store.versions(newer) if not v.current}


def test_choose_withdraw_delete_restore_purge_with_their_audit_trail(store):
    a = stored(store, dt.date(2025, 1, 20), n=1)
    b = stored(store, dt.date(2025, 1, 10), n=2)
    versions.choose(store, b, "管理员", "以纸质件为准")
    assert current(store) == [b]
    versions.withdraw(store, b, "管理员", "单位已撤回")
    assert current(store) == [a]  # the rule decides again
    versions.delete(store, a, "管理员", "误导入")
    assert store.count_reports() == 0 and store.find_report(UNIT, 2024) is None
    versions.restore(store, b, "管理员")
    assert current(store) == [b]
    with pytest.raises(StoreError, match="已是"):
        versions.restore(store, b, "管理员")
    with pytest.raises(StoreError, match="操作人"):
        versions.withdraw(store, b, "  ")
    with pytest.raises(StoreError, match="不能设为当前版本"):
        versions.choose(store, a, "管理员")
    assert store.source(a)[1]  # deleted: the source stays until purged
    assert versions.purge(store, "管理员", "年终清理") == 1
    with pytest.raises(StoreError, match="没有编号"):
        store.source(a)
    trail = store.audit_trail()
    assert [(e.action, e.report_id) for e in reversed(trail)] == [
        ("choose", b), ("withdraw", b), ("delete", a), ("restore", b), ("purge", a)]
    assert trail[-1].reason == "以纸质件为准" and trail[0].action_cn == "彻底清除" and trail[0].year == 2024
    assert [e.action for e in store.audit_trail(b)] == ["restore", "withdraw", "choose"]


def test_a_new_current_version_rechecks_the_following_year(store, tmp_path):
    later = put(store, tmp_path, "2024.txt")  # 0 carried over
    first = put(store, tmp_path, "2023a.txt", CARRY2, year=2023)  # carries 2 forward
    carry = {"XY-CARRY-total", "XY-CARRY-natural_person"}
    assert carry <= {f.rule for f, _ in store.findings(later)}
    fixed = put(store, tmp_path, "2023b.txt", {t3("new_received", c): 2 for c in ("natural_person", "total")}, year=2023)
    assert store.find_report(UNIT, 2023) == fixed
    assert not carry & {f.rule for f, _ in store.findings(later)}  # checked against the new current 2023
    assert versions.withdraw(store, fixed, "管理员") == [first, later]
    assert carry <= {f.rule for f, _ in store.findings(later)}


def portal_page(values, year, published):
    r = report_with(values, unit=UNIT, year=year)
    return gov_portal_page(r, page_body(render(r, "html").decode()), published)


def test_a_new_version_that_does_not_become_current_is_not_the_neighbour(store):
    """A copy published before the stored version is kept, and the next year is not checked against it."""
    (first,) = ingest([Source("2024.html", portal_page(None, 2024, dt.date(2025, 1, 20)))], store)
    (nxt,) = ingest([Source("2025.html", portal_page(None, 2025, dt.date(2026, 1, 20)))], store)
    # an earlier publication of 2024 that carries 2 forward, with 2025 in the same chunk and after it
    (old, again) = ingest([Source("2024-old.html", portal_page(CARRY2, 2024, dt.date(2025, 1, 5))),
                           Source("2025-copy.html", portal_page(None, 2025, dt.date(2026, 1, 2)))],
                          store, executor="process", workers=1, chunk=8)
    assert old.created and again.created and old.error is None
    assert store.find_report(UNIT, 2024) == first.report_id and store.find_report(UNIT, 2025) == nxt.report_id
    assert not any(f.rule.startswith("XY-CARRY") for f, _ in store.findings(nxt.report_id))
    assert not any(f.rule.startswith("XY-CARRY") for f, _ in store.findings(again.report_id))
    assert current_rank(False, None, 1) < current_rank(False, dt.date(2000, 1, 1), 0) < current_rank(True, None, 0)


def test_migration_elects_one_current_version_per_unit_year(tmp_path):
    from alembic import command
    from alembic.config import Config

    engine = create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    cfg = Config()
    cfg.set_main_option("script_location", "src/zfxxgk/store/migrations")
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0005")
        conn.execute(text("INSERT INTO units (key, name) VALUES ('甲镇人民政府', '甲镇人民政府')"))
        for rid, published in ((1, "2025-01-20"), (2, "2025-01-10"), (3, None)):
            conn.execute(text("INSERT INTO reports (id, unit_id, year, source_name, source_hash, source_bytes, source_size,"
                              " format, format_version, current_version, imported_at, published_on) VALUES (:i, 1, 2024,"
                              " 'a.txt', :h, x'00', 1, 'text', '2021', 0, '2025-01-01 00:00:00', :p)"),
                         {"i": rid, "h": f"h{rid}", "p": published})
    migrate(engine)
    with engine.begin() as conn:
        assert conn.execute(text("SELECT id FROM reports WHERE is_current ORDER BY id")).scalars().all() == [1]
        assert conn.execute(text("SELECT DISTINCT status FROM reports")).scalars().all() == ["active"]
    engine.dispose()


def test_a_correction_rechecks_the_following_year(store, tmp_path):
    from zfxxgk.app import review

    later = put(store, tmp_path, "2024.txt")  # 0 carried over
    first = put(store, tmp_path, "2023.txt", CARRY2, year=2023)  # carries 2 forward
    carry = {"XY-CARRY-total", "XY-CARRY-natural_person"}
    assert carry <= {f.rule for f, _ in store.findings(later)}
    fixed = {t3("carried_forward", c): 0 for c in ("natural_person", "total")}
    fixed |= {t3("new_received", c): 0 for c in ("natural_person", "total")}
    done = review.correct(store, first, fixed, "李四", "对照原件")
    assert done.version == 1 and done.rechecked == [later]
    assert not carry & {f.rule for f, _ in store.findings(later)}
    # a version that is not current changes nothing around it
    other = put(store, tmp_path, "2023-old.txt", CARRY2, year=2023, layout="cells")
    versions.choose(store, first, "管理员")
    assert review.correct(store, other, {t3("carried_forward", "total"): 2}, "李四", "无关").rechecked == []


def test_the_versions_commands(tmp_path):
    from typer.testing import CliRunner

    from zfxxgk.cli import app

    runner = CliRunner()
    db = str(tmp_path / "v.db")
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_bytes(api.samples()[0].read_bytes())
    b.write_bytes(api.samples()[0].read_bytes() + b"\n")
    assert runner.invoke(app, ["import", str(a), str(b), "--db", db]).exit_code == 0
    listed = runner.invoke(app, ["versions", "list", "1", "--db", db, "--json"])
    assert [json.loads(x)["current"] for x in listed.stdout.splitlines()] == [False, True]
    refused = runner.invoke(app, ["versions", "withdraw", "2", "--db", db])
    assert refused.exit_code == 2 and "必须注明操作人" in refused.stderr
    done = runner.invoke(app, ["versions", "withdraw", "2", "--by", "张三", "--why", "单位撤回", "--db", db])
    assert done.exit_code == 0 and "当前版本为报告 1" in done.stdout
    assert runner.invoke(app, ["versions", "delete", "2", "--by", "张三", "--db", db]).exit_code == 0
    assert "已彻底清除 1 个" in runner.invoke(app, ["versions", "purge", "--by", "张三", "--db", db]).stdout
    audit = runner.invoke(app, ["versions", "audit", "--db", db, "--json"])
    assert [json.loads(x)["action"] for x in audit.stdout.splitlines()] == ["purge", "delete", "withdraw"]
    missing = runner.invoke(app, ["versions", "list", "1", "--db", str(tmp_path / "none.db")])
    assert missing.exit_code == 2 and "数据库不存在" in missing.stderr
