"""The rectification loop through the real ingest path: a confirmed finding becomes a 整改 item, the unit's
corrected upload closes it, a later version that brings the finding back reopens it; verdicts; migration 0013."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.parse.builders import text_with
from zfxxgk import api
from zfxxgk.app import rectify, versions
from zfxxgk.model.ids import t3
from zfxxgk.store import StoreError

UNIT = "东风县红旗镇人民政府"
WRONG = {t3("new_received", "total"): 5}  # a total without its rows: T3-ROWSUM-new_received and T3-BALANCE-total


def upload(store, tmp_path, name, values=None, year=2024):
    path = tmp_path / name
    path.write_text(text_with(values, year=year, unit=UNIT), encoding="utf-8")
    outs = list(api.import_paths([path], store))
    assert all(o.error is None for o in outs), [o.error for o in outs]
    return outs[0].report_id


def finding(store, report_id, rule):
    return next(f for f, _ in store.findings(report_id) if f.rule == rule)


def test_a_corrected_upload_closes_the_item_and_a_relapse_reopens_it(store, tmp_path):
    first = upload(store, tmp_path, "v1.txt", WRONG)
    fp = finding(store, first, "T3-ROWSUM-new_received").fingerprint
    with pytest.raises(StoreError, match="确认"):  # only a confirmed finding becomes an item
        rectify.create(store, first, fp, "审核员甲")
    store.review(first, fp, "confirmed", "审核员甲")
    item = rectify.create(store, first, fp, "审核员甲", responsible="红旗镇党政办", due_on=dt.date(2025, 6, 30))
    assert (item.status_cn, item.unit, item.year, item.responsible) == ("待整改", UNIT, 2024, "红旗镇党政办")
    with pytest.raises(StoreError, match="已列入整改"):
        rectify.create(store, first, fp, "审核员甲")
    assert rectify.settle(store) == []  # nothing new: the item waits

    # the unit's corrected version arrives through the one ingest pipeline: re-checked and closed
    second = upload(store, tmp_path, "v2.txt")
    assert [v.report_id for v in store.versions(first) if v.current] == [second]
    closed = rectify.items(store, report_id=second)[0]
    assert (closed.status, closed.closed_report_id) == ("done", second)
    assert [(e.actor, e.before_cn, e.after_cn, e.report_id) for e in closed.events][-1] == ("系统复查", "待整改", "已整改", second)

    # a later version with the same error (other figures): reopened as 未整改
    third = upload(store, tmp_path, "v3.txt", {t3("new_received", "total"): 7})
    again = rectify.items(store, report_id=third)[0]
    assert (again.status_cn, again.closed_report_id) == ("未整改", None)
    assert "再次出现" in again.events[-1].note

    # withdrawing that version makes the corrected one current again: closed again
    versions.withdraw(store, third, "管理员", "误报送")
    assert rectify.items(store, report_id=second)[0].status == "done"


def test_a_new_version_that_keeps_the_finding_marks_the_item_not_rectified(store, tmp_path):
    first = upload(store, tmp_path, "v1.txt", WRONG)
    fp = finding(store, first, "T3-BALANCE-total").fingerprint
    store.review(first, fp, "confirmed", "审核员甲")
    rectify.create(store, first, fp, "审核员甲")
    rectify.set_status(store, rectify.items(store, report_id=first)[0].id, "in_progress", "红旗镇", "正在修改")
    upload(store, tmp_path, "v2.txt", {**WRONG, t3("new_received", "natural_person"): 1})  # still unbalanced
    item = rectify.items(store, report_id=first)[0]
    assert item.status_cn == "未整改"
    assert [e.after_cn for e in item.events] == ["待整改", "整改中", "未整改"]


def test_the_status_set_by_hand_is_checked(store, tmp_path):
    first = upload(store, tmp_path, "v1.txt", WRONG)
    fp = finding(store, first, "T3-BALANCE-total").fingerprint
    store.review(first, fp, "confirmed", "甲")
    item = rectify.create(store, first, fp, "甲")
    with pytest.raises(StoreError, match="整改状态"):
        rectify.set_status(store, item.id, "finished", "甲")
    with pytest.raises(StoreError, match="操作人"):
        rectify.set_status(store, item.id, "done", " ")
    assert rectify.status_value("整改中") == "in_progress"
    with pytest.raises(ValueError):
        rectify.status_value("完成")


def test_verdicts_need_reasons_to_return_and_keep_their_history(store, tmp_path):
    first = upload(store, tmp_path, "v1.txt", WRONG)
    with pytest.raises(StoreError, match="原因"):  # nothing confirmed, nothing written
        rectify.decide(store, first, "退回修改", [], "审核员甲")
    fp = finding(store, first, "T3-BALANCE-total").fingerprint
    store.review(first, fp, "confirmed", "审核员甲")
    rectify.create(store, first, fp, "审核员甲", due_on=dt.date(2025, 6, 30))
    returned = rectify.decide(store, first, "退回修改", [], "审核员甲")  # the open item is the reason
    assert returned.verdict_cn == "退回修改" and "2025-06-30" in returned.reasons[0]
    with pytest.raises(StoreError, match="尚有1项整改未完成"):  # 通过 while the unit still owes a correction
        rectify.decide(store, first, "通过", ["已核实"], "审核员乙")
    item = rectify.items(store, report_id=first)[0]
    rectify.set_status(store, item.id, "done", "审核员乙", "已当面核实整改")
    rectify.decide(store, first, "通过", ["已核实"], "审核员乙")
    panel = rectify.panel(store, first)
    assert panel.verdict is not None and panel.verdict.verdict_cn == "通过"
    assert [v.verdict for v in panel.history] == ["return", "pass"]
    second = upload(store, tmp_path, "v2.txt")
    later = rectify.panel(store, second)  # the new version has none of its own yet: the earlier one is shown
    assert later.verdict is None and later.earlier is not None and later.earlier.report_id == first
    with pytest.raises(ValueError):
        rectify.verdict_value("同意")


def test_migration_0013_adds_the_tables_and_goes_back(tmp_path):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import inspect

    from tests.store.conftest import migrated
    from zfxxgk.store.schema import Base

    tables = {"rectify_items", "rectify_events", "report_verdicts"}
    engine, down = migrated(tmp_path, "0012")
    assert tables <= set(inspect(engine).get_table_names())
    with engine.connect() as conn:  # the migration and the models agree on these tables
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    ours = [d for d in diff if any(t in repr(d) for t in tables)]
    assert ours == []
    down()
    assert not tables & set(inspect(engine).get_table_names())
    engine.dispose()
