"""OFD reader (GB/T 33190-2016, China's fixed-layout format): positioned text → the shared text parser.

An OFD is a zip: ``OFD.xml`` names each document's ``Document.xml``, which lists its pages; a page's
``Content.xml`` holds layers of ``TextObject`` elements, each with a ``Boundary`` (x y w h, in mm,
y downwards), a font ``Size``, an optional ``CTM`` and ``TextCode`` runs placed at ``X``/``Y`` with
per-glyph advances ``DeltaX`` (``g N d`` repeats d N times). No maintained Python reader exists on
PyPI for what we need (text with positions), and the XML is documented, so it is read here.

Glyphs become words (split where the gap between glyphs is wide), words on one baseline become a
line — cells apart by two spaces, as a PDF's text layout (layout D) — and the numbers' x-positions
put blank cells in their columns exactly as for a PDF (``positions.place_blanks``). Cells get
``ofd:第{n}页[x0,y0,x1,y1]`` locators (mm from the page's top left). Text only: a scanned OFD
(pictures without text) is refused with the reason.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass

from ..model import Report
from ..model.limits import LIMITS
from . import ParseError, check_archive
from .positions import Token, locate_cells, place_blanks
from .text import parse_text

MAX_PART = 64 * 1024 * 1024  # one XML part, unpacked (a dense page is ~1 MB)
MAX_TEXT_OBJECTS = 500_000  # in the whole document (a page of a report has some hundreds)


@dataclass(slots=True)
class Word:
    """Glyphs set close together: a word or a cell's text, with its box (mm)."""

    text: str
    x0: float
    x1: float
    y: float  # baseline
    size: float

    @property
    def box(self) -> tuple[float, float, float, float]:
        """left, top, right, bottom (mm, from the page's top left)."""
        return (self.x0, self.y - self.size, self.x1, self.y + self.size * 0.2)


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _floats(text: str | None, n: int) -> list[float] | None:
    try:
        values = [float(v) for v in (text or "").split()]
    except ValueError:
        return None
    return values if len(values) == n else None


class _Package:
    """The zip's parts, read with limits, parsed without entities or network access."""

    def __init__(self, data: bytes, source: str) -> None:
        self.source = source
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            self.names = {n.lstrip("/"): n for n in self.zip.namelist()}
        except (zipfile.BadZipFile, ValueError, OSError) as e:
            raise ParseError(source, f"OFD 文件已损坏或不是 OFD 格式：{e}") from None

    def xml(self, name: str, required: bool = True):
        from lxml import etree

        key = posixpath.normpath(name.replace("\\", "/")).lstrip("/")
        real = self.names.get(key)
        if real is None:
            if required:
                raise ParseError(self.source, f"OFD 文件缺少“{key[:80]}”部件，文件不完整或已损坏")
            return None
        try:
            info = self.zip.getinfo(real)
            if info.file_size > MAX_PART:
                raise ParseError(self.source, f"OFD 文件的“{key[:80]}”部件过大（{info.file_size // 1024 // 1024} MB），未读取")
            raw = self.zip.read(real)
            parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                                     remove_comments=True, remove_pis=True)
            return etree.fromstring(raw, parser)
        except ParseError:
            raise
        except Exception as e:  # noqa: BLE001 - zip and XML errors of many kinds
            raise ParseError(self.source, f"OFD 文件的“{key[:80]}”部件无法读取：{type(e).__name__}: {str(e)[:200]}") from None


def _child(el, name: str):
    for c in el:
        if _local(c.tag) == name:
            return c
    return None


def _descendants(el, name: str):
    return [c for c in el.iter() if _local(c.tag) == name]


