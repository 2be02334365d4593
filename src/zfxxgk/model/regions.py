"""Region names and paths: the one place that knows how ``山东省/潍坊市/昌乐县`` is written and read.

A region path names each level from the top, joined by ``/``; users also type ``>``, ``＞`` or
``、`` between levels, and all of them read the same. An official division's level comes from its
code (model/divisions.py); a region made before the division table, from its name's suffix
(省、市、县、镇…).
"""

from __future__ import annotations

import re
from typing import Final

SEPARATORS: Final = re.compile(r"[/>＞、]")

LEVELS: Final = (("省", "province"), ("自治区", "province"), ("市", "city"), ("州", "city"), ("盟", "city"),
                 ("县", "county"), ("区", "county"), ("旗", "county"), ("镇", "township"), ("乡", "township"),
                 ("街道", "township"))

def split_path(path: str) -> list[str]:
    """The names of a path's levels, top first (``山东省 > 潍坊市`` → ``["山东省", "潍坊市"]``)."""
    return [p.strip() for p in SEPARATORS.split(path) if p.strip()]


def join_path(parts: list[str]) -> str:
    """The canonical form of a path: its names joined by ``/``."""
    return "/".join(parts)


MAX_DEPTH: Final = 8  # 省/市/县/乡 and a few more; a longer path is a typo or an attack, never a region
MAX_NAME: Final = 64


def canonical_path(text: str) -> str:
    """A typed path in its canonical form; a ValueError (in Chinese) when it cannot name a region."""
    parts = split_path(text)
    if not parts:
        raise ValueError("请给出地区名称或路径")
    if len(parts) > MAX_DEPTH:
        raise ValueError(f"地区路径最多 {MAX_DEPTH} 级（收到 {len(parts)} 级）")
    if any(len(p) > MAX_NAME for p in parts):
        raise ValueError(f"地区名称过长（每级最多 {MAX_NAME} 个字）")
    return join_path(parts)


def region_level(name: str) -> str:
    """``province`` / ``city`` / ``county`` / ``township`` from a region's name, else ``other``."""
    for suffix, level in LEVELS:
        if name.endswith(suffix):
            return level
    return "other"
