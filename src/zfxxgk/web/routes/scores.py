"""评分排名: a year's reports in the scope scored under a shipped scoring profile (app/score.py), best first,
each deduction linked to its finding on the report page, and an Excel download.

Only the shipped profiles are offered here: a profile file is the command line's (``zfxxgk score``), so the
web app never reads a path a user typed. The scope (year, region subtree) is the 统计 page's.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from ...app.profiles import Profile, load_profile, shipped_names
from ...app.score import Ranking, score, write_ranking
from ..auth import ReviewerUser, store_of
from ..templating import render
from .common import attachment
from .dashboard import XLSX_TYPE, StatsScope, scope_of

router = APIRouter(include_in_schema=False)
DEFAULT_PROFILE = "national-minimum"


def profile_of(request: Request) -> Profile:
    """The shipped profile named in the query string (the default when none is; an unknown one is a 404)."""
    name = (request.query_params.get("profile") or DEFAULT_PROFILE).strip()
    if name not in shipped_names():
        raise HTTPException(404, "没有这个评分方案。")
    return load_profile(name)


def _ranking(request: Request, sc: StatsScope, profile: Profile) -> Ranking | None:
    if sc.year is None:
        return None
    return score(store_of(request), profile, sc.year, sc.region_id)


@router.get("/scores", name="scores_page")
async def scores_page(request: Request, account: ReviewerUser) -> Response:
    """The ranking of the scope's reports under the chosen profile, with every deduction."""
    profile = profile_of(request)
    sc = await run_in_threadpool(scope_of, request, account)
    ranking = await run_in_threadpool(_ranking, request, sc, profile)
    profiles = [(n, load_profile(n).name) for n in shipped_names()]
    query = {**sc.query(), "profile": profile.id}
    return render(request, "scores.html", title="评分排名", sc=sc, profile=profile, profiles=profiles, ranking=ranking,
                  query=query)


@router.get("/scores/export.xlsx", name="scores_export")
async def scores_export(request: Request, account: ReviewerUser) -> Response:
    """The shown ranking (same profile, year and region): 排名, 扣分明细 and 评分方案 sheets."""
    profile = profile_of(request)
    sc = await run_in_threadpool(scope_of, request, account)
    ranking = await run_in_threadpool(_ranking, request, sc, profile)
    if ranking is None:
        raise HTTPException(404, "库中还没有报告，无法导出评分。")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "scores.xlsx"
        await run_in_threadpool(write_ranking, ranking, path)
        data = path.read_bytes()
    name = f"{ranking.year}年度评分排名（{profile.name}，{ranking.scope.replace('/', '-')}）.xlsx"
    return attachment(data, name, XLSX_TYPE)
