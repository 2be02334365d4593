"""Helpers shared by the page routers: filters from the query string, downloads, scope checks."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import HTTPException, Path, Request
from fastapi.responses import Response

from ...store.listing import PER_PAGE, STATUSES, UNASSIGNED, Filters
from ...store.users import Account, can_see_report
from ..auth import store_of

# Database ids in paths: an integer the database can hold (a 30-digit id is a 422, not a crash).
DbId = Annotated[int, Path(ge=1, le=2**31 - 1)]


def parse_int(text: str | None) -> int | None:
    """An integer from a query parameter, or None for anything else."""
    text = (text or "").strip()
    return int(text) if text.isdigit() and len(text) < 10 else None


def filters_from(request: Request) -> Filters:
    """The list filters of the query string (invalid values are ignored, not errors)."""
    q = request.query_params
    region = (q.get("region") or "").strip()
    status = q.get("status") or None
    per_page = parse_int(q.get("per_page"))
    return Filters(
        year=parse_int(q.get("year")),
        region=region if region == UNASSIGNED or parse_int(region) is not None else None,
        unit=(q.get("unit") or "").strip()[:100] or None,
        status=status if status in STATUSES else None,
        page=max(1, parse_int(q.get("page")) or 1),
        per_page=per_page if per_page in PER_PAGE else 50,
    )


def visible_report(request: Request, account: Account, report_id: int) -> None:
    """404 unless the report exists within the user's scope (its existence is not revealed either)."""
    if not can_see_report(store_of(request), account, report_id):
        raise HTTPException(404, "报告不存在，或不在您的管辖范围内。")


def attachment(data: bytes, filename: str, media_type: str) -> Response:
    """A download with a Chinese file name (RFC 5987) and an ASCII fallback."""
    fallback = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "._-") else "_" for ch in filename) or "download"
    disposition = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
    return Response(data, media_type=media_type, headers={"Content-Disposition": disposition})
