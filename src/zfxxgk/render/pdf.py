"""PDF writer: the HTML page typeset by WeasyPrint with a CJK font (Noto CJK from Debian)."""

from __future__ import annotations

from collections.abc import Sequence

from ..model import Finding, Report
from .html import render_html


class RenderError(Exception):
    """A document could not be written (the message is for users, in Chinese)."""


def render_pdf(report: Report, findings: Sequence[Finding] = ()) -> bytes:
    """The report as PDF bytes."""
    try:
        from weasyprint import HTML
    except OSError as e:  # pango/cairo missing: the set-up script installs them
        raise RenderError(f"无法加载 PDF 排版组件（WeasyPrint）：{e}；请先运行 scripts/setup") from e
    return HTML(string=render_html(report, findings)).write_pdf()
