"""Text copied from another unit (XU-TEXT-COPY): a year's reports compared with each other, incrementally.

For the years an ingest touched (or a version change, or ``zfxxgk copies``), :func:`refresh`:

1. **prints** every report of the year not printed yet: sections 1 and 5, masked (``check.copying``:
   the unit's and its regions' names, every number, whitespace and punctuation), hashed whole (exact
   copies share the hash) and as a MinHash signature of the set of its 8-character shingles
   (:func:`signature`; 256 permutations). A report's sections never change, so each is printed once; an
   ingest's workers print the reports they parse (:func:`report_prints`), stored with their chunk as
   :data:`PENDING`, so that this step, which runs in the writing process alone, only takes them over;
2. **matches** the new prints against the whole year: an LSH banding (85 bands of 3 values, :class:`_Bands`) of the
   distinct texts of the year gives each new text its candidates (for fewer than :data:`LSH_FROM` new
   texts, an upload, every signature of the year is compared with theirs instead); the ones most alike
   by the signatures' estimate (at least :data:`MIN_ESTIMATE`, at most :data:`MAX_VERIFIED` other units)
   are *measured* exactly with :func:`check.copying.pair_shares` — the share of each text covered by
   runs of ≥ 8 characters of the other, as XY-TEXT-DUPLICATE measures the previous year. Pairs above
   50 % either way are stored;
3. **settles** the findings: each current report's matches (current reports of other units, share of
   its own text above 50 %) are compared with its stored XU-TEXT-COPY findings, and only the reports
   whose matches changed get that rule's findings again (with the other units named and the shares).

Cost: printing is linear in the new reports; matching reads the year's stored signatures (no text
is read again but the candidates') and measures a bounded number of pairs per new text, so a store
of a template-filled province (thousands of near-identical reports) stays linear too: a crowded LSH
bucket contributes at most :data:`BUCKET_SAMPLE` candidates. Figures: docs/benchmarks.md.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import as_completed
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np

from ..check import PeerCopy, check
from ..check.copying import (
    COPY_MIN_CHARS,
    COPY_SECTIONS,
    COPY_THRESHOLD,
    SHINGLE,
    mask,
    name_variants,
    pair_shares,
)
from ..model import Report, Section, Span
from ..store import Store
from ..store import copies as stored
from .executor import process_pool

log = logging.getLogger(__name__)

RULE = "XU-TEXT-COPY"
NUM_PERM = 256  # signature length: the Jaccard estimate's standard error is ≤ 0.032
SEED = 1
# LSH bands × rows (85 × 3 = 255 of the 256 values): two texts become candidates with probability
# 1 − (1 − J³)⁸⁵ for a Jaccard similarity J of their shingle sets — 50 % at J = 0.2, 96 % at 0.33 (a text half
# covered by another of the same length), > 99.5 % from 0.4 on; unrelated reports (J ≈ 0.05) 1 %.
LSH_BANDS, LSH_ROWS = 85, 3
# A candidate whose signatures agree on fewer values is not measured: a text half covered by another
# at most 4.5 times as long still has J ≥ 0.1.
MIN_ESTIMATE = 0.1
MAX_VERIFIED = 5  # other units measured exactly per new text, the most alike first
# Of more candidates than SHORTLIST (a template shared across a year), the SHORTLIST that agree most on
# the first COARSE values are ranked by their whole signatures: comparing every candidate's whole
# signature was most of the matching time when each text had thousands (docs/benchmarks.md).
COARSE, SHORTLIST = 64, 100
# New distinct texts from which the LSH index is built; fewer are compared with every signature of the
# year (numpy), which for a few uploads costs less than indexing the year (see docs/copies.md).
LSH_FROM = 500
MAX_LISTED = 20  # other units listed per section in a finding (the highest shares)
# New texts of a refresh (of the first section, in all its years) from which the sections are matched on
# several processes (a batch's workers): below, starting them costs more than they save.
PARALLEL_FROM = 2_000
BUCKET_SAMPLE = 200  # candidates taken from one LSH bucket (a template shared by a whole province)
# Everything that changes a print: a stored print of another scheme is made again.
SCHEME = f"m2-k{SHINGLE}-p{NUM_PERM}-s{SEED}-poly64-u32le"
# Prints the batch workers made, stored with their reports but not matched yet: the refresh at the end
# of the run turns them into SCHEME as it matches them (a run stopped before it leaves them for the next).
PENDING = f"new:{SCHEME}"


# The shingle hash: a polynomial in the characters' code points modulo 2⁶⁴ (an odd multiplier), mixed with
# MurmurHash3's 64-bit finaliser, its high 32 bits kept. Stable across processes and platforms (Python's
# hash() is not), and one numpy pass for all of a text's shingles.
_MULTIPLIER = 0x9E3779B97F4A7C15
_POWERS = np.array([pow(_MULTIPLIER, SHINGLE - 1 - i, 1 << 64) for i in range(SHINGLE)], dtype=np.uint64)
_BLOCK = 1024  # shingles permuted at once: bounds the temporary array of a long text to 1 MB
_EMPTY = np.full(NUM_PERM, 0xFFFFFFFF, dtype=np.uint32)


@cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """The 256 permutations h ↦ a·h + b mod 2³² (a odd: each is a bijection), from the seed."""
    rng = np.random.Generator(np.random.PCG64(SEED))
    a = rng.integers(0, 1 << 32, NUM_PERM, dtype=np.uint64).astype(np.uint32) | np.uint32(1)
    b = rng.integers(0, 1 << 32, NUM_PERM, dtype=np.uint64).astype(np.uint32)
    return a, b


def _shingle_hashes(masked: str) -> np.ndarray:
    """The 32-bit hash of each 8-character window of a text (a window seen twice: its hash twice)."""
    codes = np.frombuffer(masked.encode("utf-32-le"), dtype="<u4").astype(np.uint64)
    n = len(codes) - SHINGLE + 1
    if n <= 0:
        return np.empty(0, dtype=np.uint32)
    windows = np.ndarray((n, SHINGLE), dtype=np.uint64, buffer=codes, strides=(8, 8))  # a view, no copy
    h = windows @ _POWERS  # wraps modulo 2⁶⁴
    for multiplier in (0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53):
        h ^= h >> np.uint64(33)
        h *= np.uint64(multiplier)
    h ^= h >> np.uint64(33)
    return (h >> np.uint64(32)).astype(np.uint32)


def signature(masked: str) -> bytes:
    """The MinHash signature of a masked text's set of shingles: its 256 values, little-endian uint32.

    The ``affine32`` construction of datasketch (a mixed 32-bit hash of each shingle, permuted by
    ``a·h + b mod 2³²``), computed here for all shingles at once: datasketch hashes each shingle in
    Python, which made signing ≈ 2 × slower and most of a worker's printing time. A shingle met twice
    changes no minimum, so the set needs no deduplication.
    """
    a, b = _permutations()
    hashes = _shingle_hashes(masked)
    out = _EMPTY.copy()
    for i in range(0, len(hashes), _BLOCK):
        permuted = hashes[i : i + _BLOCK, None] * a  # wraps modulo 2³²
        permuted += b
        np.minimum(out, permuted.min(axis=0), out=out)
    return out.astype("<u4").tobytes()


def _digest(masked: str) -> str:
    return hashlib.blake2b(masked.encode("utf-8"), digest_size=16).hexdigest()


@dataclass(slots=True)
class Refreshed:
    """What one :func:`refresh` did."""

    years: list[int] = field(default_factory=list)
    printed: int = 0  # reports printed here (an ingest's workers print its reports)
    pairs: int = 0  # pairs measured above the threshold (each stored both ways)
    settled: int = 0  # reports whose XU-TEXT-COPY findings were written again


def refresh(store: Store, years: Iterable[int], workers: int = 1) -> Refreshed:
    """Print, match and settle the findings of these years (see the module).

    With ``workers`` > 1 and at least :data:`PARALLEL_FROM` new prints (a batch), each year's sections
    are matched on that many processes (the candidates and the exact measure; each process reads the
    store on its own connection), and this process stores the pairs as they come.
    """
    done = Refreshed()
    tasks: list[tuple[int, int, set[int]]] = []  # (year, section, the year's new reports)
    for year in sorted({y for y in years if y is not None}):
        done.years.append(year)
        made = stored.promote(store, year, PENDING, SCHEME)  # by the workers of an ingest
        printed = _print(store, year)
        done.printed += len(printed)
        new = made | printed
        if new:
            tasks += [(year, n, new) for n in COPY_SECTIONS]
    parallel = (workers > 1 and len(tasks) > 1 and ":memory:" not in store.url
                and sum(len(new) for _, n, new in tasks if n == COPY_SECTIONS[0]) >= PARALLEL_FROM)
    measured = _measure_on(store.url, tasks, workers) if parallel else (_measure(store, *t) for t in tasks)
    for rows in measured:
        stored.save_copies(store, rows)
        done.pairs += len(rows) // 2
    for year in done.years:
        done.settled += settle(store, year)
    return done


def _measure_on(url: str, tasks: list[tuple[int, int, set[int]]], workers: int) -> Iterator[list[CopyRow]]:
    """:func:`_measure` of each task on a pool of processes, the results as they come."""
    with process_pool(min(workers, len(tasks))) as pool:
        futures = [pool.submit(_measure_at, url, *t) for t in tasks]
        try:
            for f in as_completed(futures):
                yield f.result()
        finally:
            for f in futures:
                f.cancel()


_STORES: dict[str, Store] = {}  # a pool process's store, opened once


def _measure_at(url: str, year: int, section: int, new: set[int]) -> list[CopyRow]:
    store = _STORES.get(url)
    if store is None:
        store = _STORES[url] = Store(url, upgrade=False)
    return _measure(store, year, section, new)


def _print(store: Store, year: int) -> set[int]:
    """Print the year's reports that have no print of this scheme (nor a pending one); returns their ids."""
    todo = stored.unsigned(store, year, SCHEME, COPY_SECTIONS)
    stored.save_prints(store, [(t.report_id, n, SCHEME, ln, d, m) for t in todo for n, ln, d, m in prints(t.unit, t.texts)])
    return {t.report_id for t in todo}


