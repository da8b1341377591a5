"""action_explain_counters: from the knowledge pack, with 多機関協働 for 2+ categories."""
from __future__ import annotations

from actions.counters import ActionExplainCounters
from knowledge.pack import load_pack
from tests.actions.factories import make_tracker, run, texts


def test_counters_for_two_categories(slot_set):
    pack = load_pack()
    expected = [c.name for c, _ in pack.counters_for(["elderly_care", "hikikomori"])]
    messages, events = run(ActionExplainCounters(), make_tracker(
        "はい", intent="affirm", slots={"stage": "summary", "categories": ["elderly_care", "hikikomori"]}))
    text = texts(messages)[0]
    assert events == [slot_set("counters_explained", expected)]
    assert "福祉まるごと支援員" in expected
    for counter, _ in pack.counters_for(["elderly_care", "hikikomori"]):
        assert f"・{counter.name}：{counter.explanation_ja}" in text
    assert text.endswith(pack.contact_fallback_ja)


def test_one_category_has_no_multi_agency_line(slot_set):
    messages, events = run(ActionExplainCounters(), make_tracker(
        "はい", intent="affirm", slots={"stage": "summary", "categories": ["poverty"]}))
    assert "多機関協働" not in texts(messages)[0]
    assert events[0]["name"] == "counters_explained" and events[0]["value"]


def test_no_category_says_staff_will_think_together():
    messages, events = run(ActionExplainCounters(), make_tracker("はい", intent="affirm"))
    assert texts(messages)[0].startswith("どの窓口が合うかは、岐阜市の担当者が一緒に考えます。")
    assert events == [{"event": "slot", "timestamp": None, "name": "counters_explained", "value": []}]
