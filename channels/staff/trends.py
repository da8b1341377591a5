"""相談の傾向: counts of handoffs for 地域づくり, with small cells suppressed.

Only codes and dates are read from a record (categories, household categories, writer,
created_at), never resident text, so nothing a resident wrote can reach the page or CSV.

Small cells: a count from 1 to 4 is shown as 「5未満」 (SMALL_LABEL). Where the rows of a
table split the handoffs into disjoint groups (month, writer) and a total is shown, one
suppressed cell could be recovered by subtraction; the next smallest cell is then hidden
too (「非表示」, secondary suppression).

Complex households (多機関協働 signals) are read from the union of the record's categories
and its household members' categories:
* 8050: elderly_care + hikikomori
* ダブルケア: elderly_care + child_rearing
* ヤングケアラー: child_protection + (elderly_care or disability). child_protection is the
  category whose words include ヤングケアラー (子どもが家族の世話をしている); together with
  someone who needs care in the same household it marks a child who may be the carer.
* 生活困窮 + こころの健康: poverty + mental_health
* 3つ以上の分野: three or more categories in one household.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from channels.staff import labels
from knowledge.codes import CATEGORIES, WRITERS

SMALL_MIN, SMALL_MAX = 1, 4
SMALL_LABEL = "5未満"
HIDDEN_LABEL = "非表示"

COMBINATIONS: tuple[tuple[str, str, tuple[frozenset[str], ...]], ...] = (
    # (key, 表示名, any of these category sets must be fully present)
    ("8050", "8050(高齢の親とひきこもりの子)", (frozenset({"elderly_care", "hikikomori"}),)),
    ("double_care", "ダブルケア(介護と子育て)", (frozenset({"elderly_care", "child_rearing"}),)),
    (
        "young_carer",
        "ヤングケアラーの可能性",
        (frozenset({"child_protection", "elderly_care"}), frozenset({"child_protection", "disability"})),
    ),
    ("poverty_mental", "生活困窮とこころの健康", (frozenset({"poverty", "mental_health"}),)),
)
MANY_KEY, MANY_LABEL, MANY_MIN = "three_or_more", "3つ以上の分野にまたがる相談", 3


@dataclass(frozen=True)
class Cell:
    """One row of a table: what the page, the chart and the CSV may show."""

    key: str
    label: str
    count: int
    shown: str  # the number as text, 「5未満」 or 「非表示」

    @property
    def suppressed(self) -> bool:
        """True when the number must not be shown (nor drawn as a bar length)."""
        return not self.shown.isdigit()


@dataclass(frozen=True)
class Table:
    """A titled list of cells, with the total when the rows are disjoint groups."""

    key: str
    title: str
    cells: list[Cell]
    total: Cell | None = None


@dataclass(frozen=True)
class Trends:
    """Every table of the 「相談の傾向」 page."""

    handoffs: Cell
    tables: list[Table]


def shown(count: int) -> str:
    """The count as it may be published: 1–4 become 「5未満」."""
    return SMALL_LABEL if SMALL_MIN <= count <= SMALL_MAX else str(count)


def household_categories(record: dict[str, Any]) -> set[str]:
    """Categories of the record and of every household member (codes only)."""
    found = {c for c in record.get("categories") or [] if c in CATEGORIES}
    for member in record.get("household") or []:
        if isinstance(member, dict):
            found.update(c for c in member.get("categories") or [] if c in CATEGORIES)
    return found


def month_of(record: dict[str, Any]) -> str | None:
    """YYYY-MM of created_at in Japan time; None when unreadable."""
    try:
        created = datetime.fromisoformat(str(record.get("created_at")))
    except ValueError:
        return None
    if created.tzinfo is None:
        created = created.replace(tzinfo=labels.JST)
    return created.astimezone(labels.JST).strftime("%Y-%m")


def combination_keys(categories: set[str]) -> list[str]:
    """The complex-household markers this set of categories carries."""
    keys = [key for key, _label, needs in COMBINATIONS if any(need <= categories for need in needs)]
    if len(categories) >= MANY_MIN:
        keys.append(MANY_KEY)
    return keys


def _cells(counts: Counter[str], order: Sequence[tuple[str, str]]) -> list[Cell]:
    return [Cell(key, label, counts.get(key, 0), shown(counts.get(key, 0))) for key, label in order]


def _protect_partition(cells: list[Cell], total: int) -> list[Cell]:
    """Hide one more cell when a single suppressed cell could be computed from the total."""
    if total < 5 or sum(1 for c in cells if c.suppressed) != 1:
        return cells
    candidates = [c for c in cells if not c.suppressed and c.count > 0]
    if not candidates:
        return cells
    smallest = min(candidates, key=lambda c: c.count)
    return [Cell(c.key, c.label, c.count, HIDDEN_LABEL) if c is smallest else c for c in cells]


def _month_order(months: Iterable[str]) -> list[tuple[str, str]]:
    """Every month from the first to the last (empty months show 0), as 2026年11月."""
    present = sorted(set(months))
    if not present:
        return []
    year, month = map(int, present[0].split("-"))
    last = present[-1]
    order: list[tuple[str, str]] = []
    while True:
        key = f"{year:04d}-{month:02d}"
        order.append((key, f"{year}年{month}月"))
        if key >= last:
            return order
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _writer_key(code: Any) -> str:
    return code if code in WRITERS and code != "unknown" else "unknown"


def build(records: Iterable[dict[str, Any]]) -> Trends:
    """Aggregate handoff records into the page's tables."""
    by_category: Counter[str] = Counter()
    by_month: Counter[str] = Counter()
    by_writer: Counter[str] = Counter()
    by_combination: Counter[str] = Counter()
    total = 0
    for record in records:
        total += 1
        categories = household_categories(record)
        by_category.update(categories)
        by_combination.update(combination_keys(categories))
        by_month[month_of(record) or "unknown"] += 1
        by_writer[_writer_key(record.get("writer"))] += 1
    total_cell = Cell("total", "合計", total, shown(total))
    months = _month_order(m for m in by_month if m != "unknown")
    if by_month.get("unknown"):
        months.append(("unknown", "不明"))
    writers = [(w, labels.writer(w)) for w in WRITERS]
    return Trends(
        handoffs=total_cell,
        tables=[
            Table(
                "category",
                "困りごとの分野別",
                _cells(by_category, [(c, labels.category(c)) for c in CATEGORIES]),
            ),
            Table("month", "月別", _protect_partition(_cells(by_month, months), total), total_cell),
            Table(
                "writer", "相談した人別", _protect_partition(_cells(by_writer, writers), total), total_cell
            ),
            Table(
                "combination",
                "複合的な困りごと(世帯に複数の分野)",
                _cells(
                    by_combination, [(k, label) for k, label, _ in COMBINATIONS] + [(MANY_KEY, MANY_LABEL)]
                ),
            ),
        ],
    )


CSV_COLUMNS = ("表", "項目", "件数")


def csv_rows(trends: Trends) -> list[tuple[str, str, str]]:
    """The CSV body: one line per cell, suppressed cells as text."""
    rows = [("全体", "引き継ぎの件数", trends.handoffs.shown)]
    for table in trends.tables:
        rows.extend((table.title, cell.label, cell.shown) for cell in table.cells)
    return rows
