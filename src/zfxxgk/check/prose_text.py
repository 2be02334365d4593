"""Prose extraction for the TXT rules (spec §3.2, §4.7): normalised clauses and numbers in prose.

The prose of a report (``report.intro`` and the six sections' text, tables already blanked) is
normalised once: NFKC, whitespace deleted inside lines, clauses ending at ``。；！？`` and line
breaks. All clauses are joined into one search string with ``。`` between them, so a pattern runs
once per report (``finditer`` in C) instead of once per clause; every pattern's gaps exclude ``。``,
so no match crosses a clause. A pattern that does not start with a literal runs only over the
clauses holding one of its key words (:meth:`Prose.hits`). A :class:`Hit` maps a match back to its
clause, section and source line; source columns are computed only when a finding needs them.

Numbers (§3.2) are Arabic (``12``, ``0.5``) or Chinese (``三``, ``十二``, ``一百零五``, ``两``, read
with cn2an) and carry a kind: ``eq`` (plain), ``gt`` (``20余``/``20多``: more than 20, below 30;
``超过``/``逾``), ``ge`` (``以上``, ``至少``) or ``approx`` (``约``/``近``/``左右``; also ``不足``/``不到``/
``少于``/``以下``/``以内``, whose one-sided bound is not tested either).

The extraction is memoised for the last report seen (a single entry keyed by the text objects
themselves), so the sixteen TXT rules of one check share it; the claim lists (built here, read by the
rules in ``rules/prose.py``) are memoised on the :class:`Prose` object too.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from itertools import islice
from operator import attrgetter
from typing import Any, NamedTuple, TypeVar

from ..model import Report, Span
from ..model.limits import LIMITS
from ..model.numbers import json_number
from ..model.text import nfkc, squash
from .registry import run_memo

T = TypeVar("T")

# A clause longer than any real sentence (pages without a full stop) is cut to this many characters
# around a match: every hit holds its clause, and findings show it.
CLAUSE_CHARS = 2_000
HEADER_SECTION = 0  # the ``section`` of the title and of the intro (the text before the first heading)

# §3.2 NUM: Arabic, or Chinese numerals read positionally. A number never starts inside another one.
# Arabic is [0-9], not \d: the prose is NFKC (full-width digits are ASCII); other scripts' digits are no counts.
CN_DIGITS = "零〇一二两三四五六七八九十百千万"
NUM = (
    r"(?:(?<![0-9.])[0-9]+(?:\.[0-9]+)?"
    r"|(?<![" + CN_DIGITS + r"])[零〇一二两三四五六七八九十][" + CN_DIGITS + r"]*)"
)
# §4.7: “件 also accepts 个|份|起|宗” (but “3个工作日” is a time limit, not a count)
UNIT = r"(?:件|个(?!工作日|自然日|小时|月)|份|起|宗)"

_INLINE_SPACE = re.compile(r"[^\S\n]+")
_SPACE = re.compile(r"\s")
# Whitespace that NFKC leaves as it is, other than " " and line breaks (TAB, CR, U+2028 …): every
# whitespace character lies below U+3001, and the others (U+00A0, U+2000–U+200A, U+3000 …) become " ".
_OTHER_SPACE = tuple(
    ch for ch in map(chr, range(0x3001)) if ch.isspace() and ch not in " \n" and unicodedata.normalize("NFKC", ch) == ch
)
_LEAD_YEAR = re.compile(
    r"(?:\([一二三四五六七八九十0-9]{1,3}\)|[一二三四五六七八九十0-9]{1,2}[、.])?"
    r"([0-9]{4}|[〇零一二三四五六七八九]{4})年(?:度)?"
)
_CN_YEAR_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")


class NumberKind(StrEnum):
    """How exact a number in prose is (spec §3.2)."""

    EQ = "eq"  # plain: 1件, 三件, 0元
    GT = "gt"  # N余 / N多 (below the next step of N's last non-zero digit), 超过N, 逾N
    GE = "ge"  # N以上, 至少N
    APPROX = "approx"  # 约N, 近N, N左右 (never tested)


_EQ, _GT, _GE, _APPROX = NumberKind.EQ, NumberKind.GT, NumberKind.GE, NumberKind.APPROX
# Words right before a number: 约/近 (and 不足/不到/少于, a one-sided bound) make it approximate.
_BEFORE = {"约": _APPROX, "近": _APPROX, "不足": _APPROX, "不到": _APPROX, "少于": _APPROX,
           "超过": _GT, "逾": _GT, "至少": _GE}
_BEFORE_LAST = frozenset(word[-1] for word in _BEFORE)
_APPROX_AFTER = ("左右", "以下", "以内")


@lru_cache(maxsize=512)
def parse_number(raw: str) -> int | Decimal | None:
    """The value of an Arabic or Chinese numeral (``一百零五`` → 105, ``二〇二四`` → 2024); None if unreadable.

    A run of more than 18 digits is no count of anything (and int() refuses > 4300 digits): None.
    """
    if len(raw) > 18:
        return None
    if raw[:1].isdigit():
        return Decimal(raw) if "." in raw else int(raw)
    if len(raw) > 1 and all(ch in "〇零一二三四五六七八九" for ch in raw):
        return int(raw.translate(_CN_YEAR_DIGITS))  # digit by digit, as in years
    import cn2an  # only when a Chinese numeral is met (the import costs ~0.1 s)

    try:
        return int(cn2an.cn2an(raw, "normal"))
    except (ValueError, KeyError, IndexError, TypeError):
        return None


def next_step(value: int | Decimal) -> int | None:
    """Exclusive upper bound of ``N余``: N plus the place value of its last non-zero digit (400 → 500).

    None when that place is the units (``25余`` would leave no whole number between 25 and 26).
    """
    if not isinstance(value, int) or value <= 0:
        return None
    step = 1
    while value % (step * 10) == 0:
        step *= 10
    return value + step if step > 1 else None


class ProseNumber(NamedTuple):
    """A number stated in prose: value, kind and, for ``N余``, the exclusive upper bound."""

    value: int | Decimal
    kind: NumberKind
    text: str  # as written, with its unit: “3件”, “20余件”, “3件以上”
    upper: int | Decimal | None = None

    def admits(self, v: int | Decimal) -> bool | None:
        """Whether the table value ``v`` agrees; None for an approximate number (never tested)."""
        if self.kind is NumberKind.EQ:
            return v == self.value
        if self.kind is NumberKind.GT:
            return v > self.value and (self.upper is None or v < self.upper)
        if self.kind is NumberKind.GE:
            return v >= self.value
        return None

    def interval(self) -> tuple[Decimal, bool, Decimal | None, bool] | None:
        """(low, low included, high or None, high included); None for an approximate number."""
        v = Decimal(self.value)
        if self.kind is NumberKind.EQ:
            return v, True, v, True
        if self.kind is NumberKind.GT:
            return v, False, (Decimal(self.upper) if self.upper is not None else None), False
        if self.kind is NumberKind.GE:
            return v, True, None, False
        return None

    def scaled(self, factor: int) -> ProseNumber:
        """The same number in a smaller unit (万元 → 元: factor 10 000)."""
        upper = self.upper * factor if self.upper is not None else None
        return ProseNumber(self.value * factor, self.kind, self.text, upper)


def disagree(a: ProseNumber, b: ProseNumber) -> bool:
    """Whether no value satisfies both numbers (approximate numbers agree with everything)."""
    ia, ib = a.interval(), b.interval()
    if ia is None or ib is None:
        return False
    (alo, alo_in, ahi, ahi_in), (blo, blo_in, bhi, bhi_in) = ia, ib
    lo, lo_in = max((alo, alo_in), (blo, blo_in), key=lambda x: (x[0], not x[1]))
    highs = [h for h in ((ahi, ahi_in), (bhi, bhi_in)) if h[0] is not None]
    if not highs:
        return False
    hi, hi_in = min(highs, key=lambda x: (x[0], x[1]))
    return lo > hi or (lo == hi and not (lo_in and hi_in))  # type: ignore[operator]  # lo is never None: max over two


def read_number(clause: str, start: int, end: int, unit_end: int | None = None) -> ProseNumber | None:
    """The number written at ``clause[start:end]`` with its kind from the words around it.

    ``unit_end`` is where the unit (件, 元 …) ends; ``以上``/``左右`` are looked for right after it.
    """
    value = parse_number(clause[start:end])
    if value is None:
        return None
    text_end = end if unit_end is None else unit_end
    kind, upper, text_start = _EQ, None, start
    after = clause[end:end + 1]
    if after == "余" or after == "多":
        kind, upper = _GT, next_step(value)
    else:
        tail = clause[text_end:text_end + 2]
        if tail == "以上":
            kind, text_end = _GE, text_end + 2
        elif tail in _APPROX_AFTER:
            kind, text_end = _APPROX, text_end + 2
    if start and clause[start - 1] in _BEFORE_LAST:
        for word, word_kind in _BEFORE.items():
            if start >= len(word) and clause.startswith(word, start - len(word)):
                text_start = start - len(word)
                if word_kind is _APPROX:
                    kind, upper = _APPROX, None
                elif kind is _EQ:
                    kind = word_kind
                break
    return ProseNumber(value, kind, clause[text_start:text_end], upper)


def leading_year(clause: str) -> int | None:
    """The year a clause starts with (``2024年…``, ``（二）2024年度…``, ``二〇二四年…``), else None."""
    m = _LEAD_YEAR.match(clause)
    if m is None:
        return None
    y = m.group(1)
    return int(y if y.isdigit() else y.translate(_CN_YEAR_DIGITS))


class Part(NamedTuple):
    """One prose text of the report: the title, the intro or a section body."""

    section: int  # 0 for title and intro, else 1–6
    first_line: int  # source line of the text's first line
    raw: str  # the text as in the report
    flat: str  # NFKC, whitespace other than line breaks deleted (same lines as ``raw``)
    offset: int  # where ``flat`` starts in the search string


class Hit:
    """A pattern match mapped to its clause (offsets are relative to the normalised clause)."""

    __slots__ = ("part", "clause", "clause_start", "m", "clause_pos", "_year")

    def __init__(self, part: Part, clause: str, clause_start: int, m: re.Match[str], clause_pos: int) -> None:
        self.part = part
        self.clause = clause
        self.clause_start = clause_start  # where the clause starts in the string ``m`` matched
        self.m = m
        self.clause_pos = clause_pos  # where the clause starts in ``part.flat``
        self._year: int | None | bool = False  # not yet computed

    def __repr__(self) -> str:
        return f"Hit({self.section}, {self.line}, {self.text!r})"

    @property
    def start(self) -> int:
        """Start of the match in the clause."""
        return self.m.start() - self.clause_start

    @property
    def end(self) -> int:
        """End of the match in the clause."""
        return self.m.end() - self.clause_start

    @property
    def text(self) -> str:
        """The matched text."""
        return self.m.group()

    @property
    def origin(self) -> int:
        """Where the clause starts in the search string (a key for the clause across patterns)."""
        return self.part.offset + self.clause_pos

    def pos(self, group: int | str = 0) -> int:
        """Where a group starts in the search string (comparable across patterns)."""
        return self.origin + self.m.start(group) - self.clause_start

    def span_of(self, group: int | str = 0) -> tuple[int, int]:
        """(start, end) of a group in the clause."""
        s, e = self.m.span(group)
        return s - self.clause_start, e - self.clause_start

    @property
    def section(self) -> int:
        """Section number (0: title or intro)."""
        return self.part.section

    @property
    def line(self) -> int:
        """Source line of the match."""
        return self.part.first_line + self.part.flat.count("\n", 0, self.clause_pos + self.start)

    @property
    def year(self) -> int | None:
        """The year the clause starts with, if any (computed once)."""
        if self._year is False:
            self._year = leading_year(self.clause)
        return self._year

    def source_span(self, start: int | None = None, end: int | None = None) -> Span | None:
        """Source span (line, columns) of ``clause[start:end]`` (default: the match)."""
        start = self.start if start is None else start
        end = self.end if end is None else end
        flat = self.part.flat
        flat_pos = self.clause_pos + start
        line_start = flat.rfind("\n", 0, flat_pos) + 1
        index = flat.count("\n", 0, flat_pos)
        lines = _raw_lines(self.part.raw)
        if index >= len(lines):
            return None
        raw_line = lines[index]
        col = raw_column(raw_line, flat_pos - line_start)
        end_col = raw_column(raw_line, flat_pos - line_start + (end - start) - 1) + 1 if end > start else col
        line = self.part.first_line + index
        return Span(line, col, line, end_col)

    def spaced(self, start: int, end: int) -> bool:
        """Whether ``clause[start:end]`` (a number) has whitespace inside it in the source: the prose
        is read with whitespace deleted, and “12 345 678件” must not become 12345678.
        """
        if end - start < 2 or not self.clause[start:end].isascii():
            return False  # one character; a Chinese numeral is read whole even when spaced
        span = self.source_span(start, end)
        if span is None:
            return False
        line = _raw_lines(self.part.raw)[span.line - self.part.first_line]
        return any(ch.isspace() for ch in line[span.col:span.end_col])

    def evidence(self, number: ProseNumber | None = None, **extra: Any) -> dict[str, Any]:
        """The ``text[]`` evidence entry: section, line, clause, offsets, parsed number and kind."""
        span = self.source_span()
        ev: dict[str, Any] = {
            "section": self.section,
            "line": self.line,
            "clause": self.clause,
            "start": self.start,
            "end": self.end,
            "number": json_number(number.value) if number is not None else None,
            "kind": number.kind.value if number is not None else None,
            "span": span.to_dict() if span is not None else None,
        }
        ev.update(extra)
        return ev


@lru_cache(maxsize=8)
def _raw_lines(raw: str) -> list[str]:
    # once per text, not once per finding (a text of one long line with many findings)
    return raw.split("\n")


@lru_cache(maxsize=64)
def _column_map(raw_line: str) -> tuple[bool, list[int]]:
    """(NFKC keeps the length, keys): for a line NFKC keeps, ``p - j`` of its j-th whitespace at p;
    else the normalised index where each non-space character starts, with its column after it.
    Built once per line: a long line with many findings would be walked once per finding.
    """
    if len(nfkc(raw_line)) == len(raw_line):
        return True, [m.start() - j for j, m in enumerate(_SPACE.finditer(raw_line))]
    starts: list[int] = []
    k = 0
    for col, ch in enumerate(raw_line):
        if ch.isspace():
            continue
        starts += (k, col)
        k += len(squash(ch)) if not ch.isascii() else 1
    return False, starts


def raw_column(raw_line: str, flat_index: int) -> int:
    """Column in the source line of the character at ``flat_index`` of its normalised form."""
    same, keys = _column_map(raw_line)
    if same:
        # NFKC kept one character per character (the usual case): only deleted whitespace shifts it.
        # The j-th whitespace (at p) shifts the column while p <= flat_index + j, i.e. p - j <= flat_index.
        return min(flat_index + bisect_right(keys, flat_index), len(raw_line))
    # the first non-space character whose normalised index reaches flat_index
    lo, hi = 0, len(keys) // 2
    while lo < hi:
        mid = (lo + hi) // 2
        if keys[2 * mid] >= flat_index:
            hi = mid
        else:
            lo = mid + 1
    return keys[2 * lo + 1] if lo < len(keys) // 2 else len(raw_line)


class _Clauses(NamedTuple):
    """The clauses holding some key words, joined by “。”: patterns run over this short string."""

    text: str
    starts: list[int]  # clause starts in ``text``
    clauses: list[str]
    origins: list[int]  # clause starts in the search string


class Prose:
    """The normalised prose of one report: one search string plus the map back to clauses."""

    __slots__ = ("parts", "search", "title", "_starts", "_memo")

    def __init__(self, parts: list[Part], search: str, title: Part | None, title_search: str) -> None:
        self.parts = parts
        self.search = search
        self.title = (title, title_search) if title is not None else None
        self._starts = [p.offset for p in parts]
        self._memo: dict[Any, Any] = {}

    def memo(self, key: str, build: Callable[[Prose], T]) -> T:
        """``build(self)``, computed once per report (rules share their claim lists this way)."""
        try:
            return self._memo[key]
        except KeyError:
            value = self._memo[key] = build(self)
            return value

    def hits(self, pattern: re.Pattern[str], keys: tuple[str, ...] | None = None) -> list[Hit]:
        """Every match of ``pattern`` in the prose (intro and sections), in text order.

        ``keys``: words every match contains (at least one of them); the pattern then runs only
        over the clauses holding one. A pattern that starts with a literal is scanned fast anyway
        (~0.5 ns per character); one that starts with alternatives costs ~4 ns per character.
        """
        if keys is None:
            text = self.search
            return [self._hit(text, m) for m in islice(pattern.finditer(text), LIMITS.rule_hits)]
        found = self._clauses(keys)
        out = []
        for m in islice(pattern.finditer(found.text), LIMITS.rule_hits):
            i = bisect_right(found.starts, m.start()) - 1
            origin = found.origins[i]
            part = self.parts[bisect_right(self._starts, origin) - 1]
            out.append(Hit(part, found.clauses[i], found.starts[i], m, origin - part.offset))
        return out

    def _clauses(self, keys: tuple[str, ...]) -> _Clauses:
        found = self._memo.get(keys)
        if found is None:
            text = self.search
            spans: dict[int, int] = {}
            for key in keys:
                if key[0] not in text:  # one character: a much faster scan than a word that is absent
                    continue
                i = text.find(key)
                while i >= 0:
                    end = text.find("。", i)
                    end = len(text) if end < 0 else end
                    spans[text.rfind("。", 0, i) + 1] = end
                    i = text.find(key, end)
            origins = sorted(spans)
            clauses = [text[i:spans[i]] for i in origins]
            starts, pos = [], 0
            for clause in clauses:
                starts.append(pos)
                pos += len(clause) + 1
            found = self._memo[keys] = _Clauses("。".join(clauses), starts, clauses, origins)
        return found

    def clauses(self, section: int) -> list[tuple[int, str]]:
        """(source line, clause) of every non-empty clause of one section, in text order.

        The same clauses the patterns run over: NFKC, whitespace deleted, ending at ``。；！？``
        and line breaks.
        """
        out: list[tuple[int, str]] = []
        for part in self.parts:
            if part.section != section:
                continue
            for k, line in enumerate(part.flat.split("\n")):
                out += [(part.first_line + k, c) for c in _searchable(line).split("。") if c]
        return out

    def squashed(self, section: int) -> str:
        """``squash`` of the intro (0) or of a section's text (1–6), from the normalised prose.

        The prose is NFKC already with all whitespace but line breaks deleted: deleting those gives
        ``model.text.squash`` of the text (tested) without a second NFKC, which costs ~30 ns per
        character, and the content rules test their key words on every section several times a run.
        """
        key = ("squashed", section)
        found = self._memo.get(key)
        if found is None:
            found = ""  # no part: the text is absent, empty or whitespace only
            for part in self.parts:
                if part.section == section:
                    found = part.flat.replace("\n", "")
                    break
            self._memo[key] = found
        return found

    def title_hits(self, pattern: re.Pattern[str]) -> list[Hit]:
        """Every match of ``pattern`` in the title."""
        if self.title is None:
            return []
        part, text = self.title
        return [self._hit(text, m, part) for m in islice(pattern.finditer(text), LIMITS.rule_hits)]

    def _hit(self, text: str, m: re.Match[str], part: Part | None = None) -> Hit:
        """The :class:`Hit` of a match in the search string (or, with ``part``, in the title)."""
        if part is None:
            part = self.parts[bisect_right(self._starts, m.start()) - 1]
        start = text.rfind("。", 0, m.start()) + 1
        end = text.find("。", m.end())
        end = end if end >= 0 else len(text)
        if end - start > CLAUSE_CHARS:  # no sentence: a window around the match (each hit would copy it)
            start = max(start, m.start() - CLAUSE_CHARS // 2)
            end = min(end, m.end() + CLAUSE_CHARS // 2)
        return Hit(part, text[start:end], start, m, start - part.offset)


def _flatten(text: str) -> str:
    flat = nfkc(text)
    if " " in flat:
        flat = flat.replace(" ", "")
    # After NFKC nearly all whitespace is U+0020; the few other kinds are looked for one by one.
    if any(ch in flat for ch in _OTHER_SPACE):
        flat = _INLINE_SPACE.sub("", flat)
    return flat


def _searchable(flat: str) -> str:
    # Same length as ``flat``: every clause end becomes “。”, which no pattern gap crosses.
    for end in ("\n", ";", "!", "?"):
        if end in flat:
            flat = flat.replace(end, "。")
    return flat


_PART_END = "\u3013"  # 〓: joins the texts so they are normalised in one go (NFKC keeps it)


def build_prose(report: Report) -> Prose:
    """Normalise the intro and the six sections' prose into one search string (uncached)."""
    texts = [(HEADER_SECTION, report.intro_line, report.intro)]
    texts += [(n, s.span.line + 1, s.text) for n, s in sorted(report.sections.items())]
    texts = [t for t in texts if t[2] and not t[2].isspace()]
    raws = [t[2] for t in texts]
    joined = _PART_END.join(raws)
    flats = _flatten(joined).split(_PART_END)
    if len(flats) != len(raws):  # the mark occurs in the text itself: one text at a time
        flats = [_flatten(raw) for raw in raws]
    parts: list[Part] = []
    offset = 0
    for (section, first_line, raw), flat in zip(texts, flats):
        parts.append(Part(section, first_line, raw, flat, offset))
        offset += len(flat) + 1
    search = _searchable("。".join(flats))
    title = None
    title_search = ""
    if report.title:
        line = report.title_span.line if report.title_span is not None else 1
        title_raw = report.title.replace("\n", " ")
        title = Part(HEADER_SECTION, line, title_raw, _flatten(title_raw), 0)
        title_search = _searchable(title.flat)
    return Prose(parts, search, title, title_search)


