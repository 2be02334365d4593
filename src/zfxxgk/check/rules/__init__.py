"""Built-in rule families; importing this package registers every rule."""

from . import table3  # noqa: F401
