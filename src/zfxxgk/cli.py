"""Command line: each command calls the API, formats the result and sets the exit status.

Start-up imports only what every command needs (typer, rich, the model): the parser, the checker,
the store (SQLAlchemy) and the renderers are imported inside the commands that use them, so
``zfxxgk parse x.txt`` does not pay for the web app or the database.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable

from .model import CELL, CELL_IDS, CellState, Finding, Outcome, Report, Severity
from .model.ids import CELLS, TABLE_CELLS, Table, cell_label
from .model.limits import LIMITS, MB

if TYPE_CHECKING:
    from .app.analyse import Outcome as Analysed
    from .app.executor import Budget
    from .check import CheckResult

# Exit statuses (named once, used everywhere).
EXIT_OK = 0  # no error-severity findings
EXIT_FINDINGS = 1  # at least one error-severity finding
EXIT_INPUT = 2  # unreadable input or bad usage (other files are still processed)

app = typer.Typer(
    name="zfxxgk",
    help="政府信息公开工作年度报告：解析、校验（离线、确定性，不用大模型）。",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)
T = TypeVar("T")
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

PathsArg = Annotated[list[Path], typer.Argument(help="报告文件或目录（目录表示其中全部报告文件）。", show_default=False)]
JsonOpt = Annotated[bool, typer.Option("--json", help="输出 JSON Lines：每个文件一行 JSON。")]
SEV_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def _emit_json(record: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")


def _error(source: str, reason: str, as_json: bool) -> None:
    err.print(f"[bold red]无法读取[/] {escape(source)}：{escape(reason)}")
    if as_json:
        sys.stdout.write(_json_line({"source": source, "error": reason}))


WorkersOpt = Annotated[int | None, typer.Option("--workers", "-w", min=1,
                                                help="并行进程数（默认：全部 CPU 核心；1 表示在当前进程中逐个处理）。")]


@dataclass(slots=True)
class Digested:
    """One file's output, made in the worker (a JSON line or a text block travels cheaper than a
    parsed report). ``line`` is what goes to stdout as it is; ``markup`` what goes through rich
    instead when stdout is a terminal (and ``rows`` the ``--explain`` table).
    """

    source: str
    error: str | None = None
    line: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    has_errors: bool = False
    markup: list[str] = field(default_factory=list)
    rows: list[tuple[str, ...]] | None = None


try:  # ≈ 6× faster than json for a report's line; the same values (the line is compact: no spaces)
    import orjson

    _ORJSON_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_APPEND_NEWLINE

    def _json_line(record: dict[str, Any]) -> str:
        try:
            return orjson.dumps(record, default=str, option=_ORJSON_OPTIONS).decode()
        except (TypeError, orjson.JSONEncodeError):  # what orjson refuses (an integer beyond 64 bits, NaN …)
            return json.dumps(record, ensure_ascii=False, default=str, separators=(",", ":")) + "\n"
except ImportError:  # pragma: no cover - orjson is a dependency; a bare source checkout still works
    def _json_line(record: dict[str, Any]) -> str:
        return json.dumps(record, ensure_ascii=False, default=str, separators=(",", ":")) + "\n"


def digest_parse(o: Analysed) -> Digested:
    """``parse --json``: the report's JSON line."""
    if o.error is not None or o.report is None:
        return Digested(o.source, o.error or "未知错误")
    return Digested(o.source, line=_json_line(o.report.to_dict()))


def digest_check(outcomes: bool, o: Analysed) -> Digested:
    """``check --json``: the check record's JSON line and the finding counts."""
    if o.error is not None or o.report is None or o.result is None:
        return Digested(o.source, o.error or "未知错误")
    res = o.result
    return Digested(o.source, line=_json_line(check_record(res, outcomes)),
                    counts=dict(Counter(f.severity.value for f in res.findings)), has_errors=res.has_errors)


def digest_report_text(explain: bool, plain: bool, o: Analysed) -> Digested:
    """``parse`` without --json: the text block (``plain``: stdout is not a terminal) or its markup."""
    if o.error is not None or o.report is None:
        return Digested(o.source, o.error or "未知错误")
    report = o.report
    lines, rows = _report_lines(report, explain, plain)
    if not plain:
        return Digested(o.source, markup=lines, rows=rows)
    return Digested(o.source, line=_plain_block(lines, rows, lambda: _report_lines(report, explain, False)))


def digest_check_text(plain: bool, o: Analysed) -> Digested:
    """``check`` without --json: the text block or its markup, and the finding counts."""
    if o.error is not None or o.report is None or o.result is None:
        return Digested(o.source, o.error or "未知错误")
    res = o.result
    counts = Counter(f.severity.value for f in res.findings)
    lines = _check_lines(res, counts, plain)
    d = Digested(o.source, counts=dict(counts), has_errors=res.has_errors)
    if plain:
        d.line = _plain_block(lines, None, lambda: (_check_lines(res, counts, False), None))
    else:
        d.markup = lines
    return d


# What rich would not print as it is (a tag-like "[", an emoji code ":name:", a tab, control
# characters): a block containing any of these is rendered by rich itself, so the output stays
# byte for byte what rich prints.
_RICH_SENSITIVE = re.compile(r"[\[\t\r\x00-\x08\x0b-\x1f\x7f]|:\S+?:")


def _plain_block(lines: list[str], rows: list[tuple[str, ...]] | None,
                 markup: Callable[[], tuple[list[str], list[tuple[str, ...]] | None]]) -> str:
    """The lines as rich prints them to a file that is not a terminal, without rich's per-line cost."""
    text = "\n".join(lines) + "\n"
    if rows is None and not _RICH_SENSITIVE.search(text):
        return text
    mlines, mrows = markup()
    with out.capture() as captured:
        _print_markup(mlines, mrows)
    return captured.get()


def _print_markup(lines: list[str], rows: list[tuple[str, ...]] | None) -> None:
    for line in lines:
        out.print(line)
    if rows is not None:
        t = RichTable("单元格", "取值", "状态", "位置", "原文", box=None, pad_edge=False)
        for row in rows:
            t.add_row(*row)
        out.print(t)


def _write(d: Digested) -> None:
    if d.line:
        sys.stdout.write(d.line)
    else:
        _print_markup(d.markup, d.rows)


@dataclass(frozen=True, slots=True)
class _Files:
    """The files a long command reads: it also sets the run up (garbage collection, workers)."""

    workers: int

    @classmethod
    def start(cls, workers: int | None) -> _Files:
        from .app.executor import default_workers, long_run

        long_run()
        return cls(workers or default_workers())


@app.command()
def parse(
    paths: PathsArg,
    as_json: JsonOpt = False,
    explain: Annotated[bool, typer.Option("--explain", help="逐个单元格列出取值、状态及其在原文中的位置。")] = False,
    workers: WorkersOpt = None,
) -> None:
    """解析报告，提取标题信息、六个部分和三张表的 200 个单元格（空白记为 null，不记为 0）。"""
    from .app.analyse import analyse

    status = EXIT_OK
    run = _Files.start(workers)
    digest = digest_parse if as_json else partial(digest_report_text, explain, not out.is_terminal)
    for d in analyse(paths, do_check=False, workers=run.workers, digest=digest):
        if d.error is not None:
            _error(d.source, d.error, as_json)
            status = EXIT_INPUT
        else:
            _write(d)
    raise typer.Exit(status)


@app.command()
def check(
    paths: PathsArg,
    as_json: JsonOpt = False,
    select: Annotated[list[str] | None, typer.Option("--select", help="只运行这些规则（可写规则族前缀，如 T3 或 T3-BALANCE）。")] = None,
    ignore: Annotated[list[str] | None, typer.Option("--ignore", help="不运行这些规则（同上）。")] = None,
    outcomes: Annotated[bool, typer.Option("--outcomes", help="JSON 中同时列出每条规则的结果（通过/无法判断等）。")] = False,
    workers: WorkersOpt = None,
) -> None:
    """解析并校验报告，按严重程度列出问题；存在“错误”级问题时退出码为 1，无法读取的文件为 2。"""
    from .app.analyse import analyse
    from .check import unknown_selectors

    status = EXIT_OK
    totals: Counter[str] = Counter()
    sel, ign = _split(select), _split(ignore)
    if problems := unknown_selectors(sel) + unknown_selectors(ign):  # refused before any file is read
        for p in problems:
            err.print(f"[bold red]{escape(p)}[/]")
        raise typer.Exit(EXIT_INPUT)
    run = _Files.start(workers)
    plain = not out.is_terminal
    digest = partial(digest_check, outcomes) if as_json else partial(digest_check_text, plain)
    for d in analyse(paths, select=sel, ignore=ign, workers=run.workers, digest=digest):
        totals["files"] += 1
        if d.error is not None:
            _error(d.source, d.error, as_json)
            totals["unreadable"] += 1
            status = EXIT_INPUT
            continue
        totals.update(d.counts)
        if d.has_errors and status == EXIT_OK:
            status = EXIT_FINDINGS
        _write(d)
    if not as_json:
        summary = (f"合计[/]：{totals['files']} 个文件；错误 {totals['error']}，警告 {totals['warning']}，"
                   f"提示 {totals['info']}；无法读取 {totals['unreadable']}。")
        if plain:
            sys.stdout.write("\n" + summary.replace("[/]", "") + "\n")
        else:
            out.print("\n[bold]" + summary)
    raise typer.Exit(status)


@app.command()
def rules(as_json: JsonOpt = False) -> None:
    """列出全部校验规则（编号、严重程度、说明）。"""
    from .check import RULES

    rows = [(r.id, r.severity, r.title, [i for i, _ in r.instances()]) for r in RULES.values()]
    if as_json:
        for rid, sev, title, inst in rows:
            _emit_json({"rule": rid, "severity": sev.value, "title": title, "instances": inst})
        return
    t = RichTable("规则", "严重程度", "说明", box=None, pad_edge=False)
    for rid, sev, title, _ in rows:
        t.add_row(rid, f"[{SEV_STYLE[sev]}]{sev.cn}[/]", title)
    out.print(t)
    out.print(f"共 {len(rows)} 条规则（{sum(len(i) for *_, i in rows)} 个规则实例）。")


@app.command()
def cells(
    as_json: JsonOpt = False,
    markdown: Annotated[bool, typer.Option("--markdown", help="输出 Markdown 文档（docs/cells.md 即由此生成）。")] = False,
) -> None:
    """列出标准表格的全部 200 个单元格编号及其中文名称（parse --json、导出文件都用这些编号）。"""
    if as_json:
        for c in CELLS:
            _emit_json({"id": c.id, "table": c.table.value, "row": c.row, "column": c.column, "label": cell_label(c.id),
                        "row_label": c.row_label, "column_label": c.column_label, "unit": c.unit})
        return
    if markdown:
        sys.stdout.write(cells_markdown())
        return
    t = RichTable(box=None, pad_edge=False)
    t.add_column("单元格编号", no_wrap=True)
    t.add_column("中文名称", overflow="fold")
    t.add_column("单位", no_wrap=True)
    for c in CELLS:
        t.add_row(c.id, cell_label(c.id), c.unit)
    out.print(t)
    out.print(f"共 {len(CELLS)} 个单元格：表二 {len(TABLE_CELLS[Table.T2])} 个，表三 {len(TABLE_CELLS[Table.T3])} 个，"
              f"表四 {len(TABLE_CELLS[Table.T4])} 个。编号格式为“表.行.列”。")