_LAST: tuple[tuple[Any, ...], Prose] | None = None
_TEXT_AND_SPAN = attrgetter("text", "span")


def prose_of(report: Report) -> Prose:
    """The report's :class:`Prose`, memoised for the run in progress and for the last report seen.

    About twenty rules ask for it per run; within a run the run's memo answers (nothing changes
    the report meanwhile). Across runs the key holds the text objects themselves (compared by
    identity first, then by value), so a changed text or another report with other texts is never
    served a stale result.
    """
    memo = run_memo(report)
    prose = memo.get(_PROSE_KEY)
    if prose is None:
        prose = memo[_PROSE_KEY] = _last_or_build(report)
    return prose


_PROSE_KEY = "prose"


def squashed_text(report: Report, section: int) -> str:
    """``squash(report.intro)`` (``section`` 0) or ``squash(report.sections[section].text)``, once per run.

    The content and header rules test key words on these texts, several instances each: they
    share the normalisation the prose rules need anyway (:meth:`Prose.squashed`).
    """
    return prose_of(report).squashed(section)


def _last_or_build(report: Report) -> Prose:
    global _LAST
    sections = report.sections
    key = (
        report.title,
        report.title_span,
        report.intro,
        report.intro_line,
        tuple(sections),
        tuple(map(_TEXT_AND_SPAN, sections.values())),
    )
    last = _LAST
    if last is not None and last[0] == key:
        return last[1]
    prose = build_prose(report)
    _LAST = (key, prose)
    return prose


