"""Which counters each category leads to, and the multi-agency rule (contract §1)."""
from __future__ import annotations

import re

import pytest

from knowledge.codes import CATEGORIES
from knowledge.datafile import KnowledgeError
from knowledge.pack import category_labels, load_categories, load_pack

PACK = load_pack("gifu")

# The contract's "岐阜市 counters that fit" column, as counter ids of the gifu pack.
EXPECTED = {
    "elderly_care": ["comprehensive_support_center", "elderly_welfare_division",
                     "long_term_care_insurance_division"],
    "disability": ["disability_welfare_division", "disability_satellite", "disability_specialist_office"],
    "child_rearing": ["child_family_center", "childcare_division"],
    "child_protection": ["child_family_center"],
    "youth": ["children_youth_center"],
    "single_parent": ["child_support_division"],
    "dv": ["child_support_division"],
    "poverty": ["life_work_support_center", "livelihood_welfare_divisions"],
    "hikikomori": ["hikikomori_office"],
    "mental_health": ["health_center", "community_health_division"],
    "physical_health": ["health_center"],
    "housing": ["housing_division"],
    "isolation": ["community_social_worker", "community_welfare_coordinator"],
}


def test_expected_table_covers_every_category() -> None:
    assert set(EXPECTED) == set(CATEGORIES)


@pytest.mark.parametrize("category", CATEGORIES)
def test_category_routes_to_the_contracts_counters(category: str) -> None:
    routes = PACK.routes_for(category)
    assert [r.counter.id for r in routes] == EXPECTED[category]
    assert all(r.category == category for r in routes)


@pytest.mark.parametrize("category", CATEGORIES)
def test_route_names_match_the_contract_column(contract: str, category: str) -> None:
    """The contract abbreviates; each of its names must still point at our counter."""
    row = next(line for line in contract.splitlines() if line.startswith(f"| `{category}` |"))
    contract_names = [n.strip() for n in row.split("|")[4].split(",")]
    ours = [re.sub(r"\s", "", r.counter.name) for r in PACK.routes_for(category)]
    for name in contract_names:
        short = re.sub(r"\s|\(.*?\)", "", name).split("・")[0]  # 生活福祉一課・二課・三課 → 生活福祉一課
        assert any(short in ours_name for ours_name in ours), (name, ours)


@pytest.mark.parametrize("category", CATEGORIES)
def test_why_is_one_short_polite_sentence(category: str) -> None:
    for route in PACK.routes_for(category):
        assert route.why.endswith(("です", "できます")), route.why
        assert "。" not in route.why
        assert len(route.why) <= 60


def test_every_routed_id_exists() -> None:
    ids = {c.id for c in PACK.counters}
    for routes in (*PACK.routes.values(), PACK.multi_agency):
        assert {r.counter.id for r in routes} <= ids


def test_multi_agency_is_marugoto_then_office() -> None:
    assert [r.counter.name for r in PACK.multi_agency] == ["福祉まるごと支援員", "重層的支援推進室"]
    assert all(r.category is None for r in PACK.multi_agency)
    assert "福祉まるごと支援員" in PACK.multi_agency_explanation_ja


@pytest.mark.parametrize(
    ("categories", "expected_ids"),
    [
        ([], []),
        (["hikikomori"], ["hikikomori_office"]),
        (["hikikomori", "hikikomori"], ["hikikomori_office"]),
        (["mental_health", "physical_health"],
         ["health_center", "community_health_division", "marugoto_supporter", "multi_agency_office"]),
        (["child_rearing", "child_protection"],
         ["child_family_center", "childcare_division", "marugoto_supporter", "multi_agency_office"]),
        (["elderly_care", "hikikomori"],
         ["comprehensive_support_center", "elderly_welfare_division", "long_term_care_insurance_division",
          "hikikomori_office", "marugoto_supporter", "multi_agency_office"]),
    ],
)
def test_counters_for(categories: list[str], expected_ids: list[str]) -> None:
    result = PACK.counters_for(categories)
    assert [c.id for c, _ in result] == expected_ids
    assert all(isinstance(why, str) and why for _, why in result)
    names = [c.name for c, _ in result]
    assert len(names) == len(set(names))


def test_counters_for_keeps_the_first_categorys_why() -> None:
    (counter, why), *_ = PACK.counters_for(["physical_health", "mental_health"])
    assert counter.id == "health_center" and "体" in why


def test_counters_for_rejects_unknown_category() -> None:
    with pytest.raises(KnowledgeError, match="unknown category 'pets'"):
        PACK.counters_for(["pets"])


def test_categories_equal_codes_and_contract_labels(contract: str) -> None:
    assert tuple(c.code for c in load_categories()) == CATEGORIES
    for code, label in category_labels().items():
        assert f"| `{code}` | {label} |" in contract


def test_contact_text_falls_back_without_phone() -> None:
    counter = PACK.counter("hikikomori_office")
    assert counter.phone is None
    assert PACK.contact_text(counter) == "電話番号や場所は、岐阜市のホームページでご確認ください。"


def test_unknown_counter_id_raises() -> None:
    with pytest.raises(KnowledgeError, match="no counter with id 'nope'"):
        PACK.counter("nope")
