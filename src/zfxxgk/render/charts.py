"""Server-side SVG charts for the dashboards: bar (horizontal/vertical, grouped/stacked) and line charts.

Pure string building, no JavaScript and no network: a chart is one ``<svg>`` element to inline in a
page. Every chart has a Chinese title (``<title>`` and ``aria-label``), a ``<desc>`` listing the
data for screen readers, axis labels, value labels and, with several series, a legend. All text is
XML-escaped. A blank value (``None``) is never drawn as 0: a bar chart leaves a gap labelled “空白”,
a line chart breaks the line and marks the year “空白”.

Elements carry classes and ``data-*`` attributes (``rect.bar[data-category][data-series][data-value]``,
``text.blank``, ``text.value``) so that pages can style them and tests can read them back.

>>> svg = render_bar_chart(["乔官镇", "大封镇"], [3, None], title="本年新收申请")
>>> svg.startswith("<svg")
True
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape

Value = int | float | Decimal | None
Formatter = Callable[[float | int | Decimal], str]

FONT_FAMILY = '"Noto Sans CJK SC", sans-serif'
BLANK = "空白"
PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#b07aa1", "#edc948", "#9c755f", "#ff9da7",
           "#bab0ac")
FONT = 12  # labels
TITLE_FONT = 16
MAX_LABEL = 240  # px: longer category labels are shortened with “…” (the full text stays in a tooltip)
ROTATED_LABEL = 160  # px: the same for the slanted labels under upright columns
DEFAULT_WIDTH = 720
_INVALID_XML = re.compile("[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True, slots=True)
class Series:
    """One named series of values, one per category (``None`` = blank)."""

    name: str
    values: tuple[Value, ...]
    gaps: tuple[str | None, ...] = ()  # why a value is missing, per category (default “空白”)

    def gap(self, i: int) -> str:
        """The words written where value ``i`` is missing."""
        return (self.gaps[i] if i < len(self.gaps) else None) or BLANK


SeriesInput = Sequence[Series] | Mapping[str, Sequence[Value]] | Sequence[Value]


# --- text helpers ------------------------------------------------------------------------------


def _clean(text: object) -> str:
    """Text safe for XML 1.0: characters XML cannot hold are dropped."""
    return _INVALID_XML.sub("", str(text))


def _esc(text: object) -> str:
    """Escaped text or attribute value (``&``, ``<``, ``>``, ``"`` and ``'``)."""
    return escape(_clean(text), {'"': "&quot;", "'": "&apos;"})


def text_width(text: str, size: float = FONT) -> float:
    """Estimated rendered width of a text in px: CJK and other wide characters are one em, others 0.6 em."""
    w = 0.0
    for ch in text:
        w += size if unicodedata.east_asian_width(ch) in ("W", "F") else 0.6 * size
    return w


def shorten(text: str, max_width: float, size: float = FONT) -> str:
    """The text, cut with “…” so that it fits ``max_width`` px."""
    if text_width(text, size) <= max_width:
        return text
    out = ""
    for ch in text:
        if text_width(out + ch + "…", size) > max_width:
            break
        out += ch
    return out + "…"


def format_number(v: float | int | Decimal) -> str:
    """A value as printed on a chart: integers plainly, fractions with up to two decimals."""
    if isinstance(v, Decimal):
        v = float(v)
    if isinstance(v, float) and not v.is_integer():
        return f"{v:.2f}".rstrip("0").rstrip(".")
    return str(int(v))


def format_percent(v: float | int | Decimal) -> str:
    """A rate (0–1) as a percentage with one decimal: ``0.6364`` → ``63.6%``."""
    d = (Decimal(str(v)) * 100).quantize(Decimal("0.1"))
    return f"{d}%"


# --- scales ------------------------------------------------------------------------------------


def nice_ticks(lo: float, hi: float, count: int = 5, integer: bool = True) -> list[float]:
    """Round tick values covering [lo, hi] (steps of 1, 2 or 5 × 10^k; whole steps for counts)."""
    if hi <= lo:
        hi = lo + 1
    raw = (hi - lo) / max(count, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 5, 10) if m * mag >= raw)
    if integer:
        step = max(1, round(step))
    start = math.floor(lo / step) * step
    ticks = []
    t = start
    while t < hi + step * 1e-9:
        ticks.append(round(t, 10))
        t += step
    if ticks[-1] < hi:
        ticks.append(round(t, 10))
    return ticks


