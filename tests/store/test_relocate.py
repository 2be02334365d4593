"""A store made before the official divisions (regions guessed from names, without codes) is brought onto
them: units placed by their names inside what their old region certainly meant, ambiguous ones to
待确认, reviewers following their region, emptied old regions removed — and the statistics still add up."""

from __future__ import annotations

from sqlalchemy import select
from typer.testing import CliRunner

from tests.conftest import SEEDS_DIR
from tests.parse.builders import text_with
from zfxxgk import api
from zfxxgk.cli import EXIT_OK, app
from zfxxgk.store import dashboard as dash
from zfxxgk.store.placing import pending_units
from zfxxgk.store.regions import region_paths
from zfxxgk.store.relocate import old_regions, relocate
from zfxxgk.store.schema import Region, Unit
from zfxxgk.store.users import UserRow, add_user

runner = CliRunner()


def as_before_0009(store) -> None:
    """Put every unit into regions guessed from its name, the way stores were filled before 0009."""
    guessed = {"昌乐县": ["昌乐县乔官镇人民政府", "昌乐县鄌郚镇人民政府"], "安丘市": ["安丘市官庄镇人民政府"], "婺源县市": ["婺源县市场监督管理局"],
               "枣庄市": ["枣庄市台儿庄区涧头集镇人民政府"], "武陟县": ["武陟县大封镇人民政府"], "朝阳区": ["朝阳区财政局"]}
    with store.session() as s:
        s.execute(Unit.__table__.update().values(region_id=None, group_key=None))
        s.execute(Region.__table__.update().values(parent_id=None))
        s.execute(Region.__table__.delete())
        for name, units in guessed.items():
            region = Region(name=name, level="county", parent_id=None, code=None)
            s.add(region)
            s.flush()
            s.execute(Unit.__table__.update().where(Unit.name.in_(units)).values(region_id=region.id, group_key=region.id,
                                                                                  candidates=None))
    store._region_ids = None


def where(store) -> dict[str, str | None]:
    with store.session() as s:
        paths = region_paths(s)
        return {n: paths.get(r) if r else None for n, r in s.execute(select(Unit.name, Unit.region_id))}


def test_units_and_reviewers_move_to_official_divisions(store):
    assert all(o.error is None for o in api.import_paths([SEEDS_DIR], store))
    for unit in ("婺源县市场监督管理局", "朝阳区财政局"):
        api.import_bytes(text_with(unit=unit, year=2024).encode(), f"{unit}.txt", store)
    as_before_0009(store)
    add_user(store, "李四", "Passw0rd!2024x", "reviewer", region="昌乐县")
    assert old_regions(store) == 6

    done = relocate(store)

    placed = where(store)
    assert placed["昌乐县乔官镇人民政府"] == placed["昌乐县鄌郚镇人民政府"] == "山东省/潍坊市/昌乐县"
    assert placed["安丘市官庄镇人民政府"] == "山东省/潍坊市/安丘市"
    assert placed["婺源县市场监督管理局"] == "江西省/上饶市/婺源县"
    assert placed["枣庄市台儿庄区涧头集镇人民政府"] == "山东省/枣庄市/台儿庄区"
    assert placed["朝阳区财政局"] is None  # 北京 or 长春: nothing said which
    assert [p.name for p in pending_units(store)] == ["朝阳区财政局"]
    assert (done.placed, done.pending, done.users, done.removed, done.kept) == (6, 1, 1, 6, [])
    assert old_regions(store) == 0
    with store.session() as s:
        [reviewer_region] = s.scalars(select(UserRow.region_id).where(UserRow.name == "李四"))
        assert region_paths(s)[reviewer_region] == "山东省/潍坊市/昌乐县"
    for region in (None, "山东省", "山东省/潍坊市/昌乐县"):
        assert dash._summarised(store, 2024, region, None).to_dict() == dash._computed(store, 2024, region, None, None).to_dict()
    assert relocate(store).to_dict() == {"placed": 0, "pending": 0, "users": 0, "removed": 0, "kept": []}


def test_an_old_region_that_means_no_division_keeps_what_nothing_places(store):
    api.import_bytes(text_with(unit="某某管委会", year=2024).encode(), "a.txt", store)
    with store.session() as s:
        region = Region(name="某某新区", level="county", parent_id=None, code=None)
        s.add(region)
        s.flush()
        s.execute(Unit.__table__.update().values(region_id=region.id, group_key=region.id))
    store._region_ids = None
    done = relocate(store)
    assert done.kept == ["某某新区"] and where(store)["某某管委会"] == "某某新区"


def test_cli(tmp_path):
    db = tmp_path / "z.db"
    assert runner.invoke(app, ["import", str(SEEDS_DIR), "--db", str(db)]).exit_code == EXIT_OK
    from zfxxgk.store import Store

    store = Store(str(db))
    as_before_0009(store)
    store.close()
    result = runner.invoke(app, ["units", "relocate", "--db", str(db)])
    assert result.exit_code == EXIT_OK, result.output
    assert "已归入官方行政区划的单位 5 个" in result.output
