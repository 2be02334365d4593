"""zfxxgk — parse, check and compare China's government information-disclosure annual reports.

Public API::

    import zfxxgk
    report = zfxxgk.parse("report.txt")
    result = zfxxgk.check(report)
"""

from .api import check, parse, run
from .check import RULES, CheckResult
from .model import CELL_IDS, Finding, Report, Severity
from .parse import ParseError

__version__ = "0.1.0"
__all__ = ["CELL_IDS", "RULES", "CheckResult", "Finding", "ParseError", "Report", "Severity", "check", "parse", "run"]
