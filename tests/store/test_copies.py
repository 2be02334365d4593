"""Text copied from another unit of the same year (XU-TEXT-COPY) through the store: every door's ingest compares a
year's reports, the findings name the other unit and stay true across re-imports, rechecks and new versions."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import delete
from typer.testing import CliRunner

from tests.parse.builders import report_with
from zfxxgk import api
from zfxxgk.app import copies, ingest, recheck, review, versions
from zfxxgk.cli import EXIT_INPUT, EXIT_OK, app
from zfxxgk.model import Section, Span
from zfxxgk.render import render_text
from zfxxgk.store.schema import TextCopy, TextPrint

S1 = ("{y}年，{place}在县委、县政府的正确领导下，认真贯彻落实《政府信息公开条例》，坚持以公开为常态、不公开为例外，"
      "围绕群众关心的热点难点问题，进一步加大政府信息公开工作力度，拓宽公开渠道和领域。全年通过政府门户网站主动公开政府信息{n}条，"
      "通过微信公众号发布信息{m}条，公开内容涵盖机关简介、领导信息、安全生产、环境保护、国土空间规划等。")
S5 = ("一是政府信息公开工作人员业务水平有待提高；二是公开内容的深度和广度仍需拓展。下一步，{place}将加强业务培训，"
      "完善信息发布审核机制，不断提升政府信息公开工作水平。")
OWN1 = ("本年度依托便民服务中心和村务公开栏开展政务公开，围绕乡村振兴、农村低保、惠农补贴、宅基地审批等事项发布信息三百余条，"
        "群众查阅量明显上升，依申请公开全部按期答复，没有发生行政复议和诉讼。")
OWN5 = ("针对本镇实际，存在的主要问题是公开栏更新不及时、解读材料偏少；下一步将建立每月更新台账，增加图表解读，"
        "组织专题培训，提高信息发布质量和时效。")
A, B, C = "昌乐县乔官镇人民政府", "武陟县大封镇人民政府", "安丘市官庄镇人民政府"


def write(path, unit, place, year=2024, n=120, m=35, s1=None, s5=None, published=None):
    r = report_with(unit=unit, year=year)
    r.sections = {1: Section(1, 1, "", "", False, s1 or S1.format(y=year, place=place, n=n, m=m), Span(0, 0, 0, 0)),
                  5: Section(5, 5, "", "", False, s5 or S5.format(place=place), Span(0, 0, 0, 0))}
    if published is not None:
        r.signed_on = published
    path.write_text(render_text(r), encoding="utf-8")
    return path


def imported(store, *paths):
    outs = list(ingest(list(paths), store))
    assert all(o.error is None for o in outs), [o.error for o in outs]
    return [o.report_id for o in outs]


def copy_findings(store, rid):
    return [f for f, _ in store.findings(rid) if f.rule == "XU-TEXT-COPY"]


@pytest.fixture
def three(store, tmp_path):
    """A and B: B's sections 1 and 5 are A's with the names, the year's spelling and the numbers changed; C wrote its own."""
    a = write(tmp_path / "a.txt", A, "乔官镇")
    b = write(tmp_path / "b.txt", B, "大封镇", n=88, m=12)
    b.write_text(b.read_text(encoding="utf-8").replace("2024年，大封镇", "二〇二四年，大封镇"), encoding="utf-8")
    c = write(tmp_path / "c.txt", C, "官庄镇", s1=OWN1, s5=OWN5)
    return dict(zip("abc", imported(store, a, b, c), strict=True))


def test_both_units_get_a_finding_naming_the_other(store, three):
    a, b, c = three["a"], three["b"], three["c"]
    fa, fb = copy_findings(store, a), copy_findings(store, b)
    assert sorted(f.message for f in fa) == [
        "2024年度报告第一部分与武陟县大封镇人民政府同年度报告文字重复率为100%，超过50%。",
        "2024年度报告第五部分与武陟县大封镇人民政府同年度报告文字重复率为100%，超过50%。",
    ]
    assert {f.evidence["section"] for f in fb} == {1, 5} and all(A in f.message for f in fb)
    peer = fa[0].evidence["peers"][0]
    assert peer["report_id"] == b and peer["unit"] == B and peer["rate"] == 1.0
    assert fa[0].evidence["threshold"] == 0.5 and fa[0].evidence["min_run"] == 8
    assert copy_findings(store, c) == []


