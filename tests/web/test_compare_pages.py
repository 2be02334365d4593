"""对比 page: unit against unit (differences highlighted), year over year with the cross-year checks, scope."""

from __future__ import annotations

import re

import pytest

from tests.conftest import SEEDS
from zfxxgk import api
from zfxxgk.app.compare import year_over_year
from zfxxgk.store import queries as q

SEED_000 = next(p for p in SEEDS if p.stem.startswith("000"))  # 昌乐县乔官镇, 2024
QIAOGUAN = "昌乐县乔官镇人民政府"


def unit_id(store, name: str) -> int:
    return q.unit_reports(store, name)[0].unit.id


def test_units_side_by_side(client_for, store):
    admin = client_for("admin")
    a, b = unit_id(store, QIAOGUAN), unit_id(store, "武陟县大封镇人民政府")
    page = admin.get(f"/compare?mode=units&a={a}&b={b}")
    assert page.status_code == 200
    expected = q.compare_units(store, a, b, 2024)
    assert int(re.search(r'data-testid="different-count">(\d+)<', page.text).group(1)) == len(expected.different)
    assert page.text.count('data-testid="different-row"') == len(expected.different) > 0
    assert f'href="/reports/{expected.a.id}"' in page.text and f'href="/reports/{expected.b.id}"' in page.text
    assert 'data-testid="nav-compare"' in page.text


def test_units_without_a_common_year_say_so(client_for, store):
    admin = client_for("admin")
    a, b = unit_id(store, QIAOGUAN), unit_id(store, "昌乐县鄌郚镇人民政府")  # 2024 and 2022
    page = admin.get(f"/compare?mode=units&a={a}&b={b}")
    assert page.status_code == 200 and 'data-testid="compare-problem"' in page.text
    assert "没有同一年度" in page.text


def test_scope_of_a_reviewer(client_for, store):
    rev = client_for("rev")  # 昌乐县
    page = rev.get("/compare")
    assert page.status_code == 200
    assert "乔官镇" in page.text and "鄌郚镇" in page.text and "大封镇" not in page.text
    outside = unit_id(store, "武陟县大封镇人民政府")
    assert rev.get(f"/compare?mode=units&a={unit_id(store, QIAOGUAN)}&b={outside}").status_code == 404
    assert rev.get(f"/compare?mode=yoy&unit={outside}").status_code == 404
    assert client_for("filer").get("/compare").status_code == 403


@pytest.fixture
def previous_year(store, tmp_path):
    """乔官镇's 2024 report imported again as its 2023 report (same figures, another year)."""
    text = SEED_000.read_text(encoding="utf-8").replace("2024", "2023")
    path = tmp_path / "乔官镇2023.txt"
    path.write_text(text, encoding="utf-8")
    outcome = next(iter(api.import_paths([path], store)))
    assert outcome.error is None
    return outcome


def test_year_over_year_with_the_cross_year_checks(client_for, store, previous_year):
    admin = client_for("admin")
    uid = unit_id(store, QIAOGUAN)
    page = admin.get(f"/compare?mode=yoy&unit={uid}&year=2024")
    assert page.status_code == 200, page.text[-500:]
    assert 'data-testid="yoy-result"' in page.text
    yoy = year_over_year(store, uid, 2024, recheck=False)
    assert int(re.search(r'data-testid="changed-count">(\d+)<', page.text).group(1)) == len(yoy.changed)
    assert f'href="/reports/{yoy.current.id}"' in page.text and f'href="/reports/{yoy.previous.id}"' in page.text
    # the carry-over checks are run on the two reports (the same data twice: 结转 does not carry over)
    rows = re.findall(r'data-testid="cross-year-row" data-outcome="(\w+)"', page.text)
    assert rows and "XY-" in page.text


def test_year_over_year_without_a_previous_year_is_explained(client_for, store):
    admin = client_for("admin")
    page = admin.get(f"/compare?mode=yoy&unit={unit_id(store, QIAOGUAN)}")
    assert page.status_code == 200 and "无法对比" in page.text and "上一年度" in page.text
