"""Compact JSON text of plain data, made fast: what the store writes for every report (its document,
its cell pack) and every statistics summary.

orjson encodes these ≈ 10 × faster than ``json`` (a report's document: ≈ 20 µs against ≈ 200 µs;
``docs/benchmarks.md``) and to the same values. Whatever it refuses — an integer beyond 64 bits,
a dictionary key that is not a string, a type it does not know — is encoded by ``json`` as before, so
no value is ever changed or dropped. (Floats are written in their shortest form by both, with a
different exponent spelling, ``1e-7`` / ``1e-07``, that reads back as the same number; the data written
here holds no NaN or infinity, which orjson would write as ``null``.)

Reading stays with ``json.loads``: orjson reads an integer beyond 64 bits as a float, and a stored
text may hold one (a cell pack written before this module, a note's digits).
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


__all__ = ["dumps", "dumps_bytes"]
