"""Old office formats (.doc, .wps, .rtf, .xls) through LibreOffice, then the DOCX/XLSX readers.

Reading the binary Word and Excel formats ourselves would be a parser of a format with a
thousand-page specification; LibreOffice reads them well and is packaged everywhere. It runs
headless in a subprocess with a time limit, a throw-away user profile (parallel conversions would
otherwise fight over one profile's lock) and, where the kernel allows it, no network (a document
may link images by URL). Without LibreOffice the file is refused with a message saying how to get it.

A converted spreadsheet that is a zfxxgk template goes to the template reader; any other workbook is
written as pipe tables, one per sheet, for the text parser (as DOCX tables are).
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import os
import shutil
import signal
import subprocess
import tempfile
import zipfile
from pathlib import Path

from ..model import Report
from ..model.limits import LIMITS
from . import MAX_BYTES, ParseError, check_archive
from .text import parse_text, relocate_grid

CONVERT_SECONDS = 120.0  # a 100-page .doc converts in a few seconds; a hang must not hold a worker
# what each old format is converted to
TARGET = {"doc": "docx", "wps": "docx", "rtf": "docx", "xls": "xlsx"}
KIND_CN = {"doc": "Word 97-2003（.doc）", "wps": "WPS 文字（.wps）", "rtf": "RTF", "xls": "Excel 97-2003（.xls）"}
INSTALL_HINT = "请运行 scripts/setup 安装（或用系统的包管理器安装 libreoffice-writer 与 libreoffice-calc）"


def soffice() -> str | None:
    """The LibreOffice program, if installed (ZFXXGK_SOFFICE names another one)."""
    named = os.environ.get("ZFXXGK_SOFFICE")
    if named:
        return named if shutil.which(named) else None
    return shutil.which("soffice") or shutil.which("libreoffice")


@functools.cache
def _no_network_prefix() -> tuple[str, ...]:
    """``unshare -rn`` when it works here (a user namespace without network), else nothing: a
    container may forbid namespaces, and LibreOffice converting without one is still offline for
    every document that links nothing.
    """
    unshare = shutil.which("unshare")
    if unshare is None:
        return ()
    try:
        ok = subprocess.run([unshare, "-rn", "true"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.SubprocessError):
        ok = False
    return (unshare, "-rn") if ok else ()


def convert(data: bytes, source: str, kind: str) -> bytes:
    """The file converted by LibreOffice to the OOXML format of ``TARGET[kind]``."""
    program = soffice()
    what = KIND_CN[kind]
    if program is None:
        raise ParseError(source, f"读取{what}文件需要 LibreOffice（soffice），本机未安装；{INSTALL_HINT}")
    target = TARGET[kind]
    with tempfile.TemporaryDirectory(prefix="zfxxgk-office-") as tmp:
        folder = Path(tmp)
        src = folder / f"report.{kind}"
        src.write_bytes(data)
        out = folder / "out"
        out.mkdir()
        cmd = [*_no_network_prefix(), program, "--headless", "--norestore", "--nologo", "--nodefault",
               "--nolockcheck", f"-env:UserInstallation={(folder / 'profile').as_uri()}",
               "--convert-to", target, "--outdir", str(out), str(src)]
        env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
        env["HOME"] = tmp  # LibreOffice writes caches under HOME: keep them in the throw-away folder
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                env=env, cwd=tmp, start_new_session=True)
        try:
            _, err = proc.communicate(timeout=CONVERT_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # soffice.bin is a child of the soffice script
            proc.communicate()
            raise ParseError(source, f"LibreOffice 转换{what}文件超过 {CONVERT_SECONDS:.0f} 秒仍未完成，未读取") from None
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
        result = out / f"report.{target}"
        if not result.is_file():
            detail = err.decode("utf-8", "replace").replace("Warning: failed to launch javaldx - java may not "
                                                            "function correctly", "").strip()[:200]
            raise ParseError(source, f"LibreOffice 无法转换该{what}文件（文件可能已损坏或不是{what}格式）"
                                     + (f"：{detail}" if detail else ""))
        if result.stat().st_size > MAX_BYTES:
            raise ParseError(source, f"{what}文件转换后过大（{result.stat().st_size // 1024 // 1024} MB），未读取")
        return result.read_bytes()


def _parse_word(data: bytes, source: str, kind: str) -> Report:
    from .docx import parse_docx

    report = parse_docx(convert(data, source, kind), source)
    report.format = kind
    return report


def parse_doc(data: bytes, source: str = "<doc>") -> Report:
    """Parse a Word 97-2003 report."""
    return _parse_word(data, source, "doc")


def parse_wps(data: bytes, source: str = "<wps>") -> Report:
    """Parse a WPS Writer report (Kingsoft's .wps, a Word 97-2003 file in all but name)."""
    return _parse_word(data, source, "wps")


def parse_rtf(data: bytes, source: str = "<rtf>") -> Report:
    """Parse an RTF report."""
    return _parse_word(data, source, "rtf")


def parse_xls(data: bytes, source: str = "<xls>") -> Report:
    """Parse an Excel 97-2003 workbook: a zfxxgk template, or any workbook holding the report's tables."""
    xlsx = convert(data, source, "xls")
    check_archive(xlsx, source, "Excel 文件")
    if _is_template(xlsx):
        from .xlsx import parse_xlsx

        report = parse_xlsx(xlsx, source)
    else:
        lines, where = workbook_lines(xlsx, source)
        report = parse_text("\n".join(lines), source)
        relocate_grid(report, lines, where, "xls")
    report.format = "xls"
    return report


def _is_template(xlsx: bytes) -> bool:
    from ..model.template import ID_SHEET

    try:
        with zipfile.ZipFile(io.BytesIO(xlsx)) as z:
            book = z.read("xl/workbook.xml")
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return False
    return f'name="{ID_SHEET}"'.encode() in book


def workbook_lines(xlsx: bytes, source: str) -> tuple[list[str], dict[int, tuple[int, int]]]:
    """Every sheet as a pipe table (a merged range's value at its first cell only), and for each table
    line its (sheet, row) numbers (1-based).
    """
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(xlsx), data_only=True)  # LibreOffice stores formula results
    except Exception as e:  # noqa: BLE001 - openpyxl raises many kinds on broken files
        raise ParseError(source, f"无法打开 Excel 文件：{type(e).__name__}: {str(e)[:200]}") from None
    lines: list[str] = []
    where: dict[int, tuple[int, int]] = {}
    cells = 0
    for n, ws in enumerate(wb.worksheets, 1):
        rows, cols = ws.max_row or 0, ws.max_column or 0
        cells += rows * cols
        if cells > LIMITS.grid_cells:  # checked before the sheet's cells are made
            raise ParseError(source, f"Excel 表格过大（超过 {LIMITS.grid_cells} 个单元格），无法处理")
        block: list[tuple[int, list[str]]] = []  # the rows of one table: (row number, cell texts)
        lines.append("")
        for r, row in enumerate(ws.iter_rows(min_row=1, max_row=rows, max_col=cols, values_only=True), 1):
            texts = [_cell_text(v) for v in row]
            used = [t for t in texts if t]
            if len(used) > 1 or (used and not texts[0]):
                block.append((r, texts))
                continue
            _flush(block, n, lines, where)  # an empty row or text in column A alone ends a table
            if used:
                lines.append(texts[0])  # a title, heading or paragraph: prose, as in a Word document
        _flush(block, n, lines, where)
    return lines, where


def _flush(block: list[tuple[int, list[str]]], sheet: int, lines: list[str], where: dict[int, tuple[int, int]]) -> None:
    """One table as a pipe table apart from the text around it, as wide as its widest row (a sheet's
    other tables may reach further right).
    """
    if not block:
        return
    width = max(max(i for i, t in enumerate(texts) if t) + 1 for _, texts in block)
    lines.append("")
    for r, texts in block:
        where[len(lines) + 1] = (sheet, r)
        lines.append("| " + " | ".join(texts[:width]) + " |")
    lines.append("")
    block.clear()


def _cell_text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))  # Excel stores every number as a float: 22.0 is the count 22
    if isinstance(v, dt.datetime):
        return f"{v.year}年{v.month}月{v.day}日"
    return " ".join(str(v).split()).replace("|", "｜")
