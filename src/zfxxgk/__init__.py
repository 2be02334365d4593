"""zfxxgk — parse, check and compare China's government information-disclosure annual reports.

Public API::

    import zfxxgk
    report = zfxxgk.parse("report.txt")
    result = zfxxgk.check(report)

``zfxxgk.parse`` and ``zfxxgk.check`` are the subpackages of those names, made callable: the
API functions and ``import zfxxgk.parse.tables`` (or ``zfxxgk.check.rules``) both work.

Names are imported on first use (PEP 562): ``zfxxgk parse x.txt`` starts without loading the
checker, the store (SQLAlchemy) or the web app.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .api import run
    from .check import RULES, CheckResult
    from .model import CELL_IDS, Finding, Report, Severity
    from .parse import ParseError

_CALLABLE = ("parse", "check")
# public name → the module that defines it
_NAMES = {"run": "api", "RULES": "check", "CheckResult": "check", "CELL_IDS": "model", "Finding": "model",
          "Report": "model", "Severity": "model", "ParseError": "parse"}
_SUBMODULES = {"api", "app", "check", "cli", "collect", "filing", "model", "parse", "render", "store", "synth", "web"}


class _CallablePackage(types.ModuleType):
    """A subpackage that is also the API function of the same name."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from . import api

        return getattr(api, self.__name__.rpartition(".")[2])(*args, **kwargs)


class _Package(types.ModuleType):
    """The package itself: the import system sets each subpackage on it once loaded, whoever imports it
    first; ``parse`` and ``check`` become callable at that moment.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _CALLABLE and isinstance(value, types.ModuleType) and value.__name__ == f"{__name__}.{name}":
            value.__class__ = _CallablePackage
        super().__setattr__(name, value)


def __getattr__(name: str) -> Any:
    if name in _NAMES:
        value = getattr(importlib.import_module(f".{_NAMES[name]}", __name__), name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


sys.modules[__name__].__class__ = _Package
for _name in _CALLABLE:  # already imported (e.g. by a submodule imported before this package finished)
    if (_module := sys.modules.get(f"{__name__}.{_name}")) is not None:
        _module.__class__ = _CallablePackage

__version__ = "0.1.0"
__all__ = ["CELL_IDS", "RULES", "CheckResult", "Finding", "ParseError", "Report", "Severity", "check", "parse", "run"]
