"""Online filing: the form from the registry, live validation by the real checker, refusal, rendering."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.conftest import SEEDS, gold_for
from zfxxgk import filing
from zfxxgk.model import CELL_IDS, CellState
from zfxxgk.model.ids import SECTION_TITLES, T3_APPLICANT_COLUMNS, T4_PARTS, Table, section_heading, t3, t4
from zfxxgk.model.template import COVER_FIELDS
from zfxxgk.parse import parse_bytes, parse_file

SEED = {p.stem[:3]: p for p in SEEDS}
COVER = {"unit": "东风县红旗镇人民政府", "year": "2024", "period_start": "2024-01-01", "period_end": "2024-12-31",
         "signed_on": "2025年1月15日"}


@pytest.fixture(scope="module")
def seed_forms() -> dict[str, dict[str, str]]:
    return {k: filing.form_from_report(parse_file(p)) for k, p in SEED.items()}


# --- the form --------------------------------------------------------------------------------------


def test_schema_covers_every_cell_and_the_template_contract():
    schema = filing.form_schema()
    cell_fields = [c.name for t in schema.tables for r in t.rows for c in r.cells]
    assert cell_fields == list(CELL_IDS)  # every cell once, in registry order
    assert [f.name for f in schema.cover] == [key for _label, key in COVER_FIELDS]
    assert [f.label for f in schema.cover] == [label for label, _key in COVER_FIELDS]
    assert {f.name for f in schema.cover if f.required} == {"unit", "year"}
    assert [f.label for f in schema.prose] == ["前言", *(section_heading(n) for n in SECTION_TITLES)]
    assert [t.table for t in schema.tables] == list(Table) and [t.section for t in schema.tables] == [2, 3, 4]
    spec = schema.fields[t3("withheld_state_secret", "natural_person")]
    assert (spec.kind, spec.table, spec.row, spec.column, spec.computed) == \
        ("count", "t3", "withheld_state_secret", "natural_person", False)
    assert "国家秘密" in spec.label and "自然人" in spec.label
    assert schema.fields["t2.fee.amount"].kind == "amount"
    t3_rows = {r.key: r for r in schema.tables[1].rows}
    assert t3_rows["withheld_state_secret"].group == "（三）不予公开"
    json.dumps(schema.to_dict(), ensure_ascii=False)


def test_computed_totals_are_the_row_totals_the_seventh_row_and_table4_totals():
    schema = filing.form_schema()
    computed = {n for n, f in schema.fields.items() if f.computed}
    expected = {t3(r.key, "total") for r in schema.tables[1].rows} \
        | {t3("total_processed", c) for c in (*T3_APPLICANT_COLUMNS, "total")} \
        | {t4(b.key, "total") for b in schema.tables[2].rows}
    assert computed == expected == set(filing.COMPUTED)
    assert len(computed) == 25 + 6 + 3
    assert filing.COMPUTED[t4("review", "total")] == tuple(t4("review", p) for p in T4_PARTS)
    assert filing.COMPUTED[t3("granted", "total")] == tuple(t3("granted", c) for c in T3_APPLICANT_COLUMNS)


# --- a correct form ---------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["000", "002", "003"])
def test_a_seed_form_passes_and_renders_docx_with_the_same_cells(seed_forms, key):
    v = filing.validate(seed_forms[key])
    assert v.ok and v.field_errors == {} and v.errors == [] and v.filled == {}
    report, findings, field_errors = v  # unpacks as the page expects
    assert report is v.report and findings == v.findings and field_errors == {}
    gold = gold_for(SEED[key])
    assert {c: report.to_dict()["cells"][c] for c in CELL_IDS} == gold["cells"]
    sub = filing.submit(seed_forms[key], "docx")
    assert sub.data[:2] == b"PK" and sub.filename.endswith(".docx") and "wordprocessingml" in sub.media_type
    back = parse_bytes(sub.data, sub.filename)
    assert back.format == "docx"
    assert back.to_dict()["cells"] == gold["cells"]
    assert (back.unit, back.year, back.signed_on) == (report.unit, report.year, report.signed_on)
    assert back.period == report.period
    assert sorted(back.sections) == list(SECTION_TITLES)


def test_blanks_of_a_seed_stay_blank_and_computable_totals_are_filled(seed_forms):
    form = seed_forms["001"]
    gold = gold_for(SEED["001"])["cells"]
    blank = {c for c, v in gold.items() if v is None}
    assert all(form[c] == "" for c in blank)
    v = filing.validate(form)
    assert v.ok  # blanks are warnings, not errors
    # （七）总计 of the 商业企业 column adds up known cells: filled; the others have a blank part: still blank
    assert v.filled == {t3("total_processed", "commercial"): 0}
    for c in blank - set(v.filled):
        assert v.report.cells[c].state is CellState.BLANK and v.report.cells[c].value is None
    assert any(f.rule == "STRUCT-CELL-BLANK-t3" for f in v.findings)
    off = filing.validate(form, auto_totals=False)
    assert off.filled == {} and off.report.cells[t3("total_processed", "commercial")].value is None


def test_pdf_is_rendered_too(seed_forms):
    sub = filing.submit(seed_forms["002"], "pdf")
    assert sub.data.startswith(b"%PDF") and sub.media_type == "application/pdf"


# --- refusals ---------------------------------------------------------------------------------------


def test_broken_balance_is_refused_with_the_rule_messages(seed_forms):
    form = dict(seed_forms["000"])
    for c in ("natural_person", "total"):
        cid = t3("carried_forward", c)
        form[cid] = str(int(form[cid]) + 2)
    v = filing.validate(form)
    rules = {f.rule for f in v.errors}
    assert {"T3-BALANCE-natural_person", "T3-BALANCE-total"} <= rules and not v.ok
    balance = next(f for f in v.errors if f.rule == "T3-BALANCE-total")
    assert balance in v.field_findings[t3("carried_forward", "total")]
    assert balance in v.field_findings[t3("new_received", "total")]
    with pytest.raises(filing.FilingRefused) as e:
        filing.submit(form, "docx")
    message = str(e.value)
    assert message.startswith("拒绝生成：") and "“错误”级问题" in message
    assert balance.message in message and "勾稽关系不成立" in message
    assert e.value.validation.errors


def test_a_typed_wrong_total_is_kept_and_judged(seed_forms):
    form = dict(seed_forms["000"])
    cid = t3("granted", "total")
    form[cid] = str(int(form[cid]) + 1)
    v = filing.validate(form)
    assert v.report.cells[cid].value == int(seed_forms["000"][cid]) + 1  # not overwritten by the computed sum
    assert "T3-ROWSUM-granted" in {f.rule for f in v.errors}
    assert any(f.rule == "T3-ROWSUM-granted" for f in v.field_findings[cid])


@pytest.mark.parametrize(("raw", "state", "message"), [
    ("abc", CellState.TEXT, "不是数字"),
    ("三件", CellState.TEXT, "不是数字"),
    ("/", CellState.DASH, "没有发生的事项请填 0"),
    ("无", CellState.NONE_WORD, "没有发生的事项请填 0"),
    ("-1", CellState.NUMBER, "不能为负数"),
    ("1.5", CellState.NUMBER, "件数应为整数"),
    ("9" * 13, CellState.TEXT, "数值过大"),  # beyond model.limits: never kept as a number
    ("0.12345", CellState.TEXT, "件数应为整数"),
    ("12345678901234", CellState.TEXT, "数值过大"),
    ("1" * 5000, CellState.TEXT, "内容过长"),
])
def test_bad_cell_input_is_a_field_error_never_a_crash(seed_forms, raw, state, message):
    form = dict(seed_forms["002"])
    cid = t3("granted", "natural_person")
    form[cid] = raw
    v = filing.validate(form)
    assert list(v.field_errors) == [cid] and message in v.field_errors[cid][0]
    assert v.report.cells[cid].state is state
    assert not v.ok
    assert v.report.cells[t3("granted", "total")].value is not None  # typed total kept
    with pytest.raises(filing.FilingRefused, match="1处填报内容有误"):
        filing.submit(form)


def test_good_cell_input_forms():
    form = {**COVER, t3("granted", "natural_person"): " 1,234 ", t3("granted", "commercial"): "０",
            t3("granted", "research"): "0", "t2.fee.amount": "12.50万元"}
    v = filing.validate(form)
    assert v.field_errors == {}
    cells = v.report.cells
    assert cells[t3("granted", "natural_person")].value == 1234
    assert cells[t3("granted", "commercial")].value == 0 and cells[t3("granted", "research")].value == 0
    assert cells["t2.fee.amount"].value == Decimal("12.50")


def test_blank_form_stays_blank_never_zero():
    v = filing.validate(dict(COVER))
    assert v.field_errors == {} and v.filled == {}
    assert all(v.report.cells[c].state is CellState.BLANK and v.report.value(c) is None for c in CELL_IDS)
    assert {"STRUCT-CELL-BLANK-t2", "STRUCT-CELL-BLANK-t3", "STRUCT-CELL-BLANK-t4"} <= {f.rule for f in v.findings}
    assert v.report.unit == COVER["unit"] and v.report.year == 2024
    assert v.report.period[0].isoformat() == "2024-01-01" and v.report.signed_on.isoformat() == "2025-01-15"


def test_totals_are_filled_from_their_parts_only_when_every_part_is_known():
    form = dict(COVER)
    for c in T3_APPLICANT_COLUMNS:
        form[t3("granted", c)] = "1"
    for p, n in zip(T4_PARTS, ("2", "1", "0", "")):
        form[t4("review", p)] = n
    v = filing.validate(form)
    assert v.filled[t3("granted", "total")] == 6
    assert v.report.cells[t3("granted", "total")].span.locator.endswith(":auto")
    assert t4("review", "total") not in v.filled  # 尚未审结 blank: the total stays blank
    assert v.report.cells[t4("review", "total")].value is None
    assert t3("total_processed", "natural_person") not in v.filled  # other outcome rows are blank
    assert filing.fill_totals({**{t4("review", p): 1 for p in T4_PARTS}}) == {t4("review", "total"): 4}


def test_cover_errors_are_field_errors():
    v = filing.validate({"year": "20x4", "period_start": "2024-13-01", "signed_on": "明天",
                         "period_end": "2024-12-31"})
    assert v.field_errors["unit"] == ["请填写单位名称。"]
    assert "不是有效的年份" in v.field_errors["year"][0]
    assert "不是有效的日期" in v.field_errors["period_start"][0]
    assert "不是有效的日期" in v.field_errors["signed_on"][0]
    v = filing.validate({**COVER, "period_end": ""})
    assert v.field_errors == {"period_end": ["请同时填写统计期间的起始日期和截止日期。"]}
    v = filing.validate({**COVER, "period_start": "2025-01-01"})
    assert v.field_errors == {"period_end": ["统计期间截止日期早于起始日期。"]}
    assert filing.validate({**COVER, "year": "2024年度"}).report.year == 2024


def test_rule_findings_reach_cover_and_prose_fields(seed_forms):
    form = dict(seed_forms["002"])
    form["sections.5"] = ""
    form["year"] = "2022"  # the prose and period speak of 2023
    v = filing.validate(form)
    assert any(f.rule.startswith("SEC5-") for f in v.field_findings["sections.5"])
    assert any(f.rule.startswith("DATE-") for f in v.field_findings.get("period_start", []) + v.field_findings.get("year", []))
    assert not v.ok
    doc = json.loads(json.dumps(v.to_dict(), ensure_ascii=False))
    assert doc["ok"] is False and doc["counts"]["error"] == len(v.errors)
    assert set(doc["field_findings"]["sections.5"]) <= {f["fingerprint"] for f in doc["findings"]}


def test_absurd_numbers_in_the_prose_are_a_field_error_not_a_crash():
    # the prose rules read “收到申请N件”; a number of thousands of digits must not take the page down
    form = {**COVER, "sections.1": "2024年共收到政府信息公开申请" + "9" * 5000 + "件。"}
    v = filing.validate(form)
    assert "超过18位的数字" in v.field_errors["sections.1"][0] and not v.ok
    with pytest.raises(filing.FilingRefused):
        filing.submit(form)


def test_unknown_format_is_refused():
    with pytest.raises(ValueError, match="不支持的输出格式"):
        filing.submit(dict(COVER), "odt")


# --- robustness ---------------------------------------------------------------------------------------


FIELD_NAMES = list(filing.form_schema().fields)
junk = st.one_of(
    st.text(max_size=30),
    st.integers(min_value=-10**15, max_value=10**15).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["", "0", "/", "无", "—", "１２", "1,000", "1.0", "2024-02-30", "二〇二四年一月一日", "\x00", "\u3000"]),
    st.none(),
    st.integers(),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.one_of(st.sampled_from(FIELD_NAMES), st.text(max_size=10)), junk, max_size=40))
# a fractional count made the identity evidence a Decimal, which JSON refused
@example({"t3.unavailable_unclear.natural_person": "1", "t3.unavailable_unclear.total": "0.1"})
def test_random_forms_never_crash_validate(form):
    v = filing.validate(form)
    assert set(v.field_errors) <= {*FIELD_NAMES, filing.GENERAL}
    for cid in CELL_IDS:
        cell = v.report.cells[cid]
        raw = form.get(cid)
        if raw is None or str(raw).strip() == "":
            # a blank input is never a number, unless it is a total filled from its typed parts
            assert cell.value is None or cid in v.filled
        if cell.value is not None and cid not in v.filled:
            assert cid in form
    for cid in v.filled:
        parts = [v.report.cells[p].value for p in filing.COMPUTED[cid]]
        assert None not in parts and v.filled[cid] == sum(parts[1:], parts[0])
    json.dumps(v.to_dict(), ensure_ascii=False)
