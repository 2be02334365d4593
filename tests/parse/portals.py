"""Portal-like page templates around a rendered report (test material for the HTML reader).

The templates live in ``zfxxgk.synth`` (the corpus generator uses them too); these wrappers fix
the arguments the tests use.
"""

from __future__ import annotations

import datetime as dt

from zfxxgk.model import Report
from zfxxgk.render import render
from zfxxgk.synth import cms_page as _cms_page
from zfxxgk.synth import gov_portal_page, page_body


def body_of(report: Report) -> str:
    return page_body(render(report, "html").decode("utf-8"))


def gov_portal(report: Report) -> bytes:
    """GBK page: navigation, breadcrumbs, nested layout tables, scripts, footer; title only in <title>."""
    return gov_portal_page(report, body_of(report), dt.date(2025, 1, 15))


def cms_page(report: Report) -> bytes:
    """UTF-8 CMS page: table 2 split into one table per 第二十条 item, blanks as &nbsp;, <p> in cells."""
    return _cms_page(body_of(report))