@dataclass(frozen=True, slots=True)
class _Scale:
    lo: float
    hi: float
    a: float  # pixel of lo
    b: float  # pixel of hi

    def __call__(self, v: float) -> float:
        return self.a + (v - self.lo) / (self.hi - self.lo) * (self.b - self.a)


def _num(v: Value) -> float | None:
    return None if v is None else float(v)


def _series(series: SeriesInput, n: int) -> list[Series]:
    if isinstance(series, Mapping):
        out = [Series(str(k), tuple(v)) for k, v in series.items()]
    elif series and all(isinstance(s, Series) for s in series):
        out = list(series)  # type: ignore[arg-type]
    else:
        out = [Series("", tuple(series))]  # type: ignore[arg-type]
    for s in out:
        if len(s.values) != n:
            raise ValueError(f"series {s.name!r} has {len(s.values)} values for {n} categories")
    return out


def _chart_id(title: str, *parts: object) -> str:
    return "chart-" + hashlib.sha1(repr((title, parts)).encode("utf-8")).hexdigest()[:10]


def _desc(categories: Sequence[str], series: Sequence[Series], fmt: Formatter) -> str:
    """The data as one sentence per category, for screen readers."""
    items = []
    for i, c in enumerate(categories):
        parts = []
        for s in series:
            v = s.values[i]
            parts.append(f"{s.name + ' ' if s.name else ''}{s.gap(i) if v is None else fmt(v)}")
        items.append(f"{c}：{'，'.join(parts)}")
    return "；".join(items)


def _open(width: float, height: float, title: str, desc: str, cid: str, kind: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="zfxxgk-chart {kind}" width="{width:.0f}" '
        f'height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" role="img" aria-label="{_esc(title)}" '
        f'aria-describedby="{cid}-desc" font-family="{_esc(FONT_FAMILY)}" font-size="{FONT}">',
        f'<title id="{cid}-title">{_esc(title)}</title>',
        f'<desc id="{cid}-desc">{_esc(desc)}</desc>',
        f'<rect class="background" x="0" y="0" width="{width:.0f}" height="{height:.0f}" fill="#ffffff"/>',
        f'<text class="chart-title" x="{width / 2:.1f}" y="24" text-anchor="middle" font-size="{TITLE_FONT}" '
        f'font-weight="bold" fill="#222">{_esc(title)}</text>',
    ]


def _legend(series: Sequence[Series], width: float, top: float, show: bool | None) -> tuple[list[str], float]:
    """Legend rows under the title; returns the elements and the height used."""
    if show is None:
        show = len(series) > 1 or bool(series and series[0].name)
    if not show:
        return [], 0.0
    out = ['<g class="legend">']
    x, y, row_h = 16.0, top, FONT + 8
    for k, s in enumerate(series):
        label = shorten(s.name or "数值", MAX_LABEL)
        w = 18 + text_width(label) + 16
        if x + w > width - 16 and x > 16:
            x, y = 16.0, y + row_h
        out.append(f'<g class="legend-item" data-series="{_esc(s.name)}">'
                   f'<rect x="{x:.1f}" y="{y:.1f}" width="12" height="12" fill="{PALETTE[k % len(PALETTE)]}"/>'
                   f'<text x="{x + 16:.1f}" y="{y + 10:.1f}" fill="#333">{_esc(label)}</text></g>')
        x += w
    out.append("</g>")
    return out, y - top + row_h + 4


def _label(x: float, y: float, text: str, full: str, anchor: str, cls: str, rotate: float = 0) -> str:
    tip = f"<title>{_esc(full)}</title>" if text != full else ""
    rot = f' transform="rotate({rotate:.0f} {x:.1f} {y:.1f})"' if rotate else ""
    return (f'<text class="{cls}" x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="#333"{rot}>'
            f"{tip}{_esc(text)}</text>")


# --- bar charts --------------------------------------------------------------------------------


