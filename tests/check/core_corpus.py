"""The corpus whose findings are frozen in ``data/core_findings.json`` (issue 21: the check core made
faster must find exactly what it found before): the five sample reports and synthetic text reports
(every text layout, half of them with a planted defect, so that most rules fail somewhere).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from zfxxgk.api import samples
from zfxxgk.check import check
from zfxxgk.parse import parse_text
from zfxxgk.synth import TEXT_LAYOUTS, plan, write_bytes

SYNTH_REPORTS = 90
SYNTH_SEED = 21
DEFECT_RATE = 0.5
FIXTURE = Path(__file__).with_name("data") / "core_findings.json"


def corpus(n: int = SYNTH_REPORTS) -> list[tuple[str, str]]:
    """(name, text) of the samples and of ``n`` synthetic text reports (made in memory)."""
    out = [(p.name, p.read_text(encoding="utf-8")) for p in samples()]
    for i in range(1, n + 1):
        p = plan(i, SYNTH_SEED, "txt", TEXT_LAYOUTS[i % 3], DEFECT_RATE)
        out.append((f"synth-{i:03d}.txt", write_bytes(p).decode("utf-8")))
    return out


def results_of(text: str, source: str) -> list[dict[str, Any]]:
    """Every rule-instance result (passes and not-assessable ones too) in a JSON-stable form."""
    result = check(parse_text(text, source))
    return [
        json.loads(json.dumps(
            {"rule": f.rule, "severity": f.severity.value, "outcome": f.outcome.value, "message": f.message,
             "cells": list(f.cells), "evidence": f.evidence, "excerpt": f.excerpt},
            ensure_ascii=False, default=str,
        ))
        for f in result.results
    ]


def frozen_form(text: str, source: str) -> dict[str, Any]:
    """What the fixture holds for one report: the failed findings in full, and a digest of every
    result (passes and not-assessable ones carry evidence too; in full they would weigh 2 MB).
    """
    results = results_of(text, source)
    digest = hashlib.sha256(json.dumps(results, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()
    return {"findings": [r for r in results if r["outcome"] == "fail"], "results": len(results), "digest": digest}


def write_fixture() -> None:
    """Freeze the current results (only when a rule's output is meant to change)."""
    frozen = {name: frozen_form(text, name) for name, text in corpus()}
    FIXTURE.write_text(json.dumps(frozen, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
