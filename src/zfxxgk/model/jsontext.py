"""Compact JSON text of plain data, made fast: what the store writes for every report (its document,
its cell pack) and every statistics summary.

orjson encodes these ≈ 10 × faster than ``json`` (a report's document: ≈ 20 µs against ≈ 200 µs;
``docs/benchmarks.md``) and to the same values. Whatever it refuses — an integer beyond 64 bits,
a dictionary key that is not a string, a type it does not know — is encoded by ``json`` as before, so
no value is ever changed or dropped. (Floats are written in their shortest form by both, with a
different exponent spelling, ``1e-7`` / ``1e-07``, that reads back as the same number; the data written
here holds no NaN or infinity, which orjson would write as ``null``.)

:func:`loads` reads with orjson too (a report's document ≈ 2.4 × faster than ``json``), except a text
with a run of 19 digits or more anywhere: orjson would read an integer beyond 64 bits as a float, and a
stored text may hold one (a cell pack written before this module, a note's digits). Such a text, and
whatever orjson refuses (``NaN``, a number beyond a float), is read by ``json.loads`` as before.
"""

from __future__ import annotations

import json
from typing import Any

try:
    import orjson
except ImportError:  # pragma: no cover - orjson is a dependency; a bare source checkout still works
    orjson = None  # type: ignore[assignment]


def dumps_bytes(obj: Any) -> bytes:
    """UTF-8 bytes of ``json.dumps(obj, ensure_ascii=False, separators=(",", ":"))`` (the same values)."""
    if orjson is not None:
        try:
            return orjson.dumps(obj)
        except TypeError:  # orjson.JSONEncodeError is a TypeError: big integers, non-str keys, other types
            pass
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode()


def dumps(obj: Any) -> str:
    """:func:`dumps_bytes` as text."""
    return dumps_bytes(obj).decode()


# The shortest integer that may not fit in 64 bits has 19 digits. A text is searched for such a run with
# every digit made "0" and every other byte " " (a regular expression took ≈ 200 µs for a document,
# more than orjson saves; this takes ≈ 15 µs). A run inside a string is harmless but sends the text to
# ``json`` too.
_DIGITS_ONLY = bytes(0x30 if 0x30 <= b <= 0x39 else 0x20 for b in range(256))
_LONG_RUN = b"0" * 19


def _long_digits(data: bytes | str) -> bool:
    raw = data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass")
    return _LONG_RUN in raw.translate(_DIGITS_ONLY)


def loads(data: bytes | str) -> Any:
    """The values of a JSON text, as ``json.loads`` reads them (the same types: an integer stays exact)."""
    if orjson is not None and not _long_digits(data):
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:  # NaN, Infinity, a number beyond a float: json reads them
            pass
    return json.loads(data)


__all__ = ["dumps", "dumps_bytes", "loads"]