def test_reimporting_rechecking_and_correcting_keep_the_findings(store, three, tmp_path):
    a = three["a"]
    before = sorted(f.fingerprint for f in copy_findings(store, a))
    assert len(before) == 2
    again = list(ingest([tmp_path], store))  # every file again: nothing new
    assert not any(o.created for o in again)
    recheck(store, a)
    assert sorted(f.fingerprint for f in copy_findings(store, a)) == before
    review.correct(store, a, {"t3.new_received.total": 0}, "张三", "核对原件")
    assert sorted(f.fingerprint for f in copy_findings(store, a)) == before
    assert copies.refresh(store, [2024]).settled == 0  # nothing changed: nothing written again


def test_a_new_version_that_rewrites_the_text_removes_the_findings(store, three, tmp_path):
    a = three["a"]
    fixed = write(tmp_path / "b2.txt", B, "大封镇", published=dt.date(2025, 3, 1),
                  s1="今年大封镇把政务公开和网格化治理结合起来，在二十个行政村设立信息员，每月收集群众想了解的事项，"
                     "按月编印公开简报送到农户手中，全年没有收到投诉。",
                  s5="我们看到的不足：简报内容以通知为主，政策解读少；信息员流动大。明年打算请县里的专家每季度来讲一次课，"
                     "并给信息员发放补贴，稳定队伍。")
    (b2,) = imported(store, fixed)
    assert store.find_report(B, 2024) == b2  # the new version is the current one
    assert copy_findings(store, a) == [] and copy_findings(store, b2) == []
    assert copies.clusters(store, 2024).clusters == ()


def test_withdrawing_the_copy_settles_the_other_unit(store, three):
    a, b = three["a"], three["b"]
    versions.withdraw(store, b, "张三", "重复上传")
    assert copy_findings(store, a) == []
    versions.restore(store, b, "张三", "误操作")
    assert len(copy_findings(store, a)) == 2


def test_versions_of_the_same_unit_never_match(store, tmp_path):
    first = write(tmp_path / "v1.txt", A, "乔官镇")
    second = write(tmp_path / "v2.txt", A, "乔官镇", n=121, published=dt.date(2025, 2, 1))
    ids = imported(store, first, second)
    assert all(copy_findings(store, rid) == [] for rid in ids)
    with store.session() as s:
        assert s.query(TextCopy).count() == 0


def test_a_near_copy_is_found_through_the_signatures_and_measured(store, tmp_path):
    """Not the same masked text (so not the exact-copy shortcut): the LSH proposes it, the measure decides."""
    own = "全年共开展政务公开专题培训四次，组织村级公开栏规范化检查两轮，整改问题二十余项，群众满意度进一步提高。"
    a = write(tmp_path / "a.txt", A, "乔官镇")
    b = write(tmp_path / "b.txt", B, "大封镇", s1=S1.format(y=2024, place="大封镇", n=7, m=8) + own,
              s5="我们看到的不足：简报内容以通知为主，政策解读少；信息员流动大。明年打算请县里的专家每季度来讲一次课，"
                 "并给信息员发放补贴，稳定队伍。")
    c = write(tmp_path / "c.txt", C, "官庄镇", s1=OWN1, s5=S5.format(place="官庄镇")[:60] + OWN5)
    ra, rb, rc = imported(store, a, b, c)
    (fb,) = copy_findings(store, rb)
    assert fb.evidence["section"] == 1 and 0.5 < fb.evidence["rate"] < 1.0
    assert fb.evidence["peers"][0]["report_id"] == ra
    fa = {f.evidence["section"]: f for f in copy_findings(store, ra)}
    assert fa[1].evidence["rate"] == 1.0 and fa[1].evidence["peers"][0]["report_id"] == rb  # inside B's, wholly
    # C took most of A's short section 5 and wrote more than as much again: A's text is mostly C's,
    # C's own is not mostly A's
    assert fa[5].evidence["peers"][0]["report_id"] == rc and fa[5].evidence["rate"] > 0.5
    assert copy_findings(store, rc) == []


def test_the_index_and_the_scan_find_the_same_pairs(store, tmp_path, monkeypatch):
    """The LSH index (a batch) and comparing every signature (a few uploads) propose the same copies here."""
    own = "全年共开展政务公开专题培训四次，组织村级公开栏规范化检查两轮，整改问题二十余项，群众满意度进一步提高。"
    paths = [write(tmp_path / "a.txt", A, "乔官镇"), write(tmp_path / "b.txt", B, "大封镇", s1=S1.format(y=2024, place="大封镇", n=7, m=8) + own),
             write(tmp_path / "c.txt", C, "官庄镇", s1=OWN1, s5=OWN5)]
    ids = imported(store, *paths)

    def pairs():
        with store.session() as s:
            return sorted((r.report_id, r.other_id, r.section, round(r.share, 4)) for r in s.query(TextCopy))

    scanned = pairs()
    assert {(ids[0], ids[1]), (ids[1], ids[0])} <= {(r, o) for r, o, _, _ in scanned}
    with store.session() as s:
        s.execute(delete(TextCopy))
        s.execute(delete(TextPrint))
    monkeypatch.setattr(copies, "LSH_FROM", 1)
    assert copies.refresh(store, [2024]).printed == 3
    assert pairs() == scanned


