"""Categories: spelling variants match, negated and hypothetical mentions do not count."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize(("text", "category"), [
    ("息子がひきこもりです", "hikikomori"),
    ("息子が引きこもりです", "hikikomori"),
    ("息子が引き籠もりです", "hikikomori"),
    ("兄がひきこもっています", "hikikomori"),
    ("娘に障害があります", "disability"),
    ("娘に障がいがあります", "disability"),
    ("母のかいごがたいへんです", "elderly_care"),
    ("借金があって困っています", "poverty"),
    ("うつで眠れません", "mental_health"),
    ("家賃が払えません", "housing"),
])
def test_variants_count(analyzer, text: str, category: str) -> None:
    assert category in analyzer.analyze(text)["categories"]


@pytest.mark.parametrize(("text", "category"), [
    ("介護はまだ必要ない", "elderly_care"),
    ("借金はありません", "poverty"),
    ("もし病気になったらどうしよう", "physical_health"),
])
def test_negated_or_hypothetical_do_not_count(analyzer, text: str, category: str) -> None:
    assert category not in analyzer.analyze(text)["categories"]


def test_cause_is_not_negated_by_its_effect(analyzer) -> None:
    """Found on 「私はうつで眠れません」: ません negates 眠れる, not うつ."""
    assert "mental_health" in analyzer.analyze("私はうつで眠れません")["categories"]
