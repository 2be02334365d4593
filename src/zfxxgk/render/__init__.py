"""Writers: a report to the standard format as DOCX, PDF, HTML, Markdown or text, and the Excel template."""

from __future__ import annotations

import importlib
from collections.abc import Sequence

from ..model import Finding, Report
from .text import LAYOUTS, render_text

# output format → (module, function, binary); imported lazily (WeasyPrint and python-docx are heavy)
FORMATS: dict[str, tuple[str, str, bool]] = {
    "docx": ("zfxxgk.render.docx", "render_docx", True),
    "pdf": ("zfxxgk.render.pdf", "render_pdf", True),
    "html": ("zfxxgk.render.html", "render_html", False),
    "md": ("zfxxgk.render.markdown", "render_markdown", False),
    "txt": ("zfxxgk.render.text", "render_text", False),
}


def render(report: Report, fmt: str, findings: Sequence[Finding] = (), layout: str = "tsv") -> bytes:
    """The report in one output format, as bytes (text formats in UTF-8)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    module, func, binary = FORMATS[fmt]
    writer = getattr(importlib.import_module(module), func)
    out = writer(report, layout, findings) if fmt == "txt" else writer(report, findings)
    return out if binary else out.encode("utf-8")


def render_template(report: Report | None = None) -> bytes:
    """The Excel fill-in template, optionally pre-filled with a report's data."""
    from .xlsx import render_template as _render_template

    return _render_template(report)


__all__ = ["FORMATS", "LAYOUTS", "render", "render_template", "render_text"]
