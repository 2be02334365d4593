"""上传: several files and .zip archives, duplicates, bad files, zip limits (bombs, traversal, nesting)."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from fastapi.testclient import TestClient

from tests.conftest import SEEDS
from tests.web.conftest import login, page_csrf
from zfxxgk.web import UploadLimits, create_app
from zfxxgk.web.uploads import expand


def _rows(html: str) -> list[tuple[str, str, str]]:
    """(file, result, reason) of each row of the result table."""
    rows = re.findall(r'<tr data-status="(\w+)" data-testid="upload-row">\s*<td class="filename">([^<]*)</td>'
                      r'.*?<td class="reason">([^<]*)</td>', html, re.S)
    return [(name, status, reason) for status, name, reason in rows]


def _post(client: TestClient, files: list[tuple[str, bytes]], partial: bool = False):
    headers = {"X-Requested-With": "XMLHttpRequest"} if partial else {}
    return client.post("/upload", data={"csrf_token": page_csrf(client, "/upload")}, headers=headers,
                       files=[("files", (name, data, "application/octet-stream")) for name, data in files])


def _zip(entries: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return buf.getvalue()


SEED_FILES = [(p.name, p.read_bytes()) for p in SEEDS]


@pytest.fixture
def uploader(empty_store):
    app = create_app(empty_store, secret="s")
    c = TestClient(app, follow_redirects=False)
    assert login(c, "admin").status_code == 303
    yield c
    c.close()


def test_upload_five_seeds_then_again_says_duplicate(uploader, empty_store):
    r = _post(uploader, SEED_FILES)
    assert r.status_code == 200
    rows = _rows(r.text)
    assert [n for n, _, _ in rows] == [n for n, _ in SEED_FILES]
    assert {s for _, s, _ in rows} == {"imported"}
    assert "已导入 <strong>5</strong> 个" in r.text
    assert empty_store.count_reports() == 5
    # the findings count per file is the stored one
    counts = [int(x) for x in re.findall(r'data-findings="(\d+)"', r.text)]
    assert counts == [len(empty_store.findings(rid)) for rid in sorted(empty_store.report_ids())]
    again = _post(uploader, SEED_FILES)
    assert {s for _, s, _ in _rows(again.text)} == {"duplicate"}
    assert again.text.count("已存在（重复）") >= 5
    assert empty_store.count_reports() == 5


def test_upload_a_zip_of_the_seeds(uploader, empty_store):
    archive = _zip({f"年报/{n}": d for n, d in SEED_FILES} | {"__MACOSX/年报/._000.txt": b"junk", "年报/.DS_Store": b"x"})
    r = _post(uploader, [("seeds.zip", archive)], partial=True)
    assert r.status_code == 200 and "<html" not in r.text  # the script gets the table alone
    rows = _rows(r.text)
    assert len(rows) == 5 and {s for _, s, _ in rows} == {"imported"}
    assert rows[0][0] == f"seeds.zip › 年报/{SEED_FILES[0][0]}"
    assert empty_store.count_reports() == 5
    again = _post(uploader, [("again.zip", archive)])
    assert {s for _, s, _ in _rows(again.text)} == {"duplicate"}


def test_a_corrupt_file_gives_its_reason_and_the_others_import(uploader, empty_store):
    r = _post(uploader, [("坏文件.pdf", b"%PDF-1.4 broken"), SEED_FILES[0], ("空.txt", b"")])
    rows = dict((n, (s, reason)) for n, s, reason in _rows(r.text))
    assert rows["坏文件.pdf"][0] == "failed" and "PDF" in rows["坏文件.pdf"][1]
    assert rows["空.txt"] == ("failed", "文件为空（0 字节）")
    assert rows[SEED_FILES[0][0]][0] == "imported"
    assert empty_store.count_reports() == 1


def test_zip_bomb_is_refused_before_inflating():
    bomb = _zip({"bomb.txt": b"0" * (20 * 1024 * 1024)})
    assert len(bomb) < 100_000
    (item,) = expand("bomb.zip", bomb, UploadLimits())
    assert item.data is None and "压缩比异常" in item.error


def test_zip_with_too_large_total_is_refused_whole():
    archive = _zip({f"{i}.txt": b"0" * (3 * 1024 * 1024) for i in range(4)})
    items = expand("big.zip", archive, UploadLimits(zip_max_total=10 * 1024 * 1024, zip_max_ratio=10_000))
    assert len(items) == 1 and "解压后过大" in items[0].error


def test_zip_with_too_many_entries_is_refused(empty_store):
    app = create_app(empty_store, secret="s", limits=UploadLimits(zip_max_entries=3))
    c = TestClient(app, follow_redirects=False)
    login(c, "admin")
    r = _post(c, [("many.zip", _zip({n: d for n, d in SEED_FILES}))])
    (row,) = _rows(r.text)
    assert row[1] == "failed" and "文件过多" in row[2] and "上限 3 个" in row[2]
    assert empty_store.count_reports() == 0


def test_traversal_and_absolute_names_are_refused(uploader, empty_store):
    name, data = SEED_FILES[0]
    archive = _zip({"../../etc/evil.txt": data, "/abs/evil2.txt": data, "C:/win/evil3.txt": data, "ok/" + name: data})
    rows = _rows(_post(uploader, [("t.zip", archive)]).text)
    refused = [r for r in rows if r[1] == "failed"]
    assert len(refused) == 3 and all("不安全的路径" in reason for _, _, reason in refused)
    assert [r[1] for r in rows if r[0].endswith(name)] == ["imported"]
    assert empty_store.count_reports() == 1


def test_nested_zip_is_not_expanded(uploader, empty_store):
    inner = _zip({n: d for n, d in SEED_FILES[:2]})
    rows = _rows(_post(uploader, [("outer.zip", _zip({"inner.zip": inner, "renamed.bin": inner}))]).text)
    assert len(rows) == 2 and all(s == "failed" and "不会展开" in reason for _, s, reason in rows)
    assert empty_store.count_reports() == 0


def test_corrupt_zip_and_gbk_entry_names():
    (item,) = expand("broken.zip", b"PK\x03\x04" + b"\x00" * 40, UploadLimits())
    assert "压缩包" in item.error
    gbk = "年报.txt".encode("gbk")  # Chinese Windows writes GBK names without the UTF-8 flag
    placeholder = b"x" * (len(gbk) - 4) + b".txt"
    archive = _zip({placeholder.decode(): SEED_FILES[0][1]}).replace(placeholder, gbk)
    (entry,) = expand("gbk.zip", archive, UploadLimits())
    assert entry.shown == "gbk.zip › 年报.txt" and entry.data == SEED_FILES[0][1]


def test_request_over_the_total_limit_is_413(empty_store):
    app = create_app(empty_store, secret="s", limits=UploadLimits(max_request=50_000))
    c = TestClient(app, follow_redirects=False)
    login(c, "admin")
    r = _post(c, [("big.txt", b"x" * 60_000)])
    assert r.status_code == 413 and "上传内容过大" in r.text
    assert empty_store.count_reports() == 0


def test_a_file_over_the_per_file_limit_is_refused(empty_store):
    app = create_app(empty_store, secret="s", limits=UploadLimits(max_file=1000))
    c = TestClient(app, follow_redirects=False)
    login(c, "admin")
    (row,) = _rows(_post(c, [SEED_FILES[0]]).text)
    assert row[1] == "failed" and "文件过大" in row[2]


def test_no_file_chosen(uploader):
    r = uploader.post("/upload", data={"csrf_token": page_csrf(uploader, "/upload")})
    assert r.status_code == 400 and "请选择要上传的文件" in r.text


def test_filers_cannot_upload(client_for):
    c = client_for("filer")
    assert c.get("/upload").status_code == 403
    r = c.post("/upload", data={"csrf_token": page_csrf(c)}, files=[("files", SEED_FILES[0])])
    assert r.status_code == 403


def test_reviewer_upload_of_stored_reports_outside_the_region_says_nothing_about_them(store, client_for):
    c = client_for("rev")  # 昌乐县
    page = _post(c, SEED_FILES).text
    statuses = [s for _, s, _ in _rows(page)]
    assert statuses == ["duplicate", "failed", "failed", "duplicate", "failed"]  # 000 and 003 are in 昌乐县
    for unit in ("大封镇", "安丘", "枣庄", "武陟"):  # outside 昌乐县: not even the unit's name
        assert unit not in page


def test_a_reviewer_cannot_upload_a_report_of_another_region(store, client_for):
    from zfxxgk.store.queries import unit_reports

    c = client_for("rev")  # 昌乐县; seed 001 is 武陟县大封镇
    before = [(v.id, v.cells) for v in unit_reports(store, "大封镇")]
    name, data = SEED_FILES[1]
    changed = data + b"\n"  # other bytes, the same unit and year
    (row,) = _rows(_post(c, [("另一份-" + name, changed)]).text)
    assert row[1] == "failed" and "不在您的管辖范围" in row[2]
    assert [(v.id, v.cells) for v in unit_reports(store, "大封镇")] == before
    assert any("不在您的管辖范围" in e.reason for e in store.import_errors())


def test_a_reviewer_upload_of_a_new_unit_lands_in_the_reviewer_region(store, client_for):
    from tests.parse.builders import text_with
    from zfxxgk.store.queries import unit_reports

    c = client_for("rev")  # 昌乐县
    text = text_with(unit="昌乐县新设镇人民政府", year=2024).encode()
    (row,) = _rows(_post(c, [("新设镇.txt", text)]).text)
    assert row[1] == "imported", row
    (view,) = unit_reports(store, "昌乐县新设镇人民政府")
    assert view.unit.region.endswith("昌乐县")
    admin = client_for("admin")  # an administrator stores anything, wherever
    other = text_with(unit="武陟县另一镇人民政府", year=2024).encode()
    assert _rows(_post(admin, [("另一镇.txt", other)]).text)[0][1] == "imported"




def test_write_scope_per_role(store):
    from zfxxgk.store import users
    from zfxxgk.store.scope import admission

    admin, rev, filer = (users.get_user(store, n) for n in ("admin", "rev", "filer"))
    assert admission(store, admin, "某省").admit is None and admission(store, admin, "某省").region == "某省"
    r = admission(store, rev)
    assert r.region.endswith("昌乐县") and r.admit("昌乐县乔官镇人民政府") is None  # in the region
    assert "不在您的管辖范围" in r.admit("武陟县大封镇人民政府")  # registered elsewhere
    assert r.admit("从未见过的镇人民政府") is None  # new: goes into the reviewer's region
    assert "未能识别" in r.admit(None)
    f = admission(store, filer)
    assert f.admit("武陟县大封镇人民政府") is None and "不是您的单位" in f.admit("昌乐县乔官镇人民政府")
