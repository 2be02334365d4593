"""The cell-id registry: the one list of the 200 canonical cells (国办公开办函〔2021〕30号).

Every other part of zfxxgk (parsers, rules, exports, writers) derives its rows, columns and
labels from the tuples below; nothing else may spell a cell id. The order is the order of
``docs/spec/cell-ids.md`` and of the gold files (``zfxxgk cells`` prints it).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Table(StrEnum):
    """The three standard tables."""

    T2 = "t2"
    T3 = "t3"
    T4 = "t4"

    @property
    def number(self) -> int:
        """Table number as printed in the standard (表二 → 2)."""
        return int(self.value[1])

    @property
    def title(self) -> str:  # type: ignore[override]  # a table's title, not str.title()
        """Standard table title."""
        return TABLE_TITLES[self]

    @property
    def cn(self) -> str:
        """Chinese ordinal name used in messages (表二 …)."""
        return "表" + "一二三四"[self.number - 1]


TABLE_TITLES = {
    Table.T2: "主动公开政府信息情况",
    Table.T3: "收到和处理政府信息公开申请情况",
    Table.T4: "政府信息公开行政复议、行政诉讼情况",
}

# The six sections (spec §1.1): number → standard title; the heading is ordinal + “、” + title.
SECTION_TITLES = {
    1: "总体情况",
    2: "主动公开政府信息情况",
    3: "收到和处理政府信息公开申请情况",
    4: "政府信息公开行政复议、行政诉讼情况",
    5: "存在的主要问题及改进情况",
    6: "其他需要报告的事项",
}
SECTION_ORDINALS = "一二三四五六"
# The section each table belongs in (spec §1.1).
TABLE_SECTION = {Table.T2: 2, Table.T3: 3, Table.T4: 4}


def section_heading(n: int) -> str:
    """The standard heading of section n (``一、总体情况``)."""
    return f"{SECTION_ORDINALS[n - 1]}、{SECTION_TITLES[n]}"


@dataclass(frozen=True, slots=True)
class Axis:
    """A row, column or block of a table: stable key plus the label printed in the standard."""

    key: str
    label: str


@dataclass(frozen=True, slots=True)
class CellSpec:
    """One canonical cell: id ``table.row.column`` with its labels, unit and order."""

    id: str
    table: Table
    row: str
    column: str
    row_label: str
    column_label: str
    unit: str
    order: int

    @property
    def decimal(self) -> bool:
        """Whether the cell may hold a fractional amount (only fees in 万元)."""
        return self.unit == "万元"

    @property
    def label(self) -> str:
        """Human label: ``row · column``."""
        return f"{self.row_label} · {self.column_label}"


# --- Table 2: 主动公开政府信息情况 -------------------------------------------------
T2_COLUMNS = (
    Axis("issued", "本年制发件数"),
    Axis("repealed", "本年废止件数"),
    Axis("in_force", "现行有效件数"),
    Axis("decisions", "本年处理决定数量"),
    Axis("amount", "本年收费金额（单位：万元）"),
)
T2_COL = {c.key: c for c in T2_COLUMNS}

# (block label, row, columns, unit)
T2_BLOCKS = (
    ("第二十条第（一）项", Axis("regulation", "规章"), ("issued", "repealed", "in_force"), "件"),
    ("第二十条第（一）项", Axis("normative_document", "行政规范性文件"), ("issued", "repealed", "in_force"), "件"),
    ("第二十条第（五）项", Axis("licensing", "行政许可"), ("decisions",), "件"),
    ("第二十条第（六）项", Axis("penalty", "行政处罚"), ("decisions",), "件"),
    ("第二十条第（六）项", Axis("coercion", "行政强制"), ("decisions",), "件"),
    ("第二十条第（八）项", Axis("fee", "行政事业性收费"), ("amount",), "万元"),
)
T2_ROWS = tuple(b[1] for b in T2_BLOCKS)
T2_ROW_COLUMNS = {b[1].key: b[2] for b in T2_BLOCKS}
T2_ROW_BLOCK = {b[1].key: b[0] for b in T2_BLOCKS}

# --- Table 3: 收到和处理政府信息公开申请情况 --------------------------------------
T3_COLUMNS = (
    Axis("natural_person", "自然人"),
    Axis("commercial", "商业企业"),
    Axis("research", "科研机构"),
    Axis("social_welfare", "社会公益组织"),
    Axis("legal_service", "法律服务机构"),
    Axis("other_org", "其他"),
    Axis("total", "总计"),
)
T3_APPLICANT_COLUMNS = tuple(c.key for c in T3_COLUMNS[:-1])

# (group label or "", leaf label as printed in the standard)
T3_ROW_DEFS = (
    ("", Axis("new_received", "一、本年新收政府信息公开申请数量")),
    ("", Axis("carried_over", "二、上年结转政府信息公开申请数量")),
    ("三、本年度办理结果", Axis("granted", "（一）予以公开")),
    ("三、本年度办理结果", Axis("partially_granted", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）")),
    ("（三）不予公开", Axis("withheld_state_secret", "1.属于国家秘密")),
    ("（三）不予公开", Axis("withheld_law_forbidden", "2.其他法律行政法规禁止公开")),
    ("（三）不予公开", Axis("withheld_security_stability", "3.危及“三安全一稳定”")),
    ("（三）不予公开", Axis("withheld_third_party", "4.保护第三方合法权益")),
    ("（三）不予公开", Axis("withheld_internal_affairs", "5.属于三类内部事务信息")),
    ("（三）不予公开", Axis("withheld_process_info", "6.属于四类过程性信息")),
    ("（三）不予公开", Axis("withheld_enforcement_file", "7.属于行政执法案卷")),
    ("（三）不予公开", Axis("withheld_admin_query", "8.属于行政查询事项")),
    ("（四）无法提供", Axis("unavailable_not_held", "1.本机关不掌握相关政府信息")),
    ("（四）无法提供", Axis("unavailable_needs_creation", "2.没有现成信息需要另行制作")),
    ("（四）无法提供", Axis("unavailable_unclear", "3.补正后申请内容仍不明确")),
    ("（五）不予处理", Axis("declined_petition", "1.信访举报投诉类申请")),
    ("（五）不予处理", Axis("declined_repeat", "2.重复申请")),
    ("（五）不予处理", Axis("declined_publication", "3.要求提供公开出版物")),
    ("（五）不予处理", Axis("declined_excessive", "4.无正当理由大量反复申请")),
    ("（五）不予处理", Axis("declined_confirmation", "5.要求行政机关确认或重新出具已获取信息")),
    ("（六）其他处理", Axis("other_no_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请")),
    ("（六）其他处理", Axis("other_no_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请")),
    ("（六）其他处理", Axis("other_other", "3.其他")),
    ("三、本年度办理结果", Axis("total_processed", "（七）总计")),
    ("", Axis("carried_forward", "四、结转下年度继续办理")),
)
T3_ROWS = tuple(d[1] for d in T3_ROW_DEFS)
T3_ROW_GROUP = {d[1].key: d[0] for d in T3_ROW_DEFS}
T3_GROUP_LABELS = ("三、本年度办理结果", "（三）不予公开", "（四）无法提供", "（五）不予处理", "（六）其他处理")
# The 21 leaves summed by T3-OUTCOMES: granted … other_other.
OUTCOME_ROWS = tuple(r.key for r in T3_ROWS[2:23])
T3_HEADER_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"

# --- Table 4: 政府信息公开行政复议、行政诉讼情况 -----------------------------------
T4_BLOCKS = (
    Axis("review", "行政复议"),
    Axis("litigation_direct", "行政诉讼（未经复议直接起诉）"),
    Axis("litigation_after_review", "行政诉讼（复议后起诉）"),
)
T4_COLUMNS = (
    Axis("upheld", "结果维持"),
    Axis("corrected", "结果纠正"),
    Axis("other", "其他结果"),
    Axis("pending", "尚未审结"),
    Axis("total", "总计"),
)
T4_PARTS = tuple(c.key for c in T4_COLUMNS[:-1])


def _build() -> tuple[CellSpec, ...]:
    cells: list[CellSpec] = []
    for _block, row, cols, unit in T2_BLOCKS:
        for c in cols:
            cells.append(CellSpec(f"t2.{row.key}.{c}", Table.T2, row.key, c, row.label, T2_COL[c].label, unit, len(cells)))
    for row in T3_ROWS:
        for col in T3_COLUMNS:
            cells.append(CellSpec(f"t3.{row.key}.{col.key}", Table.T3, row.key, col.key, row.label, col.label, "件", len(cells)))
    for block in T4_BLOCKS:
        for col in T4_COLUMNS:
            cells.append(CellSpec(f"t4.{block.key}.{col.key}", Table.T4, block.key, col.key, block.label, col.label, "件", len(cells)))
    return tuple(cells)


CELLS: tuple[CellSpec, ...] = _build()
CELL_IDS: tuple[str, ...] = tuple(c.id for c in CELLS)
CELL: dict[str, CellSpec] = {c.id: c for c in CELLS}
TABLE_CELLS: dict[Table, tuple[str, ...]] = {t: tuple(c.id for c in CELLS if c.table is t) for t in Table}
TABLE_ROWS: dict[Table, tuple[Axis, ...]] = {Table.T2: T2_ROWS, Table.T3: T3_ROWS, Table.T4: T4_BLOCKS}


def t2(row: str, column: str) -> str:
    """Return the id of a table-2 cell, checked against the registry."""
    return _checked(f"t2.{row}.{column}")


def t3(row: str, column: str) -> str:
    """Return the id of a table-3 cell, checked against the registry."""
    return _checked(f"t3.{row}.{column}")


def t4(block: str, column: str) -> str:
    """Return the id of a table-4 cell, checked against the registry."""
    return _checked(f"t4.{block}.{column}")


_ROW_CELLS: dict[tuple[Table, str], tuple[str, ...]] = {}
for _c in CELLS:
    _ROW_CELLS[(_c.table, _c.row)] = (*_ROW_CELLS.get((_c.table, _c.row), ()), _c.id)


def row_cells(table: Table, row: str) -> tuple[str, ...]:
    """Ids of one row (t3 row, t4 block or t2 row) in column order."""
    return _ROW_CELLS[(table, row)]


def _checked(cell_id: str) -> str:
    if cell_id not in CELL:
        raise KeyError(f"unknown cell id {cell_id!r}")
    return cell_id


assert len(CELLS) == 200, len(CELLS)


def cell_label(cell_id: str) -> str:
    """Chinese label of a cell for tables, exports and ``zfxxgk cells``: ``表三·（一）予以公开·自然人``.

    Rows of the groups （三）–（六） of table 3 carry their group (``（三）不予公开1.属于国家秘密``), the
    rows of table 2 their item of Article 20 is left out (the row label is unique).
    """
    spec = CELL[cell_id]
    row = spec.row_label
    if spec.table is Table.T3:
        group = T3_ROW_GROUP[spec.row]
        if group and group != T3_GROUP_LABELS[0]:
            row = group + row
    return f"{spec.table.cn}·{row}·{spec.column_label}"


def row_label(table: Table, key: str) -> str:
    """Standard label of a row; a numbered t3 leaf carries its group (“（五）不予处理·2.重复申请”)."""
    label = next(r.label for r in TABLE_ROWS[table] if r.key == key)
    group = T3_ROW_GROUP.get(key, "") if table is Table.T3 else ""
    if group and group != T3_GROUP_LABELS[0]:
        return f"{group}·{label}"
    return label


def cell_phrase(cell_id: str, with_table: bool = True) -> str:
    """A cell named in a sentence (findings): 表三“（一）予以公开”行“自然人”栏, 表四“行政复议”“结果维持”栏.

    :func:`cell_label` is the same cell's short form for table headers and exports.
    """
    spec = CELL[cell_id]
    prefix = spec.table.cn if with_table else ""
    if spec.table is Table.T4:
        return f"{prefix}“{spec.row_label}”“{spec.column_label}”栏"
    return f"{prefix}“{row_label(spec.table, spec.row)}”行“{spec.column_label}”栏"
