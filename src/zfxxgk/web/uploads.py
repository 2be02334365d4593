"""Uploads: files and .zip archives → reports in the store, through the same import as the CLI.

A .zip is opened in memory and never written to disk: directories, hidden files and
``__MACOSX`` are skipped; an entry whose name climbs out of the archive (``../``, an absolute
path, a drive letter) is refused; archives with too many entries or too large an uncompressed
size are refused whole, and an entry with a suspicious compression ratio (a zip bomb) is
refused before it is inflated; reading stops at the size limit whatever the header claims.
All archives of one request share one :class:`Budget` (total unpacked bytes, total entries): an
entry beyond it is refused with its own reason, the others are imported. A zip inside a zip is not
expanded. Names are cut to a storable length (:func:`fit_name`), keeping the extension. Each file then goes through :func:`zfxxgk.api.import_bytes`
(one transaction per file; duplicates by content hash; the cross-year re-check of the next
year's report), so a bad file gives its reason and the others are imported.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePosixPath

from .. import api
from ..parse import MAX_BYTES, detect_format
from ..store import Store
from ..store import fit_name as store_fit_name
from ..store.queries import report_views
from ..store.scope import admission
from ..store.users import Account, visible_report_ids

MB = 1024 * 1024
STATUS_CN = {"imported": "已导入", "duplicate": "已存在（重复）", "failed": "失败"}


@dataclass(frozen=True, slots=True)
class UploadLimits:
    """Size and count limits of one upload request."""

    max_file: int = MAX_BYTES  # one report file (the parser's own limit)
    max_request: int = 256 * MB  # the whole request body
    max_files: int = 200  # files in one request (zip entries not counted)
    zip_max_entries: int = 2000  # entries in one archive
    zip_max_total: int = 512 * MB  # uncompressed size of one archive
    zip_max_ratio: int = 100  # uncompressed ÷ compressed size of an entry larger than 1 MB
    request_max_unpacked: int = 512 * MB  # uncompressed size of all archive entries of one request together
    request_max_entries: int = 2000  # archive entries of one request together


@dataclass(slots=True)
class Budget:
    """What one request may still unpack: the per-archive limits alone let many small archives
    together inflate without bound (four 730 KB zips once took 2.1 GB of memory).
    """

    bytes_left: int
    entries_left: int

    @classmethod
    def of(cls, limits: UploadLimits) -> Budget:
        """The whole allowance of a new request."""
        return cls(limits.request_max_unpacked, limits.request_max_entries)


@dataclass(slots=True)
class Item:
    """One file to import: the name shown, the name stored, its bytes, or why it is refused."""

    shown: str
    source: str
    data: bytes | None = None
    error: str | None = None


@dataclass(slots=True)
class UploadResult:
    """The outcome for one file, as the result table shows it."""

    name: str
    status: str  # imported | duplicate | failed
    reason: str | None = None
    report_id: int | None = None
    unit: str | None = None
    year: int | None = None
    errors: int = 0
    warnings: int = 0
    infos: int = 0
    visible: bool = False  # within the uploader's scope (else no link)

    @property
    def status_cn(self) -> str:
        """Chinese status."""
        return STATUS_CN[self.status]

    @property
    def findings(self) -> int:
        """Number of findings of the stored report."""
        return self.errors + self.warnings + self.infos


MAX_NAME = 200  # characters of one name part kept (the database column holds 500; "archive/entry" must fit)


def fit_name(name: str, limit: int = MAX_NAME) -> str:
    """A name part cut to ``limit`` characters keeping its extension (the store's rule, a shorter limit:
    "archive/entry" must fit the stored name's width).
    """
    return store_fit_name(name, limit)


def base_name(name: str) -> str:
    """The last part of an uploaded file's name (browsers may send a full Windows path), cut to a storable length."""
    return fit_name(PurePosixPath((name or "").replace("\\", "/")).name or "未命名文件")


def _entry_name(info: zipfile.ZipInfo) -> str:
    """An entry's name; names made by Chinese Windows are GBK but flagged as CP437."""
    name = info.filename
    if not info.flag_bits & 0x800:
        try:
            raw = name.encode("cp437")
        except UnicodeEncodeError:
            return name
        for enc in ("utf-8", "gb18030"):
            try:
                return raw.decode(enc)
            except UnicodeDecodeError:
                continue
    return name


_DRIVE = re.compile(r"^[A-Za-z]:")


def _unsafe(name: str) -> bool:
    n = name.replace("\\", "/")
    return n.startswith("/") or bool(_DRIVE.match(n)) or ".." in n.split("/")


def _ignored(name: str) -> bool:
    parts = [p for p in name.replace("\\", "/").split("/") if p]
    return not parts or any(p.startswith(".") or p == "__MACOSX" for p in parts)


def expand(name: str, data: bytes, limits: UploadLimits, budget: Budget | None = None) -> list[Item]:
    """The files of one upload: the file itself, or the entries of a .zip archive.

    ``budget`` is the request's allowance across all its archives (:class:`Budget`, used up here);
    an entry beyond it is refused with its own reason and the entries within it are still imported.
    """
    budget = budget if budget is not None else Budget.of(limits)
    name = base_name(name)
    if detect_format(data, name) != "zip":
        if len(data) > limits.max_file:
            return [Item(name, name, error=f"文件过大（{len(data) / MB:.0f} MB，上限 {limits.max_file // MB} MB）")]
        return [Item(name, name, data)]
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as e:
        return [Item(name, name, error=f"压缩包已损坏，无法打开：{e}")]
    if len(infos) > limits.zip_max_entries:
        return [Item(name, name, error=f"压缩包中的文件过多（{len(infos)} 个，上限 {limits.zip_max_entries} 个），未导入")]
    declared = sum(i.file_size for i in infos)
    if declared > limits.zip_max_total:
        return [Item(name, name, error=f"压缩包解压后过大（{declared / MB:.0f} MB，上限 {limits.zip_max_total // MB} MB），"
                                       "可能是恶意构造的压缩包，未导入")]
    items: list[Item] = []
    total = 0
    for info in infos:
        inner = _entry_name(info)
        shown = f"{name} › {fit_name(inner, 2 * MAX_NAME)}"
        source = f"{name}/{fit_name(PurePosixPath(inner.replace(chr(92), '/')).name or '未命名文件')}"
        if _unsafe(inner):  # before the hidden-file check: “..” starts with a dot too
            items.append(Item(shown, source, error="文件名含有不安全的路径（如“../”或绝对路径），已拒绝"))
            continue
        if info.is_dir() or _ignored(inner):
            continue
        if info.flag_bits & 0x1:
            items.append(Item(shown, source, error="压缩包中的文件已加密，无法读取"))
            continue
        if info.file_size > limits.max_file:
            items.append(Item(shown, source, error=f"文件过大（{info.file_size / MB:.0f} MB，上限 {limits.max_file // MB} MB）"))
            continue
        if info.file_size > MB and info.file_size > limits.zip_max_ratio * max(info.compress_size, 1):
            items.append(Item(shown, source, error=f"压缩比异常（约 {info.file_size // max(info.compress_size, 1)} 倍，"
                                                   f"上限 {limits.zip_max_ratio} 倍），可能是恶意构造的压缩包，已拒绝"))
            continue
        if inner.lower().endswith(".zip"):
            items.append(Item(shown, source, error="压缩包中的压缩包不会展开，请解压后单独上传"))
            continue
        if budget.entries_left <= 0:
            items.append(Item(shown, source, error=f"本次上传的压缩包中文件总数超过上限（{limits.request_max_entries} 个），"
                                                   "此文件未导入，请分批上传"))
            continue
        over_budget = (f"本次上传的压缩包解压后总大小超过上限（{limits.request_max_unpacked / MB:.0f} MB），"
                       "此文件未导入，请分批上传")
        if info.file_size > budget.bytes_left:
            items.append(Item(shown, source, error=over_budget))
            continue
        cap = min(limits.max_file, budget.bytes_left)
        try:
            with archive.open(info) as fh:
                content = fh.read(cap + 1)  # never more than the limits, whatever the header says
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError, zlib.error) as e:
            items.append(Item(shown, source, error=f"无法解压此文件：{e}"))
            continue
        if len(content) > limits.max_file:
            items.append(Item(shown, source, error=f"文件过大（超过 {limits.max_file // MB} MB）"))
            continue
        if len(content) > budget.bytes_left:  # the header lied about the size
            items.append(Item(shown, source, error=over_budget))
            continue
        budget.bytes_left -= len(content)
        budget.entries_left -= 1
        total += len(content)
        if total > limits.zip_max_total:
            items.append(Item(shown, source, error=f"压缩包解压后超过 {limits.zip_max_total // MB} MB，其余文件未导入"))
            break
        if content[:4] == b"PK\x03\x04" and detect_format(content, inner) == "zip":
            items.append(Item(shown, source, error="压缩包中的压缩包不会展开，请解压后单独上传"))
            continue
        items.append(Item(shown, source, content))
    if not items:
        items.append(Item(name, name, error="压缩包中没有文件"))
    return items