# --- Claims: what the TXT rules read from the prose (spec §4.7, §4.9) --------------------------------
# Patterns are the spec's, verbatim except: ASCII punctuation after NFKC (§3.2 notation), ``NUM`` and
# ``件`` (with 个|份|起|宗) expanded, named groups for the number and its unit, and non-capturing groups.

_APPLICATION = r"(?:政府信息公开申请|依申请公开(?:申请|事项)?|信息公开申请)"
NEW_RECEIVED = (
    re.compile(r"(?:收到|接到|受理|新收|接收)[^。;,]{0,10}?" + _APPLICATION
               + r"[^。;,0-9]{0,4}?(?P<num>" + NUM + r")(?:余|多)?(?P<unit>" + UNIT + ")"),
    re.compile(r"(?:收到|受理|新收)(?P<num>" + NUM + r")(?:余|多)?(?P<unit>" + UNIT + r")[^。;]{0,6}?"
               r"(?:政府信息公开申请|依申请公开)"),
)
NEW_RECEIVED_SKIP = re.compile(r"结转|上年|复议|诉讼")
ZERO_APPLICATIONS = (
    re.compile(r"(?:未|没有|无)(?:收到|接到|受理)[^。;]{0,12}?申请"),
    re.compile(r"无(?:依申请公开|政府信息公开申请)"),
)
ZERO_APPLICATIONS_AFTER = re.compile(r"引起|引发|导致|复议|诉讼")  # within 8 characters after the match
CARRIED_OVER = (re.compile(r"上年(?:度)?结转[^。;,]{0,10}?(?P<num>" + NUM + r")(?P<unit>" + UNIT + ")"),)
CARRIED_FORWARD = (
    re.compile(r"结转(?:至|到)?下一?年度?(?:继续办理)?[^。;,]{0,6}?(?P<num>" + NUM + r")(?P<unit>" + UNIT + ")"),
)
PROCESSED = (re.compile(r"(?P<verb>办结|答复|办理完毕)[^。;,]{0,6}?(?P<num>" + NUM + r")(?P<unit>" + UNIT + ")"),)
# Not in the spec's pattern: 人大建议/政协提案, 复议/诉讼 and 信访 are never applications (§4.7 rules for readers).
PROCESSED_SKIP = re.compile(r"建议|提案|复议|诉讼|信访")
REVIEW = (
    re.compile(r"行政复议(?:案件|事项|申请)?[^。;,]{0,6}?(?P<num>" + NUM + r")(?:余|多)?(?P<unit>" + UNIT + ")"),
)
LITIGATION = (
    re.compile(r"行政诉讼(?:案件|事项)?[^。;,]{0,6}?(?P<num>" + NUM + r")(?:余|多)?(?P<unit>" + UNIT + ")"),
)
CORRECTION = re.compile(r"纠正|纠错|败诉|撤销")
CORRECTION_WORDS = ("纠正", "纠错", "败诉", "撤销", "确认违法")
ZERO_DISPUTES = re.compile(r"(?:未|没有|无)(?:发生|出现|收到|涉及|产生)[^。;]{0,30}?(?P<block>行政复议|行政诉讼)")
# “…行政复议、行政诉讼” / “…行政复议和行政诉讼” / “…被申请行政复议或提起行政诉讼”: the blocks named together.
_MORE_DISPUTES = re.compile(r"(?:(?:、|和|及|与|或|以及)[^。;,、和及与或]{0,4}?(?:复议|诉讼))+")
ZERO_CORRECTED = (
    re.compile(r"(?:未|没有|无)(?:发生|出现|涉及|产生|被)[^。;,]{0,30}?(?:纠正|纠错|败诉|撤销|确认违法)"),
    re.compile(r"(?:纠正|纠错|败诉|撤销|确认违法)[^。;,0-9]{0,6}?(?<![0-9.])(?:0|零)" + UNIT),
)
GROWTH_NEW = re.compile(
    r"(?P<act>收到|受理)[^。;]{0,15}?(?P<num>" + NUM + r")件,?(?P<cmp>同比|较上年)"
    r"(?P<verb>增长|增加|上升|下降|减少)(?P<p>[0-9]+(?:\.[0-9]+)?)%"
)
FEE = (
    re.compile(r"信息(?:公开)?处理费[^。;]{0,10}?(?P<num>" + NUM + r")(?P<unit>元|万元)"),
    re.compile(r"收取[^。;]{0,8}?信息(?:公开)?处理费(?:共计|合计)?(?P<num>" + NUM + r")(?P<unit>元|万元)"),
)
FEE_KEYS = (("处理费",), None)  # 收取 is rare enough to scan for; 信息 is everywhere
FEE_NONE = re.compile(r"(?:未|没有|无|不)(?:收取|产生|涉及)[^。;]{0,12}?(?:信息(?:公开)?)?处理费")
FEE_NOTICE_NONE = re.compile(r"(?:未|没有|无|不)(?:发出|下发|出具|送达|发送|开具)?[^。;]{0,6}?收费通知")
PLACEHOLDER_KEYS = ("XX", "xx", "××", "某某", "__", "(单位名称)", "【")  # one is in every match
PLACEHOLDER = re.compile(
    r"(?<![A-Za-z])(?:X{2,}|x{2,})(?![A-Za-z])|×{2,}|某某|_{2,}|\(单位名称\)|【[^】。]*】"
)
DUP_WORD_MAX = 4  # longest repeated word looked for (characters): each length costs one pass
# One pattern per word length: confirms a candidate found by :func:`_repeat_starts` (CJK only).
DUP_WORD = {n: re.compile(rf"([\u4e00-\u9fff]{{{n}}})\1") for n in range(2, DUP_WORD_MAX + 1)}

