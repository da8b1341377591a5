"""The bench harness's pure parts (no servers, no Rasa): percentiles, tables, the simulated
resident's choices, the handoff check of the soak, /proc parsing, training-data generation.

Runs in the gateway environment; a wrong helper here would make every bench figure wrong.
"""
from __future__ import annotations

import math
import random
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "scripts" / "bench"
sys.path.insert(0, str(BENCH))

from load import (  # noqa: E402
    Answer,
    Phrases,
    Resident,
    Target,
    error_kind,
    load_phrases,
    new_sender,
    plan_opening,
)
from processes import tree_rss_mib, vm_rss_kib  # noqa: E402
from soak import Stored, check_handoffs  # noqa: E402
from stats import Summary, percentile, table  # noqa: E402
from training import category_intent, intent_categories, nlu_yaml  # noqa: E402

from channels.store.handoffs import sender_key  # noqa: E402

PHRASES = Phrases(
    worries=("母が認知症です。", "家賃が払えません。", "息子が不登校です。"),
    prefer=("はい", "LINE"),
    consent=frozenset({"はい", "いいえ"}),
    contact=frozenset({"LINE", "電話"}),
    done_button="話し終わりました",
    handed_off=("お話を岐阜市の担当者に届けました。",),
)


def test_percentile_is_nearest_rank() -> None:
    values = list(range(1, 101))
    assert percentile(values, 50) == 50
    assert percentile(values, 95) == 95
    assert percentile(values, 99) == 99
    assert percentile([7.0], 99) == 7.0
    assert math.isnan(percentile([], 50))
    with pytest.raises(ValueError):
        percentile(values, 101)


def test_summary_and_table() -> None:
    s = Summary.of([10.0, 20.0, 30.0, 40.0])
    assert (s.n, s.median, s.p95, s.p99) == (4, 20.0, 40.0, 40.0)
    text = table(["a", "b"], [["x", 1.25], ["yy", math.nan]], "T")
    assert "## T" in text and "| x  | 1.2 |" in text.replace("1.25", "1.2") and "| -" in text


def test_plan_is_five_to_eight_turns_with_the_four_answers() -> None:
    rng = random.Random(0)
    for _ in range(200):
        opening = plan_opening(rng, PHRASES)
        assert 1 <= len(opening) <= 4
        assert 5 <= len(opening) + 4 <= 8


def test_resident_follows_quick_replies_to_the_handoff() -> None:
    resident = Resident(["こんにちは", "母が認知症です。"], PHRASES)
    assert resident.next_text([]) == "こんにちは"
    assert resident.next_text([]) == "母が認知症です。"
    assert resident.next_text(["話し終わりました"]) == "話し終わりました"
    assert resident.next_text(["はい", "ちがいます"]) == "はい"
    assert not resident.consented
    assert resident.next_text(["はい", "いいえ"]) == "はい"
    assert resident.consented
    assert resident.next_text(["電話", "LINE"]) == "LINE"
    assert resident.contact_chosen and not resident.handed_off
    # someone at risk at home is asked next when NOT to be contacted: the resident answers
    assert resident.next_text(["特にない"]) == "特にない"
    resident.heard(["お話を岐阜市の担当者に届けました。", "ほかに…"])
    assert resident.handed_off
    assert resident.next_text(["何か"]) is None
    assert len(resident.sent) == 7


def test_resident_says_finished_without_a_button_and_ends_without_quick_replies() -> None:
    resident = Resident([], PHRASES)
    assert resident.next_text([]) == PHRASES.finished[0]
    assert resident.next_text([]) is None


def test_load_phrases_leaves_out_urgent_crisis_lines() -> None:
    rows = [{"text": "母が認知症です。", "crisis": {"level": "none"}},
            {"text": "消えてしまいたい", "crisis": {"level": "urgent"}}]
    phrases = load_phrases(rows)
    assert phrases.worries == ("母が認知症です。",)
    assert phrases.prefer[0] in phrases.consent  # 「はい」 answers the summary and the consent alike
    assert phrases.prefer[2] in phrases.contact and phrases.done_button
    assert "でんわ" in phrases.contact and "とくに ない" in phrases.prefer  # the やさしい日本語 set too
    assert any(h.startswith("お話を岐阜市の担当者に届けました") for h in phrases.handed_off)