Made = tuple[int, int, str | None, bytes | None]  # section, masked length, digest, signature
CopyRow = tuple[int, int, int, float]  # report, other report, section, share of the report's text


def prints(unit: str | None, texts: dict[int, str]) -> list[Made]:
    """The prints of a report's compared sections (``texts``: section number → text) under its unit's name."""
    names = name_variants(unit)
    out: list[Made] = []
    for n in COPY_SECTIONS:
        masked = mask(texts.get(n) or "", names)  # as check.copying.masked_sections masks it
        if len(masked) >= COPY_MIN_CHARS:
            out.append((n, len(masked), _digest(masked), signature(masked)))
        else:  # too short to compare: recorded, so the report counts as compared
            out.append((n, len(masked), None, None))
    return out


def report_prints(report: Report) -> list[Made] | None:
    """A parsed report's prints, made where it was parsed (a batch worker) so that the writing process
    only stores them; None when it has no unit (it is never compared) or they cannot be made.
    """
    if not report.unit:
        return None
    try:
        return prints(report.unit, {n: report.sections[n].text for n in COPY_SECTIONS if n in report.sections})
    except Exception:  # noqa: BLE001 - the refresh makes them from the stored texts instead
        log.debug("未能预先计算文字指纹", exc_info=True)
        return None