def ofd_pages(data: bytes, source: str) -> list[list[Word]]:
    """The words of every page of every document of the package, in page order."""
    check_archive(data, source, "OFD 文件")
    pkg = _Package(data, source)
    root = pkg.xml("OFD.xml")
    roots = [(e.text or "").strip() for e in _descendants(root, "DocRoot")]
    if not roots or not roots[0]:
        raise ParseError(source, "OFD 文件的 OFD.xml 没有指明文档（DocRoot），文件不完整或已损坏")
    pages: list[list[Word]] = []
    count = 0
    for doc_root in roots:
        doc = pkg.xml(doc_root)
        base = posixpath.dirname(doc_root.lstrip("/"))
        templates = {t.get("ID"): t.get("BaseLoc", "") for t in _descendants(doc, "TemplatePage")}
        page_list = _descendants(doc, "Page")
        if len(pages) + len(page_list) > LIMITS.pdf_pages:
            raise ParseError(source, f"OFD 页数过多（超过 {LIMITS.pdf_pages} 页）")
        for page in page_list:
            loc = page.get("BaseLoc", "")
            content = pkg.xml(posixpath.join(base, loc))
            words: list[Word] = []
            # a page's template (running headers, page numbers) is drawn beneath its own content
            for t in _descendants(content, "Template"):
                tpl = templates.get(t.get("TemplateID"))
                if tpl:
                    tpl_xml = pkg.xml(posixpath.join(base, tpl), required=False)
                    if tpl_xml is not None:
                        count += _read_text_objects(tpl_xml, words, source, count)
            count += _read_text_objects(content, words, source, count)
            pages.append(words)
    return pages


def _read_text_objects(xml, words: list[Word], source: str, seen: int) -> int:
    n = 0
    for obj in _descendants(xml, "TextObject"):
        n += 1
        if seen + n > MAX_TEXT_OBJECTS:
            raise ParseError(source, f"OFD 文件的文字对象过多（超过 {MAX_TEXT_OBJECTS} 个），超出正常年度报告的范围，未读取")
        box = _floats(obj.get("Boundary"), 4) or [0.0, 0.0, 0.0, 0.0]
        size = _float(obj.get("Size"), 3.5)
        ctm = _floats(obj.get("CTM"), 6)
        scale = abs(ctm[0] * ctm[3] - ctm[1] * ctm[2]) ** 0.5 if ctm else 1.0
        x, y = 0.0, 0.0
        for code in obj:
            if _local(code.tag) != "TextCode":
                continue
            text = code.text or ""
            x = _float(code.get("X"), x)
            y = _float(code.get("Y"), y)
            deltas = _deltas(code.get("DeltaX"), len(text))
            _words_of_run(text, x, y, deltas, size, ctm, box, scale, words)
            if text:  # a TextCode without X continues where the run before it ended
                x += sum(deltas) + _advance(text[-1], size)
    return n


def _float(text: str | None, default: float) -> float:
    try:
        v = float(text) if text is not None else default
    except ValueError:
        return default
    return v if v == v and abs(v) < 1e6 else default  # NaN or an absurd offset: no position at all


_G = re.compile(r"^g$", re.I)


def _deltas(spec: str | None, n: int) -> list[float]:
    """The advance after each glyph but the last (``g N d`` repeats d N times); missing ones are None-like 0."""
    out: list[float] = []
    parts = (spec or "").split()
    i = 0
    while i < len(parts) and len(out) < n - 1:
        if _G.match(parts[i]) and i + 2 < len(parts):
            try:
                times, d = int(parts[i + 1]), float(parts[i + 2])
            except ValueError:
                break
            out += [d] * max(0, min(times, n - 1 - len(out)))
            i += 3
            continue
        try:
            out.append(float(parts[i]))
        except ValueError:
            break
        i += 1
    return out


def _advance(ch: str, size: float) -> float:
    """A glyph's width when no DeltaX says: full width for CJK, half for Latin letters and digits."""
    return size if ord(ch) > 0x2E7F else size * 0.5