def test_target_reads_both_answer_shapes_and_stays_on_loopback() -> None:
    gateway = Target("g", "http://127.0.0.1:9", "gateway")
    answer = gateway.read(200, {"replies": [{"text": "a", "quick_replies": ["はい"]}, {"text": "b"}]})
    assert answer == Answer(True, 200, ["はい"], [], ["a", "b"])
    assert not gateway.read(503, None).ok
    from channels.conversation import RASA_DOWN

    assert not gateway.read(200, {"replies": [{"text": RASA_DOWN}]}).ok
    rasa = Target("r", "http://127.0.0.1:9", "rasa")
    answer = rasa.read(200, [{"text": "q", "buttons": [{"title": "LINE", "payload": "LINE"}]},
                             {"custom": {"handoff": {"id": "h1"}}}])
    assert answer.quick_replies == ["LINE"] and answer.handoff_ids == ["h1"]
    assert rasa.body("s", "t") == {"sender": "s", "message": "t"}
    with pytest.raises(ValueError):
        Target("x", "http://example.org", "gateway")


def test_error_kinds() -> None:
    assert [error_kind(s) for s in (0, 200, 503)] == ["transport", "soft", "http 503"]


def test_sender_ids_fit_the_gateway_pattern() -> None:
    import re

    from channels.web.schemas import SESSION_ID_PATTERN

    ids = {new_sender("bench001") for _ in range(100)}
    assert len(ids) == 100 and all(re.match(SESSION_ID_PATTERN, i) for i in ids)


def test_check_handoffs_finds_lost_duplicated_unexpected_and_mixed_up() -> None:
    key = b"k" * 16
    sent = {"a" * 16: ["母が認知症です。", "はい"], "b" * 16: ["家賃が払えません。"], "c" * 16: ["x"]}

    def stored(hid: str, sender: str, words: tuple[str, ...]) -> Stored:
        return Stored(hid, sender_key(key, "web", sender), words)

    good = [stored("1", "a" * 16, ("母が認知症です。",)), stored("2", "b" * 16, ("家賃が払えません。",))]
    assert check_handoffs(good, {"a" * 16, "b" * 16}, sent, key) == []
    assert any("0 handoffs" in p for p in check_handoffs(good[:1], {"a" * 16, "b" * 16}, sent, key))
    dup = [*good, stored("3", "a" * 16, ("母が認知症です。",))]
    assert any("2 handoffs" in p for p in check_handoffs(dup, {"a" * 16, "b" * 16}, sent, key))
    extra = [*good, stored("4", "c" * 16, ("x",))]
    assert any("no resident" in p for p in check_handoffs(extra, {"a" * 16, "b" * 16}, sent, key))
    mixed = [good[0], stored("2", "b" * 16, ("母が認知症です。",))]
    assert any("not all from" in p for p in check_handoffs(mixed, {"a" * 16, "b" * 16}, sent, key))
    same_id = [good[0], stored("1", "b" * 16, ("家賃が払えません。",))]
    assert any("stored 2 times" in p for p in check_handoffs(same_id, {"a" * 16, "b" * 16}, sent, key))


def test_rss_of_a_process_tree_from_proc(tmp_path: Path) -> None:
    assert vm_rss_kib("Name:\tx\nVmRSS:\t  2048 kB\n") == 2048
    assert vm_rss_kib("Name:\tkthread\n") == 0
    for pid, ppid, rss in ((10, 1, 1024), (11, 10, 2048), (12, 11, 1024), (13, 1, 4096)):
        d = tmp_path / str(pid)
        d.mkdir()
        (d / "stat").write_text(f"{pid} (a b) S {ppid} 0 0\n")
        (d / "status").write_text(f"VmRSS:\t{rss} kB\n")
    (tmp_path / "self").mkdir()
    assert tree_rss_mib(10, tmp_path) == 4.0
    assert tree_rss_mib(13, tmp_path) == 4.0


def test_training_data_for_plain_rasa() -> None:
    assert category_intent(["poverty", "elderly_care", "poverty"]) == "elderly_care+poverty"
    assert category_intent([]) == "none"
    assert intent_categories("elderly_care+poverty") == {"elderly_care", "poverty"}
    assert intent_categories("none") == set()
    text = nlu_yaml({"tell": ["一行目\n二行目", "一行目 二行目", " "]})
    assert text.count("      - ") == 1 and "一行目 二行目" in text