# The quantities claims count (TXT-REPEAT compares claims of one quantity).
NEW = "new_received"
CARRIED = "carried_over"
FORWARD = "carried_forward"
DONE = "processed"
REVIEWS = "review"
LAWSUITS = "litigation"
FEES = "fee"


class Claim(NamedTuple):
    """A statement of a count or amount in prose, anchored to its clause."""

    hit: Hit
    number: ProseNumber  # zero statements (“未收到…申请”) are eq 0
    said: str  # the statement as written (the matched span, extended where the rule says so)
    quantity: str  # what it counts: NEW, REVIEWS, FEES …

    def evidence(self, **extra: Any) -> dict[str, Any]:
        """The claim's ``text[]`` entry."""
        return self.hit.evidence(self.number, said=self.said, **extra)


def current(claims: tuple[Claim, ...] | list[Claim], year: int | None) -> list[Claim]:
    """Claims about the report year: those whose clause starts with another year are left out."""
    if year is None:
        return list(claims)
    return [c for c in claims if c.hit.year in (None, year)]


def _counts(
    prose: Prose,
    patterns: tuple[re.Pattern[str], ...],
    keys: tuple[str, ...] | None,
    quantity: str,
    skip: re.Pattern[str] | None = None,
) -> tuple[Claim, ...]:
    found: dict[int, Claim] = {}
    for rx in patterns:
        for h in prose.hits(rx, keys):
            if skip is not None and skip.search(h.text):
                continue
            pos = h.pos("num")
            if pos in found:
                continue  # the same number read by two alternatives
            s, e = h.span_of("num")
            number = None if h.spaced(s, e) else read_number(h.clause, s, e, h.span_of("unit")[1])
            if number is not None:
                found[pos] = Claim(h, number, h.text, quantity)
    return tuple(found[k] for k in sorted(found))


