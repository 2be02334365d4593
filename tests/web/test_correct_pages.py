"""更正单元格 on the report page: reviewers correct cells by their Chinese labels, as ``zfxxgk correct`` does."""

from __future__ import annotations

import re
from decimal import Decimal

from tests.web.conftest import page_csrf
from zfxxgk.model import CELL_IDS

QIAOGUAN, DAFENG, WUWU = 1, 2, 4  # seeds 000, 001, 003; the reviewer ``rev`` sees 昌乐县 (000 and 003)
CELL = "t3.granted.natural_person"


def _form(html: str, table: str) -> str:
    m = re.search(rf'<form[^>]*data-testid="correct-form-{table}".*?</form>', html, re.S)
    assert m, f"no correction form for {table}"
    return m.group(0)


def test_the_form_lists_every_cell_by_its_chinese_labels_with_its_source_line(client_for):
    html = client_for("rev").get(f"/reports/{QIAOGUAN}").text
    assert 'data-testid="correct-cells"' in html
    forms = {t: _form(html, t) for t in ("t2", "t3", "t4")}
    assert sum(f.count('name="v:') for f in forms.values()) == len(CELL_IDS)
    assert all(f.count('name="') <= 200 for f in forms.values())  # within the form-field limit of the app
    row = re.search(rf'<tr data-correct-cell="{re.escape(CELL)}".*?</tr>', forms["t3"], re.S).group(0)
    assert "（一）予以公开" in row and "自然人" in row
    assert re.search(r'第 \d+ 行</a> \S', row)  # the source line the value was read from, beside it
    assert 'aria-label="表三·（一）予以公开·自然人 的新值"' in row


def test_only_reviewers_see_and_use_the_form(client_for, store):
    filer = client_for("filer")
    assert 'data-testid="correct-cells"' not in filer.get(f"/reports/{DAFENG}").text
    r = filer.post(f"/reports/{DAFENG}/corrections",
                   data={"csrf_token": page_csrf(filer), "reason": "x", f"v:{CELL}": "3"})
    assert r.status_code == 403 and store.corrections(DAFENG) == []
    rev = client_for("rev")
    r = rev.post(f"/reports/{DAFENG}/corrections",  # outside the reviewer's region
                 data={"csrf_token": page_csrf(rev), "reason": "x", f"v:{CELL}": "3"})
    assert r.status_code in (403, 404) and store.corrections(DAFENG) == []


def test_a_reviewer_corrects_cells_and_the_history_is_kept(client_for, store):
    rev = client_for("rev")
    before = store.load(QIAOGUAN).cells[CELL].value
    r = rev.post(f"/reports/{QIAOGUAN}/corrections", data={
        "csrf_token": page_csrf(rev), "reason": "与原文核对", f"v:{CELL}": "7", "v:t3.granted.commercial": " ",
        "v:t3.new_received.research": "空"})
    assert r.status_code == 303 and r.headers["location"] == f"/reports/{QIAOGUAN}#corrections"
    history = store.corrections(QIAOGUAN)
    assert {(c.cell_id, c.new_value) for c in history} == {(CELL, Decimal(7)), ("t3.new_received.research", None)}
    assert {(c.author, c.reason, c.version) for c in history} == {("rev", "与原文核对", 1)}  # an empty field: no change
    assert next(c for c in history if c.cell_id == CELL).old_value == before
    report = store.load(QIAOGUAN)
    assert report.cells[CELL].value == 7 and report.cells["t3.new_received.research"].value is None
    page = rev.get(f"/reports/{QIAOGUAN}").text
    assert "第 1 版（含更正）" in page
    assert "表三·（一）予以公开·自然人" in page.split('data-testid="corrections"')[1]  # the record names the cell in Chinese


def test_bad_corrections_are_refused_in_chinese(client_for, store):
    rev = client_for("rev")
    token = page_csrf(rev)
    bad = rev.post(f"/reports/{QIAOGUAN}/corrections", data={"csrf_token": token, "reason": "x", f"v:{CELL}": "七"})
    assert bad.status_code == 400 and "无效的数值" in bad.text and "自然人" in bad.text
    none = rev.post(f"/reports/{QIAOGUAN}/corrections", data={"csrf_token": token, "reason": "x"})
    assert none.status_code == 400 and "没有要更正的单元格" in none.text
    reasonless = rev.post(f"/reports/{QIAOGUAN}/corrections", data={"csrf_token": token, "reason": " ", f"v:{CELL}": "1"})
    assert reasonless.status_code == 400 and "原因" in reasonless.text
    unknown = rev.post(f"/reports/{QIAOGUAN}/corrections",
                       data={"csrf_token": token, "reason": "x", "v:t3.granted.natural_persn": "1"})
    assert unknown.status_code == 400 and "是否想写：t3.granted.natural_person" in unknown.text
    nocsrf = rev.post(f"/reports/{QIAOGUAN}/corrections", data={"reason": "x", f"v:{CELL}": "1"})
    assert nocsrf.status_code in (400, 403)
    assert store.corrections(QIAOGUAN) == []
