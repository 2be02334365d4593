"""The constraint reader: tables read from text that lost its structure (spec §2.8, layouts G, H, J).

Glued portal text (lxml ``text_content()``, crawler dumps), plain ``pdftotext`` (one cell a line,
numbers in blocks), PDF/OCR Markdown with generic headers and split rows, and labels wrapped over
several lines all keep two things: the row labels in the standard's order and the numbers in
reading order. This reader finds the labels in the text with the numbers taken out, gives each row
the numbers between its label and the next one, and cuts digit strings that ran together only where
the 30号 grammar (seven columns in table 3, three or one values a table-2 row, three blocks of five
in table 4) and the tables' identities (row sums, each column's balance and outcome totals, block
totals) leave exactly one reading. Anything else stays unreadable: it never guesses.

A cut is *sure* when the digits admit one reading whatever cells were left blank (``0000000`` can
only be seven zeros); any other cut must satisfy its row's identity and every column identity that
can be evaluated, and must be the same in every assignment that does.
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

from ..model import Cell, CellState, NoteKind, ParseNote, Report, Span, Table, TableInfo
from ..model.identities import Identity, balance_identity, outcomes_identity, rowsum_identity, sum_identity
from ..model.ids import T2_ROW_COLUMNS, T2_ROWS, T3_COLUMNS, T3_GROUP_LABELS, T3_ROWS, T4_BLOCKS, row_cells
from ..model.text import nfkc
from .labels import T2_ROW_LABELS, T3_ROW_LABELS
from .normalize import core_label, norm_label

_MAX_SPLITS = 200_000  # cuts of one row examined at most; beyond that the row stays unreadable
_MAX_COMBOS = 20_000  # joint assignments of the ambiguous rows examined at most

_SPACE = frozenset(" \t\r\n\f\v\u00a0\u3000|")  # a Markdown pipe separates cells like a space
_QUOTES = frozenset("\"'“”‘’「」『』")
_DASHES = frozenset("—–-－/／")
_ORD_PUNCT = frozenset(".、")
# digits that belong to a header word, not a value: Markdown's generic ``数据1`` … ``数据6``, 列3, 栏2
_HEADER_DIGIT_AFTER = ("数据", "列", "栏", "第")
_MD_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
# page furniture on a line of its own: “— 2 —”, “- 2 -”, “第 2 页 共 5 页”, “2/5”
_PAGE_LINE = re.compile(r"^\s*(?:[-—–]\s*\d{1,4}\s*[-—–]|第\s*\d{1,4}\s*页(?:\s*[，,]?\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*/\s*\d{1,4})\s*$")


@dataclass(slots=True)
class Tok:
    """A value token in the text: a digit run, a decimal, a dash or 无 standing for a blank."""

    kind: str  # "num" | "dec" | "dash"
    text: str
    start: int  # offsets in the source text
    end: int


@dataclass(slots=True)
class Stream:
    """A window of the text split into letters (labels, headers) and value tokens."""

    letters: str
    letter_at: list[int]  # source offset of each letter
    tokens: list[Tok]
    token_letter: list[int]  # for each token, how many letters precede it

    def letters_between(self, a: int, b: int) -> str:
        """Letters at source offsets [a, b)."""
        i = bisect.bisect_left(self.letter_at, a)
        j = bisect.bisect_left(self.letter_at, b)
        return self.letters[i:j]


def make_stream(text: str, lo: int, hi: int) -> Stream:
    """Lex ``text[lo:hi]``: value tokens out, everything else (normalised, no spaces) as letters."""
    letters: list[str] = []
    at: list[int] = []
    tokens: list[Tok] = []
    tok_letter: list[int] = []
    skip = _furniture_spans(text, lo, hi)
    i = lo
    while i < hi:
        if skip and i >= skip[0][0]:
            if i < skip[0][1]:
                i = skip[0][1]
                continue
            skip.pop(0)
            continue
        ch = nfkc(text[i])
        if len(ch) != 1:
            ch = ch[:1] or " "
        if ch in _SPACE:
            i += 1
            continue
        if ch.isascii() and ch.isdigit():
            j = i
            while j < hi and _digit(text[j]):
                j += 1
            run = "".join(nfkc(c) for c in text[i:j])
            nxt = nfkc(text[j]) if j < hi else ""
            after = nfkc(text[j + 1]) if j + 1 < hi else ""
            if nxt == "." and after.isascii() and after.isdigit():
                k = j + 1
                while k < hi and _digit(text[k]):
                    k += 1
                tokens.append(Tok("dec", run + "." + "".join(nfkc(c) for c in text[j + 1:k]), i, k))
                tok_letter.append(len(letters))
                i = k
                continue
            if "".join(letters[-2:]).endswith(_HEADER_DIGIT_AFTER) or "".join(letters[-1:]) in _HEADER_DIGIT_AFTER:
                for c in range(i, j):  # 数据1: a header word
                    letters.append(nfkc(text[c]))
                    at.append(c)
                i = j
                continue
            if nxt in _ORD_PUNCT and after and not (after.isascii() and after.isdigit()) and run[-1] != "0":
                # “…00000002.其他法律…”: the next label's ordinal ran into this row's digits
                if len(run) > 1:
                    tokens.append(Tok("num", run[:-1], i, j - 1))
                    tok_letter.append(len(letters))
                letters += [run[-1], "."]
                at += [j - 1, j]
                i = j + 1
                continue
            tokens.append(Tok("num", run, i, j))
            tok_letter.append(len(letters))
            i = j
            continue
        if ch in _DASHES:
            j = i
            while j < hi and nfkc(text[j]) in _DASHES:
                j += 1
            if j - i <= 3:
                tokens.append(Tok("dash", text[i:j], i, j))
                tok_letter.append(len(letters))
            i = j
            continue
        if ch == "无" and _alone(text, i, lo, hi):
            tokens.append(Tok("dash", "无", i, i + 1))
            tok_letter.append(len(letters))
            i += 1
            continue
        if ch not in _QUOTES:
            letters.append(ch)
            at.append(i)
        i += 1
    return Stream("".join(letters), at, tokens, tok_letter)


def _digit(c: str) -> bool:
    n = nfkc(c)
    return len(n) == 1 and n.isascii() and n.isdigit()


def _alone(text: str, i: int, lo: int, hi: int) -> bool:
    """Whether the character at ``i`` is a cell of its own (spaces, pipes or the window's ends around it)."""
    before = text[i - 1] if i > lo else " "
    after = text[i + 1] if i + 1 < hi else " "
    return nfkc(before) in _SPACE and nfkc(after) in _SPACE


def _furniture_spans(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """Source ranges of lines that are page numbers or Markdown rule rows."""
    out: list[tuple[int, int]] = []
    start = text.rfind("\n", 0, lo) + 1
    while start < hi:
        end = text.find("\n", start)
        end = hi if end < 0 or end > hi else end
        line = text[start:end]
        if _PAGE_LINE.match(line) or _MD_RULE.match(line):
            out.append((max(start, lo), end))
        start = end + 1
    return out


# --- labels -----------------------------------------------------------------------------------


@dataclass(slots=True)
class Found:
    """A row label found in the letters: its row key and source offsets."""

    key: str
    start: int
    end: int


@cache
def _forms(table: Table, key: str) -> tuple[str, ...]:
    """The label texts a row is searched by: without its ordinal, unless that leaves a word (其他, 总计)
    that also heads a column; with it in that case.
    """
    labels = T3_ROW_LABELS if table is Table.T3 else T2_ROW_LABELS
    out: list[str] = []
    for text in labels.texts(key):
        core = core_label(text)
        out.append(norm_label(text) if len(core) <= 2 else core)
    return tuple(dict.fromkeys(sorted(out, key=len, reverse=True)))


def find_labels(stream: Stream, table: Table, keys: Sequence[str], start: int = 0) -> list[Found]:
    """The rows' labels in order: each searched from the end of the previous one found."""
    found: list[Found] = []
    pos = start
    letters = stream.letters
    for key in keys:
        best: tuple[int, int] | None = None
        for form in _forms(table, key):
            k = letters.find(form, pos)
            if k >= 0 and (best is None or k < best[0]):
                best = (k, k + len(form))
        if best is None:
            continue
        a, b = best
        # the ordinal before a label without it (“1.”, “(一)”, “三、”) is part of the label
        while a > pos and letters[a - 1] in "0123456789.、()一二三四五六七八九十":
            a -= 1
        found.append(Found(key, stream.letter_at[a], stream.letter_at[b - 1] + 1))
        pos = b
    return found


_ALLOWED = tuple(sorted({core_label(g) for g in T3_GROUP_LABELS} | {norm_label(g) for g in T3_GROUP_LABELS}
                        | {c.label for c in T3_COLUMNS} | {"申请人情况", "法人或其他组织", "数据", "列", "栏", "续表", "单位", "件"},
                        key=len, reverse=True))


def _unexplained(letters: str) -> bool:
    """Whether letters between a row's numbers could be another row's label (not a group or column word)."""
    rest = letters
    for word in _ALLOWED:
        if word in rest:
            rest = rest.replace(word, "")
    # any other character among a row's numbers — an OCR glyph (“?”, “O”, “l”), a word, another
    # label — means the numbers may not be what they seem
    return bool(re.sub(r"[.、()（）:：，,;；]", "", rest))


# --- cutting digit strings ---------------------------------------------------------------------


def _valid(piece: str) -> bool:
    return piece == "0" or not piece.startswith("0")


@cache
def _count_cuts(run: str, parts: int) -> int:
    """How many ways ``run`` cuts into ``parts`` numbers."""
    if parts == 1:
        return 1 if _valid(run) else 0
    if len(run) < parts:
        return 0
    total = 0
    for cut in range(1, len(run) - parts + 2):
        head = run[:cut]
        if not _valid(head):
            break
        total += _count_cuts(run[cut:], parts - 1)
    return total


def _cuts(run: str, parts: int) -> Iterator[tuple[str, ...]]:
    if parts == 1:
        if _valid(run):
            yield (run,)
        return
    for cut in range(1, len(run) - parts + 2):
        head = run[:cut]
        if not _valid(head):
            break
        for rest in _cuts(run[cut:], parts - 1):
            yield (head, *rest)


Value = str | None  # a number's digits, or None for a dash/无 placeholder


def _pieces(tok: Tok) -> int:
    """The most values one token can hold."""
    return len(tok.text) if tok.kind == "num" else 1


def _readings(tokens: Sequence[Tok], n: int) -> Iterator[tuple[tuple[Value, ...], tuple[int, ...]]]:
    """Every way the tokens make exactly ``n`` values: (values, how many values each token gave)."""
    def walk(i: int, left: int) -> Iterator[tuple[tuple[Value, ...], tuple[int, ...]]]:
        if i == len(tokens):
            if left == 0:
                yield (), ()
            return
        tok = tokens[i]
        rest_min = len(tokens) - i - 1
        if tok.kind != "num":
            if left - 1 >= rest_min:
                value: Value = None if tok.kind == "dash" else tok.text
                for tail, counts in walk(i + 1, left - 1):
                    yield (value, *tail), (1, *counts)
            return
        for parts in range(1, min(len(tok.text), left - rest_min) + 1):
            for cut in _cuts(tok.text, parts):
                for tail, counts in walk(i + 1, left - parts):
                    yield (*cut, *tail), (parts, *counts)

    return walk(0, n)


def _fewer_possible(tokens: Sequence[Tok], n: int) -> bool:
    """Whether the tokens could also be fewer than ``n`` values (some cells left blank)."""
    for k in range(len(tokens), n):
        if _count_readings(tuple(t.text if t.kind == "num" else "#" for t in tokens), k):
            return True
    return False


@cache
def _count_readings(texts: tuple[str, ...], n: int) -> int:
    if not texts:
        return 1 if n == 0 else 0
    head, rest = texts[0], texts[1:]
    if head == "#" or "." in head:
        return _count_readings(rest, n - 1) if n >= 1 else 0
    return sum(_count_cuts(head, p) * _count_readings(rest, n - p) for p in range(1, min(len(head), n - len(rest)) + 1))


def _too_many(tokens: Sequence[Tok], n: int) -> bool:
    runs = [t for t in tokens if t.kind == "num"]
    free = sum(len(t.text) - 1 for t in runs)
    return math.comb(free, max(0, n - len(tokens))) > _MAX_SPLITS


# --- rows and the solver -----------------------------------------------------------------------


@dataclass(slots=True)
class RowRead:
    """What the text says of one row."""

    key: str
    ids: tuple[str, ...]
    tokens: list[Tok]
    status: str  # "direct" | "sure" | "split" | "blank" | "unreadable" | "missing" (label not found)
    candidates: list[tuple[Value, ...]] = field(default_factory=list)
    why: str = ""


def _row_read(key: str, ids: tuple[str, ...], tokens: list[Tok], interrupted: bool, decimal_ok: bool,
              row_checks: Sequence[Identity]) -> RowRead:
    n = len(ids)
    if interrupted:
        return RowRead(key, ids, tokens, "unreadable", why="数值之间夹有无法识别的文字")
    if not tokens:
        return RowRead(key, ids, tokens, "blank")
    if any(t.kind == "dec" for t in tokens) and not decimal_ok:
        return RowRead(key, ids, tokens, "unreadable", why="出现小数")
    if len(tokens) > n:
        return RowRead(key, ids, tokens, "unreadable", why=f"数值多于{n}个")
    if len(tokens) == n:
        vals = tuple(None if t.kind == "dash" else t.text for t in tokens)
        if all(v is None or _valid(v) or "." in v for v in vals):
            return RowRead(key, ids, tokens, "direct", [vals])
        return RowRead(key, ids, tokens, "unreadable", why="数值写法不规范")
    if len(tokens) < n and all(t.kind != "num" or len(t.text) == 1 for t in tokens):
        return RowRead(key, ids, tokens, "unreadable", why=f"只有{len(tokens)}个数值，无法确定空栏位置")
    if _too_many(tokens, n):
        return RowRead(key, ids, tokens, "unreadable", why="数字串拆分方式过多")
    readings = [vals for vals, _ in _readings(tokens, n)]
    if not readings:
        return RowRead(key, ids, tokens, "unreadable", why="数字串无法拆成本行各栏")
    if len(readings) == 1 and not _fewer_possible(tokens, n):
        return RowRead(key, ids, tokens, "sure", readings)
    if not row_checks:
        return RowRead(key, ids, tokens, "unreadable", why="本行没有勾稽关系可据以拆分连在一起的数字")
    fits = [v for v in readings if all(_holds(i, dict(zip(ids, v, strict=True))) for i in row_checks)]
    if not fits:
        return RowRead(key, ids, tokens, "unreadable", why="没有一种拆法满足本行勾稽关系")
    return RowRead(key, ids, tokens, "split", fits)


def _num(v: Value) -> int | Decimal | None:
    if v is None:
        return None
    return Decimal(v) if "." in v else int(v)


def _holds(identity: Identity, values: dict[str, Value]) -> bool:
    left, right = identity
    nums = [_num(values.get(c)) for c in (*left, *right)]
    if any(x is None for x in nums):
        return False
    return sum(nums[: len(left)]) == sum(nums[len(left):])  # type: ignore[arg-type]


def _assessable(identity: Identity, values: dict[str, Value | int]) -> bool:
    return all(c in values and values[c] is not None for c in (*identity[0], *identity[1]))


def solve(rows: list[RowRead], identities: Sequence[Identity]) -> str:
    """Settle the ``split`` rows jointly under the column identities; returns the inference named."""
    fixed: dict[str, Value] = {}
    for r in rows:
        if r.status in ("direct", "sure"):
            fixed.update(zip(r.ids, r.candidates[0], strict=True))
    split = [r for r in rows if r.status == "split"]
    if not split:
        return ""
    if math.prod(len(r.candidates) for r in split) > _MAX_COMBOS:
        for r in split:
            r.status, r.why = "unreadable", "可能的拆法过多"
        return ""
    known = set(fixed) | {c for r in split for c in r.ids}
    checks = [i for i in identities if all(c in known for c in (*i[0], *i[1]))]
    surviving: list[tuple[tuple[Value, ...], ...]] = []
    for combo in itertools.product(*(r.candidates for r in split)):
        values = dict(fixed)
        for r, vals in zip(split, combo, strict=True):
            values.update(zip(r.ids, vals, strict=True))
        if all(_holds(i, values) for i in checks if all(values.get(c) is not None for c in (*i[0], *i[1]))):
            surviving.append(combo)
    if not surviving:
        for r in split:
            r.status, r.why = "unreadable", "任何拆法都不满足各栏勾稽关系"
        return ""
    # A cut that only its own row's sum vouches for may hide a blank cell (5, blank, 5 … 10 glued reads
    # as 5|5|…): every cell of a cut row must also be in a column identity that could be evaluated.
    evaluated = [i for i in checks if all(fixed.get(c, "") is not None for c in (*i[0], *i[1]))
                 and len({c.split(".")[1] for c in (*i[0], *i[1])}) > 1]  # a row's own sum is no column check
    covered = {c for i in evaluated for c in (*i[0], *i[1])}
    for k, r in enumerate(split):
        readings = {combo[k] for combo in surviving}
        if not all(c in covered for c in r.ids):
            r.status, r.why = "unreadable", "本栏有空白或无法识别的单元格，无法用各栏勾稽关系核对拆法"
        elif len(readings) == 1:
            r.candidates = [readings.pop()]
        else:
            r.status, r.why = "unreadable", "有多种拆法同样满足勾稽关系"
    return "各栏勾稽关系"


# --- the tables --------------------------------------------------------------------------------


@dataclass(slots=True)
class TableRead:
    """A table as read from the stream: its rows and the inference named in the note."""

    table: Table
    rows: list[RowRead]
    layout: str
    inference: str
    start: int
    end: int


def _rows_between(stream: Stream, found: list[Found], hi: int) -> list[tuple[Found, list[Tok], bool]]:
    """Each found label with the tokens up to the next label, and whether other words interrupt them."""
    out = []
    for k, f in enumerate(found):
        end = found[k + 1].start if k + 1 < len(found) else hi
        toks = [t for t in stream.tokens if f.start <= t.start < end]
        interrupted = False
        if toks:
            # words between the label and its last number: another row's label, or prose
            interrupted = _unexplained(stream.letters_between(f.end, toks[-1].start))
        out.append((f, toks, interrupted))
    return out


def read_t3(text: str, lo: int, hi: int) -> TableRead | None:
    """Table 3 from ``text[lo:hi]``: 26 rows of seven, row sums, column balances and outcome totals."""
    stream = make_stream(text, lo, hi)
    keys = [r.key for r in T3_ROWS]
    found = find_labels(stream, Table.T3, keys)
    if len(found) < 3:
        return None
    rows_at = _rows_between(stream, found, hi)
    identities = [rowsum_identity(k) for k in keys] + [balance_identity(c.key) for c in T3_COLUMNS] + [
        outcomes_identity(c.key) for c in T3_COLUMNS]
    blocks = _blocks(found, rows_at, identities)
    if blocks is not None:
        return TableRead(Table.T3, blocks[0], "blocks", blocks[1], lo, hi)
    rows = []
    for f, toks, interrupted in rows_at:
        ids = row_cells(Table.T3, f.key)
        rows.append(_row_read(f.key, ids, toks, interrupted, False, [rowsum_identity(f.key)]))
    _missing(rows, keys, Table.T3)
    inference = solve(rows, identities)
    return TableRead(Table.T3, rows, _layout(rows), inference, lo, hi)


def _blocks(found: list[Found], rows_at: list[tuple[Found, list[Tok], bool]],
            identities: Sequence[Identity]) -> tuple[list[RowRead], str] | None:
    """Every label first, then all the numbers (plain pdftotext): read row by row or column by column,
    whichever alone makes every identity hold.
    """
    if any(toks for _, toks, _ in rows_at[:-1]):
        return None
    toks = rows_at[-1][1]
    n = len(found)
    if n < 2 or len(toks) != 7 * n or any(t.kind != "num" or not _valid(t.text) for t in toks):
        return None
    by_row = [tuple(t.text for t in toks[7 * i:7 * i + 7]) for i in range(n)]
    by_column = [tuple(toks[j * n + i].text for j in range(7)) for i in range(n)]
    fits = []
    for order in (by_row, by_column):
        values: dict[str, Value] = {}
        for f, vals in zip(found, order, strict=True):
            values.update(zip(row_cells(Table.T3, f.key), vals, strict=True))
        checks = [i for i in identities if all(c in values for c in (*i[0], *i[1]))]
        if checks and all(_holds(i, values) for i in checks):
            fits.append(order)
    if not fits or (len(fits) == 2 and fits[0] != fits[1]):
        return None
    rows = [RowRead(f.key, row_cells(Table.T3, f.key), [], "sure", [vals]) for f, vals in zip(found, fits[0], strict=True)]
    return rows, "标签与数值分开排列，按各行合计唯一确定读取顺序"


def _missing(rows: list[RowRead], keys: Sequence[str], table: Table) -> None:
    """Rows whose label was not found: unreadable, and the row before them too when it took numbers
    that may be theirs.
    """
    have = {r.key for r in rows}
    for k, key in enumerate(keys):
        if key in have:
            continue
        before = next((r for r in reversed(rows) if r.status != "missing" and keys.index(r.key) < k), None)
        if before is not None and before.status != "blank":
            before.status, before.why = "unreadable", "下一行的标签未找到，数值归属不明"
        rows.append(RowRead(key, row_cells(table, key), [], "missing", why="未找到本行标签"))


def _layout(rows: list[RowRead]) -> str:
    """``glued`` when some row's digits ran together, else ``cells``."""
    if any(r.status in ("sure", "split") and len(r.tokens) < len(r.ids) for r in rows):
        return "glued"
    return "cells"


def read_t2(text: str, lo: int, hi: int) -> TableRead | None:
    """Table 2 from ``text[lo:hi]``: rows of three or one value, no identity (cut only when sure)."""
    stream = make_stream(text, lo, hi)
    keys = [r.key for r in T2_ROWS]
    found = find_labels(stream, Table.T2, keys)
    if len(found) < 2:
        return None
    rows = []
    for f, toks, interrupted in _rows_between(stream, found, hi):
        ids = row_cells(Table.T2, f.key)
        rows.append(_row_read(f.key, ids, toks, interrupted, T2_ROW_COLUMNS[f.key] == ("amount",), []))
    _missing(rows, keys, Table.T2)
    return TableRead(Table.T2, rows, _layout(rows), "", lo, hi)


def read_t4(text: str, lo: int, hi: int) -> TableRead | None:
    """Table 4 from ``text[lo:hi]``: fifteen values after the header, three blocks adding up to their totals."""
    stream = make_stream(text, lo, hi)
    toks = stream.tokens
    ids = tuple(c for b in T4_BLOCKS for c in row_cells(Table.T4, b.key))
    if not toks or "行政复议" not in stream.letters:
        return None
    first = stream.token_letter[0]
    interrupted = _unexplained(_t4_words(stream.letters[first:stream.token_letter[-1]]))
    row = _row_read("t4", ids, toks, interrupted, False, [sum_identity(b.key) for b in T4_BLOCKS])
    if row.status == "split" and len(row.candidates) > 1:
        row.status, row.why = "unreadable", "有多种拆法同样满足各类结果之和等于总计"
    elif row.status == "split" and _fewer_possible(toks, len(ids)):
        # Only the row's own block totals vouch for the cut, and a blank cell leaves no trace: “0 0 … 11 …”
        # with a blank somewhere reads as 1|1 just as well (table 3's cuts need column identities too)
        row.status, row.why = "unreadable", "可能有空白单元格，仅凭各类结果之和等于总计无法确定拆法"
    return TableRead(Table.T4, [row], _layout([row]), "各类结果之和等于总计" if row.status == "split" else "", lo, hi)


def _t4_words(letters: str) -> str:
    for w in ("行政复议", "行政诉讼", "未经复议直接起诉", "复议后起诉", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "其他"):
        letters = letters.replace(w, "")
    return letters


# --- windows and the report ----------------------------------------------------------------------

_T2_START = re.compile(r"第\s*二\s*十\s*条\s*第\s*[（(]\s*一\s*[）)]\s*项")
_T3_START = re.compile(r"(?:[（(]\s*本\s*列\s*数\s*据\s*的\s*)?勾\s*稽\s*关\s*系|申\s*请\s*人\s*情\s*况")
_T3_FIRST = re.compile(r"本\s*年\s*新\s*收")
_T4_START = re.compile(r"行\s*政\s*复\s*议")


def windows(text: str, sections: dict[int, tuple[int, int]]) -> dict[Table, tuple[int, int]]:
    """Where each table's text lies: from its anchor to the end of its section (2, 3 or 4). A table
    whose section heading was not found is not looked for: numbers in other sections' prose must
    never become cells.
    """
    out: dict[Table, tuple[int, int]] = {}
    for table, number, start in ((Table.T2, 2, _T2_START), (Table.T3, 3, _T3_START), (Table.T4, 4, _T4_START)):
        if number not in sections:
            continue
        lo, hi = sections[number]
        hi = min(hi, len(text))
        m = start.search(text, lo, hi)
        if m is None and table is Table.T3:
            m = _T3_FIRST.search(text, lo, hi)
        if m is not None:
            out[table] = (m.start(), hi)
    return out


_READERS = {Table.T2: read_t2, Table.T3: read_t3, Table.T4: read_t4}
_LAYOUT_NAMES = {"glued": "各栏数字连在一起", "cells": "表格结构丢失（每栏一行或分隔符不一）",
                 "blocks": "标签与数值分开排列"}


def fill_from_stream(report: Report, lines: list[str], sections: dict[int, tuple[int, int]]) -> dict[Table, tuple[int, int]]:
    """Complete the tables the structural reader left incomplete; returns where the tables it read lie.

    Only cells without a value are filled; when the stream disagrees with a number the structural
    reader read, the stream's reading of that table is dropped (one of the two is wrong: keep the
    one read from the layout).
    """
    text = "\n".join(lines)  # offsets are into the lines joined, whatever line ends the file had
    starts: list[int] = []  # where each line starts in text: made once a table is read
    done: dict[Table, tuple[int, int]] = {}
    for table, (lo, hi) in windows(text, sections).items():
        if _complete(report, table):
            continue
        read = _READERS[table](text, lo, hi)
        if read is None or not any(r.status in ("direct", "sure", "split") for r in read.rows):
            continue
        if not starts:
            starts.append(0)
            for line in lines[:-1]:
                starts.append(starts[-1] + len(line) + 1)
        if _apply(report, read, starts):
            done[table] = (lo, hi)
    return done


_SECTION = {Table.T2: 2, Table.T3: 3, Table.T4: 4}
_LABELS = {r.key: r.label for r in (*T2_ROWS, *T3_ROWS)}
_LAYOUT_NOTES = frozenset({NoteKind.ROW_AMBIGUOUS, NoteKind.ROW_UNKNOWN, NoteKind.ROW_SPLIT, NoteKind.LABEL_VARIANT,
                           NoteKind.LABEL_INFERRED, NoteKind.DIGITS_SPLIT})


def table_lines(lines: list[str], lo: int, hi: int) -> list[int]:
    """0-based indexes of the lines whose every printed character lies in [lo, hi)."""
    out = []
    start = 0
    for i, line in enumerate(lines):
        end = start + len(line)
        if end > lo and start < hi and not line[: max(0, lo - start)].strip() and not line[max(0, hi - start):].strip():
            out.append(i)
        start = end + 1
        if start >= hi:
            break
    return out


def _table_ids(table: Table) -> list[str]:
    rows = {Table.T2: [r.key for r in T2_ROWS], Table.T3: [r.key for r in T3_ROWS], Table.T4: [b.key for b in T4_BLOCKS]}
    return [c for k in rows[table] for c in row_cells(table, k)]


_TABLE_IDS = {table: tuple(_table_ids(table)) for table in (Table.T2, Table.T3, Table.T4)}
_WEAK = (CellState.ABSENT, CellState.UNREADABLE)


def _complete(report: Report, table: Table) -> bool:
    """Whether the structural reader read every cell of the table (most reports: nothing to complete)."""
    cells = report.cells
    for cid in _TABLE_IDS[table]:
        cell = cells.get(cid)
        if cell is None or cell.state in _WEAK:
            return False
    return True


def _span(starts: list[int], a: int, b: int) -> Span:
    la = bisect.bisect_right(starts, a) - 1
    lb = bisect.bisect_right(starts, max(a, b - 1)) - 1
    return Span(la + 1, a - starts[la], lb + 1, b - starts[lb])


def _apply(report: Report, read: TableRead, starts: list[int]) -> bool:
    new: dict[str, Cell] = {}
    split_rows: list[str] = []
    unreadable: list[str] = []
    for row in read.rows:
        if row.status == "missing":
            continue  # not in the text: the structural reader's ABSENT stands
        if row.status == "unreadable":
            span = _span(starts, row.tokens[0].start, row.tokens[-1].end) if row.tokens else None
            raw = " ".join(t.text for t in row.tokens)
            for cid in row.ids:
                new[cid] = Cell(cid, CellState.UNREADABLE, None, raw, span)
            unreadable.append(row.key)
            continue
        if row.status == "blank":
            for cid in row.ids:
                new[cid] = Cell(cid, CellState.BLANK, None, "", None)
            continue
        values = row.candidates[0]
        spans = _value_spans(row, values, starts)
        for cid, v, span in zip(row.ids, values, spans, strict=True):
            if v is None:
                new[cid] = Cell(cid, CellState.DASH, None, "—", span)
            else:
                new[cid] = Cell(cid, CellState.NUMBER, _num(v), v, span)
        if row.status == "split":
            split_rows.append(row.key)
    for cid, cell in new.items():
        old = report.cells.get(cid)
        if old is not None and old.state is CellState.NUMBER and cell.state is CellState.NUMBER and old.value != cell.value:
            return False
    filled = []
    changes: dict[str, Cell] = {}
    doubtful = {str(c) for n in report.notes if n.kind is NoteKind.OCR_LOW_CONFIDENCE for c in n.data.get("cells", ())}
    for cid, cell in new.items():
        if cid in doubtful:
            continue  # OCR could not read it with confidence: the text's digits are no better
        old = report.cells.get(cid)
        weak = old is None or old.state in (CellState.ABSENT, CellState.UNREADABLE, CellState.BLANK)
        if weak and cell.state is not CellState.UNREADABLE and (cell.state is not CellState.BLANK or old is None
                                                                 or old.state is not CellState.UNREADABLE):
            changes[cid] = cell
            filled.append(cid)
        elif old is None or old.state is CellState.ABSENT:
            changes[cid] = cell
    if not filled:
        return False
    report.cells.update(changes)
    for row in read.rows:
        if row.status == "unreadable" and any(c in changes for c in row.ids):
            # the established note of a row that could not be read (PARSE-ROW-AMBIGUOUS shows it)
            report.notes.append(ParseNote(NoteKind.ROW_AMBIGUOUS, read.table, changes[row.ids[0]].span, {
                "label": _LABELS.get(row.key, "各栏"), "k": len(row.tokens), "expected": len(row.ids),
                "cells": list(row.ids), "reason": row.why}))
    span = _span(starts, read.start, read.end)
    if not unreadable:
        # the structural reader's complaints about this table were about the layout the stream read
        report.notes[:] = [n for n in report.notes if n.table is not read.table or n.kind not in _LAYOUT_NOTES]
    if read.table not in report.tables:
        report.tables[read.table] = TableInfo(read.table, span, read.layout, _SECTION[read.table],
                                              [r.key for r in read.rows if r.status not in ("unreadable", "missing")])
    report.notes.append(ParseNote(NoteKind.STRUCTURE_INFERRED, read.table, span, {
        "layout": _LAYOUT_NAMES.get(read.layout, read.layout),
        "inference": read.inference or "标准行序",
        "cells": filled,
        "split": [_LABELS.get(k, "表四各栏") for k in split_rows],
        "unreadable": [_LABELS.get(k, "表四各栏") for k in unreadable],
    }))
    return True


def _value_spans(row: RowRead, values: tuple[Value, ...], starts: list[int]) -> list[Span | None]:
    """Each value's place in the source: its token, or its slice of a digit string that was cut."""
    out: list[Span | None] = []
    k = 0
    for tok in row.tokens:
        if tok.kind != "num":
            out.append(_span(starts, tok.start, tok.end))
            k += 1
            continue
        at = tok.start
        while at < tok.end and k < len(values):
            width = len(values[k] or "")
            out.append(_span(starts, at, at + width))
            at += width
            k += 1
    return out + [None] * (len(values) - len(out))


UNGLUE_MIN = 400  # a line this long holding headings: a body that lost its line breaks


def unglue(text: str) -> str:
    """Line breaks back around the standard section headings, the title, the table captions and the
    signature on lines that lost them all (crawler dumps), so that these are found by line again.
    Other lines are left as they are.
    """
    lines = text.split("\n")
    if max(map(len, lines), default=0) < UNGLUE_MIN:
        return text
    out = []
    for k, line in enumerate(lines):
        if len(line) < UNGLUE_MIN or not _HEADINGS.search(line):
            out.append(line)
            continue
        line = _HEADINGS.sub(lambda m: "\n" + m.group(0) + "\n", line)
        line = _T2_LINE.sub(lambda m: "\n" + m.group(0), line)
        line = _T3_LINE.sub(lambda m: "\n" + m.group(0), line, count=1)
        if k == 0 or not "".join(lines[:k]).strip():
            line = _TITLE_END.sub(lambda m: m.group(0) + "\n", line, count=1)
        line = _SIGNATURE.sub(lambda m: "。\n" + m.group(1) + "\n" + m.group(2), line, count=1)
        out += [piece for piece in line.split("\n") if piece.strip()]
    return "\n".join(out)


_HEADINGS = re.compile("|".join(re.escape(h) for h in (
    "一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项")))
_T2_LINE = re.compile(r"第二十条第[（(][一五六八][）)]项")
_T3_LINE = re.compile(r"[（(]本列数据的勾稽关系")
_TITLE_END = re.compile(r"^\s*[^\n。]{4,80}?政府信息公开工作年度报告(?=\S)")
_SIGNATURE = re.compile(r"。([^。\n]{2,40}?)(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*$")