def cells_markdown() -> str:
    """The cell reference (docs/cells.md), generated from the registry so that it cannot drift."""
    lines = [
        "# 单元格编号（200 个）",
        "",
        "国办公开办函〔2021〕30号格式三张标准表格中的每个数字都有一个固定编号 `表.行.列`。"
        "`zfxxgk parse --json` 的 `cells`、CSV/JSON Lines 导出的表头、`zfxxgk correct` 和 JSON 接口都使用这些编号。",
        "空白、缺失或无法识别的单元格取值为 null，绝不是 0；收费金额以万元计，可有小数，其余均为整数件数。",
        "",
        "本页由 `zfxxgk cells --markdown` 从编号登记表（`src/zfxxgk/model/ids.py`）生成，请勿手工修改；"
        "命令行里用 `zfxxgk cells`（或 `--json`）查看。",
    ]
    for table in Table:
        lines += ["", f"## {table.cn} {table.title}（{len(TABLE_CELLS[table])} 个）", "",
                  "| 编号 | 中文名称 | 单位 |", "|---|---|---|"]
        lines += [f"| `{c.id}` | {cell_label(c.id)} | {c.unit} |" for c in CELLS if c.table is table]
    return "\n".join(lines) + "\n"


@app.command()
def samples() -> None:
    """显示随本软件提供的五份示例报告（真实的乡镇年报）所在的目录，例如：zfxxgk check "$(zfxxgk samples)"。"""
    from .api import SAMPLES_DIR

    sys.stdout.write(f"{SAMPLES_DIR}\n")


DbOpt = Annotated[str | None, typer.Option("--db", help="数据库：SQLite 文件路径或 postgresql+psycopg://… 地址（默认 $ZFXXGK_DB 或 ./zfxxgk.db）。")]


def _open_store(db: str | None):
    from .store import Store

    try:
        return Store(db)
    except Exception as e:  # noqa: BLE001 - any driver error is a usage problem here
        err.print(f"[bold red]无法打开数据库[/] {escape(str(db or ''))}：{escape(str(e).splitlines()[0])}")
        raise typer.Exit(EXIT_INPUT) from None


TimeoutOpt = Annotated[float, typer.Option("--timeout", min=1, help="每个文件的处理时间上限（秒），超时即终止并记为失败。")]
MemoryOpt = Annotated[int, typer.Option("--memory", min=64, help="每个工作进程的内存上限（MB），超出即终止并记为失败。")]


def _budget(timeout: float, memory: int) -> Budget:
    from .app.executor import Budget

    return Budget(seconds=timeout, memory=memory * MB)