def _zero(h: Hit, quantity: str, said: str | None = None) -> Claim:
    return Claim(h, ProseNumber(0, NumberKind.EQ, said or h.text), said or h.text, quantity)


def new_received_claims(prose: Prose) -> tuple[Claim, ...]:
    """TXT-NEW-RECEIVED: “收到…政府信息公开申请N件” (spans naming 结转/上年/复议/诉讼 skipped)."""
    return prose.memo(NEW, lambda p: _counts(p, NEW_RECEIVED, ("申请",), NEW, NEW_RECEIVED_SKIP))


def zero_application_claims(prose: Prose) -> tuple[Claim, ...]:
    """TXT-ZERO-APPLICATIONS: “未收到…申请”, “无依申请公开” (not when 引起/复议… follows within 8)."""

    def build(p: Prose) -> tuple[Claim, ...]:
        out: dict[int, Claim] = {}
        for rx in ZERO_APPLICATIONS:
            for h in p.hits(rx, ("申请",)):
                m = ZERO_APPLICATIONS_AFTER.search(h.clause, h.end)
                if (m is None or m.start() - h.end >= 8) and h.pos() not in out:
                    out[h.pos()] = _zero(h, NEW)
        return tuple(out[k] for k in sorted(out))

    return prose.memo("zero_applications", build)