def save_made(store: Store, made: Sequence[tuple[int, str, list[Made]]]) -> None:
    """Store prints made by the workers for new reports (report id, the unit name they were made under,
    prints). A report stored under another unit name, or with no unit, is left to :func:`refresh`.
    """
    stored_as = stored.report_units(store, [rid for rid, _, _ in made])
    rows = [(rid, n, PENDING, ln, d, m) for rid, unit, ps in made
            if (got := stored_as.get(rid)) is not None and got[0] is not None and got[1] == unit
            for n, ln, d, m in ps]
    stored.save_prints(store, rows)


class _Bands:
    """The LSH banding of a year's signatures (rows of ``matrix``): texts whose values agree on all
    :data:`LSH_ROWS` values of any of the :data:`LSH_BANDS` bands are candidates of each other.

    The buckets are numpy arrays, one sort per band: each band's texts in the order of their values,
    the lowest index first within a bucket. datasketch's ``MinHashLSH`` kept a Python object per band
    and text and took longer to fill than all the rest of the candidate search (``docs/benchmarks.md``);
    the bands and rows are the same.
    """

    def __init__(self, matrix: np.ndarray) -> None:
        n = len(matrix)
        orders, group_of, starts, counts = [], [], [], []
        buckets = 0  # buckets of the bands before
        for b in range(LSH_BANDS):
            cols = matrix[:, b * LSH_ROWS : (b + 1) * LSH_ROWS]
            order = np.lexsort(cols.T[::-1])  # by the band's values; stable, so a bucket keeps index order
            ranked = cols[order]
            first = np.ones(n, dtype=bool)  # where a bucket begins in ``order``
            first[1:] = (ranked[1:] != ranked[:-1]).any(axis=1)
            begins = np.flatnonzero(first)
            group = np.empty(n, dtype=np.int64)
            group[order] = np.cumsum(first) - 1 + buckets
            orders.append(order)
            group_of.append(group)
            starts.append(begins + b * n)
            counts.append(np.diff(np.append(begins, n)))
            buckets += len(begins)
        self.order = np.concatenate(orders)  # every band's texts, band after band
        self.group = np.stack(group_of)  # band × text → its bucket (numbered across the bands)
        self.start = np.concatenate(starts)  # bucket → where its texts begin in ``order``
        self.count = np.concatenate(counts)  # bucket → how many texts it holds

    def candidates(self, k: int) -> np.ndarray:
        """The texts sharing a bucket with text ``k`` (itself too), sorted: at most :data:`BUCKET_SAMPLE`
        of any bucket (the lowest indexes), so a template shared by thousands stays bounded.
        """
        buckets = self.group[:, k]
        starts = self.start[buckets]
        taken = np.minimum(self.count[buckets], BUCKET_SAMPLE)
        ends = np.cumsum(taken)
        positions = np.arange(ends[-1]) - np.repeat(ends - taken - starts, taken)
        # marked in a mask of the year's texts: a hash set (np.unique) of up to 85 × 200 took 0.5 ms a text
        seen = np.zeros(self.group.shape[1], dtype=bool)
        seen[self.order[positions]] = True
        seen[k] = True
        return np.flatnonzero(seen)