@app.command(name="import")
def import_(
    paths: PathsArg,
    db: DbOpt = None,
    region: Annotated[str | None, typer.Option("--region", help="所属地区，如“山东省/潍坊市/昌乐县”或“昌乐县”（须是库中已有的地区或官方行政区划；默认从单位名称识别）。")] = None,
    timeout: TimeoutOpt = LIMITS.file_seconds,
    memory: MemoryOpt = LIMITS.worker_memory // MB,
    workers: WorkersOpt = None,
) -> None:
    """把报告导入数据库：同一文件重复导入只算一份（解析前按内容识别）；分批写入，每批一个事务，坏文件记录原因后继续。

    每个文件在独立的工作进程中解析，超过时间或内存上限即终止并记为失败，其余文件照常导入。
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from . import api
    from .app.ingest import checked_region
    from .parse import iter_report_files
    from .store import StoreError

    run = _Files.start(workers)
    store = _open_store(db)
    if region is not None:
        try:
            region = checked_region(store, region)
        except StoreError as e:
            err.print(f"[bold red]地区有误[/]：{escape(str(e))}")
            raise typer.Exit(EXIT_INPUT) from None
    files = [f for p in paths for f in iter_report_files(p)]
    counts: Counter[str] = Counter()
    failures: list[tuple[str, str]] = []
    with Progress(TextColumn("导入"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=err,
                  transient=True) as progress:
        task = progress.add_task("import", total=len(files))
        for o in api.import_paths(files, store, region, _budget(timeout, memory), workers=run.workers):
            progress.advance(task)
            if o.error is not None:
                counts["failed"] += 1
                failures.append((o.source, o.error))
            else:
                counts["new" if o.created else "existing"] += 1
                counts["with_errors"] += bool(o.errors)
    for source, reason in failures:
        err.print(f"[bold red]导入失败[/] {escape(source)}：{escape(reason)}")
    out.print(f"导入完成：新增 {counts['new']} 份，已存在 {counts['existing']} 份，失败 {counts['failed']} 份；"
              f"其中有“错误”级问题的 {counts['with_errors']} 份。数据库共 {store.count_reports()} 份报告。")
    store.close()
    raise typer.Exit(EXIT_INPUT if failures else EXIT_OK)


@app.command()
def collect(
    urls: Annotated[list[str] | None, typer.Argument(help="年报栏目网址（列表页），可多个。", show_default=False)] = None,
    units: Annotated[bool, typer.Option("--units", help="同时采集单位名册中各单位的年报栏目网址。")] = False,
    db: DbOpt = None,
    delay: Annotated[float, typer.Option("--delay", min=0.0, help="同一网站两次请求之间至少等待的秒数（另加至多一半的随机间隔；网站 robots.txt 的 Crawl-delay 更长时从之）。")] = 5.0,
    max_pages: Annotated[int, typer.Option("--max-pages", min=1, help="每个栏目最多翻多少个列表页。")] = 50,
    since: Annotated[str | None, typer.Option("--since", help="只采集列表上发布日期不早于此日期（YYYY-MM-DD）的文章。", show_default=False)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="结束时输出一行 JSON（各项计数）。")] = False,
) -> None:
    """从门户网站的年报栏目采集年度报告：翻页找出年报文章及其附件，礼貌地逐个下载（遵守 robots.txt、请求间隔、重试与退避；网站拒绝或要求验证时暂停），经统一的导入流程入库，门户发布日期作为报告的发布日期。

    采集进度保存在数据库中：中断（Ctrl-C）后再次运行从中断处继续；再次运行时以条件请求询问是否有变化，未变化的文件不会重复导入。
    """
    import datetime as dt

    from .collect.run import Settings
    from .collect.run import collect as run_collect

    if not urls and not units:
        err.print("[bold red]请给出年报栏目网址[/]，或用 --units 采集单位名册中的栏目网址。")
        raise typer.Exit(EXIT_INPUT)
    try:
        since_date = dt.date.fromisoformat(since) if since else None
    except ValueError:
        err.print(f"[bold red]日期有误[/]：--since {escape(since or '')}（应为 YYYY-MM-DD）")
        raise typer.Exit(EXIT_INPUT) from None
    bad = [u for u in urls or () if not u.startswith(("http://", "https://"))]
    if bad:
        err.print(f"[bold red]网址有误[/]：{escape(bad[0])}（应以 http:// 或 https:// 开头）")
        raise typer.Exit(EXIT_INPUT)
    store = _open_store(db)

    def tell(p) -> None:
        if p.current:
            err.print(f"[dim]已取 {p.fetched} 个，新导入 {p.imported} 份 · {escape(p.current)}[/]")

    try:
        result = run_collect(store, urls or [], units=units, on_progress=None if as_json else tell,
                             settings=Settings(delay=delay, max_pages=max_pages, since=since_date))
    except KeyboardInterrupt:
        err.print("已中断：未采集的文件留在队列中，再次运行同一命令即从中断处继续。")
        store.close()
        raise typer.Exit(130) from None
    p = result.progress
    store.close()
    if as_json:
        _emit_json({"run": result.run_id, "state": result.state, **{k: v for k, v in p.to_dict().items() if k != "current"}})
    else:
        for url, reason in p.errors:
            err.print(f"[bold red]失败[/] {escape(url)}：{escape(reason)}")
        out.print(f"采集完成：请求 {p.fetched} 个文件，新导入 {p.imported} 份报告，未变化 {p.unchanged} 个，"
                  f"跳过 {p.skipped} 个（不是年报等），失败 {p.failed} 个，暂停 {p.paused} 个；发布后内容有变化的 {p.changed} 个。")
    raise typer.Exit(EXIT_OK if not p.failed and not p.paused else EXIT_INPUT)


@app.command()
def batch(
    paths: PathsArg,
    db: DbOpt = None,
    workers: Annotated[int | None, typer.Option("--workers", help="并行进程数（默认为 CPU 核数）。")] = None,
    engine: Annotated[str, typer.Option("--engine", help="local（本机多进程）或 dask（Dask 分布式集群）。")] = "local",
    scheduler: Annotated[str | None, typer.Option("--scheduler", help="Dask 调度器地址，如 tcp://主机:8786（不填则在本机启动）。")] = None,
    chunk: Annotated[int, typer.Option("--chunk", help="每批写入数据库的文件数。")] = 64,
    timeout: TimeoutOpt = LIMITS.file_seconds,
    memory: MemoryOpt = LIMITS.worker_memory // MB,
) -> None:
    """大批量导入：多核（或 Dask 集群）并行解析、校验，分批写入数据库；重新运行会跳过已导入的文件。"""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from .app import Stats, batch_import
    from .app.ingest import iter_sources

    if engine not in ("local", "dask"):
        err.print(f"[bold red]未知的执行引擎[/]：{escape(engine)}（可选 local、dask）")
        raise typer.Exit(EXIT_INPUT)
    _Files.start(workers)
    store = _open_store(db)
    total = sum(1 for _ in iter_sources(paths))
    columns = (TextColumn("批量导入"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[rate]}"),
               TimeElapsedColumn(), TimeRemainingColumn())
    with Progress(*columns, console=err, transient=False) as progress:
        task = progress.add_task("batch", total=total, rate="")

        def show(stats: Stats) -> None:
            elapsed = progress.tasks[0].elapsed or 1e-9
            progress.update(task, completed=stats.total, rate=f"{stats.total / elapsed:,.0f} 份/秒")

        try:
            stats = batch_import(paths, store, workers, chunk, engine, scheduler, on_progress=show,
                                 budget=_budget(timeout, memory))
        except KeyboardInterrupt:
            err.print("[yellow]已中断[/]：已写入的批次保留在数据库中；重新运行同一命令会从中断处继续。")
            raise typer.Exit(130) from None
    for source, reason in stats.errors[:50]:
        err.print(f"[bold red]导入失败[/] {escape(source)}：{escape(reason)}")
    if len(stats.errors) > 50:
        err.print(f"……另有 {len(stats.errors) - 50} 个文件导入失败（见数据库 import_errors 表）")
    out.print(f"批量导入完成：共 {stats.total} 个文件；新增 {stats.imported}，已存在 {stats.skipped}，失败 {stats.failed}；"
              f"其中有“错误”级问题的 {stats.with_errors} 份。数据库共 {store.count_reports()} 份报告。")
    store.close()
    raise typer.Exit(EXIT_INPUT if stats.failed else EXIT_OK)


@app.command()
def correct(
    report_id: Annotated[int, typer.Argument(help="报告编号。", show_default=False)],
    changes: Annotated[list[str], typer.Argument(help="更正项：单元格编号=数值（空值写 空），可写多项。", show_default=False)],
    by: Annotated[str, typer.Option("--by", help="更正人。")] = "",
    why: Annotated[str, typer.Option("--why", help="更正原因。")] = "",
    db: DbOpt = None,
) -> None:
    """更正单元格：生成新版本并重新校验，原始解析结果保留，记录更正人、时间和原因。"""
    from decimal import Decimal

    from .app import review as review_app
    from .store import StoreError

    parsed: dict[str, int | Decimal | None] = {}
    if malformed := [c for c in changes if "=" not in c]:
        err.print(f"[bold red]更正项应写成 单元格编号=数值[/]：{escape('、'.join(malformed))}")
        raise typer.Exit(EXIT_INPUT)
    if problems := review_app.unknown_cells([c.partition("=")[0].strip() for c in changes]):
        for p in problems:  # refused before the store is opened
            err.print(f"[bold red]{escape(p)}[/]")
        raise typer.Exit(EXIT_INPUT)
    for item in changes:
        cid, _, raw = item.partition("=")
        try:
            parsed[cid.strip()] = review_app.parse_value(raw)
        except ValueError:
            err.print(f"[bold red]无效的数值[/]：{escape(item)}")
            raise typer.Exit(EXIT_INPUT) from None
    store = _query_store(db)
    try:
        done = review_app.correct(store, report_id, parsed, by, why)
    except StoreError as e:
        err.print(f"[bold red]无法更正[/]：{escape(str(e))}")
        raise typer.Exit(EXIT_INPUT) from None
    result = done.result
    again = f"；下一年度的报告 {'、'.join(map(str, done.rechecked))} 也已重新校验" if done.rechecked else ""
    out.print(f"报告 {report_id} 已更正为第 {done.version} 版，重新校验：错误 "
              f"{sum(f.severity is Severity.ERROR for f in result.findings)}，共 {len(result.findings)} 个问题{again}。")
    raise typer.Exit(EXIT_FINDINGS if result.has_errors else EXIT_OK)


@app.command()
def review(
    report_id: Annotated[int, typer.Argument(help="报告编号。", show_default=False)],
    fingerprint: Annotated[str, typer.Argument(help="问题指纹（check --json 的 fingerprint）。", show_default=False)],
    decision: Annotated[str, typer.Option("--decision", help="审核结论：确认（confirmed）或 驳回（rejected）。")],
    by: Annotated[str, typer.Option("--by", help="审核人。")] = "",
    comment: Annotated[str, typer.Option("--comment", help="审核意见。")] = "",
    db: DbOpt = None,
) -> None:
    """记录对某个问题的审核结论（确认/驳回）；重新校验后结论仍按指纹跟随该问题。"""
    from .app import review as review_app
    from .store import DECISIONS, StoreError

    try:
        decision = review_app.decision_value(decision)
    except ValueError as e:  # refused before the store is opened
        err.print(f"[bold red]{escape(str(e))}[/]")
        raise typer.Exit(EXIT_INPUT) from None
    store = _query_store(db)
    try:
        review_app.decide(store, report_id, fingerprint, decision, by, comment)
    except StoreError as e:
        err.print(f"[bold red]无法记录审核结论[/]：{escape(str(e))}")
        raise typer.Exit(EXIT_INPUT) from None
    out.print(f"已记录：报告 {report_id} 问题 {fingerprint} —— {DECISIONS[decision]}（{escape(by)}）")


@app.command()
def synth(
    out_dir: Annotated[Path, typer.Argument(help="输出目录：报告写入 reports/，金标准写入 gold/。", show_default=False)],
    n: Annotated[int, typer.Option("-n", "--count", min=1, help="生成报告份数。")] = 100,
    formats: Annotated[str, typer.Option("--formats", help="输出格式，逗号分隔，依次轮换：txt、html、docx、pdf。")] = "txt",
    defects: Annotated[float, typer.Option("--defects", min=0.0, max=1.0, help="植入缺陷的报告比例（0–1）。")] = 0.1,
    seed: Annotated[int, typer.Option("--seed", help="随机种子：种子相同，生成的文件逐字节相同。")] = 0,
) -> None:
    """生成带金标准的合成语料：每份报告附 gold JSON（标题信息、200 个单元格、应报出的问题），供基准测试和准确率测试。"""
    import time

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from . import synth as synth_mod

    try:
        fmts = synth_mod.parse_formats(formats)
    except ValueError as e:
        err.print(f"[bold red]参数错误[/]：{escape(str(e))}")
        raise typer.Exit(EXIT_INPUT) from None
    start = time.perf_counter()
    with Progress(TextColumn("生成"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=err,
                  transient=True, disable=n < 200) as progress:
        task = progress.add_task("synth", total=n)
        summary = synth_mod.synthesize(out_dir, n, fmts, defects, seed, on_file=lambda _f: progress.advance(task))
    seconds = time.perf_counter() - start
    by_format = "，".join(f"{k} {v}" for k, v in sorted(summary.formats.items()))
    out.print(f"已生成 {summary.files} 份报告（{by_format}），其中植入缺陷 {sum(summary.defects.values())} 份、"
              f"标签变体 {summary.variants} 份；报告在 {escape(str(Path(out_dir) / synth_mod.REPORTS_DIR))}，"
              f"金标准在 {escape(str(Path(out_dir) / synth_mod.GOLD_DIR))}；"
              f"用时 {seconds:.1f} 秒（{summary.files / max(seconds, 1e-9):.0f} 份/秒）。")


@app.command()
def template(
    out_path: Annotated[Path, typer.Argument(help="要生成的 Excel 文件（.xlsx）。", show_default=False)],
    prefill: Annotated[Path | None, typer.Option("--from", help="用已有报告（文本、Excel、JSON/YAML）的数据预填。")] = None,
) -> None:
    """生成 Excel 填报模板：封面、表二至表四（与标准格式一致，合计为公式）、正文六个部分。"""
    from . import api
    from . import render as render_mod

    report = None
    if prefill is not None:
        try:
            report = api.parse(prefill)
        except api.ParseError as e:
            _error(e.source, e.reason, False)
            raise typer.Exit(EXIT_INPUT) from None
    out_path.write_bytes(render_mod.render_template(report))
    out.print(f"已生成填报模板：{escape(str(out_path))}（黄色单元格为填报项，合计自动计算）")
    if report is not None:
        # the template keeps the source's missing parts and wrong totals as they were: say so now,
        # rather than let the user learn it from a refused render
        errors = [f for f in api.check(report).findings if f.outcome is Outcome.FAIL and f.severity is Severity.ERROR]
        if errors:
            err.print(f"[bold yellow]注意[/]：{escape(str(prefill))} 有 {len(errors)} 个“错误”级问题，模板保留了原样"
                      "（缺失的表格、部分和不一致的合计），修改前 render 将拒绝生成：")
            for f in errors:
                err.print(f"  [bold red]{f.rule}[/]  {escape(f.message)}")


@app.command()
def render(
    source: Annotated[Path, typer.Argument(help="填好的 Excel 模板、JSON/YAML 数据或报告文本。", show_default=False)],
    to: Annotated[str, typer.Option("--to", help="输出格式：docx、pdf、html、md 或 txt。")] = "docx",
    output: Annotated[Path | None, typer.Option("-o", "--output", help="输出文件；默认与输入同名、换扩展名。")] = None,
    layout: Annotated[str, typer.Option("--layout", help="txt 的版式：tsv（每行一个表格行）、cells（每行一个单元格）或 grid（Markdown 表格）。")] = "tsv",
    force: Annotated[bool, typer.Option("--force", help="即使有“错误”级问题也生成，并在附录中列出问题。")] = False,
) -> None:
    """生成标准格式（国办公开办函〔2021〕30号）的年度报告。先校验：有“错误”级问题时拒绝生成（退出码 1）。"""
    from . import api
    from . import render as render_mod

    if to not in render_mod.FORMATS:
        err.print(f"[bold red]不支持的输出格式[/]：{escape(to)}（可选：{'、'.join(render_mod.FORMATS)}）")
        raise typer.Exit(EXIT_INPUT)
    if layout not in render_mod.LAYOUTS:
        err.print(f"[bold red]不支持的文本版式[/]：{escape(layout)}（可选：{'、'.join(render_mod.LAYOUTS)}）")
        raise typer.Exit(EXIT_INPUT)
    try:
        report = api.parse(source)
    except api.ParseError as e:
        _error(e.source, e.reason, False)
        raise typer.Exit(EXIT_INPUT) from None
    from .app.publish import Refused, publish

    try:
        doc = publish(report, to, api.check(report).findings, force=force, layout=layout)
    except Refused as e:
        err.print(f"[bold red]拒绝生成[/]：{escape(str(source))} 有 {len(e.errors)} 个“错误”级问题，请修改后重试（或用 --force 强制生成）：")
        for f in e.errors:
            err.print(f"  [bold red]{f.rule}[/]  {escape(f.message)}")
        raise typer.Exit(EXIT_FINDINGS) from None
    target = output or source.with_suffix("." + to)
    target.write_bytes(doc.data)
    note = f"（附录列出 {len(doc.appendix)} 个问题）" if doc.appendix else ""
    out.print(f"已生成：{escape(str(target))}{note}")


MinNOpt = Annotated[int | None, typer.Option("--min-n", help="比率的最小分母（默认 5；分母更小时显示“样本过少”）。")]


@contextmanager
def _refused(what: str) -> Iterator[None]:
    """A StoreError in the block is the user's mistake: ``what`` and its Chinese reason, exit status 2."""
    from .store import StoreError

    try:
        yield
    except StoreError as e:
        err.print(f"[bold red]{what}[/]：{escape(str(e))}")
        raise typer.Exit(EXIT_INPUT) from None


def _with_store(db: str | None, what: str, action: Callable[[Any], T]) -> T:
    """``action`` on the existing database, closed afterwards; a StoreError is refused as by :func:`_refused`."""
    store = _query_store(db)
    try:
        with _refused(what):
            return action(store)
    finally:
        store.close()


def _query_store(db: str | None):
    """Open an existing database for reading (a missing SQLite file is a usage error, not a new database)."""
    from .store import resolve_url

    url = resolve_url(db)
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        err.print(f"[bold red]数据库不存在[/]：{escape(url.removeprefix('sqlite:///'))}（先用 zfxxgk import 导入报告）")
        raise typer.Exit(EXIT_INPUT)
    return _open_store(db)


def _q_num(v: Any, nulls: int = 0) -> str:
    """A value for a table: blank shown as “空白”, never 0; a sum with nulls says how many reports lack it."""
    text = "[dim]空白[/]" if v is None else str(v)
    return f"{text}[yellow]（缺{nulls}）[/]" if nulls else text


def _q_change(v: Any) -> str:
    if v is None:
        return "[dim]—[/]"
    return f"[green]+{v}[/]" if v > 0 else (f"[red]{v}[/]" if v < 0 else "0")


def _q_metric(m: Any) -> str:
    note = f"[yellow]（剔除{m.excluded}份）[/]" if m.excluded else ""
    if m.value is None:
        return f"[dim]{m.reason}[/]{note}"
    return f"{m.display}（{m.numerator}/{m.denominator}）{note}"