def test_a_store_without_prints_is_compared_by_the_command(store, three, tmp_path):
    """Reports stored before this rule existed: `zfxxgk copies` compares them and settles their findings."""
    with store.session() as s:
        s.execute(delete(TextCopy))
        s.execute(delete(TextPrint))
    copies.settle(store, 2024)
    assert copy_findings(store, three["a"]) == []  # not compared: not assessable, no finding
    found = copies.clusters(store, 2024)
    assert [[m.unit for m in c.members] for c in found.clusters] == [[A, B]]
    assert len(copy_findings(store, three["a"])) == 2


def test_prints_made_by_the_workers_are_those_the_refresh_would_make(store, three):
    """An ingest stores the workers' prints with each chunk; made again from the stored texts they are equal."""
    with store.session() as s:
        made = sorted((r.report_id, r.section, r.scheme, r.length, r.digest, r.minhash) for r in s.query(TextPrint))
    assert made and {m[2] for m in made} == {copies.SCHEME}  # matched at the end of the run: pending no more
    with store.session() as s:
        s.execute(delete(TextPrint))
    copies.refresh(store, [2024])
    with store.session() as s:
        again = sorted((r.report_id, r.section, r.scheme, r.length, r.digest, r.minhash) for r in s.query(TextPrint))
    assert again == made


def test_prints_left_pending_by_a_stopped_run_are_matched_by_the_next_refresh(store, tmp_path, monkeypatch):
    """A run stopped after its chunks were written, before the refresh: the next refresh matches its prints."""
    monkeypatch.setattr(copies, "refresh_quietly", lambda store, years, workers=1: None)  # the run stops before the refresh
    a, b = imported(store, write(tmp_path / "a.txt", A, "乔官镇"), write(tmp_path / "b.txt", B, "大封镇", n=88, m=12))
    with store.session() as s:
        assert {r.scheme for r in s.query(TextPrint)} == {copies.PENDING}
    assert copy_findings(store, a) == []
    done = copies.refresh(store, [2024])
    assert done.printed == 0 and done.pairs == 2  # nothing printed again; both sections matched
    assert len(copy_findings(store, a)) == 2 and len(copy_findings(store, b)) == 2


def test_prints_made_under_another_unit_name_are_not_stored(store, three):
    """The worker's prints are kept only when the report was stored under the unit name they were made with."""
    a = three["a"]
    with store.session() as s:
        s.execute(delete(TextPrint))
    made = copies.prints("别的单位", {1: "一" * 300})
    copies.save_made(store, [(a, "别的单位", made)])
    with store.session() as s:
        assert s.query(TextPrint).count() == 0


@pytest.mark.parametrize("lsh", [False, True], ids=["scan", "lsh"])
def test_a_crowded_template_stays_bounded(store, tmp_path, monkeypatch, lsh):
    """Eight units filled in one template: each is measured against a bounded number of others, all are flagged
    and they form one cluster (candidates from the LSH index, or from comparing every signature)."""
    monkeypatch.setattr(copies, "MAX_VERIFIED", 2)
    monkeypatch.setattr(copies, "BUCKET_SAMPLE", 3)
    monkeypatch.setattr(copies, "LSH_FROM", 1 if lsh else 10_000)
    names = ["昌乐县乔官镇", "武陟县大封镇", "安丘市官庄镇", "昌乐县鄌郚镇", "临朐县九山镇", "寿光市侯镇", "青州市王坟镇", "诸城市林家村镇"]
    paths = [write(tmp_path / f"t{k}.txt", n + "人民政府", n[3:], n=k, m=k + 1,
                   s1=S1.format(y=2024, place=n[3:], n=k, m=1) + f"另有特色工作{'一二三四五六七八'[k]}项。")
             for k, n in enumerate(names)]
    ids = imported(store, *paths)
    assert all(copy_findings(store, rid) for rid in ids)
    with store.session() as s:
        pairs = s.query(TextCopy).filter(TextCopy.section == 1).count() // 2  # stored both ways
    assert pairs <= len(ids) * 2 < len(ids) * (len(ids) - 1) // 2  # at most MAX_VERIFIED per text, not all pairs
    (cluster,) = copies.clusters(store, 2024).clusters
    assert len(cluster.members) == len(ids)


