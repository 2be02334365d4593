"""The installed package uses the compiled text parser (mypyc, see pyproject.toml)."""

import importlib
import os

import pytest

HOT = ["zfxxgk.check.identity", "zfxxgk.check.prose_text", "zfxxgk.check.registry", "zfxxgk.check.rules._cells",
       "zfxxgk.check.rules._common", "zfxxgk.check.rules._identity_rule", "zfxxgk.model.finding", "zfxxgk.model.ids", "zfxxgk.model.report", "zfxxgk.model.text", "zfxxgk.parse.header", "zfxxgk.parse.labels",
       "zfxxgk.parse.normalize", "zfxxgk.parse.rows", "zfxxgk.parse.sections", "zfxxgk.parse.tables",
       "zfxxgk.parse.text", "zfxxgk.parse.values"]


def test_the_hot_path_is_compiled():
    compiled = {m: importlib.import_module(m).__file__.endswith(".so") for m in HOT}
    if not any(compiled.values()) and not os.environ.get("ZFXXGK_REQUIRE_COMPILED"):
        pytest.skip("running from the sources (PYTHONPATH=src or an editable install)")
    assert all(compiled.values()), [m for m, c in compiled.items() if not c]


def test_the_compiled_list_is_the_build_list():
    import tomllib
    from pathlib import Path

    cfg = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    include = cfg["tool"]["hatch"]["build"]["targets"]["wheel"]["hooks"]["mypyc"]["include"]
    assert sorted(p.removeprefix("/src/").removesuffix(".py").replace("/", ".") for p in include) == sorted(HOT)
