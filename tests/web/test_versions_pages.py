"""Versions on the report page: every file of the unit-year listed, the current one marked; only an
administrator chooses, withdraws, deletes or restores, and every action lands in the audit trail.
"""

from __future__ import annotations

from tests.conftest import SEEDS
from tests.web.conftest import page_csrf
from zfxxgk import api


def second_version(store) -> tuple[int, int]:
    """A second file of seed 000's unit and year (one more line: other bytes)."""
    first = store.find_report(api.parse(SEEDS[0]).unit, 2024)
    (o,) = api.import_paths([_copy(SEEDS[0])], store)
    return first, o.report_id


def _copy(path):
    import tempfile
    from pathlib import Path

    target = Path(tempfile.mkdtemp()) / ("副本-" + path.name)
    target.write_bytes(path.read_bytes() + b"\n")
    return target


def act(client, report_id, action, reason="测试"):
    return client.post(f"/reports/{report_id}/versions",
                       data={"action": action, "reason": reason, "csrf_token": page_csrf(client, f"/reports/{report_id}")})


def test_the_report_page_lists_the_versions_and_an_administrator_manages_them(client_for, store):
    first, second = second_version(store)
    admin = client_for("admin")
    page = admin.get(f"/reports/{first}").text
    assert page.count('data-testid="version-row"') == 2
    assert 'data-testid="not-current"' in page  # the first file is no longer current
    assert f'<a href="/reports/{second}">查看当前版本' in page
    assert act(admin, first, "choose", "以纸质件为准").status_code == 303
    assert store.find_report(api.parse(SEEDS[0]).unit, 2024) == first
    assert 'data-testid="not-current"' not in admin.get(f"/reports/{first}").text
    assert act(admin, second, "delete", "误导入").status_code == 303
    page = admin.get(f"/reports/{second}").text
    assert "已删除版本" in page and "以纸质件为准" in page and "误导入" in page  # the audit trail
    assert act(admin, second, "delete").status_code == 400  # already deleted
    assert act(admin, second, "explode").status_code == 400
    assert act(admin, second, "restore").status_code == 303
    assert [e.action for e in store.audit_trail(second)] == ["restore", "delete"]


def test_only_administrators_manage_versions(client_for, store):
    first, second = second_version(store)
    rev = client_for("rev")  # 昌乐县: may see the report, may not manage it
    page = rev.get(f"/reports/{first}")
    assert page.status_code == 200 and 'data-testid="version-form"' not in page.text
    assert act(rev, second, "withdraw").status_code == 403
    assert store.audit_trail() == []


def test_the_list_and_the_statistics_count_the_current_version_only(client_for, store):
    before = store.count_reports()
    second_version(store)
    assert store.count_reports() == before
    admin = client_for("admin")
    listed = admin.get("/reports").text
    assert listed.count(SEEDS[0].name) == listed.count("副本-" + SEEDS[0].name) == 1
