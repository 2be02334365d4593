"""zfxxgk — parse, check and compare China's government information-disclosure annual reports.

Public API::

    import zfxxgk
    report = zfxxgk.parse("report.txt")
    result = zfxxgk.check(report)

``zfxxgk.parse`` and ``zfxxgk.check`` are the subpackages of those names, made callable: the
API functions and ``import zfxxgk.parse.tables`` (or ``zfxxgk.check.rules``) both work.
"""

import sys
import types

from . import api as _api
from .api import run
from .check import RULES, CheckResult
from .model import CELL_IDS, Finding, Report, Severity
from .parse import ParseError

_API = {"zfxxgk.parse": _api.parse, "zfxxgk.check": _api.check}


class _CallablePackage(types.ModuleType):
    """A subpackage that is also the API function of the same name."""

    def __call__(self, *args, **kwargs):
        return _API[self.__name__](*args, **kwargs)


for _name in _API:
    sys.modules[_name].__class__ = _CallablePackage
parse = sys.modules["zfxxgk.parse"]
check = sys.modules["zfxxgk.check"]

__version__ = "0.1.0"
__all__ = ["CELL_IDS", "RULES", "CheckResult", "Finding", "ParseError", "Report", "Severity", "check", "parse", "run"]