@app.command()
def show(
    unit: Annotated[str, typer.Argument(help="单位名称（全称或能唯一确定的部分）或单位编号。", show_default=False)],
    year: Annotated[int | None, typer.Option("--year", help="只显示这一年度（默认全部年度）。")] = None,
    cells: Annotated[bool, typer.Option("--cells", help="列出全部 200 个单元格的取值和状态。")] = False,
    db: DbOpt = None,
    min_n: MinNOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON Lines：每份报告一行。")] = False,
) -> None:
    """显示库中某单位的报告：基本信息、指标、问题清单（含审核结论）。"""
    from .store import StoreError
    from .store import queries as q

    store = _query_store(db)
    try:
        views = q.unit_reports(store, unit, year)
    except StoreError as e:
        err.print(f"[bold red]查询失败[/]：{escape(str(e))}")
        raise typer.Exit(EXIT_INPUT) from None
    if not views:
        err.print(f"[bold red]没有报告[/]：{escape(unit)}{f' {year} 年度' if year else ''}")
        raise typer.Exit(EXIT_INPUT)
    found = q.findings(store, [v.id for v in views])
    for v in views:
        metrics = v.metrics(min_n)
        mine = [f for f in found if f.report_id == v.id]
        if as_json:
            rec = v.to_dict()
            rec["metrics"] = {k: m.to_dict() for k, m in metrics.items()}
            rec["finding_list"] = [f.to_dict() for f in mine]
            _emit_json(rec)
            continue
        others = len(store.versions(v.id)) - 1
        more = f"；另有 {others} 个版本（zfxxgk versions list {v.id}）" if others else ""
        out.print(f"\n[bold]{escape(v.name)}[/] · {v.year or '（未识别年度）'}年度  报告编号 {v.id}，第 {v.version} 版"
                  f"（{escape(v.source_name)}）{more}")
        period = f"{v.period_start} 至 {v.period_end}" if v.period_start else "（未说明）"
        region = v.unit.region if v.unit and v.unit.region else "（未归属地区）"
        out.print(f"地区：{escape(region)}；统计期间：{period}；落款日期：{v.signed_on or '（无）'}；"
                  f"发布日期：{v.published_on or '（无）'}")
        states = q.state_counts(v)
        out.print("单元格：" + "，".join(f"{s.label} {states[s.value]}" for s in CellState if states[s.value]))
        t = RichTable("指标", "值（分子/分母）", box=None, pad_edge=False)
        for m in q.METRICS:
            t.add_row(m.name, _q_metric(metrics[m.id]))
        out.print(t)
        if cells:
            ct = RichTable("单元格", "编号", "取值", "状态", box=None, pad_edge=False)
            for cid in CELL_IDS:
                ct.add_row(cell_label(cid), cid, _q_num(v.cells[cid]), CellState(v.states[cid]).label)
            out.print(ct)
        out.print(f"问题：错误 {v.counts['error']}，警告 {v.counts['warning']}，提示 {v.counts['info']}")
        for f in mine:
            sev = Severity(f.severity)
            decision = f"  [dim]（{q.DECISION_CN.get(f.decision, f.decision)}：{escape(f.reviewer or '')}）[/]" if f.decision else ""
            out.print(f"  [{SEV_STYLE[sev]}]{sev.cn}[/] {f.rule}  {escape(f.message)}  [dim]{f.fingerprint}[/]{decision}")
    store.close()


@app.command()
def compare(
    units: Annotated[list[str], typer.Argument(help="两个单位（单位对比），或一个单位加 --yoy（同比）。", show_default=False)],
    year: Annotated[int | None, typer.Option("--year", help="年度（默认：最近的共同年度；同比时为该单位最近年度）。")] = None,
    yoy: Annotated[bool, typer.Option("--yoy", help="同比：与同一单位上一年度报告逐格比较，并做跨年度核对（上年结转等）。")] = False,
    all_cells: Annotated[bool, typer.Option("--all", help="列出全部 200 个单元格（默认只列不同的）。")] = False,
    db: DbOpt = None,
    min_n: MinNOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出一行 JSON。")] = False,
) -> None:
    """单位对比（两个单位同一年度）或同比（--yoy：同一单位相邻两年，含上年结转等跨年度校验）。"""
    from .app.compare import year_over_year
    from .store import StoreError
    from .store import queries as q

    if len(units) != (1 if yoy else 2):
        err.print("[bold red]用法错误[/]：" + ("--yoy 只需一个单位" if yoy else "请给出两个单位，或一个单位加 --yoy"))
        raise typer.Exit(EXIT_INPUT)
    store = _query_store(db)
    try:
        if yoy:
            year = year or q.latest_year(store, units[0])
            if year is None:
                raise StoreError(f"库中没有“{units[0]}”的报告")
            result: Any = year_over_year(store, units[0], year, True, min_n)
        else:
            year = year or q.common_latest_year(store, units[0], units[1])
            if year is None:
                raise StoreError("两个单位没有同一年度的报告")
            result = q.compare_units(store, units[0], units[1], year, min_n)
    except StoreError as e:
        err.print(f"[bold red]查询失败[/]：{escape(str(e))}")
        raise typer.Exit(EXIT_INPUT) from None
    store.close()
    if as_json:
        _emit_json(result.to_dict())
        return
    if yoy:
        _print_yoy(result, all_cells)
    else:
        _print_comparison(result, all_cells)


def _print_yoy(r: Any, all_cells: bool) -> None:
    out.print(f"[bold]{escape(r.unit.name)}[/]  {r.previous.year}年度（报告 {r.previous.id}）→ {r.year}年度（报告 {r.current.id}）")
    rows = r.cells if all_cells else r.changed
    t = RichTable("单元格", f"{r.previous.year}", f"{r.year}", "变化", box=None, pad_edge=False)
    for c in rows:
        t.add_row(c.label, _q_num(c.previous), _q_num(c.value), _q_change(c.change))
    out.print(t if rows else "全部 200 个单元格与上年相同。")
    if rows and not all_cells:
        out.print(f"[dim]（列出有变化的 {len(rows)} 个单元格；--all 列出全部）[/]")
    mt = RichTable("指标", f"{r.previous.year}", f"{r.year}", box=None, pad_edge=False)
    for m, p, v in r.metrics:
        mt.add_row(m.name, _q_metric(p), _q_metric(v))
    out.print(mt)
    failed = [x for x in r.cross_year if x.outcome == "fail"]
    tally = Counter(x.outcome for x in r.cross_year)
    out.print(f"跨年度核对：不通过 {tally['fail']}，通过 {tally['pass']}，无法判断 {tally['not_assessable']}"
              + ("" if r.cross_year_source == "check" else "（按库中已存的问题）"))
    for x in failed:
        sev = Severity(x.severity)
        out.print(f"  [{SEV_STYLE[sev]}]{sev.cn}[/] {x.rule}  {escape(x.message)}")


def _print_comparison(r: Any, all_cells: bool) -> None:
    a, b = r.a.name, r.b.name
    out.print(f"[bold]{r.year}年度[/]  A：{escape(a)}（报告 {r.a.id}）  B：{escape(b)}（报告 {r.b.id}）")
    rows = r.cells if all_cells else r.different
    t = RichTable("单元格", "A", "B", "A−B", box=None, pad_edge=False)
    for c in rows:
        t.add_row(c.label, _q_num(c.a), _q_num(c.b), _q_change(c.difference))
    out.print(t if rows else "全部 200 个单元格相同。")
    if rows and not all_cells:
        out.print(f"[dim]（列出不同的 {len(rows)} 个单元格；--all 列出全部）[/]")
    mt = RichTable("指标", "A", "B", box=None, pad_edge=False)
    for m, x, y in r.metrics:
        mt.add_row(m.name, _q_metric(x), _q_metric(y))
    out.print(mt)


@app.command()
def rollup(
    year: Annotated[int, typer.Option("--year", help="年度。", show_default=False)],
    level: Annotated[str | None, typer.Option("--level", help="只列这一级地区：province、city、county 或 township（默认全部）。")] = None,
    cell: Annotated[list[str] | None, typer.Option("--cell", help="表中列出的单元格编号（可写多次；默认新收、办理总计、复议、诉讼总计）。")] = None,
    db: DbOpt = None,
    min_n: MinNOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON Lines：每个地区一行（含 200 个单元格的合计和空白份数）。")] = False,
) -> None:
    """按地区汇总：各地区（含下级地区）所有单位该年度报告逐格相加，并计算公开率等指标。空白不当作 0。"""
    from .model.ids import t3, t4
    from .store import StoreError
    from .store import queries as q

    short = {t3("new_received", "total"): "新收申请", t3("total_processed", "total"): "办理总计",
             t4("review", "total"): "行政复议", t4("litigation_direct", "total"): "直接起诉",
             t4("litigation_after_review", "total"): "复议后起诉"}
    from .app.review import unknown_cells

    shown = _split(cell) or list(short)
    if problems := unknown_cells(shown):
        for p in problems:
            err.print(f"[bold red]{escape(p)}[/]")
        raise typer.Exit(EXIT_INPUT)
    store = _query_store(db)
    try:
        regions = q.rollup(store, year, level, min_n)
    except StoreError as e:
        err.print(f"[bold red]查询失败[/]：{escape(str(e))}")
        raise typer.Exit(EXIT_INPUT) from None
    store.close()
    if as_json:
        for r in regions:
            _emit_json(r.to_dict())
        return
    if not regions:
        out.print(f"{year}年度没有可汇总的报告。")
        return
    metrics = [m for m in q.METRICS if m.id in ("disclosure_rate", "review_correction_rate", "litigation_correction_rate")]
    t = RichTable("地区", "级别", "单位/报告", *(short.get(c, c) for c in shown), *(m.name for m in metrics),
                  "空白格", box=None, pad_edge=False)
    t.columns[0].overflow = "fold"  # a region path wraps, never cut to “山东 …”
    for r in regions:
        t.add_row(escape(r.path), q.LEVEL_CN.get(r.level, r.level), f"{r.units}/{r.reports}",
                  *(_q_num(r.sums[c], r.nulls[c]) for c in shown), *(_q_metric(r.metrics[m.id]) for m in metrics),
                  str(r.incomplete))
    out.print(t)
    if any(c not in short for c in shown):
        out.print("[dim]" + "；".join(f"{c}：{cell_label(c)}" for c in shown if c not in short) + "[/]")
    out.print("[dim]合计为已知数值之和，空白不当作 0，“缺n”为该格空白的报告份数；“空白格”为至少一份报告空白的单元格数。"
              "比率只用各项数据齐全的报告计算（“剔除n份”为因空白未计入的报告），"
              f"分母小于 {min_n if min_n is not None else q.MIN_DENOMINATOR} 时显示“样本过少”。[/]")
    for m in metrics:
        out.print(f"[dim]{m.formula}（{m.note}）[/]")


