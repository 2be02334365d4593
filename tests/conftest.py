"""Shared fixtures: the real seed corpus (bundled in the package) and its hand-verified gold (never regenerated)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import settings

# CI (.ci/run sets HYPOTHESIS_PROFILE=ci) runs the same examples every time, so a landing never
# depends on luck; a plain local run explores new random examples and keeps what it finds.
settings.register_profile("ci", derandomize=True, database=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

ROOT = Path(__file__).resolve().parents[1]
# The spec the code implements (a copy of the steering's spec, kept in the repository).
SPEC_DIR = ROOT / "docs" / "spec"
GOLD_DIR = ROOT / "tests" / "data" / "seeds-gold"


def seed_paths() -> list[Path]:
    """The seed files as installed with the package; a missing corpus is an error, not a skip."""
    from zfxxgk.api import samples

    paths = samples()
    if len(paths) != 5:
        raise RuntimeError(f"the installed package lacks its five sample reports: {paths}")
    return paths


def stale_install() -> list[str]:
    """Source files that differ from the installed package (scripts/setup installs a built wheel,
    so the compiled modules are used): tests must never run yesterday's code.
    """
    import zfxxgk

    installed = Path(zfxxgk.__file__).resolve().parent
    sources = ROOT / "src" / "zfxxgk"
    if installed == sources.resolve():
        return []  # running from the sources themselves (PYTHONPATH=src or an editable install)
    stale = []
    for p in sorted(sources.rglob("*")):
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc":
            twin = installed / p.relative_to(sources)
            if not twin.is_file() or twin.read_bytes() != p.read_bytes():
                stale.append(str(p.relative_to(ROOT)))
    return stale


if _stale := stale_install():
    pytest.exit(f"installed zfxxgk is older than its sources ({', '.join(_stale[:3])}…): run ./scripts/setup", 3)

SEEDS = seed_paths()
SEEDS_DIR = SEEDS[0].parent
SEED_IDS = [p.stem[:3] for p in SEEDS]


def gold_for(path: Path) -> dict:
    return json.loads((GOLD_DIR / (path.stem + ".json")).read_text(encoding="utf-8"))


@pytest.fixture(params=SEEDS, ids=SEED_IDS)
def seed(request) -> Path:
    return request.param