def _ranked(alike: np.ndarray, among: np.ndarray, limit: int) -> list[int]:
    """The first ``limit`` of ``among`` (indexes of distinct texts) whose estimate is at least
    :data:`MIN_ESTIMATE`, most alike first.
    """
    keep = alike >= MIN_ESTIMATE
    alike, among = alike[keep], among[keep]
    return among[np.lexsort((among, -alike))[:limit]].tolist()


def _nearest(matrix: np.ndarray, head: np.ndarray, k: int, found: np.ndarray, limit: int) -> list[int]:
    """Text ``k``'s candidates (``found``, sorted) ranked by :func:`_ranked` on their whole signatures;
    of more than :data:`SHORTLIST`, only the SHORTLIST agreeing most on ``head`` (the first :data:`COARSE`
    values of every signature), the lowest index first among equals.
    """
    if len(found) > SHORTLIST:
        coarse = np.count_nonzero(head[found] == head[k], axis=1)
        found = np.sort(found[np.argsort(-coarse, kind="stable")[:SHORTLIST]])
    return _ranked(np.count_nonzero(matrix[found] == matrix[k], axis=1) / NUM_PERM, found, limit)


def _section_plans(prints: list[stored.Print], n: int, new: set[int]) -> list[tuple[int, int, list[tuple[int, bool]]]]:
    """For each new print of section ``n``: the other units' reports to measure it against, the most alike
    first, with whether the text is exactly theirs. The LSH index lives only while this runs (it holds a
    Python object per band and text: the largest memory of the comparison).
    """
    plans: list[tuple[int, int, list[tuple[int, bool]]]] = []
    texts: dict[str, int] = {}  # digest → index of the distinct text
    members: list[list[tuple[int, int | None]]] = []  # per distinct text: (report, unit) in id order
    values: list[bytes] = []
    for p in prints:
        assert p.digest is not None and p.minhash is not None  # the caller passes compared sections only
        k = texts.get(p.digest)
        if k is None:
            k = texts[p.digest] = len(members)
            members.append([])
            values.append(p.minhash)
        members[k].append((p.report_id, p.unit_id))
    if not members:
        return plans
    matrix = np.frombuffer(b"".join(values), dtype="<u4").reshape(len(values), NUM_PERM)
    asked = [p for p in prints if p.report_id in new]
    queries = {texts[p.digest] for p in asked}  # type: ignore[index]
    bands = _Bands(matrix) if len(queries) >= LSH_FROM else None
    head = np.ascontiguousarray(matrix[:, :COARSE])
    everything = np.arange(len(members))
    nearest: dict[int, list[int]] = {}
    for p in asked:
        k = texts[p.digest]  # type: ignore[index]
        if k not in nearest:
            found = bands.candidates(k) if bands is not None else everything
            # a few more than are measured: members of the asker's own unit and units met twice are skipped
            nearest[k] = _nearest(matrix, head, k, found, 4 * MAX_VERIFIED)
        chosen: list[tuple[int, bool]] = []
        units = {p.unit_id}
        for c in nearest[k]:
            for other, unit in members[c]:
                if unit in units:  # the same unit (another version), or a unit already measured
                    continue
                units.add(unit)
                chosen.append((other, c == k))
                if len(chosen) >= MAX_VERIFIED:
                    break
            if len(chosen) >= MAX_VERIFIED:
                break
        plans.append((p.report_id, n, chosen))
    return plans