@app.command()
def scope(
    report_id: Annotated[int, typer.Argument(help="库中报告的编号（zfxxgk show 列出）。", show_default=False)],
    db: DbOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出一行 JSON。")] = False,
) -> None:
    """报告范围：人民政府的年报是本级还是全区域；全区域年报与本地区下级单位报告的合计逐项比较，并列出未报送的单位。"""
    from .app.scope import area_comparison

    r = _with_store(db, "查询失败", lambda store: area_comparison(store, report_id))
    if as_json:
        _emit_json(r.to_dict())
        return
    out.print(f"[bold]{escape(r.unit)}[/] · {r.year or '（未识别年度）'}{'年度' if r.year else ''}  报告编号 {r.report_id}")
    out.print(f"报告范围：[bold]{r.scope.kind.label}[/]（{escape(r.scope.reason)}）")
    if not r.compared:
        out.print(escape(r.reason))
        return
    out.print(f"地区：{escape(r.region or '')}；{escape(r.summary)}")
    t = RichTable("项目", "本报告", "下级合计", "计入/空白", "差额", "结论", box=None, pad_edge=False)
    t.columns[0].overflow = "fold"
    for c in r.cells:
        verdict = {"suspicious": f"[red]{c.verdict_cn}[/]", "consistent": c.verdict_cn}.get(
            c.verdict, f"[dim]{c.verdict_cn}（{escape(c.note)}）[/]")
        t.add_row(c.name, _q_num(c.area), _q_num(c.children_sum), f"{c.children_known}/{c.children_null}",
                  _q_change(c.difference), verdict)
    out.print(t)
    for m in r.left_out:
        out.print(f"未计入合计：{escape(m.unit)}（报告 {m.report_id}）：{escape(m.note)}")
    if r.missing:
        out.print(f"未报送（{len(r.missing)}）：{escape('、'.join(r.missing))}")
    out.print("[dim]下级合计为本地区（含下级地区）其他单位当年报告中已知数值之和，空白不当作 0；"
              "全区域年报应不少于下级合计，少于即有矛盾；未报送的单位越多，“不少于”说明的越少。[/]")


@app.command()
def export(
    output: Annotated[Path, typer.Argument(help="输出文件（.xlsx、.csv 或 .jsonl）。", show_default=False)],
    fmt: Annotated[str | None, typer.Option("--format", help="导出格式：xlsx、csv 或 jsonl（默认按扩展名）。")] = None,
    year: Annotated[int | None, typer.Option("--year", help="只导出这一年度。")] = None,
    db: DbOpt = None,
) -> None:
    """导出库中全部报告：每份报告一行（基本信息、200 个单元格、问题数）；Excel 另含“问题清单”“指标说明”。"""
    from .store import export as export_mod

    kind = (fmt or output.suffix.lstrip(".") or "xlsx").lower()
    if kind not in export_mod.FORMATS:
        err.print(f"[bold red]不支持的导出格式[/]：{escape(kind)}（可选：{'、'.join(export_mod.FORMATS)}）")
        raise typer.Exit(EXIT_INPUT)
    store = _query_store(db)
    n = export_mod.export(store, output, kind, year)
    store.close()
    extra = f"；问题清单：{escape(str(export_mod.findings_csv_path(output)))}" if kind == "csv" else ""
    out.print(f"已导出 {n} 份报告：{escape(str(output))}{extra}")



@app.command()
def serve(
    db: DbOpt = None,
    host: Annotated[str, typer.Option("--host", help="监听地址（默认只允许本机访问；局域网访问用 0.0.0.0）。")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="端口。")] = 8000,
    import_paths: Annotated[list[Path] | None, typer.Option("--import", help="启动前先导入这些报告文件或目录（可写多次）。")] = None,
    demo: Annotated[bool, typer.Option("--demo", help="启动前先导入随本软件提供的五份示例报告（重复启动不会重复导入）。")] = False,
    secret: Annotated[str | None, typer.Option("--secret", envvar="ZFXXGK_SECRET", show_envvar=False,
                                               help="会话签名密钥（默认 $ZFXXGK_SECRET，否则自动生成并保存在数据库中）。")] = None,
    secure_cookie: Annotated[bool, typer.Option("--secure-cookie", help="只通过 HTTPS 发送登录凭据（部署在 HTTPS 反向代理之后时使用）。")] = False,
) -> None:
    """启动网页版审核系统：上传、报告列表、报告详情与审核、下载、用户管理和 JSON 接口。"""
    import os

    import uvicorn

    from . import api
    from .store import users as users_mod
    from .web import create_app

    store = _open_store(db)
    if demo:
        import_paths = [api.SAMPLES_DIR, *(import_paths or [])]
    if import_paths:
        counts: Counter[str] = Counter()
        for o in api.import_paths(import_paths, store):
            if o.error is not None:
                counts["failed"] += 1
                err.print(f"[bold red]导入失败[/] {escape(o.source)}：{escape(o.error)}")
            else:
                counts["new" if o.created else "existing"] += 1
                counts["with_errors"] += bool(o.errors)
                state = f"[red]有 {o.errors} 个错误[/]" if o.errors else "[green]无错误[/]"
                out.print(f"  {'新增' if o.created else '已存在'}  {escape(Path(o.source).name)}  {state}")
        out.print(f"导入完成：新增 {counts['new']} 份，已存在 {counts['existing']} 份，失败 {counts['failed']} 份；"
                  f"其中 {counts['with_errors']} 份有“错误”级问题，请在网页上查看。")
    created = users_mod.ensure_admin(store, os.environ.get("ZFXXGK_ADMIN_PASSWORD") or None)
    if created:
        name, password = created
        if os.environ.get("ZFXXGK_ADMIN_PASSWORD"):
            out.print(f"已创建管理员账号 [bold]{name}[/]（密码取自环境变量 ZFXXGK_ADMIN_PASSWORD）。")
        else:
            out.print(f"已创建管理员账号 [bold]{name}[/]，初始密码：[bold]{escape(password)}[/]（只显示这一次，请登录后修改）。")
    web_app = create_app(store, secret=secret, https_only=secure_cookie)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    out.print(f"网页地址：http://{shown}:{port}/  （按 Ctrl-C 停止）")
    uvicorn.run(web_app, host=host, port=port, log_level="warning")


versions_app = typer.Typer(help="同一单位同一年度的多个文件（版本）：列出、设为当前、撤回、删除、恢复、清除、操作记录。",
                           no_args_is_help=True)
app.add_typer(versions_app, name="versions")
ByOpt = Annotated[str, typer.Option("--by", help="操作人（必填，写入操作记录）。")]
WhyOpt = Annotated[str, typer.Option("--why", help="原因（写入操作记录）。")]