OUTSIDE_SCOPE = "该报告不在您的管辖范围内，未导入"


def import_items(store: Store, account: Account, items: list[Item], region: str | None = None) -> list[UploadResult]:
    """Import each file (one transaction per file) and describe the outcome; reports outside the
    account's scope are refused (``store.scope``), and nothing is said about stored ones it cannot see.

    A file whose bytes are already stored as a report outside the scope is answered as refused
    (:data:`OUTSIDE_SCOPE`), not as 已存在: no unit, year, findings count or link, and not even the
    confirmation that someone else's region holds that very file.
    """
    scope = admission(store, account, region)
    results: list[UploadResult] = []
    for item in items:
        if item.data is None:
            results.append(UploadResult(item.shown, "failed", item.error))
            continue
        outcome = api.import_bytes(item.data, item.source, store, scope.region, scope.admit)
        if outcome.error is not None or outcome.report_id is None:
            results.append(UploadResult(item.shown, "failed", outcome.error or "未知错误"))
        else:
            results.append(UploadResult(item.shown, "imported" if outcome.created else "duplicate",
                                        report_id=outcome.report_id))
    ids = sorted({r.report_id for r in results if r.report_id is not None})
    if ids:
        views = {v.id: v for v in report_views(store, ids)}
        visible = visible_report_ids(store, account, ids)
        for r in results:
            if r.report_id not in visible:  # a duplicate of a report outside the scope: say nothing about it
                if r.status == "duplicate":
                    r.status, r.reason = "failed", OUTSIDE_SCOPE
                r.report_id = None
                continue
            if r.report_id in views:
                v = views[r.report_id]
                r.unit, r.year = v.name, v.year
                r.errors, r.warnings, r.infos = (v.counts.get(k, 0) for k in ("error", "warning", "info"))
                r.visible = r.report_id in visible
    return results
