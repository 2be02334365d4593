"""Accuracy per format and layout: cells read right, left unreadable, and read wrong — written to docs/accuracy.md.

usage: python benchmarks/bench_accuracy.py [-n 20] [--scan] [--output docs/accuracy.md]

The corpus: the five sample reports (real township reports) and ``n`` synthetic ones (``zfxxgk.synth``,
no planted defects). Each is written by zfxxgk's own writer in every format, and also turned into the
layouts real collections contain that no writer makes on purpose:

* ``pdf-text``: a text PDF's text line by line as pypdfium2 extracts it;
* the layouts of ``tests/parse/lost_layouts.py`` (text that lost its table structure): ``glued`` and
  ``glued-line`` (a portal page's text without separators, by row or on one line), ``pdf-cells`` and
  ``pdf-blocks`` (plain ``pdftotext``: a cell a line; numbers after all labels, column by column),
  ``pdf-wrapped`` (labels wrapped over three lines), ``md-ocr`` (PDF/OCR → Markdown with generic headers,
  split rows, detached captions, table 4 in three tables);
* ``html-portal`` / ``html-cms``: the HTML inside real-looking portal pages;
* ``scan-150`` / ``scan-300`` (``--scan``, slow): the PDF rasterised, skewed, noisy and JPEG-compressed.

A cell is *right* when its value (or blank) equals the report's, *unreadable* when the reader gave no
value where the report has one, *wrong* when it gave a different value — the one number that must stay 0.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.parse.lost_layouts import LOST  # noqa: E402
from tests.parse.portals import cms_page, gov_portal  # noqa: E402

from zfxxgk import synth  # noqa: E402
from zfxxgk.api import SAMPLES_DIR  # noqa: E402
from zfxxgk.model import CELL_IDS, Report  # noqa: E402
from zfxxgk.parse import ParseError, iter_report_files, parse_bytes, parse_file  # noqa: E402
from zfxxgk.render import render  # noqa: E402


def _pdf_text(report: Report) -> bytes:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(render(report, "pdf"))
    return "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf))).encode("utf-8")


def _scan(dpi: int) -> Callable[[Report], bytes]:
    def make(report: Report) -> bytes:
        from tests.parse.test_ocr import scanned, scanned_pdf

        return scanned_pdf(scanned(report, dpi=dpi))

    return make


# (name, writer, file name the reader is given)
LAYOUTS: list[tuple[str, Callable[[Report], bytes], str]] = [
    ("txt-tsv", lambda r: render(r, "txt", layout="tsv"), "r.txt"),
    ("txt-cells", lambda r: render(r, "txt", layout="cells"), "r.txt"),
    ("txt-grid", lambda r: render(r, "txt", layout="grid"), "r.txt"),
    ("md", lambda r: render(r, "md"), "r.md"),
    ("html", lambda r: render(r, "html"), "r.html"),
    ("html-portal", gov_portal, "r.html"),
    ("html-cms", cms_page, "r.html"),
    ("docx", lambda r: render(r, "docx"), "r.docx"),
    ("pdf", lambda r: render(r, "pdf"), "r.pdf"),
    ("pdf-text", _pdf_text, "r.txt"),
] + [(name, write, "r.md" if name.startswith("md") else "r.txt") for name, write in LOST.items()]
SCANS = [("scan-150", _scan(150), "r.pdf"), ("scan-300", _scan(300), "r.pdf")]


def score(report: Report, back: Report | None) -> tuple[int, int, int]:
    """(right, unreadable, wrong) cells of ``back`` against ``report``."""
    want = report.to_dict()["cells"]
    got = back.to_dict()["cells"] if back is not None else dict.fromkeys(CELL_IDS)
    right = sum(want[i] == got[i] for i in CELL_IDS)
    wrong = sum(got[i] is not None and want[i] != got[i] for i in CELL_IDS)
    return right, len(CELL_IDS) - right - wrong, wrong


def corpus(n: int) -> list[Report]:
    """The samples and ``n`` synthetic reports (parsed back from their text, as a reader would see them)."""
    reports = [parse_file(p) for p in iter_report_files(SAMPLES_DIR)]
    reports += [synth.plan(i, 11, "txt", "tsv", 0.0).report for i in range(n)]
    return reports


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=20, help="synthetic reports besides the five samples")
    ap.add_argument("--scan", action="store_true", help="also scans at 150 and 300 dpi (OCR: minutes)")
    ap.add_argument("--output", default=str(ROOT / "docs" / "accuracy.md"))
    args = ap.parse_args()
    reports = corpus(args.n)
    rows = []
    for name, write, file_name in LAYOUTS + (SCANS if args.scan else []):
        right = unreadable = wrong = failed = 0
        for report in reports:
            try:
                back = parse_bytes(write(report), file_name)
            except ParseError:
                back, failed = None, failed + 1
            r, u, w = score(report, back)
            right, unreadable, wrong = right + r, unreadable + u, wrong + w
        total = right + unreadable + wrong
        rows.append((name, right, unreadable, wrong, failed, total))
        print(f"{name:<12} right {right:>6}/{total:<6} unreadable {unreadable:>6} wrong {wrong:>3} unread files {failed}",
              flush=True)
    lines = [
        "# 读取准确度（按格式和版式）",
        "",
        f"由 `python benchmarks/bench_accuracy.py -n {args.n}{' --scan' if args.scan else ''}` 生成，请勿手改"
        f"（{dt.date.today().isoformat()}，{platform.machine()} CPython {platform.python_version()}）。",
        "",
        f"语料：随软件提供的 5 份示例报告和 {args.n} 份合成报告（`zfxxgk.synth`，不含人为缺陷），每份 200 个单元格；"
        "每种格式由 zfxxgk 的写出器生成，`glued`、`pdf-text` 由生成的网页、PDF 再加工而成（见脚本说明）。"
        "“无法识别”指原报告有值而读出为空；“读错”指读出的值与原报告不同——必须为 0。",
        "",
        "| 格式/版式 | 读对 | 无法识别 | 读错 | 整份无法读取 | 准确率 |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    lines += [f"| {name} | {r} | {u} | {w} | {f} | {r / t:.1%} |" for name, r, u, w, f, t in rows]
    lines += [
        "",
        "- `glued`：网页正文去掉元素之间的分隔后的文字（`text_content()`），表三一行的七个数字连成一串；"
        "`glued-line`：同上且没有任何换行（爬虫的 `page.txt`），整篇只有一行。",
        "- `pdf-text`：逐行提取的 PDF 文字；`pdf-cells`：每个文字片段一行（不带 `-layout` 的 pdftotext）；"
        "`pdf-blocks`：表三的标签全部在前、数值按列成块在后；`pdf-wrapped`：长标签折成三行、数值在中间一行。",
        "- `md-ocr`：PDF/OCR 转成的 Markdown：通用表头（数据1…）、一行拆成两行、表二标题与表格分离、表三中间重复表头、表四拆成三张小表。",
        "- 表格结构丢失的版式由约束读取（`parse/stream.py`）：按标准行序归属数值，连在一起的数字只在唯一一种拆法满足各表勾稽关系时拆分，"
        "否则记为无法识别并给出 PARSE-STRUCTURE-INFERRED / PARSE-ROW-AMBIGUOUS。仍无法识别的主要是：连在一起的表二三栏行（没有勾稽关系可据以拆分）、"
        "连在一起且不全为 0 的表四（只有本行的“各类结果之和等于总计”，而空白单元格不留痕迹，可能有另一种读法）"
        "和示例 001 中含空白单元格的行（分隔丢失后无法判断空在哪一栏）。",
    ]
    Path(args.output).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
