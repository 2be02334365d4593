"""Collection from a fixture portal on 127.0.0.1: exactly the linked reports are imported (the HTML
article, PDF and DOCX attachments), with the portal's publication dates; robots.txt is honoured, the delay
kept, errors recorded and the run goes on; a re-run imports nothing; an interrupted run continues."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from sqlalchemy import select

from tests.collect.fixture_portal import UNITS, Portal, build
from zfxxgk.collect.http import Polite
from zfxxgk.collect.run import Settings, collect
from zfxxgk.store import Store
from zfxxgk.store import collecting as rec
from zfxxgk.store.schema import ReportRow, Unit

DELAY = 0.05


@pytest.fixture
def portal():
    pages, dates = build()
    with Portal(pages) as p:
        p.dates = dates
        yield p


@pytest.fixture
def store(tmp_path):
    s = Store(str(tmp_path / "c.db"))
    yield s
    s.close()


def client(sleeps: list[float] | None = None) -> Polite:
    def sleep(t: float) -> None:
        if sleeps is not None:
            sleeps.append(t)
        time.sleep(t)

    return Polite(delay=DELAY, timeout=5, allowed_hosts=frozenset({"127.0.0.1"}), sleep=sleep)


def run(store, portal, **kw):
    with client(kw.pop("sleeps", None)) as c:
        return collect(store, [portal.base + "/xxgk/gknb/index.htm"], settings=Settings(delay=DELAY), client=c, **kw)


def stored(store) -> dict[str, tuple[int, str | None]]:
    with store.session() as s:
        return {u: (y, p.isoformat() if p else None) for u, y, p in
                s.execute(select(Unit.name, ReportRow.year, ReportRow.published_on).join(ReportRow.unit))}


def test_the_linked_reports_are_imported_with_the_portals_dates(store, portal):
    sleeps: list[float] = []
    result = run(store, portal, sleeps=sleeps)
    assert result.state == "done"
    assert stored(store) == {u: (2024, portal.dates[u].isoformat()) for u in UNITS}
    assert result.progress.imported == 4
    # robots.txt was read first and its Disallow honoured, even for a link with a report's title
    assert portal.paths()[0] == "/robots.txt"
    assert not any(p.startswith("/private/") for p in portal.paths())
    docs = {d.url.removeprefix(portal.base): d for d in rec.documents(store)}
    assert "robots.txt" in docs["/private/t20250101_1.html"].error
    assert "404" in docs["/xxgk/gknb/202501/t20250105_404.html"].error
    assert "不存在或已删除" in docs["/xxgk/gknb/202501/t20250106_gone.html"].error
    assert docs["/xxgk/gknb/202501/t20250110_103.html"].state == "skipped"  # not a report: recorded, not fetched
    assert "/xxgk/gknb/202501/t20250110_103.html" not in portal.paths()
    # the 429 was retried after the Retry-After it named
    assert portal.paths().count("/attach/2025/report104.docx") == 2 and 1.0 in sleeps
    # one request at a time, at least the delay apart
    times = [h.at for h in portal.log]
    assert all(b - a >= DELAY * 0.99 for a, b in zip(times, times[1:], strict=False))
    # provenance
    doc = docs["/attach/2025/report102.pdf"]
    assert doc.state == "done" and doc.status == 200 and doc.published == "2025-01-20" and doc.report_id is not None


def test_a_second_run_asks_conditionally_and_imports_nothing(store, portal):
    run(store, portal)
    with store.session() as s:
        before = s.scalar(select(ReportRow.id).order_by(ReportRow.id.desc()))
    portal.log.clear()
    again = run(store, portal)
    assert again.progress.imported == 0 and again.progress.failed == 0 or again.progress.imported == 0
    with store.session() as s:
        assert s.scalar(select(ReportRow.id).order_by(ReportRow.id.desc())) == before
    conditional = [h for h in portal.log if "if-none-match" in h.headers]
    assert {h.path for h in conditional} >= {"/xxgk/gknb/index.htm", "/attach/2025/report102.pdf"}


def test_an_interrupted_run_continues_where_it_stopped(store, portal, tmp_path):
    steps = iter(range(100))
    first = run(store, portal, stop=lambda: next(steps) >= 4)
    assert first.state == "interrupted"
    assert len(stored(store)) < 4
    fetched_before = [p for p in portal.paths() if "/attach/" in p or "/t2025" in p]
    second = run(store, portal)
    assert second.state == "done"
    assert set(stored(store)) == set(UNITS)
    fetched_after = [p for p in portal.paths()[len(fetched_before):] if "/attach/" in p or "/t2025" in p]
    assert not set(fetched_before) & {p for p in fetched_after if p.endswith((".pdf", ".docx"))}


def test_a_report_changed_after_publication_is_noticed(store, portal):
    run(store, portal)
    from tests.collect.fixture_portal import reports
    from zfxxgk.render import render

    changed = reports()[3]
    changed.cells["t3.new_received.total"] = type(changed.cells["t3.new_received.total"])(
        "t3.new_received.total", changed.cells["t3.new_received.total"].state, 9, "9")
    portal.pages["/attach/2025/t20250128_105.docx"].body = render(changed, "docx")
    again = run(store, portal)
    assert again.progress.changed == 1
    [doc] = [d for d in rec.documents(store) if d.url.endswith("t20250128_105.docx")]
    assert doc.changed
    [pub] = [f for f, _ in store.findings(doc.report_id) if f.rule == "PUB-MODIFIED"]
    assert "报告发布后被修改" in pub.message and "由4改为9" in pub.message
    # the first version is kept, unchanged, as the report as first published
    assert {v.report_id for v in store.versions(doc.report_id)} >= {doc.report_id}
    assert len(store.versions(doc.report_id)) == 2


def test_two_copies_that_disagree_are_reported(store, portal):
    """The article page holds the report and links a PDF of it with another number."""
    from tests.collect.fixture_portal import UNITS, article_page, reports
    from tests.parse.portals import body_of

    r = reports()[1]
    page = r.cells["t3.granted.total"]
    r.cells["t3.granted.total"] = type(page)("t3.granted.total", page.state, 5, "5")
    portal.pages["/xxgk/gknb/202501/t20250120_102.html"].body = article_page(
        f"{UNITS[1]}2024年政府信息公开工作年度报告", portal.dates[UNITS[1]],
        body_of(r) + '<p>附件：<a href="../../../attach/2025/report102.pdf">2024年年报.pdf</a></p>', "x/2025-2")
    run(store, portal)
    [pdf] = [d for d in rec.documents(store) if d.url.endswith("report102.pdf")]
    found = [f for f, _ in store.findings(pdf.report_id) if f.rule == "PUB-MODIFIED"]
    assert found and "同一报告在另一处发布的文件" in found[0].message and "t20250120_102.html" in found[0].message


def test_cli(tmp_path, portal):
    from typer.testing import CliRunner

    from zfxxgk.cli import EXIT_INPUT, app

    db = str(tmp_path / "z.db")
    runner = CliRunner()
    url = portal.base + "/xxgk/gknb/index.htm"
    first = runner.invoke(app, ["collect", url, "--db", db, "--delay", "0.01", "--json"])
    assert first.exit_code == EXIT_INPUT  # three dead or forbidden links failed (the rest went on)
    import json

    counts = json.loads(first.stdout)
    assert (counts["imported"], counts["failed"], counts["state"]) == (4, 3, "done")
    again = json.loads(runner.invoke(app, ["collect", url, "--db", db, "--delay", "0.01", "--json"]).stdout)
    assert again["imported"] == 0
    assert runner.invoke(app, ["collect", "--db", db]).exit_code == EXIT_INPUT
    bad = runner.invoke(app, ["collect", "ftp://x", "--db", db])
    assert bad.exit_code == EXIT_INPUT and "http" in bad.stderr


def test_a_unit_whose_column_gives_no_report_is_not_a_report_in_coverage(store, tmp_path):
    """The registry's column of a unit links its 2024 report, but the page is something else."""
    from tests.collect.fixture_portal import Page, article_page, list_page
    from tests.store.test_registry import write_csv
    from zfxxgk.app.coverage import coverage
    from zfxxgk.store.registry import import_registry

    pages = {
        "/robots.txt": Page(b"", status=404),
        "/hq/gknb/index.htm": Page(list_page([("./t1.html", "东风县红旗镇2024年政府信息公开工作年度报告", "2025-01-20")], "")),
        "/hq/gknb/t1.html": Page(article_page("东风县红旗镇2024年政府信息公开工作年度报告", dt.date(2025, 1, 20),
                                              "<p>本栏目正在建设中，敬请期待。</p>", "x/2025-1")),
    }
    with Portal(pages) as p:
        import_registry(store, write_csv(tmp_path / "r.csv", [
            ["东风县红旗镇人民政府", "", "乡镇人民政府", "", "", p.base + "/hq/gknb/index.htm"],
            ["东风县向阳镇人民政府", "", "乡镇人民政府", "", "", ""],
        ]))
        with client() as c:
            result = collect(store, units=True, settings=Settings(delay=DELAY), client=c)
    assert result.progress.refused == 1 and result.progress.failed == 0
    rows = {r.unit: r for r in coverage(store, 2024).rows}
    assert rows["东风县红旗镇人民政府"].status == "not_a_report"
    assert rows["东风县红旗镇人民政府"].source_url.endswith("/hq/gknb/t1.html")
    assert rows["东风县向阳镇人民政府"].status == "missing"
    assert coverage(store, 2023).rows[0].status == "missing"  # another year's link says nothing of 2023
