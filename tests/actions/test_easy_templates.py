"""やさしい日本語: every easy template passes the checker, and every plain one has its twin.

Templates are checked as written, with their placeholders: ``{name}`` (a counter's or a
hotline's proper name from the knowledge pack, shown as it is and explained in easy
words beside it), ``{number}`` (digits), ``{note}``/``{times}`` (the resident's own words)
count as 6 characters each and are not checked for kanji (knowledge/wording_easy/README.md).
"""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from actions import wording
from knowledge.easy_japanese import assert_all_easy, check_easy

ROOT = Path(__file__).resolve().parents[2]
EASY_DIR = ROOT / "knowledge" / "wording_easy"
PLAIN_DIR = ROOT / "knowledge" / "wording"


def flatten(node, prefix: str):
    """Every string of a YAML tree as (dotted key, text)."""
    if isinstance(node, str):
        yield prefix, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from flatten(value, f"{prefix}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from flatten(value, f"{prefix}[{index}]")


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


SEPARATORS = ("joiner", "separator")  # 「、」 between filled-in words, not a sentence


def load_easy_wording() -> dict[str, str]:
    found: dict[str, str] = {}
    for path in sorted(EASY_DIR.glob("*.yaml")):
        found.update((k, v) for k, v in flatten(load(path), path.stem) if not k.endswith(SEPARATORS))
    return found


def shown_plain_files() -> list[Path]:
    return [p for p in sorted(PLAIN_DIR.glob("*.yaml")) if wording.NOT_SHOWN.get(p.stem, ()) is not None]


def test_every_easy_template_is_easy():
    templates = load_easy_wording()
    assert len(templates) > 100
    assert_all_easy(templates)


@pytest.mark.parametrize("path", shown_plain_files(), ids=lambda p: p.name)
def test_every_plain_entry_has_an_easy_twin(path):
    easy_path = EASY_DIR / path.name
    assert easy_path.exists(), f"wording_easy/{path.name} is missing"
    plain, easy = load(path), load(easy_path)
    skipped = wording.NOT_SHOWN.get(path.stem) or frozenset()
    missing = [key for key in plain if key not in skipped and key not in easy]
    assert missing == []
    for key in plain:
        if key in skipped or not isinstance(plain[key], (dict, list)):
            continue
        if isinstance(plain[key], list):  # follow-up questions, buttons: same number
            assert len(easy[key]) == len(plain[key]) or key.endswith("buttons"), key
        elif path.stem != "labels" or key != "relations":
            assert set(plain[key]) <= set(easy[key]), key


def test_every_relation_and_category_has_an_easy_label():
    plain, easy = wording.templates("labels"), wording.templates("labels", easy=True)
    assert set(plain["relations"]) == set(easy["relations"])
    assert set(plain["categories"]) == set(easy["categories"])


def test_every_counter_the_pack_routes_has_an_easy_explanation():
    from knowledge.pack import load_pack

    pack = load_pack()
    explanations = wording.text("counters", "explanations", easy=True)
    routed = {c.id for category in pack.routes for c, _ in pack.counters_for([category])}
    routed |= {c.id for c, _ in pack.counters_for(list(pack.routes))}
    assert routed - set(explanations) == set()


def test_the_checker_fails_on_a_long_line():
    long = "あなたの おかあさんの かいごの ことで こまって いる ことを くわしく おしえて ください。"
    assert any("too long" in p for p in check_easy(long))
    with pytest.raises(AssertionError, match="too long"):
        assert_all_easy({"long": long})


def test_the_checker_fails_on_a_kanji_heavy_line():
    heavy = "介護保険の申請手続きを確認してください。"
    assert any("kanji outside grades 1-2" in p for p in check_easy(heavy))
    with pytest.raises(AssertionError, match="kanji"):
        assert_all_easy({"heavy": heavy})


def test_the_checker_fails_on_stacked_keigo_and_kanji_numbers():
    assert any("keigo" in p for p in check_easy("お話を させて いただきます。"))
    assert any("digits" in p for p in check_easy("三人で すんで います。"))


def test_plain_templates_would_not_pass():
    """The check is not vacuous: the plain notice is not やさしい日本語."""
    assert check_easy(wording.text("opening", "notice"))
