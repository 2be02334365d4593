"""One render policy for every door: refused with “错误” findings unless forced; then an appendix."""

from __future__ import annotations

import pytest

from tests.parse.builders import report_with
from zfxxgk.app.publish import MEDIA_TYPES, Refused, document_name, publish
from zfxxgk.check import check
from zfxxgk.model.ids import t3
from zfxxgk.render import FORMATS


def test_a_report_with_errors_is_refused_unless_forced():
    bad = report_with({t3("new_received", "total"): 5})  # the row's parts say 0: a 勾稽关系 error
    findings = check(bad).results
    with pytest.raises(Refused) as e:
        publish(bad, "html", findings)
    assert e.value.errors and "拒绝生成" in str(e.value)
    forced = publish(bad, "html", findings, force=True)
    assert forced.appendix and all(f.severity.value != "info" for f in forced.appendix)
    assert forced.data.decode().count(forced.appendix[0].rule) >= 1
    assert forced.filename == "东风县红旗镇人民政府2024年政府信息公开工作年度报告.html"
    assert forced.media_type == "text/html; charset=utf-8"


def test_a_clean_report_is_published_without_an_appendix():
    good = report_with()
    warnings = [f for f in check(good).results if f.severity.value != "error"]
    doc = publish(good, "md", warnings)
    assert doc.appendix == [] and doc.filename.endswith(".md") and doc.data
    assert set(MEDIA_TYPES) == set(FORMATS)
    assert document_name(report_with(unit=""), "pdf") == "2024年政府信息公开工作年度报告.pdf"
    with pytest.raises(ValueError, match="不支持的输出格式"):
        publish(good, "exe", [])
