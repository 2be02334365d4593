"""Parsers: any report file → :class:`~zfxxgk.model.Report`.

Formats are detected by content, not only by extension; each format's parser is imported
lazily and registered by name, the way an extension would register one.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

from ..model import Report
from ..model.limits import LIMITS

MAX_BYTES = LIMITS.file_bytes
MAX_UNZIPPED = LIMITS.unzipped_bytes  # a Word or Excel file is a zip: its parts, unpacked
MAX_ZIP_RATIO = LIMITS.zip_ratio  # unpacked / packed; real DOCX/XLSX stay far below (text compresses ~5-10x)


class ParseError(Exception):
    """A file could not be read as a report (the message is for users, in Chinese)."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


def check_archive(data: bytes, source: str, what: str) -> None:
    """Refuse a zip container (DOCX, XLSX) that would unpack to far more than a report can be."""
    import io
    import zipfile

    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except NotImplementedError as e:  # a zip feature Python cannot read (e.g. "zip file version 18.9")
        raise ParseError(source, f"{what}的压缩格式不受支持：{e}") from None
    except (zipfile.BadZipFile, ValueError, OSError):
        return  # not a readable zip: the reader says so in its own words
    unpacked = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if unpacked > MAX_UNZIPPED or (unpacked > 16 * 1024 * 1024 and unpacked / packed > MAX_ZIP_RATIO):
        raise ParseError(source, f"{what}解压后达 {unpacked // 1024 // 1024} MB（压缩比 {unpacked // packed}:1），"
                                 "超出正常文件的范围，疑为“压缩炸弹”，未读取")


# format name → (module, function, takes bytes); the function takes (bytes or text, source)
PARSERS: dict[str, tuple[str, str, bool]] = {
    "text": ("zfxxgk.parse.text", "parse_text", False),
    "data": ("zfxxgk.parse.data", "parse_data", False),
    "xlsx": ("zfxxgk.parse.xlsx", "parse_xlsx", True),
    "docx": ("zfxxgk.parse.docx", "parse_docx", True),
    "html": ("zfxxgk.parse.html", "parse_html", True),
    "pdf": ("zfxxgk.parse.pdf", "parse_pdf", True),
    "image": ("zfxxgk.parse.ocr", "parse_image", True),
    # old office formats go through LibreOffice (parse/office.py); OFD is read from its XML
    "doc": ("zfxxgk.parse.office", "parse_doc", True),
    "wps": ("zfxxgk.parse.office", "parse_wps", True),
    "rtf": ("zfxxgk.parse.office", "parse_rtf", True),
    "xls": ("zfxxgk.parse.office", "parse_xls", True),
    "ofd": ("zfxxgk.parse.ofd", "parse_ofd", True),
}
FORMAT_NAMES = {
    "pdf": "PDF",
    "docx": "Word（DOCX）",
    "doc": "Word 97-2003（DOC）",
    "html": "HTML",
    "image": "图片",
    "zip": "ZIP 压缩包",
    "xlsx": "Excel",
    "ole": "Office 97-2003 复合文档",
}
REPORT_SUFFIXES = {
    ".xlsx", ".json", ".yaml", ".yml",
    ".txt", ".text", ".md", ".markdown", ".htm", ".html", ".shtml", ".docx", ".doc", ".pdf",
    ".wps", ".rtf", ".xls", ".ofd", ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp",
}


def detect_format(data: bytes, name: str = "") -> str:
    """Format of a file by its content (magic bytes), then its name."""
    head = data[:2048]
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        # OFD (GB/T 33190) is a zip whose entry point is OFD.xml
        if b"OFD.xml" in data[:65536] or name.lower().endswith(".ofd"):
            return "ofd"
        if b"xl/" in data[:65536] or name.lower().endswith((".xlsx", ".xlsm")):
            return "xlsx"
        return "docx" if b"word/" in data[:65536] or name.lower().endswith(".docx") else "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return _ole_format(data, name)
    if head.startswith(b"{\\rtf"):  # before "data": an RTF file starts with a brace too
        return "rtf"
    if head[:8] in (b"\x89PNG\r\n\x1a\n",) or head[:3] == b"\xff\xd8\xff" or head[:4] in (b"II*\x00", b"MM\x00*"):
        return "image"
    if name.lower().endswith((".json", ".yaml", ".yml")) or head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return "data"
    low = head.lower()
    if b"<html" in low or b"<!doctype html" in low or (b"<table" in low and b"</" in low):
        return "html"
    return "text"


def _ole_format(data: bytes, name: str) -> str:
    """Word or Excel in an OLE compound file, by the name of its main stream (stored in UTF-16),
    then by the file's name.
    """
    low = name.lower()
    if b"W\x00o\x00r\x00d\x00D\x00o\x00c\x00u\x00m\x00e\x00n\x00t\x00" in data:
        return "wps" if low.endswith(".wps") else "doc"
    if b"W\x00o\x00r\x00k\x00b\x00o\x00o\x00k\x00" in data or b"B\x00o\x00o\x00k\x00\x00\x00" in data:
        return "xls"
    if low.endswith((".xls", ".et")):
        return "xls"
    if low.endswith(".wps"):
        return "wps"
    return "doc" if low.endswith(".doc") else "ole"


