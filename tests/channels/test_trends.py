"""「相談の傾向」 (/staff/trends, /staff/trends.csv): counts, small-cell suppression, SVG, audit,
staff-only access, and no resident text anywhere on the page or in the CSV."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from starlette.testclient import TestClient

from channels.staff import charts, trends
from channels.store import audit
from channels.store.db import Database
from channels.store.sink import DatabaseHandoffSink
from tests.channels.conftest import login
from tests.channels.factories import record

SECRET_WORDS = (
    "秘密の言葉カタツムリ",
    "要約のヒミツ",
    "メモのナイショ",
    "連絡先のコッソリ",
    "<script>x</script>",
)


def resident_record(**overrides: Any) -> dict[str, Any]:
    """A record full of resident text that must never reach the trends page."""
    base = record(
        resident_words=[SECRET_WORDS[0], SECRET_WORDS[4]],
        summary_ja=SECRET_WORDS[1],
        contact={"preferred": "phone", "detail": SECRET_WORDS[3]},
        household=[
            {
                "relation": "mother",
                "age": {"min": 80, "max": 89},
                "categories": ["elderly_care"],
                "notes": [SECRET_WORDS[2]],
            }
        ],
    )
    base.update(overrides)
    return base


def store(db: Database, items: list[dict[str, Any]]) -> None:
    sink = DatabaseHandoffSink(db, b"k" * 16)
    for i, item in enumerate(items):
        assert sink.save_handoff(item, "web", f"session-{i}")


def eight_fifty(n: int, month: str = "2026-11", writer: str | None = "family") -> list[dict[str, Any]]:
    """n handoffs of one cell: 8050 (elderly_care + hikikomori) in one month, by one writer."""
    items = []
    for day in range(n):
        item = resident_record(categories=["hikikomori"], created_at=f"{month}-{day + 1:02d}T10:00:00+09:00")
        if writer is None:
            item.pop("writer", None)
        else:
            item["writer"] = writer
        items.append(item)
    return items


def table_rows(html: str, key: str) -> dict[str, str]:
    """{label: shown} of one data table on the page."""
    match = re.search(rf'<table class="trend-table" id="table-{key}">(.*?)</table>', html, re.S)
    assert match, key
    rows = re.findall(r'<th scope="row">(.*?)</th><td class="num">(.*?)</td>', match.group(1))
    return dict(rows)


def csv_cells(body: str) -> dict[tuple[str, str], str]:
    assert body.startswith("\ufeff")
    reader = csv.reader(io.StringIO(body.removeprefix("\ufeff")))
    assert next(reader) == list(trends.CSV_COLUMNS)
    return {(row[0], row[1]): row[2] for row in reader}


def test_needs_a_staff_session(client: TestClient) -> None:
    for path in ("/staff/trends", "/staff/trends.csv"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code in (303, 401)
        assert response.headers.get("location") == "/staff/login"


@pytest.mark.usefixtures("staff_account")
def test_three_in_a_cell_is_shown_as_under_five(client: TestClient, db: Database) -> None:
    store(db, eight_fifty(3))
    login(client)
    page = client.get("/staff/trends")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    html = page.text
    assert table_rows(html, "combination")["8050(高齢の親とひきこもりの子)"] == "5未満"
    assert table_rows(html, "category")["高齢・介護"] == "5未満"
    assert table_rows(html, "month")["2026年11月"] == "5未満"
    assert table_rows(html, "writer")["ご家族"] == "5未満"
    assert table_rows(html, "category")["障がい"] == "0"
    assert '<strong id="trends-total">5未満</strong>' in html
    assert not re.search(r'<td class="num">[1-4]</td>', html)
    # the chart says 5未満 and draws a placeholder, never a bar sized by the count
    svg = re.search(
        r'<svg class="chart"[^>]*aria-labelledby="chart-combination-t.*?</svg>', html, re.S
    ).group(0)
    assert 'role="img"' in svg and "<title" in svg and "5未満" in svg
    assert 'fill="url(#chart-combination-hatch)"' in svg
    assert ">3<" not in svg and "3件" not in svg
    cells = csv_cells(client.get("/staff/trends.csv").text)
    assert cells[("複合的な困りごと(世帯に複数の分野)", "8050(高齢の親とひきこもりの子)")] == "5未満"
    assert cells[("全体", "引き継ぎの件数")] == "5未満"
    assert not any(v in {"1", "2", "3", "4"} for v in cells.values())


@pytest.mark.usefixtures("staff_account")
def test_seven_in_a_cell_is_shown(client: TestClient, db: Database) -> None:
    store(db, eight_fifty(7))
    login(client)
    html = client.get("/staff/trends").text
    assert table_rows(html, "combination")["8050(高齢の親とひきこもりの子)"] == "7"
    assert table_rows(html, "month")["2026年11月"] == "7"
    assert '<strong id="trends-total">7</strong>' in html
    assert html.count("<svg") == 4
    response = client.get("/staff/trends.csv")
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    cells = csv_cells(response.text)
    assert cells[("複合的な困りごと(世帯に複数の分野)", "8050(高齢の親とひきこもりの子)")] == "7"
    assert cells[("月別", "2026年11月")] == "7"
    assert cells[("相談した人別", "ご家族")] == "7"


@pytest.mark.usefixtures("staff_account")
def test_no_resident_words_on_page_or_csv(client: TestClient, db: Database) -> None:
    store(db, eight_fifty(6))
    login(client)
    html = client.get("/staff/trends").text
    body = client.get("/staff/trends.csv").text
    for word in (*SECRET_WORDS, "script>x"):
        assert word not in html and word not in body


@pytest.mark.usefixtures("staff_account")
def test_viewing_and_downloading_are_audited(client: TestClient, db: Database) -> None:
    login(client)
    client.get("/staff/trends")
    client.get("/staff/trends.csv")
    with db.session() as session:
        done = [(a.staff_username, a.action) for a in audit.entries(session)]
    assert ("tanaka", "trends_read") in done and ("tanaka", "trends_csv") in done
    page = client.get("/staff/audit").text
    assert "相談の傾向を表示" in page and "相談の傾向をCSVで出力" in page


def test_combinations_and_writer_unknown() -> None:
    items = [
        resident_record(categories=["child_rearing"]),  # + mother's elderly_care → ダブルケア
        resident_record(categories=["child_protection"], household=[]),  # alone: not a young carer
        resident_record(categories=["child_protection", "disability"], household=[]),
        resident_record(categories=["poverty", "mental_health"], household=[]),
    ]
    for item in items:
        item.pop("writer", None)
    found = trends.build(items)
    by_key = {t.key: {c.key: c.count for c in t.cells} for t in found.tables}
    assert by_key["combination"] == {
        "8050": 0,
        "double_care": 1,
        "young_carer": 1,
        "poverty_mental": 1,
        "three_or_more": 0,
    }
    writer = next(t for t in found.tables if t.key == "writer")
    assert {c.label: c.count for c in writer.cells}["不明"] == 4


def test_secondary_suppression_in_a_partition() -> None:
    items = eight_fifty(3, "2026-10") + eight_fifty(6, "2026-11") + eight_fifty(8, "2026-12")
    month = next(t for t in trends.build(items).tables if t.key == "month")
    assert [c.shown for c in month.cells] == ["5未満", "非表示", "8"]
    assert month.total is not None and month.total.shown == "17"


def test_empty_months_in_between_are_zero() -> None:
    items = eight_fifty(5, "2026-01") + eight_fifty(5, "2026-03")
    month = next(t for t in trends.build(items).tables if t.key == "month")
    assert [(c.label, c.shown) for c in month.cells] == [
        ("2026年1月", "5"),
        ("2026年2月", "0"),
        ("2026年3月", "5"),
    ]


def test_chart_escapes_labels_and_hides_small_bars() -> None:
    cells = [trends.Cell("a", "<b>x</b>", 3, "5未満"), trends.Cell("b", "ふつう", 9, "9")]
    svg = str(charts.bar_chart("c1", "題<名>", cells))
    assert "<b>x</b>" not in svg and "&lt;b&gt;x&lt;/b&gt;" in svg and "題&lt;名&gt;" in svg
    widths = re.findall(r'<rect x="\d+" y="[\d.]+" width="(\d+)"', svg)
    assert widths == [str(charts.PLACEHOLDER_W), str(charts.BAR_MAX_W)]
