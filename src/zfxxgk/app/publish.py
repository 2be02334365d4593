"""Publishing a report in the standard format: the render policy, the file name and the media type.

The policy, the same at every door (``zfxxgk render``, the web download, the online filing form):
a report with “错误” findings is refused unless forced; when it is forced (or it is a stored report
being downloaded for review), its errors and warnings are listed in an appendix of the document.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import cast

from ..model import Evidence, Finding, Outcome, Report, Severity
from ..render import FORMATS, render
from ..store import Store

MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "txt": "text/plain; charset=utf-8",
}
assert set(MEDIA_TYPES) == set(FORMATS)


class Refused(Exception):
    """The report has “错误” findings and was not forced (the message is for users, in Chinese)."""

    def __init__(self, errors: Sequence[Finding]) -> None:
        self.errors = list(errors)
        super().__init__(f"拒绝生成：有 {len(self.errors)} 个“错误”级问题，请修改后重试。")


@dataclass(slots=True)
class Published:
    """A rendered report: bytes, file name, media type, and the findings printed in its appendix."""

    data: bytes
    filename: str
    media_type: str
    appendix: list[Finding] = field(default_factory=list)


def document_name(report: Report, fmt: str) -> str:
    """``{unit}{year}年政府信息公开工作年度报告.{fmt}`` (unknown parts left out)."""
    return f"{report.unit or ''}{report.year or ''}年政府信息公开工作年度报告.{fmt}"


def publish(report: Report, fmt: str, findings: Sequence[Finding], force: bool = False,
            layout: str = "tsv") -> Published:
    """The report in ``fmt`` under the policy above; raises :class:`Refused` (or ValueError for a format)."""
    if fmt not in FORMATS:
        raise ValueError(f"不支持的输出格式：{fmt}（可选：{'、'.join(FORMATS)}）")
    failed = [f for f in findings if f.outcome is Outcome.FAIL]
    errors = [f for f in failed if f.severity is Severity.ERROR]
    if errors and not force:
        raise Refused(errors)
    appendix = [f for f in failed if f.severity is not Severity.INFO] if errors else []
    return Published(render(report, fmt, appendix, layout), document_name(report, fmt), MEDIA_TYPES[fmt], appendix)


def publish_stored(store: Store, report_id: int, fmt: str) -> Published:
    """A stored report's current version with its stored findings (forced: reviewers download any report)."""
    report = store.load(report_id)
    found = [Finding(f.rule, Severity(f.severity), Outcome.FAIL, f.message, list(f.cells or []), cast(Evidence, dict(f.evidence or {})))
             for f, _ in store.findings(report_id)]
    return publish(report, fmt, found, force=True)