def render_bar_chart(
    categories: Sequence[str],
    series: SeriesInput,
    *,
    title: str,
    category_label: str = "",
    value_label: str = "",
    horizontal: bool = True,
    stacked: bool = False,
    value_format: Formatter | None = None,
    integer: bool | None = None,
    legend: bool | None = None,
    width: float | None = None,
) -> str:
    """A bar chart as an SVG string.

    A ``None`` value draws no bar: the gap is labelled “空白”. In a stacked bar the known segments are
    drawn and the bar's total reads “n＋空白”.

    Args:
        categories: one label per bar group (e.g. region names; long names are shortened with a tooltip).
        series: one or several series (``Series``, ``{name: values}`` or a plain list of values).
        title: chart title (also the accessible name).
        category_label: axis label of the categories (e.g. ``地区``).
        value_label: axis label of the values (e.g. ``件数``).
        horizontal: bars left to right (suits long Chinese names), else upright columns.
        stacked: series stacked in one bar per category, else grouped side by side.
        value_format: how values are printed (default :func:`format_number`; :func:`format_percent` for rates).
        integer: whole-number ticks (default: all values are integers).
        legend: force the legend on or off (default: shown for several or named series).
        width: total width in px (default 720, wider for many upright columns).

    """
    cats = [_clean(c) for c in categories]
    ss = _series(series, len(cats))
    fmt = value_format or format_number
    known = [float(v) for s in ss for v in s.values if v is not None]
    if integer is None:
        integer = all(float(v).is_integer() for v in known)
    if stacked:
        totals = [sum(float(v) for s in ss if (v := s.values[i]) is not None and v > 0) for i in range(len(cats))]
        negs = [sum(float(v) for s in ss if (v := s.values[i]) is not None and v < 0) for i in range(len(cats))]
        lo, hi = min([0.0, *negs]), max([0.0, *totals])
    else:
        lo, hi = min([0.0, *known]), max([0.0, *known])
    ticks = nice_ticks(lo, hi if hi > lo else lo + 1, integer=integer)
    lo, hi = ticks[0], ticks[-1]
    cid = _chart_id(title, tuple(cats), tuple((s.name, s.values) for s in ss), horizontal, stacked)
    kind = ("bar-horizontal" if horizontal else "bar-vertical") + (" stacked" if stacked else " grouped")
    if horizontal:
        return _horizontal(cats, ss, title, category_label, value_label, stacked, fmt, ticks, lo, hi, legend,
                           width or DEFAULT_WIDTH, cid, kind)
    return _vertical(cats, ss, title, category_label, value_label, stacked, fmt, ticks, lo, hi, legend, width, cid,
                     kind)


def _bar(x: float, y: float, w: float, h: float, color: str, category: str, s: Series, v: Value, fmt: Formatter) -> str:
    tip = f"{category} · {s.name}：{fmt(v)}" if s.name else f"{category}：{fmt(v)}"  # type: ignore[arg-type]
    return (f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{max(h, 0):.1f}" '
            f'fill="{color}" data-category="{_esc(category)}" data-series="{_esc(s.name)}" '
            f'data-value="{_esc(v)}"><title>{_esc(tip)}</title></rect>')


def _blank(x: float, y: float, anchor: str, category: str, s: Series, upright: bool = False, text: str = BLANK) -> str:
    rot = f' transform="rotate(-90 {x:.1f} {y:.1f})"' if upright else ""
    return (f'<text class="blank" x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="#888" font-style="italic" '
            f'data-category="{_esc(category)}" data-series="{_esc(s.name)}"{rot}>{_esc(text)}</text>')


def _value_text(x: float, y: float, text: str, anchor: str) -> str:
    return f'<text class="value" x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="#222">{_esc(text)}</text>'


def _segments(ss: Sequence[Series], i: int) -> Iterator[tuple[int, Series, Value, float, float]]:
    """Stacked segments of category ``i``: (series index, series, value, start, end); positives
    stack up from 0, negatives down from 0, blanks are left out.
    """
    pos = neg = 0.0
    for k, s in enumerate(ss):
        v = s.values[i]
        if v is None:
            continue
        f = float(v)
        a, pos, neg = (pos, pos + f, neg) if f >= 0 else (neg, pos, neg + f)
        yield k, s, v, a, a + f


def _stack_label(values: Sequence[Value], fmt: Formatter) -> str:
    known = [v for v in values if v is not None]
    if not known:
        return BLANK
    total = sum(known[1:], known[0])
    return fmt(total) + ("＋" + BLANK if len(known) < len(values) else "")


