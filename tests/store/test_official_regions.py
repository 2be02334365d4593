"""Regions are official divisions: a report's unit is placed by its name (or the user's region) in the
division table's province/city/county, an ambiguous name waits in the 待确认 queue, a typo is refused."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from tests.conftest import SEEDS_DIR
from tests.parse.builders import text_with
from zfxxgk import api, synth
from zfxxgk.cli import EXIT_INPUT, EXIT_OK, app
from zfxxgk.model import divisions
from zfxxgk.store import StoreError
from zfxxgk.store import dashboard as dash
from zfxxgk.store import users as users_mod
from zfxxgk.store.placing import pending_units, place_unit
from zfxxgk.store.queries import report_views
from zfxxgk.store.schema import Region
from zfxxgk.store.users import visible_report_ids

runner = CliRunner()


def paths(store) -> set[str]:
    return {r.path for r in dash.list_regions(store)}


def write(tmp_path, unit: str, year: int = 2024):
    path = tmp_path / f"{unit}.txt"
    path.write_text(text_with(unit=unit, year=year), encoding="utf-8")
    return path


def test_the_samples_land_in_their_official_divisions(store):
    assert all(o.error is None for o in api.import_paths([SEEDS_DIR], store))
    assert paths(store) == {"山东省", "山东省/潍坊市", "山东省/潍坊市/昌乐县", "山东省/潍坊市/安丘市",
                            "山东省/枣庄市", "山东省/枣庄市/台儿庄区", "河南省", "河南省/焦作市", "河南省/焦作市/武陟县"}
    levels = {r.path: r.level for r in dash.list_regions(store)}
    assert levels["山东省/潍坊市/安丘市"] == "county" and levels["山东省/潍坊市"] == "city"  # a county-level city
    with store.session() as s:
        codes = {r.name: r.code for r in s.query(Region)}
    assert codes["昌乐县"] == "370725" and codes["山东省"] == "370000"


def test_the_readme_reviewer_sees_exactly_the_two_changle_reports(store):
    assert all(o.error is None for o in api.import_paths([SEEDS_DIR], store))
    account = users_mod.add_user(store, "李四", "long-enough-1", "reviewer", region="山东省/潍坊市/昌乐县",
                                 create_scope=True)
    assert [p for p in paths(store) if p.endswith("昌乐县")] == ["山东省/潍坊市/昌乐县"]  # no second, empty 昌乐县
    ids = visible_report_ids(store, account, store.report_ids())
    units = {v.name for v in report_views(store, sorted(ids))}
    assert units == {"昌乐县乔官镇人民政府", "昌乐县鄌郚镇人民政府"}


def test_an_ambiguous_name_waits_to_be_placed(store, tmp_path):
    (o,) = api.import_paths([write(tmp_path, "朝阳区财政局")], store)
    assert o.error is None
    (pending,) = pending_units(store)
    assert pending.name == "朝阳区财政局" and pending.reports == 1
    assert set(pending.candidates) >= {"北京市/朝阳区", "吉林省/长春市/朝阳区"}
    assert not any("朝阳" in p for p in paths(store))  # never guessed, never a region of its own
    with pytest.raises(StoreError, match="没有地区"):
        place_unit(store, "朝阳区财政局", "北京市/朝阳县")
    assert place_unit(store, "朝阳区财政局", "北京市/朝阳区") == "北京市/朝阳区"
    assert pending_units(store) == []
    assert report_views(store)[0].unit.region == "北京市/朝阳区"


def test_the_users_region_settles_an_ambiguous_name_and_a_deeper_division_wins(store, tmp_path):
    assert list(api.import_paths([write(tmp_path, "朝阳区财政局")], store, region="吉林省"))[0].error is None
    assert list(api.import_paths([write(tmp_path, "昌乐县乔官镇人民政府")], store, region="山东省/潍坊市"))[0].error is None
    regions = {v.name: v.unit.region for v in report_views(store)}
    assert regions == {"朝阳区财政局": "吉林省/长春市/朝阳区", "昌乐县乔官镇人民政府": "山东省/潍坊市/昌乐县"}


def test_a_typed_region_that_names_no_division_is_refused_with_suggestions(store, tmp_path):
    with pytest.raises(StoreError, match="昌乐县"):
        list(api.import_paths([write(tmp_path, "某某镇人民政府")], store, region="山东省/潍坊市/昌东县"))
    assert paths(store) == set() and store.count_reports() == 0
    with pytest.raises(StoreError, match="多个地区"):
        list(api.import_paths([write(tmp_path, "某某镇人民政府")], store, region="朝阳区"))


def test_cli_refuses_a_typo_and_lists_and_places_pending_units(tmp_path):
    db = str(tmp_path / "z.db")
    bad = runner.invoke(app, ["import", str(write(tmp_path, "昌乐县乔官镇人民政府")), "--db", db, "--region", "昌东县"])
    assert bad.exit_code == EXIT_INPUT and "昌乐县" in bad.stderr
    assert runner.invoke(app, ["import", str(write(tmp_path, "朝阳区财政局")), "--db", db]).exit_code == EXIT_OK
    listed = runner.invoke(app, ["units", "pending", "--json", "--db", db])
    (rec,) = [json.loads(x) for x in listed.stdout.splitlines()]
    assert rec["unit"] == "朝阳区财政局" and "北京市/朝阳区" in rec["candidates"]
    placed = runner.invoke(app, ["units", "place", "朝阳区财政局", "--region", "北京市/朝阳区", "--db", db])
    assert placed.exit_code == EXIT_OK and "北京市/朝阳区" in placed.stdout
    assert "没有待确认" in runner.invoke(app, ["units", "pending", "--db", db]).stdout


def test_synthetic_units_are_all_placed_in_official_divisions(store, tmp_path):
    # 2,000 synthetic unit names: each names exactly one division (a township is a unit, not a region)
    names = {synth.plan(i, 7, "txt", None, 0.0).report.unit for i in range(2000)}
    located = [divisions.locate(n) for n in names]
    assert all(x.division is not None for x in located)
    # and a corpus through the batch door creates official divisions only
    from zfxxgk.app.ingest import batch_import

    synth.synthesize(tmp_path / "c", 60, seed=3)
    batch_import([tmp_path / "c" / "reports"], store, workers=2)
    with store.session() as s:
        regions = list(s.query(Region))
    assert regions and all(r.code is not None and divisions.division(r.code) is not None for r in regions)


def test_migration_0009_adds_codes_and_candidates_and_goes_back(tmp_path):
    from sqlalchemy import inspect

    from tests.store.conftest import migrated

    engine, down = migrated(tmp_path, "0008")
    assert "code" in {c["name"] for c in inspect(engine).get_columns("regions")}
    assert "candidates" in {c["name"] for c in inspect(engine).get_columns("units")}
    down()
    assert "code" not in {c["name"] for c in inspect(engine).get_columns("regions")}
    engine.dispose()
