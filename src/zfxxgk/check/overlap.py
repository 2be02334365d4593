"""How much of a text another covers with common runs of characters: the measure of copied text.

Both the cross-year rule (XY-TEXT-DUPLICATE) and the finder of text copied between units
(XU-TEXT-COPY, ``app/copies.py``) measure pairs with :func:`copied_share`; a national batch measures
tens of thousands of pairs, so this module is compiled with mypyc (≈ 2× on the pair measure,
``docs/benchmarks.md``).
"""

from __future__ import annotations

from functools import lru_cache

from ..model.limits import LIMITS

DUPLICATE_MIN_RUN = 8  # a common substring must be at least this long to count as copied


def copied_share(text: str, previous: str, min_run: int = DUPLICATE_MIN_RUN) -> float:
    """Share of ``text``'s characters covered by substrings of ≥ ``min_run`` characters also in ``previous``.

    Whitespace is ignored. Every common substring of length ≥ n is a union of common n-grams,
    so marking the windows of the n-grams of ``text`` found in ``previous`` measures it exactly.
    """
    # Only the first LIMITS.rule_text_chars characters: the n-gram set holds one string per character.
    limit = LIMITS.rule_text_chars
    a = "".join(text.split())[:limit]
    b = "".join(previous.split())[:limit]
    if len(a) < min_run or len(b) < min_run:
        return 0.0
    grams = _grams(b, min_run)
    covered = end = 0  # characters covered so far; where the windows found so far end
    for i in range(len(a) - min_run + 1):
        if a[i : i + min_run] in grams:
            # windows come in order, so a new one adds what lies beyond the last one's end
            covered += i + min_run - (end if end > i else i)
            end = i + min_run
    return covered / len(a)


def copied_shares(text: str, other: str, min_run: int = DUPLICATE_MIN_RUN) -> tuple[float, float]:
    """``(copied_share(text, other), copied_share(other, text))``, each text's substrings cut once.

    The copy finder measures a pair both ways: the common substrings of ``min_run`` characters are
    the intersection of the two texts' sets, and each text's windows are looked up in it.
    """
    limit = LIMITS.rule_text_chars
    a = "".join(text.split())[:limit]
    b = "".join(other.split())[:limit]
    if len(a) < min_run or len(b) < min_run:
        return 0.0, 0.0
    grams_a = [a[i : i + min_run] for i in range(len(a) - min_run + 1)]
    grams_b = [b[i : i + min_run] for i in range(len(b) - min_run + 1)]
    common = set(grams_a).intersection(grams_b)
    return _covered(grams_a, common, min_run) / len(a), _covered(grams_b, common, min_run) / len(b)


def _covered(grams: list[str], common: set[str], n: int) -> int:
    """Characters of a text covered by its windows (``grams``, in order) that are in ``common``."""
    covered = end = 0
    for i, g in enumerate(grams):
        if g in common:
            covered += i + n - (end if end > i else i)
            end = i + n
    return covered


@lru_cache(maxsize=32)  # a set holds a string per character: few, as a text up to rule_text_chars is large
def _grams(text: str, n: int) -> frozenset[str]:
    """The ``n``-character substrings of ``text`` (the copy finder measures one new text against several)."""
    return frozenset([text[i : i + n] for i in range(len(text) - n + 1)])


__all__ = ["DUPLICATE_MIN_RUN", "copied_share", "copied_shares"]