def _horizontal(cats, ss, title, category_label, value_label, stacked, fmt, ticks, lo, hi, legend, width, cid,
                kind) -> str:
    n = len(ss)
    label_w = min(max([text_width(c) for c in cats] + [text_width(category_label), 40]), MAX_LABEL)
    left = 16 + label_w + 10
    value_w = max([text_width(fmt(t)) for t in ticks] + [text_width(BLANK)]) + (text_width("＋" + BLANK) if stacked else 0)
    right = 16 + value_w + 8
    bar_h = 22 if stacked or n == 1 else 16
    band = (bar_h if stacked else bar_h * n) + 12
    parts_legend, legend_h = _legend(ss, width, 40, legend)
    top = 40 + legend_h + (FONT + 10 if category_label else 4)
    plot_h = band * max(len(cats), 1)
    height = top + plot_h + 52
    x = _Scale(lo, hi, left, width - right)
    out = _open(width, height, title, _desc(cats, ss, fmt), cid, kind) + parts_legend
    out.append('<g class="axis value-axis">')
    for t in ticks:
        px = x(t)
        out.append(f'<line x1="{px:.1f}" y1="{top:.1f}" x2="{px:.1f}" y2="{top + plot_h:.1f}" stroke="#e5e5e5"/>')
        out.append(f'<text x="{px:.1f}" y="{top + plot_h + 16:.1f}" text-anchor="middle" fill="#555">{_esc(fmt(t))}</text>')
    out.append(f'<line x1="{x(0):.1f}" y1="{top:.1f}" x2="{x(0):.1f}" y2="{top + plot_h:.1f}" stroke="#333"/>')
    if value_label:
        out.append(f'<text class="axis-label" x="{(left + width - right) / 2:.1f}" y="{top + plot_h + 38:.1f}" '
                   f'text-anchor="middle" fill="#333">{_esc(value_label)}</text>')
    out.append("</g>")
    if category_label:
        out.append(f'<text class="axis-label category-label" x="{left - 10:.1f}" y="{top - 8:.1f}" text-anchor="end" '
                   f'fill="#333">{_esc(category_label)}</text>')
    out.append('<g class="bars">')
    for i, c in enumerate(cats):
        y0 = top + i * band + 6
        out.append(_label(left - 10, y0 + (band - 12) / 2 + 4, shorten(c, MAX_LABEL), c, "end", "category"))
        if stacked:
            end = x(0)
            for k, s, v, a, b in _segments(ss, i):
                x1, x2 = sorted((x(a), x(b)))
                out.append(_bar(x1, y0, x2 - x1, bar_h, PALETTE[k % len(PALETTE)], c, s, v, fmt))
                end = max(end, x2)
            label = _stack_label([s.values[i] for s in ss], fmt)
            if all(s.values[i] is None for s in ss):
                out.append(_blank(x(0) + 4, y0 + bar_h / 2 + 4, "start", c, ss[0]))
            else:
                out.append(_value_text(end + 4, y0 + bar_h / 2 + 4, label, "start"))
            continue
        for k, s in enumerate(ss):
            y = y0 + k * bar_h
            v = s.values[i]
            if v is None:
                out.append(_blank(x(0) + 4, y + bar_h / 2 + 4, "start", c, s, text=s.gap(i)))
                continue
            x1, x2 = sorted((x(0), x(float(v))))
            out.append(_bar(x1, y + 1, x2 - x1, bar_h - 2, PALETTE[k % len(PALETTE)], c, s, v, fmt))
            if float(v) >= 0:
                out.append(_value_text(x2 + 4, y + bar_h / 2 + 4, fmt(v), "start"))
            else:
                out.append(_value_text(x1 - 4, y + bar_h / 2 + 4, fmt(v), "end"))
    out.append("</g></svg>")
    return "\n".join(out)


def _value_axis(ticks: Sequence[float], y: _Scale, left: float, right_x: float, mid_y: float, label: str,
                fmt: Formatter) -> list[str]:
    """The upright value axis of column and line charts: grid lines, tick labels, zero line, axis label."""
    out = ['<g class="axis value-axis">']
    for t in ticks:
        py = y(t)
        out.append(f'<line x1="{left:.1f}" y1="{py:.1f}" x2="{right_x:.1f}" y2="{py:.1f}" stroke="#e5e5e5"/>')
        out.append(f'<text x="{left - 6:.1f}" y="{py + 4:.1f}" text-anchor="end" fill="#555">{_esc(fmt(t))}</text>')
    out.append(f'<line x1="{left:.1f}" y1="{y(0):.1f}" x2="{right_x:.1f}" y2="{y(0):.1f}" stroke="#333"/>')
    if label:
        out.append(f'<text class="axis-label" x="{16 + FONT:.1f}" y="{mid_y:.1f}" text-anchor="middle" fill="#333" '
                   f'transform="rotate(-90 {16 + FONT:.1f} {mid_y:.1f})">{_esc(label)}</text>')
    out.append("</g>")
    return out