def _words_of_run(text: str, x: float, y: float, deltas: list[float], size: float, ctm: list[float] | None,
                  box: list[float], scale: float, words: list[Word]) -> None:
    """Glyphs of one TextCode → words, split at spaces and wide gaps."""
    eff = size * scale
    cur: list[str] = []
    x0 = x1 = 0.0
    base = 0.0
    pos = x
    for i, ch in enumerate(text):
        width = deltas[i] if i < len(deltas) else _advance(ch, size)
        gx, gy = pos, y
        if ctm is not None:
            a, b, c, d, e, f = ctm
            gx, gy = a * pos + c * y + e, b * pos + d * y + f
        gx += box[0]
        gy += box[1]
        w = min(width, _advance(ch, size)) * scale  # a wide advance is a gap after the glyph, not its width
        if ch.isspace() or (cur and gx - x1 > eff * 0.6):
            if cur:
                words.append(Word("".join(cur), x0, x1, base, eff))
            cur = []
        if not ch.isspace():
            if not cur:
                x0, base = gx, gy
            cur.append(ch)
            x1 = gx + w
        pos += width
    if cur:
        words.append(Word("".join(cur), x0, x1, base, eff))


def _lines(words: list[Word]) -> list[tuple[str, list[Token], list[Word]]]:
    """Words on one baseline (within a third of their size) as a line; cells apart by two spaces.

    Lines follow the order the page draws its text in, as a PDF's text layer does: converters draw
    a table cell by cell, so a label wrapped over three lines comes before the numbers centred beside
    it, which the row reader joins (sorting by height would put the numbers inside the label). A page
    whose objects jump up and down (drawn in no reading order) is read top to bottom instead.
    """
    runs = _runs(words, 0.8)
    up = sum(1 for a, b in zip(runs, runs[1:]) if b[0].y < a[0].y - 2.5 * max(a[0].size, b[0].size))
    if up > max(3, len(runs) // 10):
        runs = _runs(sorted(words, key=lambda w: (w.y, w.x0)), 1 / 3)
        runs.sort(key=lambda r: r[0].y)
    out: list[tuple[str, list[Token], list[Word]]] = []
    for row in runs:
        row.sort(key=lambda w: w.x0)
        merged: list[Word] = []
        for w in row:  # glyphs written one object each: join those that touch
            if merged and w.x0 - merged[-1].x1 <= w.size * 0.15:
                m = merged[-1]
                merged[-1] = Word(m.text + w.text, m.x0, max(m.x1, w.x1), m.y, max(m.size, w.size))
            else:
                merged.append(w)
        line = ""
        for k, w in enumerate(merged):
            if k:
                line += "  " if w.x0 - merged[k - 1].x1 > w.size * 0.9 else " "
            line += w.text
        out.append((line, [(w.text, (w.x0 + w.x1) / 2) for w in merged], merged))
    return out


def _runs(words: list[Word], tolerance: float) -> list[list[Word]]:
    """Consecutive words on one baseline, give or take ``tolerance`` times their size (in drawing
    order, numbers centred beside a label of two lines sit half a line off its last line: one line,
    as a PDF's text layer reads them).
    """
    rows: list[list[Word]] = []
    for w in words:
        if rows and abs(rows[-1][0].y - w.y) <= max(rows[-1][0].size, w.size) * tolerance:
            rows[-1].append(w)
        else:
            rows.append([w])
    return rows


def parse_ofd(data: bytes, source: str = "<ofd>") -> Report:
    """Parse an OFD report from its text objects."""
    pages = ofd_pages(data, source)
    if sum(len(w.text) for page in pages for w in page) < 20:
        raise ParseError(source, "OFD 文件没有可读的文字（可能是扫描件），请提供带文字的 OFD 或 PDF 文件")
    lines: list[str] = []
    page_of: list[int] = []
    words_of: list[list[Word]] = []
    for n, page in enumerate(pages, 1):
        laid = _lines(page)
        placed = place_blanks([(line, tokens) for line, tokens, _ in laid])
        for line, (_, _, ws) in zip(placed, laid, strict=True):
            lines.append(line)
            page_of.append(n)
            words_of.append(ws)
    report = parse_text("\n".join(lines), source)
    report.format = "ofd"
    locate_cells(report, page_of, [[(w.text, w.box) for w in words] for words in words_of], "ofd")
    return report
