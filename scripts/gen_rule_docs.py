"""Generate the rule reference (docs/rules/) from the registry: each page from the rule's own
docstring, with a failing and a passing example taken from its test cases (tests/check/cases).

usage: python scripts/gen_rule_docs.py [OUT_DIR]      (default: docs/rules)
tests/test_docs.py regenerates into a temporary folder and fails when the committed pages drift.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.check.casebuild import build_peers, build_previous, build_report, build_settings  # noqa: E402
from tests.check.test_rule_cases import load_case_files, run_instance  # noqa: E402

from zfxxgk.check import DEFAULT_SETTINGS, RULES, CheckContext  # noqa: E402
from zfxxgk.check.registry import DOC_SECTIONS, Rule  # noqa: E402
from zfxxgk.model import Outcome  # noqa: E402

CASE_KEYS_HIDDEN = {"name", "expect", "instance", "findings", "message_contains", "severity", "evidence", "finding_cells"}


def page_name(rule: Rule) -> str:
    """File name of a rule's page: its id without the parameter placeholder."""
    return rule.id.split("-{")[0] + ".md"


def doc_body(rule: Rule) -> str:
    """The docstring after its first line, sections as headings, bodies dedented."""
    out: list[str] = []
    for line in rule.doc.splitlines()[1:]:
        stripped = line.strip()
        if stripped in DOC_SECTIONS:
            while out and out[-1] == "":
                out.pop()
            out += ["", f"## {stripped}", ""]
        elif stripped:
            out.append(stripped)
        elif out and out[-1] != "":
            out.append("")
    return "\n".join(out).strip() + "\n"


def cases_by_rule() -> dict[str, list[dict]]:
    """Case lists keyed by rule id."""
    return {doc["rule"]: doc["cases"] for doc in load_case_files().values()}


def example(rule: Rule, case: dict, label: str) -> list[str]:
    """A case as a documented example: its input and, for a failing one, the messages it gives."""
    instance = case.get("instance") or rule.id
    shown = {k: v for k, v in case.items() if k not in CASE_KEYS_HIDDEN}
    lines = [f"### {label}（测试用例 `{case['name']}`，规则实例 `{instance}`）", "", "输入（在测试基准报告上的改动）：", ""]
    lines += ["```yaml", yaml.safe_dump(shown, allow_unicode=True, sort_keys=False).rstrip(), "```", ""]
    report = build_report(case)
    ctx = CheckContext(build_settings(case) or DEFAULT_SETTINGS, build_previous(case), build_peers(case, report))
    results = run_instance(rule, instance, report, ctx)
    failed = [f for f in results if f.outcome is Outcome.FAIL]
    if failed:
        lines += ["结果：", ""] + [f"- {f.severity.cn}：{f.message}" for f in failed] + [""]
    else:
        outcome = sorted({f.outcome.cn for f in results})
        lines += [f"结果：{'、'.join(outcome)}。", ""]
    return lines


def render_page(rule: Rule, cases: list[dict]) -> str:
    """The Markdown page of one rule."""
    instances = [i for i, _ in rule.instances()]
    lines = [f"# {rule.id}：{rule.title}", ""]
    lines += [f"- 严重程度：{rule.severity.cn}（`{rule.severity.value}`）", f"- 规则族：`{rule.family}`"]
    if len(instances) > 1:
        lines.append("- 规则实例：" + "、".join(f"`{i}`" for i in instances))
    lines += [f"- 消息模板：{rule.message}", "", doc_body(rule).rstrip(), "", "## 测试用例中的示例", ""]
    for expect, label in (("fail", "不合格"), ("pass", "合格")):
        case = next((c for c in cases if c["expect"] == expect), None)
        if case is not None:
            lines += example(rule, case, label)
    return "\n".join(lines).rstrip() + "\n"


def render_index() -> str:
    """The index of all rules."""
    lines = ["# 校验规则一览", "", "本目录由 `python scripts/gen_rule_docs.py` 根据规则登记表和测试用例生成，请勿手工修改。", ""]
    lines += ["| 规则 | 严重程度 | 说明 |", "|---|---|---|"]
    for rule in RULES.values():
        lines.append(f"| [{rule.id}]({page_name(rule)}) | {rule.severity.cn} | {rule.title} |")
    return "\n".join(lines) + "\n"


def generate(out: Path) -> list[Path]:
    """Write every page; return the files written."""
    out.mkdir(parents=True, exist_ok=True)
    cases = cases_by_rule()
    written = []
    for rule in RULES.values():
        path = out / page_name(rule)
        path.write_text(render_page(rule, cases.get(rule.id, [])), encoding="utf-8")
        written.append(path)
    index = out / "index.md"
    index.write_text(render_index(), encoding="utf-8")
    return [index, *written]


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "rules"
    files = generate(target)
    print(f"wrote {len(files)} files to {target}")