def _vertical(cats, ss, title, category_label, value_label, stacked, fmt, ticks, lo, hi, legend, width, cid,
              kind) -> str:
    n = len(ss)
    bar_w = 28 if stacked or n == 1 else 18
    band = max((bar_w if stacked else bar_w * n) + 16, 36)
    value_w = max(text_width(fmt(t)) for t in ticks)
    left = 16 + (FONT + 8 if value_label else 0) + value_w + 8
    width = width or max(DEFAULT_WIDTH, left + band * len(cats) + 24)
    plot_w = width - left - 24
    band = plot_w / max(len(cats), 1)
    longest = max([text_width(shorten(c, MAX_LABEL)) for c in cats] + [0])
    rotate = longest > band - 4
    if rotate:  # a slanted label reaches left of its column: keep the first one inside the picture
        longest = max(text_width(shorten(c, ROTATED_LABEL)) for c in cats)
        left = max(left, longest * 0.71 - band / 2 + 8)
        plot_w = width - left - 24
        band = plot_w / max(len(cats), 1)
    bar_w = min(bar_w, (band - 8) / (1 if stacked else n))
    label_h = (longest * 0.71 + 12) if rotate else FONT + 8
    parts_legend, legend_h = _legend(ss, width, 40, legend)
    top = 40 + legend_h + 18  # room for the value labels above the highest bar
    plot_h = 260
    height = top + plot_h + label_h + (FONT + 16 if category_label else 8)
    y = _Scale(lo, hi, top + plot_h, top)
    out = _open(width, height, title, _desc(cats, ss, fmt), cid, kind) + parts_legend
    out += _value_axis(ticks, y, left, width - 24, top + plot_h / 2, value_label, fmt)
    if category_label:
        out.append(f'<text class="axis-label category-label" x="{left + plot_w / 2:.1f}" y="{height - 10:.1f}" '
                   f'text-anchor="middle" fill="#333">{_esc(category_label)}</text>')
    out.append('<g class="bars">')
    base = top + plot_h
    for i, c in enumerate(cats):
        cx = left + (i + 0.5) * band
        short = shorten(c, ROTATED_LABEL if rotate else MAX_LABEL)
        if rotate:
            out.append(_label(cx + 4, base + 14, short, c, "end", "category", rotate=-45))
        else:
            out.append(_label(cx, base + 16, short, c, "middle", "category"))
        if stacked:
            x0 = cx - bar_w / 2
            top_px = y(0)
            for k, s, v, a, b in _segments(ss, i):
                y1, y2 = sorted((y(a), y(b)))
                out.append(_bar(x0, y1, bar_w, y2 - y1, PALETTE[k % len(PALETTE)], c, s, v, fmt))
                top_px = min(top_px, y1)
            if all(s.values[i] is None for s in ss):
                out.append(_blank(cx, y(0) - 4, "middle", c, ss[0]))
            else:
                out.append(_value_text(cx, top_px - 4, _stack_label([s.values[i] for s in ss], fmt), "middle"))
            continue
        x0 = cx - bar_w * n / 2
        for k, s in enumerate(ss):
            v = s.values[i]
            bx = x0 + k * bar_w
            if v is None:  # a narrow column gets its “空白” written upwards
                upright = bar_w < text_width(s.gap(i))
                out.append(_blank(bx + bar_w / 2 + (4 if upright else 0), y(0) - 4, "start" if upright else "middle",
                                  c, s, upright, s.gap(i)))
                continue
            y1, y2 = sorted((y(0), y(float(v))))
            out.append(_bar(bx + 1, y1, bar_w - 2, y2 - y1, PALETTE[k % len(PALETTE)], c, s, v, fmt))
            out.append(_value_text(bx + bar_w / 2, (y1 - 4) if float(v) >= 0 else (y2 + FONT + 2), fmt(v), "middle"))
    out.append("</g></svg>")
    return "\n".join(out)


# --- line chart --------------------------------------------------------------------------------


