"""The polite fetcher against a server on 127.0.0.1: what it waits for (recorded, not waited for: the
sleep is injected), what it refuses, when it pauses, and what it never does."""

from __future__ import annotations

import pytest

from tests.collect.fixture_portal import Page, Portal
from zfxxgk.collect.http import MAX_RETRY_AFTER, CollectError, Paused, Polite, retry_after, soft_404


def polite(sleeps: list[float], **kw) -> Polite:
    return Polite(delay=kw.pop("delay", 2.0), timeout=kw.pop("timeout", 5), allowed_hosts=frozenset({"127.0.0.1"}),
                  sleep=sleeps.append, jitter=lambda: 0.0, **kw)


def serve(pages: dict[str, Page]) -> Portal:
    return Portal({"/robots.txt": Page(b"User-agent: *\nCrawl-delay: 7\nDisallow: /no/\n", content_type="text/plain"),
                   **pages})


def test_waits_the_delay_or_the_sites_crawl_delay_between_requests():
    sleeps: list[float] = []
    with serve({"/a": Page(b"<p>a</p>"), "/b": Page(b"<p>b</p>")}) as p, polite(sleeps) as c:
        c.fetch(p.base + "/a")
        c.fetch(p.base + "/b")
    assert p.paths() == ["/robots.txt", "/a", "/b"]
    assert len(sleeps) == 2 and all(6.0 < s <= 7.0 for s in sleeps)  # Crawl-delay 7 beats --delay 2


def test_a_slow_page_fails_after_its_retries_and_the_next_one_is_fetched():
    sleeps: list[float] = []
    with serve({"/slow": Page(b"x", delay=1.0), "/ok": Page(b"<p>ok</p>")}) as p, polite(sleeps, timeout=0.2, retries=2) as c:
        with pytest.raises(CollectError, match="无法连接"):
            c.fetch(p.base + "/slow")
        assert c.fetch(p.base + "/ok").content == b"<p>ok</p>"
    assert p.paths().count("/slow") == 3  # the first try and two retries


def test_refusal_pauses_the_host_without_asking_again():
    sleeps: list[float] = []
    with serve({"/forbidden": Page(b"no", status=403), "/after": Page(b"<p>x</p>")}) as p, polite(sleeps) as c:
        with pytest.raises(Paused):
            c.fetch(p.base + "/forbidden")
        with pytest.raises(Paused):
            c.fetch(p.base + "/after")
    assert "/after" not in p.paths()


def test_a_captcha_page_pauses_the_host():
    sleeps: list[float] = []
    challenge = "<html><body>请输入验证码以继续访问</body></html>".encode()
    with serve({"/c": Page(challenge, content_type="text/html; charset=utf-8")}) as p, polite(sleeps) as c:
        with pytest.raises(Paused, match="验证"):
            c.fetch(p.base + "/c")


def test_a_long_retry_after_pauses_instead_of_holding_the_run():
    sleeps: list[float] = []
    page = Page(b"busy", status=503, headers={"Retry-After": str(int(MAX_RETRY_AFTER) + 1)})
    with serve({"/busy": page}) as p, polite(sleeps) as c:
        with pytest.raises(Paused, match="暂停"):
            c.fetch(p.base + "/busy")


def test_disallowed_oversized_and_looping_documents_are_refused():
    sleeps: list[float] = []
    pages = {"/big": Page(b"x" * 5000), "/loop": Page(b"", status=302, headers={"Location": "/loop"})}
    with serve(pages) as p, polite(sleeps, max_bytes=1000) as c:
        with pytest.raises(CollectError, match="robots.txt"):
            c.fetch(p.base + "/no/secret.html")
        with pytest.raises(CollectError, match="文件过大"):
            c.fetch(p.base + "/big")
        with pytest.raises(CollectError, match="重定向次数过多"):
            c.fetch(p.base + "/loop")
    assert "/no/secret.html" not in p.paths()


def test_a_robots_txt_the_server_cannot_give_forbids_everything():
    sleeps: list[float] = []
    with Portal({"/robots.txt": Page(b"", status=500), "/a": Page(b"a")}) as p, polite(sleeps, retries=0) as c:
        with pytest.raises(CollectError, match="robots.txt"):
            c.fetch(p.base + "/a")
    assert "/a" not in p.paths()


def test_only_the_allowed_hosts_are_asked():
    with Polite(allowed_hosts=frozenset({"127.0.0.1"})) as c, pytest.raises(CollectError, match="不在允许"):
        c.fetch("http://192.0.2.1/x")


def test_retry_after_and_soft_404():
    import datetime as dt

    now = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    assert retry_after("120", now) == 120
    assert retry_after("Wed, 01 Jan 2025 00:01:00 GMT", now) == 60
    assert retry_after("soon", now) is None
    assert soft_404("<p>对不起，您访问的页面不存在或已被删除</p>".encode(), "text/html")
    assert not soft_404(b"%PDF-1.7 ... 404 Not Found", "application/pdf")