@versions_app.command("list")
def versions_list(
    report_id: Annotated[int, typer.Argument(help="报告编号（该单位该年度的任一版本）。", show_default=False)],
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """列出某单位某年度的全部版本：来源文件、发布日期、导入时间、状态，标出当前版本。"""
    from .store import StoreError

    store = _query_store(db)
    try:
        found = store.versions(report_id)
    except StoreError as e:
        err.print(f"[bold red]查询失败[/]：{escape(str(e))}")
        raise typer.Exit(EXIT_INPUT) from None
    if as_json:
        for v in found:
            _emit_json({"report_id": v.report_id, "source": v.source_name, "format": v.format, "size": v.size,
                        "published_on": v.published_on, "imported_at": v.imported_at, "status": v.status.value,
                        "chosen": v.chosen, "current": v.current})
        return
    t = RichTable("编号", "来源文件", "格式", "发布日期", "导入时间", "状态", "", box=None, pad_edge=False)
    for v in found:
        mark = "[bold green]当前版本[/]" + ("（指定）" if v.chosen else "") if v.current else ""
        t.add_row(str(v.report_id), escape(v.source_name), v.format, str(v.published_on or "（无）"),
                  f"{v.imported_at:%Y-%m-%d %H:%M}", v.status.cn, mark)
    out.print(t)
    out.print("[dim]当前版本：指定的版本；否则发布日期最晚的版本（无发布日期的排在后面）；同一天则最后导入的版本。[/]")


def _version_action(action: str, report_id: int, by: str, why: str, db: str | None) -> None:
    from .app import versions
    from .store import StoreError

    done = {"withdraw": "撤回", "delete": "删除", "restore": "恢复", "choose": "设为当前版本"}[action]
    store = _query_store(db)
    try:
        rechecked = getattr(versions, action)(store, report_id, by, why)
        current = [v.report_id for v in store.versions(report_id) if v.current]
    except StoreError as e:
        err.print(f"[bold red]无法{done}[/]：{escape(str(e))}")
        raise typer.Exit(EXIT_INPUT) from None
    now = f"当前版本为报告 {current[0]}" if current else "该单位该年度已没有有效报告"
    again = f"；已重新校验报告 {'、'.join(map(str, rechecked))}" if rechecked else ""
    out.print(f"报告 {report_id} 已{done}（{escape(by)}）。{now}{again}。")


def _version_command(action: str, doc: str) -> None:
    def command(report_id: Annotated[int, typer.Argument(help="报告编号。", show_default=False)],
                by: ByOpt = "", why: WhyOpt = "", db: DbOpt = None) -> None:
        _version_action(action, report_id, by, why, db)

    command.__doc__ = doc
    command.__name__ = f"versions_{action}"
    versions_app.command(action)(command)


for _action, _doc in (
    ("choose", "把这个版本指定为该单位该年度的当前版本（统计、对比、跨年度核对都用当前版本）。"),
    ("withdraw", "撤回一个版本：仍在版本列表中可见，不再计入统计；按规则重新确定当前版本。"),
    ("delete", "删除一个版本（如误导入）：不再显示和计入；原文件保留到 purge 为止。"),
    ("restore", "恢复已撤回或已删除（尚未清除）的版本。"),
):
    _version_command(_action, _doc)


@versions_app.command("purge")
def versions_purge(by: ByOpt = "", why: WhyOpt = "", db: DbOpt = None) -> None:
    """彻底清除全部已删除的版本（原文件、单元格、问题和审核结论）；操作记录保留。"""
    from .app import versions
    from .store import StoreError

    store = _query_store(db)
    try:
        n = versions.purge(store, by, why)
    except StoreError as e:
        err.print(f"[bold red]无法清除[/]：{escape(str(e))}")
        raise typer.Exit(EXIT_INPUT) from None
    out.print(f"已彻底清除 {n} 个已删除的版本（{escape(by)}）。")


@versions_app.command("audit")
def versions_audit(
    report_id: Annotated[int | None, typer.Argument(help="只看这份报告（默认全部）。", show_default=False)] = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """版本操作记录（撤回、删除、恢复、设为当前版本、清除），最新的在前。"""
    store = _query_store(db)
    entries = store.audit_trail(report_id)
    if as_json:
        for e in entries:
            _emit_json({"at": e.at, "actor": e.actor, "action": e.action, "report_id": e.report_id,
                        "unit": e.unit_name, "year": e.year, "source": e.source_name, "reason": e.reason})
        return
    t = RichTable("时间", "操作人", "操作", "报告", "单位·年度", "来源文件", "原因", box=None, pad_edge=False)
    for e in entries:
        t.add_row(f"{e.at:%Y-%m-%d %H:%M}", escape(e.actor), e.action_cn, str(e.report_id or ""),
                  f"{escape(e.unit_name or '（未识别单位）')} · {e.year or '—'}", escape(e.source_name or ""),
                  escape(e.reason))
    out.print(t if entries else "（没有操作记录）")


units_app = typer.Typer(help="报告单位与单位名册：导入、导出、列出，迁移地区、合并重复单位，确认待确认单位（名称可能指多个行政区划）的地区。", no_args_is_help=True)
app.add_typer(units_app, name="units")


@units_app.command("pending")
def units_pending(
    db: DbOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON Lines：每个单位一行。")] = False,
) -> None:
    """列出待确认的单位：名称可能指多个行政区划（如“朝阳区财政局”）、在确认前不归入任何地区的单位，以及导入了单位名册后、报告所属单位不在名册中的单位（给出名册中最相近的名称）。"""
    from .store.placing import pending_units, unregistered_units

    store = _query_store(db)
    pending = pending_units(store)
    outside = unregistered_units(store)
    store.close()
    if as_json:
        for p in pending:
            _emit_json({"kind": "region", **p.to_dict()})
        for u in outside:
            _emit_json({"kind": "registry", **u.to_dict()})
        return
    if not pending:
        out.print("没有待确认地区的单位。")
    else:
        t = RichTable("编号", "单位", "可能的地区", "报告数", box=None, pad_edge=False)
        for p in pending:
            t.add_row(str(p.id), escape(p.name), escape("；".join(p.candidates)), str(p.reports))
        out.print(t)
        out.print("[dim]用 zfxxgk units place 单位 --region 地区 确认。[/]")
    if outside:
        out.print(f"\n不在单位名册中的单位（有报告）{len(outside)} 个：")
        t = RichTable("编号", "单位", "地区", "报告数", "名册中相近的单位", box=None, pad_edge=False)
        for u in outside:
            t.add_row(str(u.id), escape(u.name), escape(u.region or "（未归属地区）"), str(u.reports), escape("；".join(u.nearest)))
        out.print(t)
        out.print("[dim]是名册中单位的另一名称时用 zfxxgk units merge 名册单位 该单位 合并；应报送的单位请加入名册后再导入。[/]")


@units_app.command("place")
def units_place(
    unit: Annotated[str, typer.Argument(help="单位名称或编号。", show_default=False)],
    region: Annotated[str, typer.Option("--region", help="所属地区，如“北京市/朝阳区”。", show_default=False)],
    db: DbOpt = None,
) -> None:
    """确认一个待确认单位的地区（库中已有的地区或官方行政区划；写错时给出相近地区）。"""
    from .store.placing import place_unit

    path = _with_store(db, "未能确认", lambda store: place_unit(store, unit, region))
    out.print(f"已确认：{escape(unit)} → {escape(path)}")


@units_app.command("relocate")
def units_relocate(db: DbOpt = None) -> None:
    """把旧库（按名称推测地区时建立的库）中的单位重新归入官方行政区划：地区不确定的进入待确认，审核人员随其地区调整，清空的旧地区删除。"""
    from .store.relocate import relocate

    done = _with_store(db, "未能重新归属", relocate)
    out.print(f"已归入官方行政区划的单位 {done.placed} 个；待确认 {done.pending} 个；调整审核人员 {done.users} 名；"
              f"删除空的旧地区 {done.removed} 个。")
    if done.kept:
        out.print(f"仍有单位或用户的旧地区（请在单位名录中移动或合并）：{escape('；'.join(done.kept))}")


@units_app.command("import")
def units_import(
    path: Annotated[Path, typer.Argument(help="单位名册（.xlsx 或 .csv），表头见 docs/registry.md。", show_default=False)],
    db: DbOpt = None,
) -> None:
    """导入单位名册（应报送年报的单位）：整个文件先检查，有问题时逐行列出、一行也不写入。"""
    from .store.registry import RegistryError, import_registry

    store = _open_store(db)
    try:
        with _refused("未能导入"):
            try:
                done = import_registry(store, path)
            except RegistryError as e:  # every row's problem, one a line (before _refused's one-line message)
                err.print(f"[bold red]单位名册有 {len(e.errors)} 处问题，未导入[/]：")
                for problem in e.errors:
                    err.print(f"  {escape(str(problem))}")
                raise typer.Exit(EXIT_INPUT) from None
    finally:
        store.close()
    out.print(f"单位名册导入完成：新增 {done.added} 个单位，更新 {done.updated} 个。")


@units_app.command("export")
def units_export(
    path: Annotated[Path, typer.Argument(help="输出文件（.xlsx 或 .csv），与导入模板相同的列。", show_default=False)],
    region: Annotated[str | None, typer.Option("--region", help="只导出这一地区（含下级）。")] = None,
    db: DbOpt = None,
) -> None:
    """导出单位名册（可改后再导入）。"""
    from .store.registry import export_registry, registry_units

    n = _with_store(db, "未能导出", lambda store: export_registry(registry_units(store, region), path))
    out.print(f"已导出 {n} 个单位到 {escape(str(path))}")


@units_app.command("list")
def units_list(
    region: Annotated[str | None, typer.Option("--region", help="只列出这一地区（含下级）。")] = None,
    year: Annotated[int | None, typer.Option("--year", help="只列出该年度应报送的单位。")] = None,
    db: DbOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON Lines：每个单位一行。")] = False,
) -> None:
    """列出单位名册中的单位。"""
    from .store.registry import registry_units

    units = _with_store(db, "查询失败", lambda store: registry_units(store, region, year))
    if as_json:
        for u in units:
            _emit_json(u.to_dict())
        return
    t = RichTable("单位", "类型", "所属地区", "统一社会信用代码", "上级单位", box=None, pad_edge=False)
    for u in units:
        t.add_row(escape(u.name), u.type_cn, escape(u.region or "（未归属地区）"), u.credit_code or "", escape(u.parent or ""))
    out.print(t)
    out.print(f"共 {len(units)} 个单位。")


@units_app.command("move")
def units_move(
    unit: Annotated[str, typer.Argument(help="单位名称或编号。", show_default=False)],
    region: Annotated[str, typer.Argument(help="新的所属地区，如“山东省/潍坊市/临朐县”。", show_default=False)],
    by: ByOpt = "",
    why: WhyOpt = "",
    db: DbOpt = None,
) -> None:
    """把单位迁移到另一个地区（库中已有的地区或官方行政区划；写错时给出相近地区），其报告随之计入新地区。"""
    from .store.units_edit import move_unit

    path = _with_store(db, "未能迁移", lambda store: move_unit(store, unit, region, by, why))
    out.print(f"已迁移：{escape(unit)} → {escape(path)}")


@units_app.command("merge")
def units_merge(
    keep: Annotated[str, typer.Argument(help="保留的单位（名称或编号）。", show_default=False)],
    other: Annotated[str, typer.Argument(help="并入的重复单位（名称或编号），合并后其名称成为曾用名。", show_default=False)],
    by: ByOpt = "",
    why: WhyOpt = "",
    db: DbOpt = None,
) -> None:
    """把重复的单位并入另一个：报告、曾用名、账号和下级单位随之转移，同一年度按规则重新确定当前版本，相关报告重新校验。"""
    from .app.units import merge

    done = _with_store(db, "未能合并", lambda store: merge(store, keep, other, by, why))
    out.print(escape(done.summary()))


@app.command()
def coverage(
    year: Annotated[int, typer.Option("--year", help="报告年度。", show_default=False)],
    region: Annotated[str | None, typer.Option("--region", help="只看这一地区（含下级）。")] = None,
    output: Annotated[Path | None, typer.Option("--output", help="另存为 .xlsx 或 .csv（每个单位一行）。")] = None,
    db: DbOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON Lines：每个单位一行。")] = False,
) -> None:
    """报送情况：单位名册中该年度应报送的每个单位——按时、逾期（天数）、日期不明、仅有图片、未发布。"""
    from .app.coverage import coverage as compute
    from .store.coverage import STATUS_CN, STATUSES

    cov = _with_store(db, "查询失败", lambda store: compute(store, year, region))
    if output is not None:
        _write_coverage(cov, output)
    if as_json:
        for row in cov.rows:
            _emit_json(row.to_dict())
        return
    if not cov.rows:
        out.print(f"{escape(cov.scope)}没有{year}年度应报送的单位（先用 zfxxgk units import 导入单位名册）。")
        return
    shown = [st for st in STATUSES if st != "not_a_report" or cov.counts[st]]
    t = RichTable("地区", "应报送", *(STATUS_CN[st] for st in shown), box=None, pad_edge=False)
    t.columns[0].overflow = "fold"
    for r in cov.regions:
        t.add_row(escape(r.path), str(r.expected), *(str(r.counts[st]) for st in shown))
    t.add_row("合计", str(len(cov.rows)), *(str(cov.counts[st]) for st in shown))
    out.print(f"{year}年度报送情况（{escape(cov.scope)}）")
    out.print(t)
    problems = [r for r in cov.rows if r.status != "on_time"]
    if problems:
        u = RichTable("单位", "所属地区", "情况", "发布", "时限", box=None, pad_edge=False)
        for row in problems:
            late = f"（逾期 {row.days_late} 天）" if row.days_late else ""
            when = f"{row.published}（{row.published_basis}）" if row.published else ""
            u.add_row(escape(row.unit), escape(row.region or ""), row.status_cn + late, when, str(row.deadline or ""))
        out.print(u)


def _write_coverage(cov: Any, path: Path) -> None:
    """Each unit of a coverage as one row of an XLSX or CSV file."""
    from .store.export import write_table

    header = ["单位", "所属地区", "情况", "发布日期", "日期依据", "发布时限", "逾期天数", "报告编号"]
    rows = ([r.unit, r.region or "", r.status_cn, r.published.isoformat() if r.published else "", r.published_basis or "",
             r.deadline.isoformat() if r.deadline else "", r.days_late or "", r.report_id or ""] for r in cov.rows)
    with _refused("未能保存"):
        write_table(path, f"{cov.year}年度报送情况", header, rows, (32, 30, 14, 12, 10, 12, 9, 9))
    out.print(f"已保存到 {escape(str(path))}")


COPY_PART = {1: "第一部分", 5: "第五部分"}
COPY_ROWS_SHOWN = 30  # overlaps printed per group (--json gives them all)


@app.command()
def copies(
    year: Annotated[int, typer.Option("--year", help="报告年度。", show_default=False)],
    region: Annotated[str | None, typer.Option("--region", help="只看有单位在这一地区（含下级）的重复组。")] = None,
    db: DbOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON Lines：每个重复组一行。")] = False,
) -> None:
    """同年度不同单位报告文字重复：第一、第五部分与其他单位重复超过50%的单位，按重复组列出。

    先比对该年度尚未比对的报告（导入时已自动比对），再列出结果；度量方法见 docs/copies.md。
    """
    from .app.copies import clusters

    found = _with_store(db, "查询失败", lambda store: clusters(store, year, region))
    if as_json:
        for k, c in enumerate(found.clusters, 1):
            _emit_json({"year": year, "group": k, **c.to_dict()})
        return
    if not found.clusters:
        out.print(f"{year}年度（{escape(found.scope)}）没有发现不同单位之间第一、第五部分文字重复超过50%的报告。")
        return
    units = sum(len(c.members) for c in found.clusters)
    out.print(f"{year}年度不同单位报告文字重复（{escape(found.scope)}）：{len(found.clusters)} 组，涉及 {units} 个单位。")
    t = RichTable("组", "部分", "单位", "报告", "重复的单位", "报告", "本单位重复率", "对方重复率", box=None, pad_edge=False)
    t.columns[2].overflow = t.columns[4].overflow = "fold"
    hidden = 0
    for k, c in enumerate(found.clusters, 1):
        for o in c.overlaps[:COPY_ROWS_SHOWN]:
            t.add_row(str(k), COPY_PART.get(o.section, str(o.section)), escape(o.unit), str(o.report_id),
                      escape(o.other_unit), str(o.other_id), f"{o.rate:.0%}", f"{o.other_rate:.0%}")
        hidden += max(0, len(c.overlaps) - COPY_ROWS_SHOWN)
    out.print(t)
    if hidden:
        out.print(f"另有 {hidden} 处重复未列出（用 --json 查看全部）。")
    out.print("重复率：该部分文字（去除单位名称、地名、数字、空白和标点后）被对方同一部分中不少于8个字的相同片段覆盖的比例。")


@app.command()
def score(
    profile: Annotated[str | None, typer.Option("--profile", help="评分方案：随程序提供的方案名称（见 --list）或 YAML 文件路径。")] = None,
    year: Annotated[int | None, typer.Option("--year", help="报告年度。")] = None,
    region: Annotated[str | None, typer.Option("--region", help="只看这一地区（含下级）。")] = None,
    output: Annotated[Path | None, typer.Option("--output", help="另存为 .xlsx（排名、扣分明细、评分方案三个工作表）。")] = None,
    list_: Annotated[bool, typer.Option("--list", help="列出随程序提供的评分方案。")] = False,
    reference: Annotated[Path | None, typer.Option("--reference", help="生成评分方案说明页（Markdown，即 docs/profiles.md）。")] = None,
    db: DbOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON Lines：每个单位一行（含每一项扣分及其校验结果）。")] = False,
) -> None:
    """按评分方案给该年度的报告打分并排名；每一项扣分都对应一条校验结果（规则编号、结果编号、证据）或一个单元格。"""
    from .app import profiles as profiles_mod

    if list_ or reference is not None:
        if reference is not None:
            reference.write_text(profiles_mod.reference_markdown(), encoding="utf-8")
            out.print(f"已生成 {escape(str(reference))}")
        if list_:
            for name in profiles_mod.shipped_names():
                out.print(f"{name}\t{escape(profiles_mod.load_profile(name).name)}")
        return
    if profile is None or year is None:
        err.print("[bold red]缺少参数[/]：请用 --profile 给出评分方案、--year 给出报告年度（zfxxgk score --list 列出方案）。")
        raise typer.Exit(EXIT_INPUT)
    try:
        chosen = profiles_mod.load_profile(profile)
    except profiles_mod.ProfileError as e:
        err.print(f"[bold red]评分方案无法使用[/]：{escape(str(e))}")
        raise typer.Exit(EXIT_INPUT) from None
    from .app.score import score as compute
    from .app.score import write_ranking

    ranking = _with_store(db, "评分失败", lambda store: compute(store, chosen, year, region))
    if output is not None:
        with _refused("未能保存"):
            write_ranking(ranking, output)
        out.print(f"已保存到 {escape(str(output))}")
    if as_json:
        for row in ranking.rows:
            _emit_json({"profile": chosen.id, "year": year, **row.to_dict()})
        return
    out.print(f"{year}年度评分排名（{escape(ranking.scope)}）· 评分方案：{escape(chosen.name)}（满分 {chosen.total}）")
    if not ranking.rows:
        out.print(f"{escape(ranking.scope)}没有{year}年度的报告（先用 zfxxgk import 导入）。")
        return
    t = RichTable("名次", "单位", "报告", "得分", "等级", "扣分情况", box=None, pad_edge=False)
    t.columns[1].overflow = t.columns[5].overflow = "fold"
    for u in ranking.rows:
        why = "；".join(f"{s.indicator.name} −{s.deducted_text}" + ("（已达上限）" if s.capped else "")
                       for s in u.indicators if s.deducted)
        t.add_row(str(u.rank), escape(u.unit), str(u.report_id or "无报告"), u.score_text, escape(u.grade or ""), escape(why))
    out.print(t)
    for u in ranking.rows:
        counted = [(s, i) for s, i in u.items if i.points]
        if counted:
            out.print(f"[bold]{u.rank}. {escape(u.unit)}[/]")
            for s, i in counted:
                ref = "，".join(x for x in (i.rule or "", f"结果编号 {i.finding_id}" if i.finding_id else "",
                                             i.cells_text) if x)
                out.print(f"  −{i.points_text} {escape(s.indicator.name)}：{escape(i.message)}"
                          + (f"[dim]（{escape(ref)}）[/]" if ref else ""))
    if ranking.unscored:
        out.print(f"未参与评分（单位名册中应报送而没有报告，本方案不对此扣分）：{escape('、'.join(ranking.unscored))}")
    for n in chosen.notes:
        out.print(f"[yellow]注意[/]：{escape(n)}")


user_app = typer.Typer(help="管理网页版的用户：添加、列出、改密码、创建 API 令牌。", no_args_is_help=True)
app.add_typer(user_app, name="user")


def _user_store(db: str | None):
    return _open_store(db)


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="用户名。", show_default=False)],
    role: Annotated[str, typer.Option("--role", help="角色：admin（管理员）、reviewer（审核人员）或 filer（填报单位）。")],
    region: Annotated[str | None, typer.Option("--region", help="审核人员负责的地区，如“山东省/潍坊市/昌乐县”（库中已有的地区或官方行政区划；写错时给出相近地区）。")] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="填报单位的单位全称（库中或单位名册中的单位；写错时给出相近单位）。")] = None,
    new_unit: Annotated[bool, typer.Option("--new-unit", help="--unit 尚未在库中时新建该单位（否则拒绝）。")] = False,
    password: Annotated[str | None, typer.Option("--password", help="密码（不填则提示输入；直接回车则自动生成）。")] = None,
    db: DbOpt = None,
) -> None:
    """添加用户：审核人员须指定 --region，填报单位须指定 --unit。"""
    from .store import StoreError
    from .store import users as users_mod

    generated = False
    if password is None:
        password = typer.prompt("密码（直接回车自动生成）", default="", hide_input=True, show_default=False)
        if password:
            again = typer.prompt("再次输入密码", hide_input=True)
            if again != password:
                err.print("[bold red]两次输入的密码不一致[/]")
                raise typer.Exit(EXIT_INPUT)
    if not password:
        password, generated = users_mod.generate_password(), True
    store = _user_store(db)
    try:
        account = users_mod.add_user(store, name, password, role, region, unit, create_scope=True, create_unit=new_unit)
    except StoreError as e:
        err.print(f"[bold red]无法添加用户[/]：{escape(str(e))}")
        raise typer.Exit(EXIT_INPUT) from None
    note = f"，初始密码：[bold]{escape(password)}[/]（只显示这一次）" if generated else ""
    out.print(f"已添加用户 [bold]{escape(account.name)}[/]（{account.role_cn}，范围：{escape(account.scope_cn)}）{note}")