def render_line_chart(
    xs: Sequence[int | str],
    series: SeriesInput,
    *,
    title: str,
    x_label: str = "年度",
    y_label: str = "",
    value_format: Formatter | None = None,
    integer: bool | None = None,
    legend: bool | None = None,
    width: float | None = None,
) -> str:
    """A line chart over years (or other ordered labels) as an SVG string.

    A ``None`` value breaks the line (no point is drawn, the neighbours are not joined) and the
    year is marked “空白” in the series' colour just above the axis — never plotted as 0.
    """
    labels = [_clean(x) for x in xs]
    ss = _series(series, len(labels))
    fmt = value_format or format_number
    known = [float(v) for s in ss for v in s.values if v is not None]
    if integer is None:
        integer = all(v.is_integer() for v in known)
    lo, hi = min([0.0, *known]), max([0.0, *known])
    ticks = nice_ticks(lo, hi if hi > lo else lo + 1, integer=integer)
    lo, hi = ticks[0], ticks[-1]
    width = width or DEFAULT_WIDTH
    value_w = max(text_width(fmt(t)) for t in ticks)
    left = 16 + (FONT + 8 if y_label else 0) + value_w + 8
    right = 32
    parts_legend, legend_h = _legend(ss, width, 40, legend)
    top = 40 + legend_h + 18
    plot_h = 240
    blank_rows = sum(1 for s in ss if None in s.values)
    height = top + plot_h + 30 + (FONT + 14 if x_label else 0) + (FONT + 4) * blank_rows
    cid = _chart_id(title, tuple(labels), tuple((s.name, s.values) for s in ss), "line")
    step = (width - left - right) / max(len(labels), 1)
    px = [left + (i + 0.5) * step for i in range(len(labels))]
    y = _Scale(lo, hi, top + plot_h, top)
    out = _open(width, height, title, _desc(labels, ss, fmt), cid, "line") + parts_legend
    out += _value_axis(ticks, y, left, width - right, top + plot_h / 2, y_label, fmt)
    base = top + plot_h
    out.append('<g class="axis category-axis">')
    for i, lab in enumerate(labels):
        out.append(_label(px[i], base + 16, shorten(lab, step - 4), lab, "middle", "category"))
    if x_label:
        out.append(f'<text class="axis-label" x="{(left + width - right) / 2:.1f}" y="{height - 10:.1f}" '
                   f'text-anchor="middle" fill="#333">{_esc(x_label)}</text>')
    out.append("</g>")
    blank_row = 0
    for k, s in enumerate(ss):
        color = PALETTE[k % len(PALETTE)]
        if None in s.values:  # its “空白” marks get a row of their own under the years
            blank_row += 1
        out.append(f'<g class="series" data-series="{_esc(s.name)}">')
        run: list[tuple[float, float]] = []
        runs: list[list[tuple[float, float]]] = []
        for i, v in enumerate(s.values):
            if v is None:
                if run:
                    runs.append(run)
                run = []
                continue
            run.append((px[i], y(float(v))))
        if run:
            runs.append(run)
        for r in runs:
            if len(r) > 1:
                pts = " ".join(f"{a:.1f},{b:.1f}" for a, b in r)
                out.append(f'<polyline class="line" points="{pts}" fill="none" stroke="{color}" stroke-width="2"/>')
        for i, v in enumerate(s.values):
            if v is None:
                out.append(f'<text class="blank" x="{px[i]:.1f}" y="{base + 16 + blank_row * (FONT + 4):.1f}" '
                           f'text-anchor="middle" fill="{color}" font-style="italic" data-x="{_esc(labels[i])}" '
                           f'data-series="{_esc(s.name)}">{BLANK}</text>')
                continue
            tip = f"{labels[i]} · {s.name}：{fmt(v)}" if s.name else f"{labels[i]}：{fmt(v)}"
            cy = y(float(v))
            out.append(f'<circle class="point" cx="{px[i]:.1f}" cy="{cy:.1f}" r="3.5" fill="{color}" '
                       f'data-x="{_esc(labels[i])}" data-series="{_esc(s.name)}" data-value="{_esc(v)}">'
                       f"<title>{_esc(tip)}</title></circle>")
            out.append(_value_text(px[i], cy - 8, fmt(v), "middle"))
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)


__all__ = [
    "BLANK",
    "FONT_FAMILY",
    "Series",
    "format_number",
    "format_percent",
    "nice_ticks",
    "render_bar_chart",
    "render_line_chart",
    "shorten",
    "text_width",
]