def carried_over_claims(prose: Prose) -> tuple[Claim, ...]:
    """TXT-CARRIED-OVER: “上年结转…N件”."""
    return prose.memo(CARRIED, lambda p: _counts(p, CARRIED_OVER, None, CARRIED))


def carried_forward_claims(prose: Prose) -> tuple[Claim, ...]:
    """TXT-CARRIED-FORWARD: “结转下年度（继续办理）…N件”."""
    return prose.memo(FORWARD, lambda p: _counts(p, CARRIED_FORWARD, None, FORWARD))


def processed_claims(prose: Prose) -> tuple[Claim, ...]:
    """TXT-PROCESSED: “办结/答复/办理完毕…N件” (not 人大建议/政协提案, 复议/诉讼, 信访)."""
    return prose.memo(DONE, lambda p: _counts(p, PROCESSED, ("办结", "答复", "办理完毕"), DONE, PROCESSED_SKIP))


def review_claims(prose: Prose) -> tuple[Claim, ...]:
    """TXT-REVIEW: “行政复议（案件|事项|申请）…N件” (spans naming 纠正/纠错/败诉/撤销 skipped)."""
    return prose.memo(REVIEWS, lambda p: _counts(p, REVIEW, None, REVIEWS, CORRECTION))


def litigation_claims(prose: Prose) -> tuple[Claim, ...]:
    """TXT-LITIGATION: “行政诉讼（案件|事项）…N件” (same skip)."""
    return prose.memo(LAWSUITS, lambda p: _counts(p, LITIGATION, None, LAWSUITS, CORRECTION))