@user_app.command("list")
def user_list(db: DbOpt = None) -> None:
    """列出全部用户。"""
    from .store import users as users_mod

    store = _user_store(db)
    t = RichTable("用户名", "角色", "管辖范围", "状态", "最近登录（UTC）", box=None, pad_edge=False)
    for a in users_mod.list_users(store):
        t.add_row(escape(a.name), a.role_cn, escape(a.scope_cn), "启用" if a.active else "[dim]已停用[/]",
                  a.last_login_at.strftime("%Y-%m-%d %H:%M") if a.last_login_at else "从未登录")
    out.print(t)


@user_app.command("passwd")
def user_passwd(
    name: Annotated[str, typer.Argument(help="用户名。", show_default=False)],
    password: Annotated[str | None, typer.Option("--password", help="新密码（不填则提示输入）。")] = None,
    db: DbOpt = None,
) -> None:
    """修改用户密码（该用户已登录的会话随即失效）。"""
    from .store import StoreError
    from .store import users as users_mod

    if password is None:
        password = typer.prompt("新密码", hide_input=True, confirmation_prompt=True)
    store = _user_store(db)
    try:
        users_mod.set_password(store, name, password)
    except StoreError as e:
        err.print(f"[bold red]无法修改密码[/]：{escape(str(e))}")
        raise typer.Exit(EXIT_INPUT) from None
    out.print(f"已修改用户 [bold]{escape(name)}[/] 的密码。")


@user_app.command("token")
def user_token(
    name: Annotated[str, typer.Argument(help="用户名。", show_default=False)],
    label: Annotated[str, typer.Option("--label", help="令牌名称（便于日后辨认和吊销）。")] = "命令行创建",
    db: DbOpt = None,
) -> None:
    """为用户创建 API 令牌（请求头 Authorization: Bearer 令牌）；令牌只显示这一次。"""
    from .store import StoreError
    from .store import users as users_mod

    store = _user_store(db)
    try:
        token = users_mod.create_token(store, name, label)
    except StoreError as e:
        err.print(f"[bold red]无法创建令牌[/]：{escape(str(e))}")
        raise typer.Exit(EXIT_INPUT) from None
    sys.stdout.write(token + "\n")
    err.print(f"已为用户 {escape(name)} 创建 API 令牌（只显示这一次，请妥善保存）。")

def _split(values: list[str] | None) -> list[str] | None:
    if not values:
        return None
    return [v for item in values for v in item.split(",") if v.strip()]


def check_record(res: CheckResult, outcomes: bool = False) -> dict[str, Any]:
    """The ``check --json`` record: the parse record plus findings."""
    rec = res.report.to_dict()
    rec["findings"] = [f.to_dict() for f in res.findings]
    rec["not_assessable"] = sorted({f.rule for f in res.results if f.outcome is Outcome.NOT_ASSESSABLE})
    if outcomes:
        rec["outcomes"] = {f.rule: f.outcome.value for f in res.results}
    return rec


def _where(f: Finding, report: Report, plain: bool = False) -> str:
    spans = [c.span for i in f.cells if (c := report.cells.get(i)) and c.span]
    span = f.evidence.get("span") if isinstance(f.evidence.get("span"), dict) else None
    locators = sorted({s.locator for s in spans if s.locator} | ({span["locator"]} if span and span.get("locator") else set()))
    if locators:
        return _dim("（" + "、".join(locators[:5]) + ("…" if len(locators) > 5 else "") + "）", plain)
    lines = sorted({s.line for s in spans if s.line > 0})
    if not lines and span and span.get("line", 0) > 0:
        lines = [span["line"]]
    if not lines:
        return ""
    shown = "、".join(str(n) for n in lines[:5]) + ("…" if len(lines) > 5 else "")
    return _dim(f"（第 {shown} 行）", plain)


def _dim(text: str, plain: bool) -> str:
    return "  " + text if plain else f"  [dim]{text}[/]"


def _styled(style: str, text: str, plain: bool) -> str:
    return text if plain else f"[{style}]{text}[/]"


def _headline(report: Report, plain: bool = False) -> str:
    unit = report.unit or "（未识别单位）"
    year = f"{report.year}年度" if report.year else "（未识别年度）"
    if plain:
        return f"{report.source}  {unit} · {year}"
    return f"[bold]{escape(report.source)}[/]  {escape(unit)} · {year}"


def _check_lines(res: CheckResult, counts: Counter[str], plain: bool) -> list[str]:
    """What ``check`` prints for one report, line by line: rich markup, or the text itself (``plain``)."""
    esc = (lambda t: t) if plain else escape
    lines = ["", _headline(res.report, plain)]
    for sev in Severity:
        group = [f for f in res.findings if f.severity is sev]
        if not group:
            continue
        lines.append(_styled(SEV_STYLE[sev], f"{sev.cn}（{len(group)}）", plain))
        for f in group:
            lines.append(f"  {_styled(SEV_STYLE[sev], f.rule, plain)}  {esc(f.message)}{_where(f, res.report, plain)}")
    na = len({f.rule for f in res.results if f.outcome is Outcome.NOT_ASSESSABLE})
    lines.append(f"小结：错误 {counts['error']}，警告 {counts['warning']}，提示 {counts['info']}；无法判断的规则 {na} 条。")
    return lines


