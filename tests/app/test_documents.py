"""The generated documents: a unit's 审核意见书 and a region's 通报 read back as Word and as PDF pages, the
same bytes every time, and every rate with its formula and its year-over-year change."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from docx import Document

from tests.parse.builders import text_with
from zfxxgk import api
from zfxxgk.app import documents, rectify
from zfxxgk.model.ids import t3
from zfxxgk.store import Store, StoreError
from zfxxgk.store.rectify import ReportTally

DAY = dt.date(2025, 4, 10)
UNITS = ("昌乐县乔官镇人民政府", "昌乐县鄌郚镇人民政府", "昌乐县红河镇人民政府")


@pytest.fixture(scope="module")
def filled(tmp_path_factory):
    """Three units of one county over two years; one with an error confirmed, listed and returned."""
    tmp = tmp_path_factory.mktemp("docs")
    store = Store(str(tmp / "docs.db"))
    paths = []
    for year in (2023, 2024):
        for n, unit in enumerate(UNITS):
            wrong = {t3("new_received", "total"): 5} if (n == 0 or (n == 1 and year == 2023)) else {}
            p = tmp / f"{year}-{n}.txt"
            p.write_text(text_with(wrong, year=year, unit=unit), encoding="utf-8")
            paths.append(p)
    assert all(o.error is None for o in api.import_paths(paths, store))
    rid = store.find_report(UNITS[0], 2024)
    f = next(f for f, _ in store.findings(rid) if f.rule == "T3-BALANCE-total")
    store.review(rid, f.fingerprint, "confirmed", "审核员甲")
    rectify.create(store, rid, f.fingerprint, "审核员甲", "乔官镇党政办", dt.date(2025, 3, 31))
    rectify.decide(store, rid, "退回修改", [], "审核员甲")
    rectify.decide(store, store.find_report(UNITS[2], 2024), "通过", [], "审核员甲")
    yield store, rid
    store.close()


def docx_text(data: bytes) -> tuple[str, list[list[list[str]]]]:
    doc = Document(io.BytesIO(data))
    return ("\n".join(p.text for p in doc.paragraphs),
            [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables])


def test_the_opinion_lists_the_verdict_the_findings_with_evidence_and_the_items(filled):
    store, rid = filled
    doc = documents.opinion(store, rid, day=DAY)
    data = documents.write(doc, "docx")
    assert data == documents.write(documents.opinion(store, rid, day=DAY), "docx")  # deterministic
    text, tables = docx_text(data)
    assert "关于昌乐县乔官镇人民政府2024年政府信息公开工作年度报告的审核意见书" in text
    assert "审核结论：退回修改" in text and "2025年4月10日" in text
    findings = tables[0]
    assert findings[0] == ["序号", "级别", "问题", "证据", "审核"]
    balance = next(r for r in findings if "T3-BALANCE-total" in r[2])
    assert balance[4] == "已确认" and "应为" in balance[3] and "原文位置" in balance[3]
    assert tables[1][1][2:] == ["乔官镇党政办", "2025-03-31", "待整改（已逾期）"]
    advice = documents.write(documents.opinion(store, rid, kind="工作建议书", day=DAY), "docx")
    assert "工作建议" in docx_text(advice)[0] and "勾稽关系" in docx_text(advice)[0]
    with pytest.raises(StoreError):
        documents.opinion(store, rid, kind="批评书", day=DAY)


def test_the_notice_has_cards_with_formulas_the_ranking_and_the_open_items(filled):
    store, _ = filled
    doc = documents.notice(store, 2024, region="昌乐县", day=DAY, number="2025年第1期")
    data = documents.write(doc, "docx")
    assert data == documents.write(documents.notice(store, 2024, region="昌乐县", day=DAY, number="2025年第1期"), "docx")
    text, tables = docx_text(data)
    assert "关于昌乐县2024年度政府信息公开工作年度报告审核情况的通报" in text and "2025年第1期" in text
    cards = "\n".join(c for row in tables[0] for c in row)
    # every built report lacks its 第五部分 (an error); the first unit's table 3 adds two, as did the second's in 2023
    assert "错误级问题数\n5\n计算：“错误”级问题的个数\n同比：-2（上年 7）" in cards
    assert "有错误报告占比\n100.0%\n计算：有错误级问题的报告数 3 ÷ 报告数 3 × 100%\n同比：持平（上年 100.0%）" in cards
    assert "平均每份报告问题数\n15.67\n计算：问题总数 47 ÷ 报告数 3\n同比：-0.66（上年 16.33）" in cards
    assert "审核通过率\n50.0%" in cards and "整改完成率\n0.0%" in cards
    ranking = tables[1]
    assert ranking[1][:3] == ["1", UNITS[0], "3"]
    assert [r[0] for r in ranking[2:]] == ["2", "2"]  # the two clean reports tie
    assert tables[2][1][1:3] == [UNITS[0], next(i.message for i in rectify.items(store, year=2024))]


def test_the_pdfs_are_pages_and_the_same_bytes_every_time(filled):
    import pypdfium2 as pdfium

    store, rid = filled
    for make in (lambda: documents.opinion(store, rid, day=DAY), lambda: documents.notice(store, 2024, day=DAY)):
        data = documents.write(make(), "pdf")
        assert data == documents.write(make(), "pdf")
        pdf = pdfium.PdfDocument(data)
        assert len(pdf) >= 1
        text = pdf[0].get_textpage().get_text_range()
        assert "政府信息公开工作年度报告" in text.replace("\r", "").replace("\n", "")
        pdf.close()


def test_ranks_share_places_on_equal_errors_and_findings():
    t = [ReportTally(i, i, f"单位{i}", e, w, 0, 0, 0) for i, (e, w) in enumerate([(0, 1), (2, 0), (2, 0), (1, 5)], 1)]
    assert [(r, x.report_id) for r, x in documents._ranks(t)] == [(1, 2), (1, 3), (3, 4), (4, 1)]


def test_a_rate_without_a_denominator_is_a_dash():
    (rate,) = [i for i in documents.indicators([], [], 0, 0, DAY) if i.key == "done_rate"]
    assert rate.text() == "—" and documents._change(rate, None) == "同比：上年无可比数据"
