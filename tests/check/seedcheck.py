"""The seeds, parsed and checked once per test session (shared by the seed-pinning tests)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from tests.conftest import SEEDS_DIR
from zfxxgk.check import CheckResult, check
from zfxxgk.parse import parse_file

_RESULTS: dict[tuple[str, tuple[str, ...] | None], CheckResult] = {}


def seed_path(seed: str) -> Path:
    """The seed file whose name starts with ``seed`` (a missing corpus is an error, not a skip)."""
    found = sorted(SEEDS_DIR.glob(f"{seed}_*.txt"))
    if len(found) != 1:
        raise FileNotFoundError(f"seed {seed} not found under {SEEDS_DIR}")
    return found[0]


def seed_result(seed: str, select: Sequence[str] | None = None) -> CheckResult:
    """The check result of a seed with the selected rules (cached)."""
    key = (seed, tuple(select) if select else None)
    if key not in _RESULTS:
        _RESULTS[key] = check(parse_file(seed_path(seed)), select=select)
    return _RESULTS[key]
