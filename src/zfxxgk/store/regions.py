"""The store's regions: paths, subtrees and the one resolver of a region the user names.

Every face (CLI options, web filters, account scopes, the dashboard) resolves a region here, so a
name reads the same everywhere and a typo is refused with the nearest paths as suggestions — it
never silently creates a region (only an import's ``--region`` may add one, through ``Store``).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..model import divisions
from ..model.regions import canonical_path, join_path, split_path
from .db import StoreError
from .schema import Region


def region_paths(s: Session) -> dict[int, str]:
    """Region id → path from the root (``山东省/潍坊市/昌乐县``)."""
    regions = {r.id: (r.name, r.parent_id) for r in s.execute(select(Region.id, Region.name, Region.parent_id))}
    paths: dict[int, str] = {}
    for rid in regions:
        chain: list[int] = []
        at: int | None = rid
        while at is not None and at not in paths and at not in chain:  # iterative: no recursion limit
            chain.append(at)
            at = regions[at][1] if at in regions else None
        for r in reversed(chain):
            name, parent = regions[r]
            paths[r] = name if parent is None or parent not in paths else f"{paths[parent]}/{name}"
    return paths


def region_subtree(s: Session, region_id: int) -> set[int]:
    """A region and all regions below it."""
    children: dict[int | None, list[int]] = {}
    for rid, parent in s.execute(select(Region.id, Region.parent_id)):
        children.setdefault(parent, []).append(rid)
    found, todo = set(), [region_id]
    while todo:
        rid = todo.pop()
        if rid not in found:
            found.add(rid)
            todo += children.get(rid, [])
    return found


def checked_path(text: str) -> str:
    """A typed path in its canonical form, or a StoreError saying why it cannot be one."""
    try:
        return canonical_path(text)
    except ValueError as e:
        raise StoreError(str(e)) from None


def find_region(paths: Mapping[int, str], region: int | str) -> int | None:
    """The region an id, a full path or a unique path ending names; None when none does.

    A StoreError when the ending names several regions (the user must write more of the path).
    """
    text = str(region).strip()
    if text.isdigit():
        return int(text) if len(text) <= 18 and int(text) in paths else None
    wanted = checked_path(text)
    exact = [rid for rid, p in paths.items() if p == wanted]
    if exact:
        return exact[0]
    tail = [rid for rid, p in paths.items() if p.endswith("/" + wanted)]
    if len(tail) > 1:
        shown = "、".join(sorted(paths[r] for r in tail)[:10])
        raise StoreError(f"“{text}”对应多个地区：{shown}，请写完整路径")
    return tail[0] if tail else None


def suggest(paths: Mapping[int, str], text: str, n: int = 5) -> list[str]:
    """The paths nearest to a mistyped one (by whole path and by last level)."""
    wanted = join_path(split_path(text))
    if not wanted:
        return []
    last = {p.rsplit("/", 1)[-1]: p for p in paths.values()}
    near = difflib.get_close_matches(wanted, list(paths.values()), n=n, cutoff=0.6)
    near += [last[m] for m in difflib.get_close_matches(wanted.rsplit("/", 1)[-1], list(last), n=n, cutoff=0.6)]
    near += [p for p in paths.values() if wanted in p]
    return list(dict.fromkeys(near))[:n]


def resolve_region(s: Session, region: int | str, paths: Mapping[int, str] | None = None) -> int:
    """The id of the region named by an id, a path or a unique path ending; else a StoreError in Chinese
    with the nearest paths as suggestions.
    """
    paths = region_paths(s) if paths is None else paths
    found = find_region(paths, region)
    if found is not None:
        return found
    text = str(region).strip()
    if text.isdigit():
        raise StoreError(f"没有编号为 {text} 的地区")
    near = suggest(paths, text)
    hint = f"（您是否要找：{'、'.join(near)}）" if near else ""
    raise StoreError(f"库中没有地区“{text}”{hint}")


def official(text: str) -> divisions.Division | None:
    """The official division a typed region names: a full path (``山东省/潍坊市/昌乐县``) or a name that
    only one division has (``昌乐县``); None otherwise.
    """
    text = str(text).strip()
    if not text or text.isdigit():
        return divisions.division(text) if len(text) == 6 else None
    found = divisions.by_path(text)
    if found is not None:
        return found
    named = divisions.find(text)
    return named[0] if len(named) == 1 else None


def placement(s: Session, text: str) -> str:
    """The region path an import places reports in, from what a user typed: a region of the store or an
    official division (its official path); else a StoreError with the nearest of both — a typo never
    creates a region.
    """
    text = str(text).strip()
    paths = region_paths(s)
    try:
        found = find_region(paths, text)
    except StoreError:
        found = None  # several of the store's regions end so: the official table may know which
    if found is not None and not text.isdigit():
        return paths[found]
    division = official(text)
    if division is not None:
        return divisions.path(division.code)
    named = divisions.find(text.rsplit("/", 1)[-1]) if text else []
    if len(named) > 1:
        shown = "、".join(divisions.path(d.code) for d in named[:10])
        raise StoreError(f"“{text}”对应多个地区：{shown}，请写完整路径")
    near = list(dict.fromkeys(divisions.suggest(text) + suggest(paths, text)))[:5]
    hint = f"（您是否要找：{'、'.join(near)}）" if near else ""
    raise StoreError(f"没有地区“{text}”{hint}")
