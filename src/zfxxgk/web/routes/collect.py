"""采集: the portal columns to collect from, a run started from the browser (in a background thread of
the web process, one at a time) with its progress, and what recent runs fetched. Administrators only:
a run sends requests to other people's servers in the project's name.

The run is :func:`zfxxgk.collect.run.collect`, the same as ``zfxxgk collect``; the page polls nothing but
reloads itself every few seconds while a run is going.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from ...collect.http import DEFAULT_DELAY, Polite
from ...collect.run import DEFAULT_MAX_PAGES, Settings, collect
from ...store import Store
from ...store import collecting as rec
from ..auth import AdminUser, read_form, store_of
from ..templating import render
from .common import parse_int
from .users import flash

router = APIRouter(include_in_schema=False)
MAX_URLS = 200  # addresses added at once


@dataclass
class Job:
    """The web process's collection run (at most one)."""

    thread: threading.Thread | None = None
    stop: threading.Event = field(default_factory=threading.Event)
    error: str | None = None

    @property
    def running(self) -> bool:
        """Whether the run's thread is still going."""
        return self.thread is not None and self.thread.is_alive()


def job_of(request: Request) -> Job:
    """The app's job slot (made on first use)."""
    state = request.app.state
    if not hasattr(state, "collect_job"):
        state.collect_job = Job()
    return state.collect_job


def _urls(text: str) -> tuple[list[str], list[str]]:
    """The addresses of a textarea (one per line, or separated by spaces), and the lines that are none."""
    good: list[str] = []
    bad: list[str] = []
    for part in text.replace("；", " ").replace(";", " ").split():
        (good if part.startswith(("http://", "https://")) and len(part) <= 2000 else bad).append(part)
    return good[:MAX_URLS], bad


def _page_data(store: Store) -> dict:
    return {"sources": rec.sources(store), "runs": rec.runs(store, 10), "docs": rec.documents(store, limit=100)}


@router.get("/collect", name="collect_page")
async def collect_page(request: Request, account: AdminUser) -> Response:
    """Sources, the run going on (if any) and the latest runs and documents."""
    data = await run_in_threadpool(_page_data, store_of(request))
    job = job_of(request)
    return render(request, "collect.html", title="采集", job=job, state_cn=rec.STATE_CN, default_delay=DEFAULT_DELAY,
                  default_pages=DEFAULT_MAX_PAGES, **data)


@router.post("/collect/sources", name="collect_sources")
async def collect_sources(request: Request, account: AdminUser) -> Response:
    """Add column addresses as sources."""
    form = await read_form(request)
    good, bad = _urls(str(form.get("urls") or "")[:200_000])
    if bad:
        flash(request, f"以下不是 http(s) 网址，未添加：{'、'.join(bad[:5])}")
    elif good:
        await run_in_threadpool(rec.add_sources, store_of(request), good, account.name)
        flash(request, f"已添加 {len(good)} 个采集来源。")
    return RedirectResponse("/collect", status_code=303)


@router.post("/collect/start", name="collect_start")
async def collect_start(request: Request, account: AdminUser) -> Response:
    """Start a run over every source (and the registry's columns) in the background."""
    form = await read_form(request)
    job = job_of(request)
    if job.running:
        flash(request, "已有采集正在进行。")
        return RedirectResponse("/collect", status_code=303)
    try:
        delay = float(str(form.get("delay") or DEFAULT_DELAY))
        since_text = str(form.get("since") or "").strip()
        since = dt.date.fromisoformat(since_text) if since_text else None
    except ValueError:
        flash(request, "请求间隔应为秒数，起始日期应为 YYYY-MM-DD。")
        return RedirectResponse("/collect", status_code=303)
    pages = parse_int(str(form.get("max_pages") or "")) or DEFAULT_MAX_PAGES
    settings = Settings(delay=max(0.0, min(delay, 600.0)), max_pages=max(1, min(pages, 1000)), since=since)
    store = store_of(request)
    urls = [url for _, url, _ in await run_in_threadpool(rec.sources, store)]
    units = form.get("units") == "1"
    if not urls and not units:
        flash(request, "请先添加采集来源（年报栏目网址），或勾选“单位名册中的栏目”。")
        return RedirectResponse("/collect", status_code=303)
    job.stop.clear()
    job.error = None
    client = request.app.state.collect_client() if hasattr(request.app.state, "collect_client") else None

    def work() -> None:
        try:
            collect(store, urls, units=units, settings=settings, client=client or Polite(delay=settings.delay),
                    actor=account.name, stop=job.stop.is_set)
        except Exception as e:  # noqa: BLE001 - shown on the page; the run's records say how far it got
            job.error = f"{type(e).__name__}: {e}"

    job.thread = threading.Thread(target=work, name="zfxxgk-collect", daemon=True)
    job.thread.start()
    flash(request, "采集已开始。")
    return RedirectResponse("/collect", status_code=303)


@router.post("/collect/stop", name="collect_stop")
async def collect_stop(request: Request, account: AdminUser) -> Response:
    """Stop the run after the document it is fetching (the rest stay queued for the next run)."""
    job = job_of(request)
    if job.running:
        job.stop.set()
        flash(request, "采集将在当前文件完成后停止；未采集的文件留在队列中，下次继续。")
    return RedirectResponse("/collect", status_code=303)
