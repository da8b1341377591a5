"""The gifu pack against its source, seed 003 (岐阜市重層的支援体制整備事業実施計画).

Names, operation, coverage, department and ★ flags are compared with the text of the
plan itself; nothing in counters.yaml may be invented (phone numbers and addresses
above all).
"""
from __future__ import annotations

import re

import pytest

from knowledge.pack import Counter, Note, load_pack
from tests.knowledge.kb_support import quoted, squeeze

PACK = load_pack("gifu")
COUNTERS = PACK.counters
IDS = [c.id for c in COUNTERS]

# Words that would promise a service, decide eligibility or announce an action (C4).
PROMISES = ("必ず", "保証", "受けられます", "もらえます", "対象です", "対象になります", "解決します",
            "通報します", "利用できます", "差し上げ")


def comprehensive_rows(seed: str) -> list[list[str]]:
    """The rows of the 包括的相談支援事業 table, split into its five cells."""
    lines = seed.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("支援関係機関名\t主な相談支援の内容"))
    rows = []
    for line in lines[start + 1:]:
        if line.startswith("とりわけ"):
            break
        if "\t" in line:
            rows.append(line.split("\t"))
    return rows


def test_every_comprehensive_row_is_a_counter(seed003: str) -> None:
    rows = comprehensive_rows(seed003)
    assert len(rows) == 18
    ours = [c.seed_name for c in COUNTERS if c.table == "comprehensive"]
    assert ours == [row[0] for row in rows]


@pytest.mark.parametrize("row", range(18))
def test_comprehensive_row_matches_seed_cells(seed003: str, row: int) -> None:
    name, content, operation, coverage, department = comprehensive_rows(seed003)[row]
    counter = next(c for c in COUNTERS if c.table == "comprehensive" and c.seed_name == name)
    plain, _, star = content.partition("★")
    assert counter.content == plain.strip()
    assert counter.required is bool(star)
    assert counter.required_business == (star.strip() or None)
    assert counter.operation == operation
    assert counter.coverage == coverage
    assert counter.department == (None if department == "—" else department)


@pytest.mark.parametrize("counter", COUNTERS, ids=IDS)
def test_names_appear_in_seed(seed003: str, counter: Counter) -> None:
    assert counter.seed_name in seed003, "seed_name must be the table cell exactly as in the seed"
    assert counter.name in seed003 or squeeze(counter.name) in squeeze(counter.seed_name), (
        "name must be the seed's text, only line-wrap spaces or a ※/role marker removed"
    )
    assert squeeze(counter.name) in squeeze(seed003)


@pytest.mark.parametrize("counter", COUNTERS, ids=IDS)
def test_short_fields_appear_in_seed(seed003: str, counter: Counter) -> None:
    for value in (counter.operation, counter.coverage, counter.department):
        if value is not None:
            assert squeeze(value) in squeeze(seed003), value
    if counter.required:
        assert squeeze(f"★{counter.required_business}") in squeeze(seed003)
    else:
        assert counter.required_business is None
    assert counter.source == "seed003"


@pytest.mark.parametrize("counter", COUNTERS, ids=IDS)
def test_content_is_quoted_from_seed(seed003: str, counter: Counter) -> None:
    """Each sentence is in the seed (allowing for a cell that wraps over a PDF page)."""
    text = squeeze(seed003)
    for sentence in filter(None, squeeze(counter.content).split("。")):
        assert quoted(sentence, text), sentence


def test_required_rows_match_the_stars_of_the_seed(seed003: str) -> None:
    legend = seed003.count("★【分野】事業名")
    assert sum(c.required for c in COUNTERS) == seed003.count("★") - legend


@pytest.mark.parametrize(
    ("table", "rows"),
    [("comprehensive", 18), ("multi_agency", 3), ("outreach", 2), ("participation", 3), ("community", 11),
     ("helpdesk", 1)],
)
def test_row_counts_per_table(table: str, rows: int) -> None:
    assert sum(c.table == table for c in COUNTERS) == rows


@pytest.mark.parametrize("counter", COUNTERS, ids=IDS)
def test_no_invented_phone_or_address(seed003: str, counter: Counter) -> None:
    for value in (counter.phone, counter.address):
        assert value is None or squeeze(value) in squeeze(seed003), value


def test_seed_has_no_phone_numbers_so_none_are_set(seed003: str) -> None:
    assert not re.search(r"\d{2,4}-\d{2,4}-\d{3,4}", seed003)
    assert all(c.phone is None and c.address is None for c in COUNTERS)


@pytest.mark.parametrize("counter", COUNTERS, ids=IDS)
def test_explanation_is_one_plain_polite_sentence(counter: Counter) -> None:
    text = counter.explanation_ja
    assert text.endswith("です。")
    assert text.count("。") == 1
    assert not any(word in text for word in PROMISES)


@pytest.mark.parametrize("note", PACK.notes, ids=[n.id for n in PACK.notes])
def test_pack_notes_are_quoted_from_seed(seed003: str, note: Note) -> None:
    text = squeeze(seed003)
    for sentence in filter(None, squeeze(note.text_ja).split("。")):
        assert sentence in text, sentence


def test_pack_metadata_matches_seed(seed003: str) -> None:
    assert PACK.code == "gifu" and PACK.name_ja == "岐阜市"
    assert PACK.source_document in seed003
    assert f"({PACK.revision_ja})" in seed003
    assert PACK.revision == "2026-05"  # 令和8年 = 2026
    assert "岐阜市のホームページ" in PACK.contact_fallback_ja
