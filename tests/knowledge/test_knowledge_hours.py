"""Opening hours: frozen clocks against a pack with hours set, and the shipped 岐阜市 file.

岐阜市's real hours are unknown, so the shipped hours.yaml leaves them unset; the clock
logic is tested on a temporary copy of the pack with 8:45–17:30 on weekdays.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml

from knowledge.datafile import KnowledgeError, load_yaml
from knowledge.easy_japanese import assert_all_easy, check_easy
from knowledge.hours import format_date_ja, load_hours
from knowledge.pack import PACKS_DIR

JST = timezone(timedelta(hours=9))
WEEKDAYS = {k: "08:45-17:30" for k in ("mon", "tue", "wed", "thu", "fri")}
HoursEditor = Callable[..., Path]


def at(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    """A frozen clock in Japan time."""
    return datetime(y, mo, d, h, mi, tzinfo=JST)


@pytest.fixture
def hours_root(pack_copy) -> HoursEditor:
    """A temporary gifu pack whose hours.yaml is the shipped one, edited by the test.

    ``make(edit)``: ``edit(data)`` changes the parsed hours.yaml in place; by default the
    staff team gets weekday hours 8:45–17:30. Returns the packs root for ``root=``.
    """

    def make(edit: Callable[[dict], None] | None = None) -> Path:
        root = pack_copy()
        data = load_yaml(PACKS_DIR / "gifu" / "hours.yaml")
        data["staff_team"]["weekly"] = dict(WEEKDAYS)
        if edit:
            edit(data)
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        (root / "gifu" / "hours.yaml").write_text(text, encoding="utf-8")
        return root

    return make


# ── the clock table ───────────────────────────────────────────────────────────
# (label, clock, open?, next opening, a phrase the resident must see)

CLOCKS = [
    ("weekday morning", at(2026, 6, 15, 10), True, at(2026, 6, 15, 10),
     "いま担当者が確認できる時間です。"),
    ("opening minute", at(2027, 1, 4, 8, 45), True, at(2027, 1, 4, 8, 45),
     "いま担当者が確認できる時間です。"),
    ("weekday before opening", at(2026, 6, 17, 7, 30), False, at(2026, 6, 17, 8, 45),
     "本日（6月17日（水））の午前中に担当者が確認します"),
    ("weekday night", at(2026, 6, 16, 21), False, at(2026, 6, 17, 8, 45),
     "次の開庁日（6月17日（水））の午前中に担当者が確認します"),
    ("closing minute is closed", at(2026, 6, 16, 17, 30), False, at(2026, 6, 17, 8, 45),
     "次の開庁日（6月17日（水））の午前中に"),
    ("Friday night to Monday", at(2026, 6, 19, 20), False, at(2026, 6, 22, 8, 45),
     "次の開庁日（6月22日（月））の午前中に担当者が確認します"),
    ("Saturday", at(2026, 6, 20, 11), False, at(2026, 6, 22, 8, 45),
     "次の開庁日（6月22日（月））の午前中に"),
    ("Sunday", at(2026, 6, 21, 15), False, at(2026, 6, 22, 8, 45),
     "次の開庁日（6月22日（月））の午前中に"),
    ("public holiday 勤労感謝の日", at(2026, 11, 23, 10), False, at(2026, 11, 24, 8, 45),
     "次の開庁日（11月24日（火））の午前中に"),
    ("Friday before a Monday holiday", at(2026, 11, 20, 18), False, at(2026, 11, 24, 8, 45),
     "次の開庁日（11月24日（火））の午前中に"),
    ("シルバーウィーク 敬老の日・国民の休日・秋分の日", at(2026, 9, 18, 19), False, at(2026, 9, 24, 8, 45),
     "次の開庁日（9月24日（木））の午前中に"),
    ("last day before 年末年始", at(2026, 12, 28, 10), True, at(2026, 12, 28, 10),
     "いま担当者が確認できる時間です。"),
    ("年末年始 starts", at(2026, 12, 28, 18), False, at(2027, 1, 4, 8, 45),
     "次の開庁日（1月4日（月））の午前中に"),
    ("New Year's Eve, a Thursday", at(2026, 12, 31, 10), False, at(2027, 1, 4, 8, 45),
     "次の開庁日（1月4日（月））の午前中に"),
    ("元日", at(2027, 1, 1, 9), False, at(2027, 1, 4, 8, 45), "次の開庁日（1月4日（月））"),
    ("1月3日 is still 年末年始", at(2027, 1, 3, 12), False, at(2027, 1, 4, 8, 45), "1月4日（月）"),
]


@pytest.mark.parametrize(
    ("label", "clock", "is_open", "opening", "phrase"), CLOCKS, ids=[c[0] for c in CLOCKS]
)
def test_clock(hours_root, label, clock, is_open, opening, phrase) -> None:
    hours = load_hours(root=hours_root())
    assert hours.is_open(clock) is is_open
    assert hours.next_opening(clock) == opening
    text = hours.availability_text(clock)
    assert phrase in text
    assert not re.search(r"(すぐに|ただちに|至急)(対応|お返事します|返信します|確認します)", text)


@pytest.mark.parametrize(("label", "clock"), [(c[0], c[1]) for c in CLOCKS], ids=[c[0] for c in CLOCKS])
def test_easy_text_is_easy_at_every_clock(hours_root, label, clock) -> None:
    hours = load_hours(root=hours_root())
    text = hours.availability_text(clock, easy=True)
    assert check_easy(text) == [], text


@pytest.mark.parametrize(
    ("day", "reason"),
    [(date(2026, 11, 23), "勤労感謝の日"), (date(2026, 9, 22), "国民の休日"), (date(2026, 5, 6), "振替休日"),
     (date(2026, 12, 30), "年末年始"), (date(2026, 6, 20), "土曜日"), (date(2026, 6, 15), None)],
)
def test_closed_reason_uses_jpholiday_and_the_yaml_rules(hours_root, day, reason) -> None:
    found = load_hours(root=hours_root()).staff_team.closed_reason(day)
    assert found == reason or (reason is not None and found is not None and reason in found)


def test_closing_soon_says_when_if_not_today(hours_root) -> None:
    text = load_hours(root=hours_root()).availability_text(at(2026, 6, 19, 17, 10))
    assert text.startswith("もうすぐ受付時間が終わります。")
    assert "次の開庁日（6月22日（月））の午前中に担当者が確認します" in text


def test_lunch_break_points_to_the_afternoon(hours_root) -> None:
    def edit(data: dict) -> None:
        data["staff_team"]["weekly"]["mon"] = ["08:45-12:00", "13:00-17:30"]

    hours = load_hours(root=hours_root(edit))
    clock = at(2026, 6, 15, 12, 30)
    assert hours.is_open(clock) is False
    assert hours.next_opening(clock) == at(2026, 6, 15, 13)
    assert "本日（6月15日（月））の13時以降に担当者が確認します" in hours.availability_text(clock)
    assert "13時から あとに" in hours.availability_text(clock, easy=True)


def test_afternoon_opening_is_not_called_morning(hours_root) -> None:
    def edit(data: dict) -> None:
        data["staff_team"]["weekly"] = {"tue": "13:30-16:00"}

    text = load_hours(root=hours_root(edit)).availability_text(at(2026, 6, 15, 10))
    assert "次の開庁日（6月16日（火））の13時30分以降に担当者が確認します" in text
    assert "午前中" not in text


def test_one_off_closed_date(hours_root) -> None:
    def edit(data: dict) -> None:
        data["closed_days"].append({"id": "system_maintenance", "name_ja": "臨時休業", "date": "2026-06-16"})

    hours = load_hours(root=hours_root(edit))
    assert hours.next_opening(at(2026, 6, 15, 18)) == at(2026, 6, 17, 8, 45)


def test_aware_and_naive_clocks_mean_japan_time(hours_root) -> None:
    hours = load_hours(root=hours_root())
    utc = datetime(2026, 6, 15, 1, 0, tzinfo=timezone.utc)  # 10:00 in Japan
    assert hours.is_open(utc) is True
    assert hours.is_open(datetime(2026, 6, 15, 10)) is True
    assert hours.next_opening(datetime(2026, 6, 15, 20)) == at(2026, 6, 16, 8, 45)
    assert hours.next_opening(datetime(2026, 6, 15, 20)).utcoffset() == timedelta(hours=9)


def test_counter_entries(hours_root) -> None:
    def edit(data: dict) -> None:
        data["counters"] = {
            "comprehensive_support_center": {
                "weekly": {"mon": "09:00-12:00", "sat": "09:00-12:00"}, "public_holidays_closed": False,
            },
        }

    hours = load_hours(root=hours_root(edit))
    center = hours.for_counter("comprehensive_support_center")
    assert center.is_open(at(2026, 6, 20, 10)) is True       # Saturday
    assert center.is_open(at(2026, 6, 15, 13)) is False      # Monday afternoon
    assert center.is_open(at(2026, 11, 23, 10)) is True      # open on 勤労感謝の日
    assert center.is_open(at(2026, 12, 29, 10)) is False     # 年末年始 applies to every counter
    other = hours.for_counter("hikikomori_office")           # no entry: not set, not guessed
    assert other.is_open(at(2026, 6, 15, 10)) is None
    assert other.availability_text(at(2026, 6, 15, 10)).startswith("開庁時間内に")


# ── the shipped 岐阜市 file ───────────────────────────────────────────────────


def test_shipped_hours_are_not_set_and_say_so() -> None:
    hours = load_hours("gifu")
    for clock in (at(2026, 6, 15, 10), at(2026, 6, 20, 23), at(2027, 1, 1, 9)):
        assert hours.is_open(clock) is None
        assert hours.next_opening(clock) is None
        assert hours.availability_text(clock).startswith("開庁時間内に担当者が確認します")
        assert check_easy(hours.availability_text(clock, easy=True)) == []


def test_shipped_year_end_is_a_default_to_confirm() -> None:
    hours = load_hours("gifu")
    (rule,) = [r for r in hours.closed_days if r.id == "year_end_new_year"]
    assert (rule.start, rule.end, rule.name_ja) == ((12, 29), (1, 3), "年末年始")
    assert rule.confirmed_by_city is False
    assert rule.note_ja and "確認" in rule.note_ja
    assert hours.staff_team.public_holidays_closed is True


def test_shipped_easy_wording_is_easy() -> None:
    wording = load_hours("gifu").staff_team.wording
    assert set(wording.easy) == set(wording.ja)
    assert_all_easy({f"hours.{key}.easy": text for key, text in wording.easy.items()})


def test_format_date_ja() -> None:
    assert format_date_ja(date(2026, 12, 29)) == "12月29日（火）"


# ── validation: errors name the file and the field ───────────────────────────


def _set(path: str, value: object) -> Callable[[dict], None]:
    def edit(data: dict) -> None:
        *parents, last = path.split(".")
        target = data
        for key in parents:
            target = target[int(key)] if isinstance(target, list) else target[key]
        target[last] = value

    return edit


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (_set("staff_team.weekly", {"mon": 525}), "staff_team.weekly.mon: '525' is not an opening period"),
        (_set("staff_team.weekly", {"mon": "17:30-08:45"}), "ends before it starts"),
        (_set("staff_team.weekly", {"mon": "25:00-26:00"}), "is not a valid time"),
        (_set("staff_team.weekly", {"mond": "08:45-17:30"}), "unknown field(s) ['mond']"),
        (_set("staff_team.weekly", {"mon": ["08:45-12:30", "12:00-17:30"]}), "opening periods overlap"),
        (_set("staff_team.weekly", {"mon": "closed"}), "no open day"),
        (_set("closed_days.0.date", "2026-12-30"), "give either `date` or `from`/`to`"),
        (_set("closed_days.0.from", "12/29"), "closed_days[0].from: '12/29' must be a month and day"),
        (_set("closed_days.0.to", "02-30"), "must be a month and day"),
        (_set("wording.closed.ja", "担当者が確認します。"), "wording.closed.ja: placeholders"),
        (_set("counters", {"no_such_counter": {"weekly": None}}), "counters.no_such_counter: no counter"),
        (_set("timezone", "Mars/Olympus"), "unknown timezone"),
    ],
)
def test_invalid_hours_name_file_and_field(hours_root, edit, message) -> None:
    with pytest.raises(KnowledgeError) as caught:
        load_hours(root=hours_root(edit))
    assert "gifu/hours.yaml" in str(caught.value)
    assert message in str(caught.value)
