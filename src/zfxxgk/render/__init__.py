"""Writers: a report to text layouts (and later DOCX, PDF, HTML, Markdown)."""

from .text import LAYOUTS, render_text

__all__ = ["LAYOUTS", "render_text"]
