"""A polite HTTP fetcher for government portals: robots.txt, one request at a time per host with a delay,
retries that back off, a pause (never a workaround) when the portal refuses, bounded sizes and redirects.

The client is httpx (well kept, HTTP/1.1 with connection reuse and timeouts); robots.txt is read with
protego (the parser Scrapy uses: wildcards, ``Allow`` precedence and ``Crawl-delay`` as the sites
write them). The clock and the sleep are injectable so that the tests check what the fetcher waits
for without waiting.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from urllib.parse import urljoin, urlsplit

import httpx
from protego import Protego


def _version() -> str:
    try:
        return version("zfxxgk")
    except PackageNotFoundError:  # run from the sources
        return "dev"


# ASCII only (HTTP headers): names the tool and its purpose so a portal's operators can tell what it is
USER_AGENT = f"zfxxgk/{_version()} (annual-report collector for government information disclosure; polite, robots.txt-aware)"
DEFAULT_DELAY = 5.0  # seconds between two requests to one host (plus up to half of it again, at random)
MAX_BYTES = 50 * 1024 * 1024  # a report PDF with scans is rarely above 30 MB
MAX_REDIRECTS = 5
RETRIES = 3
MAX_RETRY_AFTER = 600.0  # a longer Retry-After pauses the host instead of holding the run

# A portal answering 200 with a page that says the document is gone (soft 404).
_SOFT_404 = re.compile(r"页面不存在|页面未找到|找不到(?:该|此|您要访问的)?页面|信息已(?:被)?删除|已被删除|已删除或不存在|"
                       r"不存在或已(?:被)?删除|文章不存在|信息不存在|内容不存在|页面已失效|404 Not Found|Page Not Found")
# A portal refusing robots: a WAF's challenge page, a captcha (安全验证, 滑动验证).
_CHALLENGE = re.compile(r"验证码|安全验证|滑动验证|人机验证|访问过于频繁|请求过于频繁|captcha|challenge-platform|"
                        r"您的访问被拦截|访问受限", re.I)


class CollectError(Exception):
    """A document that could not be fetched (the run goes on with the others)."""


class Paused(CollectError):
    """The portal refuses this client (403/412, a captcha, a long Retry-After): stop asking it for now."""


@dataclass(frozen=True, slots=True)
class Fetched:
    """One response, with what provenance needs."""

    url: str
    final_url: str
    status: int
    headers: dict[str, str]
    content: bytes
    fetched_at: dt.datetime
    not_modified: bool = False  # a 304 to a conditional request: ``content`` is empty

    @property
    def etag(self) -> str | None:
        """The validator to send back next time."""
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        """The other validator."""
        return self.headers.get("last-modified")

    @property
    def content_type(self) -> str:
        """The media type without parameters."""
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


def soft_404(content: bytes, content_type: str) -> bool:
    """Whether a 200 page is really a "not found" page: short, and saying so."""
    if content_type and "html" not in content_type and "text" not in content_type:
        return False
    if len(content) > 30_000:  # a real article page with its chrome; a not-found page is small
        return False
    text = content.decode("utf-8", "ignore") + content.decode("gb18030", "ignore")
    return _SOFT_404.search(text) is not None


@dataclass(frozen=True, slots=True)
class _Raw:
    status_code: int
    headers: httpx.Headers
    content: bytes


def _challenge(content: bytes) -> bool:
    if len(content) > 30_000:
        return False
    text = content.decode("utf-8", "ignore") + content.decode("gb18030", "ignore")
    return _CHALLENGE.search(text) is not None


def retry_after(value: str | None, now: dt.datetime) -> float | None:
    """Seconds a ``Retry-After`` header asks for (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - now).total_seconds())