def test_the_copies_command(tmp_path):
    runner = CliRunner()
    db = str(tmp_path / "z.db")
    (tmp_path / "in").mkdir()
    write(tmp_path / "in" / "a.txt", A, "乔官镇")
    write(tmp_path / "in" / "b.txt", B, "大封镇", n=9)
    write(tmp_path / "in" / "c.txt", C, "官庄镇", s1=OWN1, s5=OWN5)
    assert runner.invoke(app, ["import", str(tmp_path / "in"), "--db", db]).exit_code == EXIT_OK
    shown = runner.invoke(app, ["copies", "--year", "2024", "--db", db])
    assert shown.exit_code == EXIT_OK, shown.output
    assert "1 组，涉及 2 个单位" in shown.stdout and "第一部分" in shown.stdout and "100%" in shown.stdout
    assert "官庄镇" not in shown.stdout
    lines = runner.invoke(app, ["copies", "--year", "2024", "--db", db, "--json"]).stdout.splitlines()
    (group,) = [json.loads(x) for x in lines]
    assert {u["unit"] for u in group["units"]} == {A, B} and {o["section"] for o in group["overlaps"]} == {1, 5}
    inside = runner.invoke(app, ["copies", "--year", "2024", "--db", db, "--region", "山东省/潍坊市"])
    assert inside.exit_code == EXIT_OK and "山东省/潍坊市" in inside.stdout and "1 组" in inside.stdout
    typo = runner.invoke(app, ["copies", "--year", "2024", "--db", db, "--region", "山东省/维坊市"])
    assert typo.exit_code == EXIT_INPUT and "山东省/潍坊市" in typo.stderr
    none = runner.invoke(app, ["copies", "--year", "2023", "--db", db])
    assert none.exit_code == EXIT_OK and "没有发现" in none.stdout


def test_an_import_through_the_api_compares_too(store, tmp_path):
    """api.import_paths (the CLI's and the web's door) is the same ingest."""
    write(tmp_path / "a.txt", A, "乔官镇")
    write(tmp_path / "b.txt", B, "大封镇")
    outs = list(api.import_paths([tmp_path / "a.txt", tmp_path / "b.txt"], store))
    assert all(copy_findings(store, o.report_id) for o in outs)


def test_migration_0011_adds_the_tables_and_goes_back(tmp_path):
    from sqlalchemy import inspect

    from tests.store.conftest import migrated

    engine, down = migrated(tmp_path, "0010")
    assert {"text_prints", "text_copies"} <= set(inspect(engine).get_table_names())
    down()
    assert not {"text_prints", "text_copies"} & set(inspect(engine).get_table_names())
    engine.dispose()


def test_the_candidates_measured_are_the_most_alike_first_ties_by_index():
    """Of a year's texts, the ones whose signatures agree most are measured (at most ``limit``), the
    lowest index first among equals, none below the estimate's minimum."""
    import numpy as np

    from zfxxgk.app.copies import MIN_ESTIMATE, _ranked

    alike = np.array([0.30, 0.90, MIN_ESTIMATE / 2, 0.90, 0.50, MIN_ESTIMATE])
    among = np.array([10, 11, 12, 13, 14, 15])
    assert _ranked(alike, among, 3) == [11, 13, 14]
    assert _ranked(alike, among, 10) == [11, 13, 14, 10, 15]
    assert all(type(k) is int for k in _ranked(alike, among, 10))


@pytest.mark.parametrize("sample", [10**9, 3])
def test_the_bands_give_every_text_sharing_a_bucket_at_most_a_sample_of_each(monkeypatch, sample):
    """The numpy banding against the definition: texts agreeing on all values of a band share its bucket;
    of a crowded bucket the lowest indexes are taken; the text itself is always among its candidates."""
    import numpy as np

    from zfxxgk.app.copies import LSH_BANDS, LSH_ROWS, NUM_PERM, _Bands

    monkeypatch.setattr(copies, "BUCKET_SAMPLE", sample)
    rng = np.random.default_rng(7)
    n = 400
    rare = rng.integers(0, 2**32, size=(n, NUM_PERM), dtype=np.uint64).astype(np.uint32)
    matrix = np.where(rng.random((n, NUM_PERM)) < 0.2, rare, rng.integers(0, 2, size=(n, NUM_PERM), dtype=np.uint32))
    bands = _Bands(matrix)
    for k in [0, 1, 57, 199, 398, 399]:
        want = {k}
        for b in range(LSH_BANDS):
            cols = slice(b * LSH_ROWS, (b + 1) * LSH_ROWS)
            want.update(np.flatnonzero((matrix[:, cols] == matrix[k, cols]).all(axis=1))[:sample].tolist())
        assert bands.candidates(k).tolist() == sorted(want)


