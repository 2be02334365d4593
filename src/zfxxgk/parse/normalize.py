"""Text normalisation shared by every reader (spec §1.3, §2.7, §3.2)."""

from __future__ import annotations

import re
from typing import Any

from ..model.text import nfkc, squash  # noqa: F401  (squash: the readers' import path)

MARKUP = re.compile(r"<\s*/?\s*(?:br|b|p|span|strong|em|td|th|font)\b[^>]*>", re.I)
_SPACE = re.compile(r"[\s\u00a0\u3000]+")
_QUOTES = str.maketrans("", "", "\"'“”‘’「」『』")
_ORD_PUNCT = re.compile(r"^(\d+)\s*[.、,]")
# Leading ordinal of a label: 一、 (一) 1. (1) 1、 — after NFKC; a bare 、 is an ordinal whose
# numeral was lost (OCR, a broken line), not a different wording of the label.
ORDINAL = re.compile(r"^(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十]+\)|\d+[.、]|\(\d+\)|、)")
CJK = re.compile(r"[\u4e00-\u9fff]")


# Memos of functions of one text (labels here, cell texts in values.py): the same few hundred texts
# recur in every report. Plain dicts emptied when full: a lookup costs half an lru_cache hit (which
# also relinks its entry), and these run thousands of times per report.
MEMO_MAX = 65536


def make_room(memo: dict[str, Any]) -> None:
    """Empty a memo that is full (call before adding an entry)."""
    if len(memo) >= MEMO_MAX:
        memo.clear()


_NORM: dict[str, str] = {}
_CORE: dict[str, str] = {}


def norm_label(s: str) -> str:
    """Label key: NFKC, no markup, no whitespace or line breaks, no quotes, ``1.`` ordinals."""
    found = _NORM.get(s)
    if found is None:
        make_room(_NORM)
        n = nfkc(MARKUP.sub("", s.replace("&nbsp;", " ")))
        n = _SPACE.sub("", n).translate(_QUOTES)
        found = _NORM[s] = _ORD_PUNCT.sub(r"\1.", n)
    return found


def core_label(s: str) -> str:
    """A normalised label without its leading ordinal (``（一）予以公开`` → ``予以公开``)."""
    found = _CORE.get(s)
    if found is None:
        make_room(_CORE)
        found = _CORE[s] = ORDINAL.sub("", norm_label(s), count=1)
    return found




def strip_heading(line: str) -> str:
    """A line without Markdown heading/emphasis markers and surrounding whitespace."""
    s = line.strip()
    s = s.lstrip("#").strip()
    if s.startswith("**") and s.endswith("**") and len(s) > 4:
        s = s[2:-2].strip()
    return s


def has_cjk(s: str, n: int = 1) -> bool:
    """Whether ``s`` holds at least ``n`` CJK characters."""
    if n == 1:
        return CJK.search(s) is not None
    return len(CJK.findall(s)) >= n


def similarity(a: str, b: str) -> float:
    """Similarity ratio of two normalised labels (difflib's, 0..1)."""
    from difflib import SequenceMatcher

    return SequenceMatcher(None, a, b, autojunk=False).ratio()
