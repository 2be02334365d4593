"""Unicode normalisation shared by the parsers and the checker (spec §3.2)."""

from __future__ import annotations

import unicodedata
from typing import Final

# NFKC turns these (the common full-width forms) into ASCII; replacing them first lets the exact
# ``unicodedata.normalize`` run only on text that still needs it: it costs ~0.1 µs per character,
# and a Chinese paragraph is rarely NFKC-stable only because of its ，（）：；.
# Replacing a character by its compatibility decomposition leaves the NFKC of the text unchanged.
_FULLWIDTH: Final = (
    ("，", ","), ("（", "("), ("）", ")"), ("：", ":"), ("；", ";"), ("！", "!"), ("？", "?"), ("％", "%"), ("\u3000", " "),
)


def nfkc(text: str) -> str:
    """NFKC of ``text`` (exact; fast when only common full-width punctuation needs mapping)."""
    if text.isascii():
        return text
    for wide, narrow in _FULLWIDTH:
        if wide in text:
            text = text.replace(wide, narrow)
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return text


def squash(text: str) -> str:
    """The one text normaliser of spec §3.2: NFKC with all whitespace deleted (``9 条`` → ``9条``).

    Prose patterns, keyword tests and header lines are all matched on this form.
    """
    return "".join(nfkc(text).split())
