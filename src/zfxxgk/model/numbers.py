"""The one number helper: a table value is an ``int`` or a ``Decimal`` (never a float), a blank is ``None``.

Every layer that turns a stored, parsed or computed value into the model's number, into JSON or into
text for a reader goes through these three functions, so a value reads the same everywhere: ``12``,
not ``12.0`` or ``1.2E+1``; ``0.5``, not ``0.50``; a blank is “空白”, never 0.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, overload

Number = int | Decimal


@overload
def normal(v: None) -> None: ...
@overload
def normal(v: int | Decimal | str | float) -> Number: ...
@overload
def normal(v: object) -> Number | None: ...
def normal(v: Any) -> Number | None:
    """The model's number of ``v`` (int, Decimal, numeric str or database Numeric): int when integral, else a
    normalised Decimal; ``None`` stays ``None``.
    """
    if v is None or type(v) is int:
        return v
    d = v if isinstance(v, Decimal) else Decimal(str(v))
    return int(d) if d == d.to_integral_value() else d.normalize()


def json_number(v: Number | None) -> int | float | None:
    """JSON-friendly number: ints stay ints, integral Decimals become ints, others floats."""
    if v is None or isinstance(v, int):
        return v
    return int(v) if v == v.to_integral_value() else float(v)


def number_text(v: Number | None, blank: str = "空白") -> str:
    """A number as people write it (``12``, ``0.5``, never ``1.2E+1``); a blank is ``blank``, never 0."""
    if v is None:
        return blank
    if isinstance(v, Decimal):
        n = normal(v)
        return str(n) if isinstance(n, int) else format(n, "f")
    return str(v)