def _measure(store: Store, year: int, section: int, new: set[int]) -> list[CopyRow]:
    """The new prints of one section of ``year`` measured against all of the year's: the pairs above the
    threshold, each both ways (nothing is written).

    Candidates come from the LSH index when many texts are new (a batch); for a few (an upload) every
    signature of the year is compared with theirs at once, which costs less than indexing the year.
    """
    prints = [p for p in stored.year_prints(store, year, SCHEME, section) if p.digest is not None]
    plans = _section_plans(prints, section, new)  # (report, section, [(other, exact copy)])
    wanted = {r for r, _, _ in plans} | {o for _, _, chosen in plans for o, _ in chosen}
    texts_by_id = stored.texts_of(store, wanted, (section,))
    rows: dict[tuple[int, int, int], float] = {}
    for r, n, chosen in plans:
        mine = texts_by_id[r]
        for o, exact in chosen:
            if (r, o, n) in rows:
                continue  # measured from the other side already
            theirs = texts_by_id[o]
            shares = (1.0, 1.0) if exact else pair_shares(mine.texts.get(n) or "", mine.unit, theirs.texts.get(n) or "",
                                                          theirs.unit)
            if shares is not None and max(shares) > COPY_THRESHOLD:
                rows[(r, o, n)], rows[(o, r, n)] = shares
    return [(r, o, n, share) for (r, o, n), share in rows.items()]


def _peers(pairs: Sequence[stored.Pair], year: int | None) -> tuple[PeerCopy, ...]:
    """The matches of one report as the rule takes them: per section the :data:`MAX_LISTED` highest shares."""
    out: list[PeerCopy] = []
    per: dict[int, int] = {}
    for p in pairs:  # ordered by section, share (highest first), other report
        if p.share > COPY_THRESHOLD and per.get(p.section, 0) < MAX_LISTED:
            per[p.section] = per.get(p.section, 0) + 1
            out.append(PeerCopy(p.section, p.other_unit, p.share, p.other_id, p.other_source, year))
    return tuple(out)


def peers_of(store: Store, report_id: int, year: int | None) -> tuple[PeerCopy, ...] | None:
    """A report's matches among the current reports of other units (None: never compared)."""
    if not stored.signed_reports(store, [report_id], SCHEME):
        return None
    return _peers(stored.current_pairs(store, report_ids=[report_id], min_share=COPY_THRESHOLD), year)


def _key(peers: Iterable[PeerCopy]) -> set[tuple[Any, Any, Any]]:
    return {(p.section, p.report_id, round(p.share, 4)) for p in peers if p.share > COPY_THRESHOLD}


def _stored_key(evidence: Sequence[dict]) -> set[tuple[Any, Any, Any]]:
    return {(ev.get("section"), p.get("report_id"), p.get("rate")) for ev in evidence for p in ev.get("peers") or ()}


def settle(store: Store, year: int) -> int:
    """Write again the XU-TEXT-COPY findings of the current reports of ``year`` whose matches changed."""
    current = stored.current_reports(store, year)
    signed = stored.signed_current(store, year, SCHEME)
    by_report: dict[int, list[stored.Pair]] = {}
    for p in stored.current_pairs(store, year=year, min_share=COPY_THRESHOLD):
        by_report.setdefault(p.report_id, []).append(p)
    have = stored.rule_evidence(store, year, RULE)
    todo: dict[int, tuple[PeerCopy, ...] | None] = {}
    for rid, *_ in current:
        peers = _peers(by_report.get(rid, ()), year) if rid in signed else None
        if _key(peers or ()) != _stored_key(have.get(rid, ())):
            todo[rid] = peers
    if not todo:
        return 0
    texts = stored.texts_of(store, todo, COPY_SECTIONS)
    items = []
    for rid, peers in todo.items():
        t = texts[rid]
        items.append((rid, check(_light(t), select=[RULE], peers=peers).findings))
    stored.replace_rule_findings(store, RULE, items)
    return len(items)