def _report_lines(report: Report, explain: bool, plain: bool) -> tuple[list[str], list[tuple[str, ...]] | None]:
    """What ``parse`` prints for one report: the lines (markup, or text when ``plain``) and, with
    ``--explain``, the rows of the cell table.
    """
    esc = (lambda t: t) if plain else escape
    period = report.period
    lines = ["", _headline(report, plain),
             f"标题：{esc(report.title or '（未识别）')}",
             f"发布/落款日期：{report.published or '（未识别）'}；统计期间：{f'{period[0]} 至 {period[1]}' if period else '（未说明）'}",
             "章节：" + "；".join(f"{n} {esc(s.heading)}" for n, s in sorted(report.sections.items()))]
    states = Counter(c.state for c in report.cells.values())
    lines.append("单元格：" + "，".join(f"{s.label} {states[s]}" for s in CellState if states[s]))
    if explain:
        rows: list[tuple[str, ...]] = []
        for cid in CELL_IDS:
            c = report.cells[cid]
            rows.append((cid, "" if c.value is None else str(c.value), c.state.label, str(c.span or ""), escape(c.raw or "")))
        return lines, rows
    shown = [(cid, report.cells[cid]) for cid in CELL_IDS if report.cells[cid].value]
    if shown:
        lines.append("非零数值：" + "；".join(f"{CELL[cid].label} = {c.value}" for cid, c in shown))
    return lines, None


# --- 整改 and report verdicts (app/rectify.py), 审核意见书 and 通报 (app/documents.py) -----------------

rectify_app = typer.Typer(help="整改：把已确认的问题列入整改（责任单位、整改期限），查看、修改状态；单位报送新版本后自动复查销号。",
                          no_args_is_help=True)
app.add_typer(rectify_app, name="rectify")
DateOpt = Annotated[str, typer.Option("--date", help="文书落款日期，写成 年-月-日（默认今天）。")]


def _day(text: str):
    import datetime as dt

    from .app import rectify as rectify_app_

    try:
        return rectify_app_.parse_date(text) or dt.date.today()
    except ValueError as e:
        err.print(f"[bold red]{escape(str(e))}[/]")
        raise typer.Exit(EXIT_INPUT) from None


def _print_items(items: list[Any], as_json: bool) -> None:
    if as_json:
        for i in items:
            _emit_json(i.to_dict())
        return
    if not items:
        out.print("没有整改事项。")
        return
    t = RichTable("事项", "单位", "年度", "问题", "责任单位", "整改期限", "状态", box=None, pad_edge=False)
    for i in items:
        t.add_row(str(i.id), escape(i.unit), str(i.year), escape(i.message), escape(i.responsible),
                  str(i.due_on or "未定"), i.status_cn)
    out.print(t)


@rectify_app.command("add")
def rectify_add(
    report_id: Annotated[int, typer.Argument(help="报告编号。", show_default=False)],
    fingerprint: Annotated[str, typer.Argument(help="问题指纹（须已审核确认）。", show_default=False)],
    by: ByOpt = "",
    unit: Annotated[str, typer.Option("--unit", help="责任单位（默认报告单位）。")] = "",
    due: Annotated[str, typer.Option("--due", help="整改期限，写成 年-月-日。")] = "",
    note: Annotated[str, typer.Option("--note", help="说明。")] = "",
    db: DbOpt = None,
) -> None:
    """把一个已确认的问题列入整改（该单位该年度跟踪，报送新版本后自动复查）。"""
    from .app import rectify as rectify_mod

    try:
        due_on = rectify_mod.parse_date(due)
    except ValueError as e:
        err.print(f"[bold red]{escape(str(e))}[/]")
        raise typer.Exit(EXIT_INPUT) from None
    item = _with_store(db, "无法列入整改",
                       lambda store: rectify_mod.create(store, report_id, fingerprint, by, unit, due_on, note))
    out.print(f"已列入整改：事项 {item.id}（{escape(item.unit)} {item.year}年度，责任单位 {escape(item.responsible)}，"
              f"整改期限 {item.due_on or '未定'}）—— {item.status_cn}")


@rectify_app.command("list")
def rectify_list(
    report: Annotated[int | None, typer.Option("--report", help="只看该报告所属单位和年度的事项。")] = None,
    year: Annotated[int | None, typer.Option("--year", help="只看该年度。")] = None,
    open_only: Annotated[bool, typer.Option("--open", help="只看未完成的事项（待整改、整改中、未整改）。")] = False,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """列出整改事项及其状态。"""
    from .app import rectify as rectify_mod

    found = _with_store(db, "查询失败", lambda store: rectify_mod.items(store, report_id=report, year=year,
                                                                    open_only=open_only))
    _print_items(found, as_json)


@rectify_app.command("set")
def rectify_set(
    item_id: Annotated[int, typer.Argument(help="整改事项编号。", show_default=False)],
    status: Annotated[str, typer.Argument(help="状态：待整改、整改中、已整改、未整改。", show_default=False)],
    by: ByOpt = "",
    note: Annotated[str, typer.Option("--note", help="说明。")] = "",
    unit: Annotated[str, typer.Option("--unit", help="改为此责任单位。")] = "",
    due: Annotated[str, typer.Option("--due", help="改为此整改期限（年-月-日）。")] = "",
    db: DbOpt = None,
) -> None:
    """手工修改整改事项的状态（及责任单位、整改期限）；每次修改都有记录。"""
    from .app import rectify as rectify_mod

    try:
        value, due_on = rectify_mod.status_value(status), rectify_mod.parse_date(due)
    except ValueError as e:
        err.print(f"[bold red]{escape(str(e))}[/]")
        raise typer.Exit(EXIT_INPUT) from None
    item = _with_store(db, "无法修改整改状态",
                       lambda store: rectify_mod.set_status(store, item_id, value, by, note, unit or None, due_on))
    out.print(f"整改事项 {item.id} 现为：{item.status_cn}（{escape(by)}）")


@rectify_app.command("check")
def rectify_check(
    year: Annotated[int | None, typer.Option("--year", help="只复查该年度的事项（默认全部）。")] = None,
    db: DbOpt = None,
) -> None:
    """按各单位当前版本报告复查整改事项：问题已消除的销号（已整改），仍存在或再次出现的记为未整改。"""
    from .app import rectify as rectify_mod
    from .store.rectify import STATUS_CN

    changes = _with_store(db, "复查失败", lambda store: rectify_mod.settle(store, [year] if year else None))
    for c in changes:
        out.print(f"事项 {c.item_id}：{STATUS_CN[c.before]} → {STATUS_CN[c.after]}（报告 {c.report_id}）")
    out.print(f"复查完成，{len(changes)} 个事项状态有变化。")


@app.command()
def verdict(
    report_id: Annotated[int, typer.Argument(help="报告编号。", show_default=False)],
    decision: Annotated[str | None, typer.Argument(help="通过 或 退回修改（不写则显示现有结论）。", show_default=False)] = None,
    reason: Annotated[list[str] | None, typer.Option("--reason", help="退回修改的原因，可写多次（不写则取未完成的整改事项）。")] = None,
    by: Annotated[str, typer.Option("--by", help="审核人。")] = "",
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """报告审核结论（通过，或退回修改并附原因），报送单位在报告页面可见；不写结论时显示现有结论和整改事项。"""
    from .app import rectify as rectify_mod

    if decision is not None:
        try:
            value = rectify_mod.verdict_value(decision)
        except ValueError as e:
            err.print(f"[bold red]{escape(str(e))}[/]")
            raise typer.Exit(EXIT_INPUT) from None
        done = _with_store(db, "无法记录审核结论",
                           lambda store: rectify_mod.decide(store, report_id, value, reason or [], by))
        out.print(f"报告 {report_id} 审核结论：{done.verdict_cn}（{escape(done.reviewer)}）")
        for r in done.reasons:
            out.print(f"  · {escape(r)}")
        return
    panel = _with_store(db, "查询失败", lambda store: rectify_mod.panel(store, report_id))
    shown = panel.verdict or panel.earlier
    if as_json:
        _emit_json({"report_id": report_id, "verdict": shown.verdict if shown else None,
                    "verdict_cn": shown.verdict_cn if shown else "未审核", "reasons": shown.reasons if shown else [],
                    "of_report": shown.report_id if shown else None, "items": [i.to_dict() for i in panel.items]})
        return
    if shown is None:
        out.print(f"报告 {report_id} 尚未作出审核结论。")
    else:
        whose = "" if shown.report_id == report_id else f"（该单位该年度报告 {shown.report_id} 的结论）"
        out.print(f"报告 {report_id} 审核结论：{shown.verdict_cn}{whose}（{escape(shown.reviewer)}，{shown.decided_at:%Y-%m-%d}）")
        for r in shown.reasons:
            out.print(f"  · {escape(r)}")
    _print_items(panel.items, False)


def _write_document(path: Path, make: Callable[[Any], Any], what: str, db: str | None) -> None:
    from .app import documents

    fmt = path.suffix.lower().lstrip(".")
    if fmt not in documents.FORMATS:
        err.print(f"[bold red]输出文件的扩展名应为[/]：{'、'.join('.' + f for f in documents.FORMATS)}")
        raise typer.Exit(EXIT_INPUT)
    data = _with_store(db, f"无法生成{what}", lambda store: documents.write(make(store), fmt))
    path.write_bytes(data)
    out.print(f"已生成{what}：{escape(str(path))}")


@app.command()
def opinion(
    report_id: Annotated[int, typer.Argument(help="报告编号。", show_default=False)],
    output: Annotated[Path, typer.Option("-o", "--output", help="输出文件（.docx、.pdf 或 .html）。", show_default=False)],
    kind: Annotated[str, typer.Option("--kind", help="文书类型：审核意见书 或 工作建议书。")] = "审核意见书",
    issuer: Annotated[str, typer.Option("--issuer", help="落款单位。")] = "政府信息公开工作年度报告审核组",
    date: DateOpt = "",
    db: DbOpt = None,
) -> None:
    """生成某份报告的审核意见书（或工作建议书）：审核结论、问题及证据、整改要求（Word/PDF，内容确定、可重复生成）。"""
    from .app import documents

    day = _day(date)
    _write_document(output, lambda store: documents.opinion(store, report_id, kind=kind, issuer=issuer, day=day),
                    kind, db)


@app.command()
def notice(
    year: Annotated[int, typer.Argument(help="报告年度。", show_default=False)],
    output: Annotated[Path, typer.Option("-o", "--output", help="输出文件（.docx、.pdf 或 .html）。", show_default=False)],
    region: Annotated[str | None, typer.Option("--region", help="地区（编号、路径或唯一的末级名称；默认全部）。")] = None,
    number: Annotated[str, typer.Option("--number", help="文号或期数，印在标题下。")] = "",
    issuer: Annotated[str, typer.Option("--issuer", help="落款单位。")] = "政府信息公开工作年度报告审核组",
    date: DateOpt = "",
    db: DbOpt = None,
) -> None:
    """生成地区年度通报：指标卡（数量、比率及计算公式、同比）、各单位问题排名、未完成的整改事项。"""
    from .app import documents

    day = _day(date)
    _write_document(output, lambda store: documents.notice(store, year, region=region, issuer=issuer, day=day,
                                                           number=number), "通报", db)


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
