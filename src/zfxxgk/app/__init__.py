"""The application layer: what the faces (CLI, web, Python API) call to change the store.

``ingest`` is the one way reports get in (import, batch, upload, 提交报送); ``recheck`` checks a
stored report again after a correction; ``versions`` withdraws, deletes, restores or chooses a
version of a unit's report for a year.
"""

from . import versions
from .ingest import EXECUTORS, Outcome, Source, Stats, batch_import, ingest, not_a_report, recheck

__all__ = ["EXECUTORS", "Outcome", "Source", "Stats", "batch_import", "ingest", "not_a_report", "recheck", "versions"]