def _named_blocks(text: str) -> tuple[str, ...]:
    blocks = []
    if "复议" in text:
        blocks.append(REVIEWS)
    if "诉讼" in text or "败诉" in text:
        blocks.append(LAWSUITS)
    return tuple(blocks)


def zero_dispute_claims(prose: Prose) -> tuple[Claim, ...]:
    """TXT-ZERO-DISPUTES: “未发生…行政复议、行政诉讼”, one zero claim per named block.

    The blocks named right after the match (“、行政诉讼”, “和行政诉讼”) belong to the statement; a
    statement about corrections (纠正/纠错/败诉/撤销 in it or in the 8 characters after it, up to the
    next comma) is TXT-ZERO-CORRECTED's, not this rule's. The gap may cross a comma, so a block name
    that starts a count (“未收到申请，行政复议事项1件”) is TXT-REVIEW's or TXT-LITIGATION's claim.
    """

    def build(p: Prose) -> tuple[Claim, ...]:
        out: list[Claim] = []
        for h in p.hits(ZERO_DISPUTES, ("行政复议", "行政诉讼")):
            block = h.span_of("block")[0]
            if REVIEW[0].match(h.clause, block) or LITIGATION[0].match(h.clause, block):
                continue
            more = _MORE_DISPUTES.match(h.clause, h.end)
            end = more.end() if more else h.end
            said = h.clause[h.start:end]
            window = h.clause[end:end + 8].split(",", 1)[0]
            if CORRECTION.search(said) or CORRECTION.search(window):
                continue
            out.extend(_zero(h, block, said) for block in _named_blocks(said))
        return tuple(out)

    return prose.memo("zero_disputes", build)


def zero_corrected_claims(prose: Prose) -> tuple[Claim, ...]:
    """TXT-ZERO-CORRECTED: “未发生…被纠错”, “败诉0件”; blocks from the comma-part, else the clause.

    A statement naming neither 复议 nor 诉讼 claims both (all three table-4 blocks).
    """

    def build(p: Prose) -> tuple[Claim, ...]:
        out: dict[int, list[Claim]] = {}
        for rx in ZERO_CORRECTED:
            for h in p.hits(rx, CORRECTION_WORDS):
                if h.pos() in out:
                    continue
                left = h.clause.rfind(",", 0, h.start) + 1
                right = h.clause.find(",", h.end)
                part = h.clause[left:right if right >= 0 else len(h.clause)]
                blocks = _named_blocks(part) or _named_blocks(h.clause) or (REVIEWS, LAWSUITS)
                out[h.pos()] = [_zero(h, block) for block in blocks]
        return tuple(c for k in sorted(out) for c in out[k])

    return prose.memo("zero_corrected", build)


