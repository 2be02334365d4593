"""The installed package uses the compiled text parser (mypyc, see pyproject.toml)."""

import importlib
import importlib.util
import os

import pytest


def build_list() -> list[str]:
    """The modules the wheel compiles, as pyproject.toml lists them (the one list)."""
    import tomllib
    from pathlib import Path

    cfg = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    include = cfg["tool"]["hatch"]["build"]["targets"]["wheel"]["hooks"]["mypyc"]["include"]
    return sorted(p.removeprefix("/src/").removesuffix(".py").replace("/", ".") for p in include)


HOT = build_list()


def test_the_hot_path_is_compiled():
    compiled = {m: importlib.import_module(m).__file__.endswith(".so") for m in HOT}
    if not any(compiled.values()) and not os.environ.get("ZFXXGK_REQUIRE_COMPILED"):
        pytest.skip("running from the sources (PYTHONPATH=src or an editable install)")
    assert all(compiled.values()), [m for m, c in compiled.items() if not c]


def test_the_build_list_names_existing_modules():
    assert HOT and all(importlib.util.find_spec(m) is not None for m in HOT)
