"""The application layer: what the faces (CLI, web, Python API) call to change the store.

``ingest`` is the one way reports get in (import, batch, upload, 提交报送); ``recheck`` checks a
stored report again after a correction; ``versions`` withdraws, deletes, restores or chooses a
version of a unit's report for a year; ``review`` corrects cells and records review decisions;
``compare`` sets a unit against its previous year with the cross-year rules.

Names are imported on first use (PEP 562): ``zfxxgk parse|check`` use ``app.analyse`` and
``app.executor`` without loading the store (SQLAlchemy).
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from . import compare, review, versions
    from .ingest import EXECUTORS, Outcome, Source, Stats, batch_import, ingest, not_a_report, recheck

_FROM_INGEST = {"EXECUTORS", "Outcome", "Source", "Stats", "batch_import", "ingest", "not_a_report", "recheck"}
_SUBMODULES = {"compare", "review", "versions"}


def __getattr__(name: str) -> Any:
    if name in _FROM_INGEST:
        return getattr(importlib.import_module(".ingest", __name__), name)
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class _Package(types.ModuleType):
    """``app.ingest`` is the function, as it was when this package imported it eagerly: the import
    system sets the submodule of that name on the package once loaded, the function replaces it.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "ingest" and isinstance(value, types.ModuleType) and value.__name__ == f"{__name__}.ingest":
            value = value.ingest
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package

__all__ = ["EXECUTORS", "Outcome", "Source", "Stats", "batch_import", "ingest", "not_a_report", "recheck", "compare", "review",
           "versions"]
