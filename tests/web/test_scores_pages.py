"""评分排名 page: the seeds ranked under a shipped profile, each deduction linked to its finding on the report
page, the Excel download, a reviewer held to their region and an unknown profile refused."""

from __future__ import annotations

import io
import re

import openpyxl


def test_admin_sees_the_ranking_with_linked_deductions(client_for):
    admin = client_for("admin")
    page = admin.get("/scores?year=2024&profile=national-minimum")
    assert page.status_code == 200 and 'data-testid="nav-scores"' in page.text
    ranks = re.findall(r'data-testid="scores-row" data-rank="(\d+)" data-score="([\d.]+)"', page.text)
    assert [float(s) for _, s in ranks] == sorted((float(s) for _, s in ranks), reverse=True) and len(ranks) == 3
    assert ranks[-1] == ("3", "70")
    assert "−30<" in page.text and "E+" not in page.text  # deductions written as people write them
    links = re.findall(r'<a href="(/reports/\d+#f-[0-9a-f]+)" data-testid="scores-evidence">STRUCT-SECTION-MISSING-4（#\d+）', page.text)
    assert len(links) == 1
    report_id, fingerprint = re.match(r"/reports/(\d+)#f-(\w+)", links[0]).groups()
    assert f'id="f-{fingerprint}"' in admin.get(f"/reports/{report_id}").text  # the link lands on the finding
    assert "国办公开办函〔2021〕30号" in page.text  # the profile's source is shown


def test_excel_download(client_for):
    admin = client_for("admin")
    got = admin.get("/scores/export.xlsx?year=2024&profile=suqian")
    assert got.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(got.content))
    assert book.sheetnames == ["排名", "扣分明细", "评分方案"]
    assert book["排名"].max_row == 4 and book["排名"]["F1"].value == "得分"
    details = list(book["扣分明细"].iter_rows(values_only=True))
    assert any(row[9] == "t4.review.corrected" for row in details[1:])


def test_reviewer_region_unknown_profile_and_filer(client_for):
    page = client_for("rev").get("/scores?profile=suqian")  # 昌乐县: only 2024's 乔官镇
    units = re.findall(r'data-testid="scores-row"[^>]*><td class="num">\d+</td><td><a [^>]+>([^<]+)<', page.text)
    assert units == ["昌乐县乔官镇人民政府"]
    assert client_for("admin").get("/scores?profile=../../etc/passwd").status_code == 404
    assert client_for("filer").get("/scores").status_code == 403
