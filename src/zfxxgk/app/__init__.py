"""The application layer: what the faces (CLI, web, Python API) call to change the store.

``ingest`` is the one way reports get in (import, batch, upload, 提交报送); ``recheck`` checks a
stored report again after a correction; ``versions`` withdraws, deletes, restores or chooses a
version of a unit's report for a year; ``review`` corrects cells and records review decisions;
``compare`` sets a unit against its previous year with the cross-year rules.
"""

from . import compare, review, versions
from .ingest import EXECUTORS, Outcome, Source, Stats, batch_import, ingest, not_a_report, recheck

__all__ = ["EXECUTORS", "Outcome", "Source", "Stats", "batch_import", "ingest", "not_a_report", "recheck", "compare", "review",
           "versions"]
