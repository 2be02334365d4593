"""The rule registry: functions ⇔ registrations, docstrings, case files, and the spec's ids/severities/messages."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest
import yaml

from tests.conftest import SPEC_DIR
from zfxxgk.check import RULES
from zfxxgk.check.registry import DOC_SECTIONS, rule
from zfxxgk.model import Severity

# ``zfxxgk.check`` as an attribute is the check() function (zfxxgk/__init__.py), so import by name.
rules_pkg = importlib.import_module("zfxxgk.check.rules")
CASES_DIR = Path(__file__).parent / "cases"
SPEC = SPEC_DIR / "annual-report-format.md"
# XU: cross-unit (issue 17: text copied from another unit's report of the same year), beyond the spec's catalogue
# PUB: publication (issue 18: a collected report changed after publication, or two copies that disagree)
GROUPS = ("PARSE", "STRUCT", "VAL", "T2", "T3", "T4", "XY", "XU", "PUB", "TXT", "DATE", "HDR", "SEC1", "SEC5", "SEC6")
ID_PATTERN = re.compile(r"^(" + "|".join(GROUPS) + r")-[A-Z0-9]+(-[A-Z0-9]+)*(-\{[a-z]+\})?$")
# the spec families this package implements so far
IMPLEMENTED_GROUPS = ("PARSE", "STRUCT", "VAL", "T3", "T4", "DATE", "HDR", "SEC1", "SEC5", "SEC6", "TXT")
# Rules that always have their input on a parsed report: they pass or fail, never NOT_ASSESSABLE.
# Rules beyond the spec's catalogue, each documented in its docstring (the spec is silent on them).
EXTENSION_RULES = {
    "PARSE-OCR-LOW-CONFIDENCE",  # issue 5: OCR cells that could not be read reliably
    "PARSE-DIGITS-SPLIT",  # spec §2.8 layout H asks for "a PARSE finding naming the inference"; §4.1 has none
    "PARSE-VALUE-ANNOTATED",  # issue 19: a number with a remark in brackets, read as the number
    "PARSE-STRUCTURE-INFERRED",  # issue 19: tables read from text that lost their structure (spec §2.8 G/H/J)
}

NEVER_NOT_ASSESSABLE = {
    "PARSE-OCR-LOW-CONFIDENCE",
    "PARSE-NOT-ANNUAL-REPORT",
    "STRUCT-SECTION-MISSING-{n}",
    "STRUCT-FORMAT-VERSION",
    "STRUCT-TABLE-MISSING-{t}",
    "T3-IMPLIED",
    "T4-IMPLIED",
    # spec §4.8 gives "—" as their not-assessable condition: the header fact is there or it is missing
    "DATE-PERIOD-MISSING",
    "DATE-PUBDATE-MISSING",
    "HDR-YEAR-MISSING",
    "HDR-UNIT-MISSING",
    "HDR-SIGNATURE-MISSING",
    "HDR-CONTACT-MISSING",
    # spec §4.7/§4.10 compare no cells here: prose with prose (REPEAT), a percentage with the count it
    # follows (GROWTH-NEW; the previous-year check only adds to it), template markers and repeated words
    "TXT-REPEAT",
    "TXT-GROWTH-NEW",
    "TXT-PLACEHOLDER",
    "TXT-DUP-WORD",
}
# Rules fed by parser notes: each needs a realistic ``base: text`` FAIL case (the parser really emits the note).
NOTE_RULES = {
    "PARSE-NOT-ANNUAL-REPORT", "PARSE-ROW-AMBIGUOUS", "PARSE-ROW-SPLIT", "PARSE-HEADER-GARBLED",
    "PARSE-LABEL-INFERRED", "STRUCT-FORMAT-VERSION", "STRUCT-LABEL-VARIANT", "STRUCT-ROW-UNKNOWN",
    "STRUCT-ROW-DUPLICATE", "VAL-FEE-UNIT", "PARSE-DIGITS-SPLIT",
}
# Spec placeholders renamed in the code: ``表{N}`` is filled with Table.cn (表二…), and ``cells``
# collides with Emit.fail's own ``cells`` argument.
# ``excerpt`` (TXT-PLACEHOLDER, TXT-DUP-WORD) collides with Emit.fail's ``excerpt`` (the fingerprint text).
PLACEHOLDER_ALIASES = {
    "表{N}": "%(table)s", "{cells}": "%(cell_list)s", "{N−1}": "%(prev_year)s", "{excerpt}": "%(snippet)s",
}
# Spec severities that are not one severity: DATE-DEADLINE's is "per table" (spec §4.8, by unit type and
# settings); the rule registers the statutory one (warning) and overrides it per finding.
SEVERITY_ALIASES = {("DATE-DEADLINE", "per"): "warning"}


def case_file(rule_id: str) -> Path:
    """Case file of a rule: the family id without its ``-{param}``."""
    return CASES_DIR / (re.sub(r"-\{\w+\}$", "", rule_id) + ".yaml")


def rule_modules():
    for info in pkgutil.iter_modules(rules_pkg.__path__):
        yield importlib.import_module(f"{rules_pkg.__name__}.{info.name}")


def test_every_rule_function_is_registered_and_vice_versa():
    defined = {
        obj
        for mod in rule_modules()
        for name, obj in vars(mod).items()
        if name.startswith("rule_") and inspect.isfunction(obj) and obj.__module__ == mod.__name__
    }
    registered = {r.func for r in RULES.values()}
    assert defined == registered
    public = {info.name for info in pkgutil.iter_modules(rules_pkg.__path__) if not info.name.startswith("_")}
    assert set(rules_pkg.FAMILIES) == public, "list every rule module in rules.FAMILIES"
    assert all(r.func.__module__.startswith(rules_pkg.__name__ + ".") for r in RULES.values())


@pytest.mark.parametrize("rule_id", list(RULES))
def test_rule_has_case_file_with_fail_and_pass(rule_id):
    path = case_file(rule_id)
    assert path.exists(), f"missing case file {path.name}"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert doc["rule"] == rule_id
    expects = {c["expect"] for c in doc["cases"]}
    assert {"fail", "pass"} <= expects
    if rule_id not in NEVER_NOT_ASSESSABLE:
        assert "not_assessable" in expects, f"{rule_id} can be not assessable: add a not_assessable case"
    if rule_id in NOTE_RULES:
        assert any(c.get("base") == "text" and c["expect"] == "fail" for c in doc["cases"]), "add a base: text case"
    names = [c["name"] for c in doc["cases"]]
    assert len(names) == len(set(names)), "case names must be unique"


def test_every_case_file_belongs_to_a_rule():
    files = {case_file(r).name for r in RULES}
    assert {p.name for p in CASES_DIR.glob("*.yaml")} <= files
    assert not list(CASES_DIR.glob("*.yml")), "use the .yaml extension"


@pytest.mark.parametrize("rule_id", list(RULES))
def test_docstring_is_the_reference_page(rule_id):
    r = RULES[rule_id]
    lines = r.doc.splitlines()
    family = re.sub(r"-\{\w+\}$", "", rule_id)
    assert lines and lines[0].startswith(family + "："), lines[:1]
    assert r.title, "title after “ID：” must not be empty"
    headings = [ln.strip() for ln in lines[1:] if ln and not ln.startswith(" ")]
    assert headings == list(DOC_SECTIONS), headings


@pytest.mark.parametrize("rule_id", list(RULES))
def test_id_and_severity_follow_the_pattern(rule_id):
    r = RULES[rule_id]
    assert ID_PATTERN.match(rule_id), rule_id
    assert isinstance(r.severity, Severity)
    for instance, _ in r.instances():
        assert re.match(r"^[A-Z0-9]+(-[A-Za-z0-9_]+)+$", instance), instance
    assert r.func.__name__.startswith("rule_")


def test_registry_refuses_duplicates_and_bad_declarations():
    some = next(iter(RULES.values()))
    before = dict(RULES)

    def rule_dummy(report, emit):  # pragma: no cover - never run
        yield from ()

    with pytest.raises(ValueError, match="duplicate"):
        rule(some.id, Severity.INFO, "x")(rule_dummy)
    with pytest.raises(ValueError, match="rule_"):
        rule("T4-DUMMY", Severity.INFO, "x")(lambda report, emit: iter(()))
    with pytest.raises(ValueError, match="placeholder"):
        rule("T4-DUMMY-{b}", Severity.INFO, "x")(rule_dummy)
    assert RULES == before


def _split_row(line: str) -> list[str]:
    """Cells of a Markdown table row; pipes inside backticks are text."""
    cells, cur, tick = [], "", False
    for ch in line.strip().strip("|"):
        if ch == "`":
            tick = not tick
        if ch == "|" and not tick:
            cells.append(cur.strip())
            cur = ""
        else:
            cur += ch
    cells.append(cur.strip())
    return cells


def spec_rules() -> dict[str, tuple[str, str]]:
    """Rule id → (severity, message template) from the spec's rule tables."""
    if not SPEC.exists():
        raise FileNotFoundError(f"spec not found: {SPEC}")
    found: dict[str, tuple[str, str]] = {}
    header: list[str] | None = None
    for line in SPEC.read_text(encoding="utf-8").splitlines():
        if not line.startswith("|"):
            header = None
            continue
        cells = _split_row(line)
        if cells[0] == "id":
            header = cells
            continue
        if header is None or set(line) <= set("|-: "):
            continue
        m = re.match(r"([A-Z][A-Z0-9]*(?:-[A-Za-z0-9_{}]+)+)", cells[0])
        if m and m.group(1).split("-")[0] in IMPLEMENTED_GROUPS:
            row = dict(zip(header, cells, strict=False))
            if row["sev"] == "—":
                continue  # a setting described in a rule table (§4.10 “DATE-DEADLINE (setting)”), not a rule
            # the §4.7 table has no message-template column: the code's templates are then its own
            found[m.group(1)] = (row["sev"].split()[0], row.get("message template", ""))
    return found


def to_template(spec_message: str) -> str:
    for spec, code in PLACEHOLDER_ALIASES.items():
        spec_message = spec_message.replace(spec, code)
    return re.sub(r"\{(\w+)\}", r"%(\1)s", spec_message)


def test_the_spec_families_are_implemented_verbatim():
    spec = spec_rules()
    registered = {i for i in RULES if i.split("-")[0] in IMPLEMENTED_GROUPS} - EXTENSION_RULES
    assert set(spec) == registered
    for rule_id, (severity, message) in spec.items():
        r = RULES[rule_id]
        assert r.severity.value == SEVERITY_ALIASES.get((rule_id, severity), severity), rule_id
        if message:
            assert r.message == to_template(message), rule_id
