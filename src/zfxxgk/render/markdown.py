"""Markdown writer: headings with ``#``, the tables as pipe tables (merged cells expanded)."""

from __future__ import annotations

from collections.abc import Sequence

from ..model import Finding, Report
from .document import blocks
from .layout import expand
from .text import format_grid


def render_markdown(report: Report, findings: Sequence[Finding] = ()) -> str:
    """The report as GitHub-flavoured Markdown."""
    parts: list[str] = []
    for b in blocks(report, findings):
        if b.kind == "title":
            parts.append(f"# {b.text}")
        elif b.kind == "heading":
            parts.append(f"## {b.text}")
        elif b.kind == "table" and b.table is not None:
            grid = [[c.replace("|", "｜") for c in row] for row in expand(b.table, report)]
            parts.append(format_grid(grid, "grid", b.table.label_columns))
        elif b.kind == "signature":
            parts.append("  \n".join(b.lines))
        elif b.kind == "appendix":
            parts.append(f"## {b.text}\n\n" + "\n".join(f"1. {x}" for x in b.lines))
        else:
            parts.append(b.text)
    return "\n\n".join(parts) + "\n"