def test_a_text_is_its_own_candidate_in_a_crowded_template(monkeypatch):
    """Exact copies among other units are found through a text's own index, however crowded its buckets."""
    import numpy as np

    from zfxxgk.app.copies import NUM_PERM, _Bands

    monkeypatch.setattr(copies, "BUCKET_SAMPLE", 3)
    bands = _Bands(np.ones((50, NUM_PERM), dtype=np.uint32))
    assert bands.candidates(49).tolist() == [0, 1, 2, 49]
    assert bands.candidates(1).tolist() == [0, 1, 2]


def test_of_many_candidates_the_most_alike_on_the_first_values_are_ranked():
    """A crowded year: the shortlist is taken on the first COARSE values, then ranked on the whole
    signatures — the definition written out with Python sorts."""
    import numpy as np

    from zfxxgk.app.copies import COARSE, NUM_PERM, SHORTLIST, _nearest, _ranked

    rng = np.random.default_rng(3)
    n = 3 * SHORTLIST
    base = rng.integers(0, 2**32, NUM_PERM, dtype=np.uint64).astype(np.uint32)
    other = rng.integers(0, 2**32, (n, NUM_PERM), dtype=np.uint64).astype(np.uint32)
    matrix = np.where(rng.random((n, NUM_PERM)) < rng.random((n, 1)), base, other)
    head = np.ascontiguousarray(matrix[:, :COARSE])
    found = np.arange(0, n, dtype=np.int64)
    for k in (0, 5, n - 1):
        coarse = [int((matrix[i, :COARSE] == matrix[k, :COARSE]).sum()) for i in found]
        shortlist = np.array(sorted(sorted(found.tolist(), key=lambda i: -coarse[i])[:SHORTLIST]))
        whole = np.array([(matrix[i] == matrix[k]).sum() / NUM_PERM for i in shortlist])
        assert _nearest(matrix, head, k, found, 20) == _ranked(whole, shortlist, 20)
        few = found[: SHORTLIST - 1]  # no more than the shortlist: all ranked on the whole signatures
        assert _nearest(matrix, head, k, few, 20) == _ranked(
            np.array([(matrix[i] == matrix[k]).sum() / NUM_PERM for i in few]), few, 20)


def test_the_sections_matched_on_several_processes_give_the_same_pairs(store, tmp_path, monkeypatch):
    """A batch's refresh matches each year's sections on its workers (each reading the store on its own
    connection): the pairs, and so the findings, are those of one process."""
    own = "全年共开展政务公开专题培训四次，组织村级公开栏规范化检查两轮，整改问题二十余项，群众满意度进一步提高。"
    paths = []
    for year in (2023, 2024):
        paths += [write(tmp_path / f"a{year}.txt", A, "乔官镇", year=year),
                  write(tmp_path / f"b{year}.txt", B, "大封镇", year=year, s1=S1.format(y=year, place="大封镇", n=7, m=8) + own),
                  write(tmp_path / f"c{year}.txt", C, "官庄镇", year=year, s1=OWN1, s5=OWN5)]
    ids = imported(store, *paths)

    def state():
        with store.session() as s:
            pairs = sorted((r.report_id, r.other_id, r.section, round(r.share, 4)) for r in s.query(TextCopy))
        return pairs, {rid: [(f.rule, f.message, f.evidence) for f in copy_findings(store, rid)] for rid in ids}

    alone = state()
    assert len(alone[0]) >= 8  # A and B, both ways, in both sections and both years
    with store.session() as s:
        s.execute(delete(TextCopy))
        s.execute(delete(TextPrint))
    pools = []

    def pool(workers):
        pools.append(workers)
        return real(workers)

    real = copies.process_pool
    monkeypatch.setattr(copies, "process_pool", pool)
    monkeypatch.setattr(copies, "PARALLEL_FROM", 1)
    done = copies.refresh(store, [2023, 2024], workers=2)
    assert pools == [2] and done.printed == 6 and done.pairs == len(alone[0]) // 2
    assert state() == alone
    monkeypatch.setattr(copies, "PARALLEL_FROM", 7)  # fewer new texts: matched here
    with store.session() as s:
        s.execute(delete(TextCopy))
        s.execute(delete(TextPrint))
    copies.refresh(store, [2023, 2024], workers=2)
    assert pools == [2] and state() == alone