def _light(t: stored.SectionTexts) -> Report:
    """A report with only what XU-TEXT-COPY reads (unit, year, source, the compared sections' texts)."""
    report = Report(source=t.source, unit=t.unit, year=t.year)
    for n, text in t.texts.items():
        report.sections[n] = Section(n, n, "", "", False, text, Span(0, 0, 0, 0))
    return report


def refresh_quietly(store: Store, years: Iterable[int], workers: int = 1) -> None:
    """:func:`refresh` after an ingest or a version change: everything else is stored already, so a
    failure is logged (the next refresh of the year, or ``zfxxgk copies``, catches up).
    """
    try:
        refresh(store, years, workers)
    except Exception:  # noqa: BLE001 - the import or the change itself is complete
        log.warning("同年度跨单位文字重复未能更新（下次导入该年度报告或运行 zfxxgk copies 时重新计算）", exc_info=True)


# --- clusters (zfxxgk copies) ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Member:
    """A unit of a cluster with its current report."""

    report_id: int
    unit: str
    source: str


@dataclass(frozen=True, slots=True)
class Overlap:
    """One section of two reports: the share of each covered by the other."""

    section: int
    report_id: int
    unit: str
    other_id: int
    other_unit: str
    rate: float  # of ``report_id``'s section covered by ``other_id``'s
    other_rate: float

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"section": self.section, "report_id": self.report_id, "unit": self.unit, "other_report_id": self.other_id,
                "other_unit": self.other_unit, "rate": round(self.rate, 4), "other_rate": round(self.other_rate, 4)}


@dataclass(frozen=True, slots=True)
class Cluster:
    """Units connected by sections that overlap more than the threshold (directly or through others)."""

    members: tuple[Member, ...]
    overlaps: tuple[Overlap, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"units": [{"report_id": m.report_id, "unit": m.unit, "source": m.source} for m in self.members],
                "overlaps": [o.to_dict() for o in self.overlaps]}


@dataclass(frozen=True, slots=True)
class Clusters:
    """A year's clusters in a scope, largest first."""

    year: int
    scope: str
    threshold: float
    clusters: tuple[Cluster, ...]


def clusters(store: Store, year: int, region: int | str | None = None, update: bool = True) -> Clusters:
    """The year's clusters of units whose texts overlap (those with a unit in ``region`` when given);
    ``update`` first brings the year up to date (:func:`refresh`). A region the store does not know is
    a StoreError with the nearest ones.
    """
    scope, units = ("全部地区", None) if region is None else stored.region_units(store, region)
    if update:
        refresh(store, [year])
    pairs = stored.current_pairs(store, year=year, min_share=0.0)
    share = {(p.report_id, p.other_id, p.section): p.share for p in pairs}
    info = {r: (unit, source, unit_id) for r, unit, source, unit_id in stored.current_reports(store, year)}
    parent: dict[int, int] = {}

    def root(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    overlaps: list[Overlap] = []
    for (r, o, n), a in share.items():
        b = share.get((o, r, n), 0.0)
        if r < o and max(a, b) > COPY_THRESHOLD:
            parent[root(r)] = root(o)
            overlaps.append(Overlap(n, r, info[r][0] or "", o, info[o][0] or "", a, b))
    groups: dict[int, list[int]] = {}
    for r in parent:
        groups.setdefault(root(r), []).append(r)
    out = []
    for ids in groups.values():
        if units is not None and not any(info[r][2] in units for r in ids):
            continue
        members = tuple(Member(r, info[r][0] or "", info[r][1]) for r in sorted(ids))
        inside = set(ids)
        mine = tuple(sorted((o for o in overlaps if o.report_id in inside),
                            key=lambda o: (-max(o.rate, o.other_rate), o.section, o.report_id, o.other_id)))
        out.append(Cluster(members, mine))
    out.sort(key=lambda c: (-len(c.members), c.members[0].report_id))
    return Clusters(year, scope, COPY_THRESHOLD, tuple(out))


__all__ = ["BUCKET_SAMPLE", "LSH_BANDS", "LSH_FROM", "LSH_ROWS", "MAX_LISTED", "MAX_VERIFIED", "MIN_ESTIMATE", "NUM_PERM", "RULE", "SCHEME", "Cluster",
           "Clusters", "Member", "Overlap", "Refreshed", "clusters", "peers_of", "refresh", "refresh_quietly", "settle",
           "signature"]