def fee_statements(prose: Prose) -> tuple[Claim, ...]:
    """信息处理费 statements (§4.9): amounts in 元 (万元 × 10 000), or eq 0 for “未收取…处理费”."""

    def build(p: Prose) -> tuple[Claim, ...]:
        found: dict[int, Claim] = {}
        for rx, keys in zip(FEE, FEE_KEYS):
            for h in p.hits(rx, keys):
                pos = h.pos("num")
                if pos in found:
                    continue
                s, e = h.span_of("num")
                unit_end = h.span_of("unit")[1]
                number = None if h.spaced(s, e) else read_number(h.clause, s, e, unit_end)
                if number is not None:
                    if h.m.group("unit") == "万元":
                        number = number.scaled(10000)
                    found[pos] = Claim(h, number, h.text, FEES)
        for h in p.hits(FEE_NONE, ("处理费",)):
            start = h.pos()
            if not any(start <= k < start + len(h.text) for k in found):
                found[start] = _zero(h, FEES)
        return tuple(found[k] for k in sorted(found))

    return prose.memo(FEES, build)


def fee_notice_statements(prose: Prose) -> tuple[Claim, ...]:
    """Statements that no fee notice was issued (“未发出收费通知”)."""
    return prose.memo("fee_notice", lambda p: tuple(_zero(h, "fee_notice") for h in p.hits(FEE_NOTICE_NONE, ("收费通知",))))


class Growth(NamedTuple):
    """“收到…N件，同比增长p%”: the count, the direction and the stated percentage."""

    hit: Hit
    number: ProseNumber
    act: str  # 收到 | 受理
    compared: str  # 同比 | 较上年
    verb: str  # 增长 | 增加 | 上升 | 下降 | 减少
    percent: Decimal

    @property
    def up(self) -> bool:
        """Whether the statement is an increase."""
        return self.verb in ("增长", "增加", "上升")


def growth_claims(prose: Prose) -> tuple[Growth, ...]:
    """TXT-GROWTH-NEW statements."""

    def build(p: Prose) -> tuple[Growth, ...]:
        out = []
        for h in p.hits(GROWTH_NEW, ("同比", "较上年")):
            s, e = h.span_of("num")
            number = None if h.spaced(s, e) else read_number(h.clause, s, e, e + 1)
            if number is not None:
                out.append(Growth(h, number, h.m.group("act"), h.m.group("cmp"), h.m.group("verb"), Decimal(h.m.group("p"))))
        return tuple(out)

    return prose.memo("growth", build)


def placeholder_hits(prose: Prose) -> list[Hit]:
    """Template markers left in the title or the prose (TXT-PLACEHOLDER)."""
    return prose.memo("placeholder", lambda p: p.title_hits(PLACEHOLDER) + p.hits(PLACEHOLDER, PLACEHOLDER_KEYS))


def _repeat_starts(text: str) -> list[tuple[int, int]]:
    r"""(start, n) of every place where ``text[i:i+n] == text[i+n:i+2n]``, 2 ≤ n ≤ DUP_WORD_MAX.

    ``([\u4e00-\u9fff]{2,4})\1`` costs ~25 ns per character (it tries each length everywhere);
    this does the scan in C (~6 µs per length for a report): in ``t XOR (t shifted by n characters)``,
    one fixed-width code unit per character, a zero unit means ``text[i] == text[i+n]`` and n zero
    units in a row a repeat of length n.
    """
    if not text:
        return []
    unit, data = 2, text.encode("utf-16-le")
    if len(data) != 2 * len(text):  # a character outside the BMP takes two UTF-16 units
        unit, data = 4, text.encode("utf-32-le")
    size = len(data)
    value = int.from_bytes(data, "little")
    found: list[tuple[int, int]] = []
    for n in range(2, DUP_WORD_MAX + 1):
        width = unit * n
        if 2 * width > size:
            break
        xor = (value ^ (value >> (8 * width))).to_bytes(size, "little")
        zeros = bytes(width)
        limit = size - 2 * width  # the repeat must end inside the text
        i = xor.find(zeros)
        while 0 <= i <= limit:
            if i % unit:  # the zero bytes straddle two characters
                i = xor.find(zeros, i + 1)
                continue
            found.append((i // unit, n))
            i = xor.find(zeros, i + 2 * width)
    found.sort()
    return found


def _dup_matches(text: str) -> list[re.Match[str]]:
    """Back-to-back repeats in the first ``LIMITS.rule_text_chars`` characters, at most ``LIMITS.rule_hits``."""
    matches: list[re.Match[str]] = []
    end = 0
    for start, n in _repeat_starts(text[:LIMITS.rule_text_chars]):
        if start < end:
            continue  # inside a repeat already reported (公开公开公开公开 is one finding of 公开)
        m = DUP_WORD[n].match(text, start)
        if m is not None:  # both halves are Chinese characters (not 2020, ----, 。。)
            matches.append(m)
            end = m.end()
            if len(matches) >= LIMITS.rule_hits:
                break
    return matches


def dup_word_hits(prose: Prose) -> list[Hit]:
    """Words of 2–4 characters repeated back to back in the title or the prose (TXT-DUP-WORD)."""

    def build(p: Prose) -> list[Hit]:
        if p.title is None:
            return [p._hit(p.search, m) for m in _dup_matches(p.search)]
        part, title = p.title
        # one scan over title and prose together (the fixed cost per word length dominates)
        both = title + "。" + p.search
        hits = []
        for m in _dup_matches(both):
            if m.start() < len(title):
                hits.append(p._hit(title, DUP_WORD[len(m.group(1))].match(title, m.start()), part))  # type: ignore[arg-type]  # matched above
            else:
                hits.append(p._hit(p.search, DUP_WORD[len(m.group(1))].match(p.search, m.start() - len(title) - 1)))  # type: ignore[arg-type]
        return hits

    return prose.memo("dup_word", build)