def decode_text(data: bytes, source: str) -> str:
    """Text of a file: UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # A truncated last byte or a lone surrogate is one unreadable character, not an unreadable file.
        return data.decode("utf-16", errors="replace")
    if data.find(b"\x00", 0, 4096) >= 0:
        raise ParseError(source, "文件包含二进制内容，不是文本格式的年度报告")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as e:
        raise ParseError(source, f"无法识别文件编码（既不是 UTF-8 也不是 GB18030）：{e.reason}") from None


def check_text_size(text: str, source: str) -> None:
    """Refuse text beyond the limits on characters and lines (checked before it is split into rows:
    every line becomes an object, so 16 MB of empty lines would take gigabytes).
    """
    if len(text) > LIMITS.text_chars:
        raise ParseError(source, f"文件文字过多（{len(text)} 个字符，上限 {LIMITS.text_chars} 个），超出正常年度报告的范围，未读取")
    # every line end of rows.split_lines: \r\n, \r, \n and \f (page breaks)
    lines = text.count("\n") + text.count("\r") - text.count("\r\n") + text.count("\f") + 1
    if lines > LIMITS.lines:
        raise ParseError(source, f"文件行数过多（{lines} 行，上限 {LIMITS.lines} 行），超出正常年度报告的范围，未读取")


_LOADED: dict[tuple[str, str], Callable[..., Report]] = {}


def _parser(fmt: str) -> Callable[..., Report]:
    module, func, _ = PARSERS[fmt]
    found = _LOADED.get((module, func))
    if found is None:  # import_module costs ~7 µs even for a loaded module: once per parser
        found = _LOADED[module, func] = getattr(importlib.import_module(module), func)
    return found


def parse_bytes(data: bytes, source: str = "<bytes>") -> Report:
    """Parse a report from its bytes; raises :class:`ParseError` for unreadable input."""
    if not data:
        raise ParseError(source, "文件为空（0 字节）")
    if len(data) > MAX_BYTES:
        raise ParseError(source, f"文件过大（{len(data) // 1024 // 1024} MB，上限 {MAX_BYTES // 1024 // 1024} MB）")
    from .finish import finish

    fmt = detect_format(data, source)
    if fmt not in PARSERS:
        raise ParseError(source, f"暂不支持{FORMAT_NAMES.get(fmt, fmt)}格式的报告，请先转换为文本")
    if PARSERS[fmt][2]:
        return finish(_parser(fmt)(data, source))
    text = decode_text(data, source)
    check_text_size(text, source)
    if not text.strip():
        raise ParseError(source, "文件没有文字内容")
    return finish(_parser(fmt)(text, source))


def read_file(path: str | Path) -> bytes:
    """A report file's bytes; a ParseError with the reason for a folder, a missing file, a pipe or device
    (reading one could wait forever) or a file beyond the size limit (refused before it is read).
    """
    import os
    import stat

    try:
        st = os.stat(path)
        if stat.S_ISDIR(st.st_mode):
            raise ParseError(str(path), "这是一个目录，不是文件")
        if not stat.S_ISREG(st.st_mode):
            raise ParseError(str(path), "不是普通文件（管道、设备等），未读取")
        if st.st_size > MAX_BYTES:
            raise ParseError(str(path), f"文件过大（{st.st_size // 1024 // 1024} MB，上限 {MAX_BYTES // 1024 // 1024} MB）")
        with open(path, "rb") as f:  # not Path.read_bytes: ≈ 25 µs a file less, on every file of a batch
            return f.read()
    except FileNotFoundError:
        raise ParseError(str(path), "文件不存在") from None
    except OSError as e:
        raise ParseError(str(path), f"无法读取文件：{e.strerror or e}") from None


def parse_file(path: str | Path) -> Report:
    """Parse one report file."""
    return parse_bytes(read_file(path), str(path))


def parse_text(text: str, source: str = "<text>") -> Report:
    """Parse report text."""
    from .finish import note_annotated

    return note_annotated(_parser("text")(text, source))


IGNORE_MARKER = ".zfxxgk-ignore"  # a folder holding this file is no folder of reports (e.g. synth's gold/)


def iter_report_files(path: str | Path) -> list[Path]:
    """A file as given, or every report file under a directory (sorted; hidden files and folders
    skipped, and folders marked with an ``.zfxxgk-ignore`` file).
    """
    import os

    p = Path(path)
    if not p.is_dir():
        return [p]
    found: list[Path] = []
    for folder, dirs, files in os.walk(p):
        if IGNORE_MARKER in files:
            dirs.clear()
            continue
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found += [Path(folder) / f for f in files
                  if not f.startswith(".") and Path(f).suffix.lower() in REPORT_SUFFIXES]
    return sorted(found)


__all__ = ["IGNORE_MARKER", "ParseError", "detect_format", "iter_report_files", "parse_bytes", "parse_file", "parse_text",
           "read_file"]
