"""Unit and region pickers are searchable (select[data-filter], app.js) and pages print without chrome (app.css)."""

from __future__ import annotations

import re
from pathlib import Path

import zfxxgk.web

STATIC = Path(zfxxgk.web.__file__).parent / "static"


def test_unit_and_region_pickers_are_searchable(admin):
    compare = admin.get("/compare").text
    for testid in ("yoy-unit", "units-a", "units-b"):
        assert re.search(rf'<select name="\w+" data-testid="{testid}" data-filter="输入名称查找">', compare), testid
    stats = admin.get("/stats").text
    assert 'data-testid="stats-region" data-filter="输入地区查找"' in stats
    users = admin.get("/users").text
    assert 'data-testid="user-region" data-filter="输入地区查找"' in users
    assert "select[data-filter]" in (STATIC / "app.js").read_text(encoding="utf-8")


def test_the_print_stylesheet_hides_chrome_and_keeps_tables_whole():
    css = (STATIC / "app.css").read_text(encoding="utf-8")
    block = css[css.index("@media print"):]
    for rule in (".site-header", ".site-main form", ".source-panel", "break-inside: avoid", "table-header-group",
                 "overflow: visible"):
        assert rule in block, rule


def test_the_dashboard_tile_links_to_the_same_pending_list(admin):
    html = admin.get("/stats?year=2024").text
    link = re.search(r'<a class="tile pending" data-testid="stats-pending"[^>]*href="([^"]+)"', html)
    assert link and link.group(1).startswith("/reports?status=pending&amp;year=2024")
    count = int(re.search(r'data-testid="stats-pending".*?<span class="big">(\d+)</span>', html, re.S).group(1))
    listed = admin.get(link.group(1).replace("&amp;", "&")).text
    assert f"共 <strong>{count}</strong> 份报告" in listed