@dataclass
class Polite:
    """Fetch documents one at a time, waiting ``delay`` (plus jitter) between two requests to a host.

    ``allowed_hosts`` limits where the fetcher may go (the tests: 127.0.0.1 only). Everything it
    refuses or cannot get raises :class:`CollectError`; :class:`Paused` means the host refused us.
    """

    delay: float = DEFAULT_DELAY
    timeout: float = 30.0
    max_bytes: int = MAX_BYTES
    retries: int = RETRIES
    user_agent: str = USER_AGENT
    allowed_hosts: frozenset[str] | None = None
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    jitter: Callable[[], float] = random.random
    transport: httpx.BaseTransport | None = None
    _last: dict[str, float] = field(default_factory=dict)
    _robots: dict[str, Protego | None] = field(default_factory=dict)
    _paused: dict[str, str] = field(default_factory=dict)
    _client: httpx.Client | None = None
    requests: int = 0

    def __post_init__(self) -> None:
        self._client = httpx.Client(
            headers={"User-Agent": self.user_agent, "Accept-Language": "zh-CN,zh;q=0.9"},
            timeout=self.timeout, follow_redirects=False, transport=self.transport,
        )

    def close(self) -> None:
        """Close the connections."""
        if self._client is not None:
            self._client.close()

    def __enter__(self) -> Polite:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- politeness ---------------------------------------------------------------------------

    def _host(self, url: str) -> str:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise CollectError(f"不是 http(s) 网址：{url}")
        if self.allowed_hosts is not None and parts.hostname not in self.allowed_hosts:
            raise CollectError(f"不在允许采集的主机之内：{parts.hostname}")
        return f"{parts.scheme}://{parts.netloc}"

    def _wait(self, host: str) -> None:
        """Hold the request until ``delay`` (with up to 50 % jitter, or the site's Crawl-delay) has passed."""
        last = self._last.get(host)
        if last is None:
            return
        robots = self._robots.get(host)
        crawl_delay = robots.crawl_delay(self.user_agent) if robots is not None else None
        gap = max(self.delay * (1 + 0.5 * self.jitter()), float(crawl_delay or 0))
        left = last + gap - self.clock()
        if left > 0:
            self.sleep(left)

    def _send(self, host: str, url: str, headers: dict[str, str]) -> _Raw:
        self._wait(host)
        assert self._client is not None
        try:
            with self._client.stream("GET", url, headers=headers) as r:
                size = int(r.headers.get("content-length") or 0)
                if size > self.max_bytes:
                    raise CollectError(f"文件过大（{size} 字节，上限 {self.max_bytes}）：{url}")
                body = bytearray()
                for chunk in r.iter_bytes():
                    body += chunk
                    if len(body) > self.max_bytes:
                        raise CollectError(f"文件过大（超过 {self.max_bytes} 字节）：{url}")
                return _Raw(r.status_code, r.headers, bytes(body))
        finally:
            self._last[host] = self.clock()
            self.requests += 1

    def allowed(self, url: str) -> bool:
        """Whether robots.txt lets this client fetch ``url`` (read once per host)."""
        host = self._host(url)
        if host not in self._robots:
            self._robots[host] = self._read_robots(host)
        robots = self._robots[host]
        return robots is None or robots.can_fetch(url, self.user_agent)

    def _read_robots(self, host: str) -> Protego | None:
        """The host's rules; None (everything allowed) when it has no robots.txt. A robots.txt the server
        cannot give (5xx, no answer) forbids everything for this run, as the crawlers' convention is.
        """
        try:
            r = self._send(host, host + "/robots.txt", {})
        except (httpx.HTTPError, CollectError):
            return Protego.parse("User-agent: *\nDisallow: /")
        if 300 <= r.status_code < 400 and (loc := r.headers.get("location")):
            try:
                r = self._send(host, urljoin(host + "/robots.txt", loc), {})
            except (httpx.HTTPError, CollectError):
                return None
        if r.status_code >= 500:
            return Protego.parse("User-agent: *\nDisallow: /")
        if r.status_code != 200:
            return None  # 4xx: no rules
        return Protego.parse(r.content.decode("utf-8", "replace"))

    # --- fetching -----------------------------------------------------------------------------

    def fetch(self, url: str, etag: str | None = None, last_modified: str | None = None) -> Fetched:
        """GET ``url`` politely, following up to :data:`MAX_REDIRECTS` redirects (each checked against
        robots.txt); a conditional request when validators are given.
        """
        seen = url
        for _ in range(MAX_REDIRECTS + 1):
            host = self._host(seen)
            if host in self._paused:
                raise Paused(self._paused[host])
            if not self.allowed(seen):
                raise CollectError(f"robots.txt 不允许采集：{seen}")
            headers = {}
            if etag:
                headers["If-None-Match"] = etag
            if last_modified:
                headers["If-Modified-Since"] = last_modified
            r = self._with_retries(host, seen, headers)
            if r.status_code in (301, 302, 303, 307, 308) and (loc := r.headers.get("location")):
                seen = urljoin(seen, loc)
                continue
            return self._result(url, seen, r)
        raise CollectError(f"重定向次数过多（超过 {MAX_REDIRECTS} 次）：{url}")

    def _with_retries(self, host: str, url: str, headers: dict[str, str]) -> _Raw:
        backoff = max(self.delay, 1.0)
        for attempt in range(self.retries + 1):
            try:
                r = self._send(host, url, headers)
            except httpx.HTTPError as e:
                if attempt == self.retries:
                    raise CollectError(f"无法连接（{type(e).__name__}）：{url}") from None
                self.sleep(backoff * 2**attempt)
                continue
            if r.status_code == 429 or r.status_code >= 500:
                wait = retry_after(r.headers.get("retry-after"), dt.datetime.now(dt.UTC))
                if wait is not None and wait > MAX_RETRY_AFTER:
                    self._paused[host] = f"网站要求 {wait:.0f} 秒后再访问（HTTP {r.status_code}），暂停采集该网站：{url}"
                    raise Paused(self._paused[host])
                if attempt == self.retries:
                    raise CollectError(f"HTTP {r.status_code}（重试 {self.retries} 次后仍失败）：{url}")
                self.sleep(wait if wait is not None else backoff * 2**attempt)
                continue
            if r.status_code in (403, 412) or (r.status_code == 200 and _challenge(r.content)
                                                and "html" in r.headers.get("content-type", "html")):
                self._paused[host] = f"网站拒绝访问或要求验证（HTTP {r.status_code}），暂停采集该网站：{url}"
                raise Paused(self._paused[host])
            return r
        raise AssertionError("unreachable")

    def _result(self, url: str, final: str, r: _Raw) -> Fetched:
        headers = {k.lower(): v for k, v in r.headers.items()}
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        if r.status_code == 304:
            return Fetched(url, final, 304, headers, b"", now, not_modified=True)
        if r.status_code >= 400:
            raise CollectError(f"HTTP {r.status_code}（链接失效）：{final}")
        fetched = Fetched(url, final, r.status_code, headers, r.content, now)
        if soft_404(r.content, fetched.content_type):
            raise CollectError(f"页面显示“不存在或已删除”（HTTP 200 的失效链接）：{final}")
        return fetched


__all__ = ["DEFAULT_DELAY", "USER_AGENT", "CollectError", "Fetched", "Paused", "Polite", "retry_after", "soft_404"]
