"""The synthetic corpus: every file parses back to its gold, and checking it reports exactly the planted findings."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from zfxxgk import synth
from zfxxgk.check import check
from zfxxgk.cli import app
from zfxxgk.model import CELL_IDS
from zfxxgk.parse import iter_report_files, parse_bytes, parse_file
from zfxxgk.synth import DEFECTS, GOLD_DIR, REPORTS_DIR, TEXT_LAYOUTS, gold, iter_synth, plan, write_bytes

PARSE_KEYS = ("source", "format", "unit", "year", "published", "period", "sections", "cells")


def problems(path: Path, record: dict) -> list[str]:
    """Differences between the parse and the gold, and between the check and the expected findings."""
    report = parse_file(path)
    got = report.to_dict()
    assert set(got) == set(PARSE_KEYS)
    got["source"] = path.name
    out = [f"{k}: gold {record[k]!r} parsed {got[k]!r}" for k in PARSE_KEYS if k != "cells" and got[k] != record[k]]
    out += [f"{c}: gold {record['cells'][c]!r} parsed {got['cells'][c]!r}"
            for c in CELL_IDS if got["cells"][c] != record["cells"][c]]
    found = {(f.rule, f.severity.value) for f in check(report).findings if f.severity.value in ("error", "warning")}
    expected = {(f["rule"], f["severity"]) for f in record["expected_findings"]}
    if found != expected:
        out.append(f"findings: missing {sorted(expected - found)}, unexpected {sorted(found - expected)}")
    return out


@pytest.fixture(scope="module")
def txt_corpus(tmp_path_factory) -> list:
    return list(iter_synth(tmp_path_factory.mktemp("synth"), 40, "txt", defect_rate=0.3, seed=2024))


def test_txt_corpus_parses_back_to_gold_and_checks_to_the_planted_findings(txt_corpus):
    assert len(txt_corpus) == 40
    assert Counter(f.gold["layout"] for f in txt_corpus) == {"tsv": 14, "cells": 13, "grid": 13}
    assert sum(bool(f.gold["defect"]) for f in txt_corpus) >= 6
    failures = {f.path.name: p for f in txt_corpus if (p := problems(f.path, f.gold))}
    assert failures == {}


def test_gold_files_sit_in_their_own_folder_and_match_the_report_names(txt_corpus):
    root = txt_corpus[0].path.parent.parent
    reports = sorted(p.stem for p in (root / REPORTS_DIR).iterdir())
    golds = sorted(p.stem for p in (root / GOLD_DIR).glob("*.json"))
    assert reports == golds and len(reports) == 40


def test_a_batch_over_the_whole_corpus_folder_takes_the_reports_not_the_gold(txt_corpus):
    # the gold records look like report data (parse --json): their folder is marked to be skipped
    root = txt_corpus[0].path.parent.parent
    assert iter_report_files(root) == sorted(f.path for f in txt_corpus)
    record = json.loads(txt_corpus[0].gold_path.read_text(encoding="utf-8"))
    assert list(record)[:8] == list(PARSE_KEYS)
    assert record["source"] == txt_corpus[0].path.name and len(record["cells"]) == 200


def test_corpus_is_varied(txt_corpus):
    golds = [f.gold for f in txt_corpus]
    assert len({g["unit"] for g in golds}) == 40
    assert len({g["year"] for g in golds}) >= 4
    # every type synth writes (管委会 and 垂直管理部门 are registry types it does not generate)
    assert {g["unit_type"] for g in golds} == {t.value for t, _ in synth.UNIT_TYPE_WEIGHTS}
    totals = [g["cells"]["t3.new_received.total"] for g in golds if g["cells"]["t3.new_received.total"] is not None]
    assert totals.count(0) >= 5 and max(totals) > 5


@pytest.mark.parametrize("layout", TEXT_LAYOUTS)
@pytest.mark.parametrize("defect", sorted(DEFECTS))
def test_each_defect_is_caught_in_each_text_layout(tmp_path, defect, layout):
    for index in (1, 2):
        p = plan(index, 7, "txt", layout, 0.0, defect=defect)
        path = tmp_path / f"{p.name}.txt"
        path.write_bytes(write_bytes(p))
        record = gold(p, path.name)
        assert record["defect"] == defect and record["expected_findings"]
        assert problems(path, record) == []


def test_same_seed_gives_identical_files(tmp_path):
    def files(d: Path) -> dict[str, bytes]:
        return {str(p.relative_to(d)): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}

    for run in ("a", "b", "c"):
        list(iter_synth(tmp_path / run, 12, "txt,html", defect_rate=0.5, seed=5 if run != "c" else 6))
    a, b, c = files(tmp_path / "a"), files(tmp_path / "b"), files(tmp_path / "c")
    assert len(a) == 25 and a == b  # 12 reports, 12 gold records, the gold folder's .zfxxgk-ignore
    assert a != c


def test_html_and_docx_parse_back_to_gold(tmp_path):
    written = list(iter_synth(tmp_path, 10, "html,docx", defect_rate=0.3, seed=11))
    assert Counter(f.path.suffix for f in written) == {".html": 5, ".docx": 5}
    assert {f.gold["layout"] for f in written if f.path.suffix == ".html"} == {"plain", "gov_portal", "cms"}
    failures = {f.path.name: p for f in written if (p := problems(f.path, f.gold))}
    assert failures == {}
    portal = next(f for f in written if f.gold["layout"] == "gov_portal")
    assert portal.path.read_bytes().decode("gb18030")  # a GBK portal page with its own 发布日期


def test_pdf_with_a_removed_section_and_a_label_variant(tmp_path):
    p = plan(3, 1, "pdf", None, 0.0, defect="missing_section5")
    p.variants = [("二、上年结转政府信息公开申请数量", "二、上年转结政府信息公开申请数量")]
    p.expected.add("STRUCT-LABEL-VARIANT")
    path = tmp_path / "r.pdf"
    path.write_bytes(write_bytes(p))
    assert parse_bytes(path.read_bytes(), "r.pdf").format == "pdf"
    assert problems(path, gold(p, path.name)) == []


def test_synth_command(tmp_path):
    result = CliRunner().invoke(app, ["synth", str(tmp_path), "-n", "6", "--defects", "0.5", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "已生成 6 份" in result.stdout
    assert len(list((tmp_path / REPORTS_DIR).glob("*.txt"))) == 6
    assert len(list((tmp_path / GOLD_DIR).glob("*.json"))) == 6
    bad = CliRunner().invoke(app, ["synth", str(tmp_path / "x"), "-n", "2", "--formats", "txt,odt"])
    assert bad.exit_code == 2 and "odt" in bad.output
    assert CliRunner().invoke(app, ["synth", str(tmp_path / "y"), "--defects", "1.5"]).exit_code == 2
