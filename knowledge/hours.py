"""Opening hours and closed days: when a person can first read what a resident wrote.

The assistant listens at any hour, but a person reads the handoff only when the office
is open. Residents must be told that honestly (「次の開庁日（6月15日（月））の午前中に担当者が
確認します」), never promised an immediate answer. The hours are data in
``knowledge/packs/<code>/hours.yaml``; public holidays come from the maintained
``jpholiday`` package, not from a hand-written list.

While a municipality's hours are not set (``weekly: null``), :meth:`OfficeHours.is_open`
returns None and the text says 「開庁時間内に担当者が確認します」 instead of guessing.

Times: an aware datetime is converted to the pack's timezone; a naive one is taken as
local time there (Asia/Tokyo).
"""
from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from types import MappingProxyType
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import jpholiday

from knowledge.datafile import Fields, KnowledgeError, open_file
from knowledge.pack import DEFAULT_MUNICIPALITY, PACKS_DIR, load_pack

__all__ = [
    "CLOSING_SOON", "WEEKDAYS_JA", "ClosedDay", "Hours", "OfficeHours", "Session", "Wording",
    "format_date_ja", "load_hours",
]

WEEKDAYS_JA = ("月", "火", "水", "木", "金", "土", "日")
_DAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CLOSING_SOON = timedelta(minutes=30)
_LOOKAHEAD_DAYS = 400  # longer than any closure; past it, say nothing rather than loop
_RANGE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-–〜~]\s*(\d{1,2}):(\d{2})\s*$")
_MONTH_DAY = re.compile(r"^(\d{2})-(\d{2})$")
_CODE = re.compile(r"^[a-z][a-z0-9_]*$")
_NOON = time(12, 0)

# wording key -> (placeholders allowed, placeholders required)
_WORDING_KEYS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "open": (frozenset(), frozenset()),
    "closing_soon": (frozenset({"day", "when"}), frozenset({"day", "when"})),
    "closed": (frozenset({"day", "when"}), frozenset({"day", "when"})),
    "not_set": (frozenset(), frozenset()),
    "next_day": (frozenset({"date"}), frozenset()),
    "today": (frozenset({"date"}), frozenset()),
    "morning": (frozenset(), frozenset()),
    "from_time": (frozenset({"time"}), frozenset({"time"})),
}
_ENTRY_KEYS = ("name_ja", "weekly", "public_holidays_closed", "closed_days")
_CLOSED_KEYS = ("id", "name_ja", "from", "to", "date", "confirmed_by_city", "note_ja")


@dataclass(frozen=True, order=True)
class Session:
    """One opening period of a day, ``start`` included, ``end`` excluded."""

    start: time
    end: time

    def covers(self, moment: time) -> bool:
        return self.start <= moment < self.end


@dataclass(frozen=True)
class ClosedDay:
    """A closure rule: every year from ``start`` to ``end`` (month, day), or one date.

    ``confirmed_by_city`` is False for defaults such as 年末年始 12/29–1/3 that follow
    common municipal practice but have not been confirmed for this municipality.
    """

    id: str
    name_ja: str
    start: tuple[int, int] | None
    end: tuple[int, int] | None
    on: date | None
    confirmed_by_city: bool
    note_ja: str | None

    def covers(self, day: date) -> bool:
        if self.on is not None or self.start is None or self.end is None:
            return day == self.on
        here = (day.month, day.day)
        if self.start <= self.end:
            return self.start <= here <= self.end
        return here >= self.start or here <= self.end  # runs over New Year


@dataclass(frozen=True)
class Wording:
    """The resident-facing sentences, plain (``ja``) and やさしい日本語 (``easy``)."""

    ja: Mapping[str, str]
    easy: Mapping[str, str]

    def get(self, key: str, easy: bool) -> str:
        return (self.easy if easy else self.ja)[key]


@dataclass(frozen=True)
class OfficeHours:
    """The hours of the staff team or of one counter."""

    name_ja: str
    weekly: Mapping[int, tuple[Session, ...]] | None  # weekday (0 = Monday); None = not set
    public_holidays_closed: bool
    closed_days: tuple[ClosedDay, ...]
    tz: tzinfo
    wording: Wording

    @property
    def is_set(self) -> bool:
        """False while the municipality has not entered its hours."""
        return self.weekly is not None

    def local(self, at: datetime) -> datetime:
        """``at`` in this office's timezone (a naive ``at`` is taken as local already)."""
        if at.tzinfo is None:
            return at.replace(tzinfo=self.tz)
        return at.astimezone(self.tz)

    def closed_reason(self, day: date) -> str | None:
        """Why ``day`` is closed as a whole (年末年始, a holiday's name, 日曜日), else None."""
        for rule in self.closed_days:
            if rule.covers(day):
                return rule.name_ja
        if self.public_holidays_closed:
            name = jpholiday.is_holiday_name(day)
            if name:
                return name
        if self.weekly is not None and not self.weekly.get(day.weekday()):
            return f"{WEEKDAYS_JA[day.weekday()]}曜日"
        return None

    def sessions_on(self, day: date) -> tuple[Session, ...]:
        """The opening periods of ``day``; empty when closed or when hours are not set."""
        if self.weekly is None or self.closed_reason(day) is not None:
            return ()
        return self.weekly.get(day.weekday(), ())

    def is_open(self, at: datetime) -> bool | None:
        """Whether a person can read a message at ``at``; None when hours are not set."""
        if self.weekly is None:
            return None
        local = self.local(at)
        return any(s.covers(local.time()) for s in self.sessions_on(local.date()))

    def next_opening(self, at: datetime) -> datetime | None:
        """The first moment at or after ``at`` when the office is open.

        ``at`` itself (in local time) when open now; None when hours are not set.
        """
        if self.weekly is None:
            return None
        local = self.local(at)
        if self.is_open(local):
            return local
        for offset in range(_LOOKAHEAD_DAYS):
            day = local.date() + timedelta(days=offset)
            for session in self.sessions_on(day):
                if offset > 0 or session.start > local.time():
                    return datetime.combine(day, session.start, tzinfo=self.tz)
        return None

    def _session_end(self, local: datetime) -> datetime | None:
        for session in self.sessions_on(local.date()):
            if session.covers(local.time()):
                return datetime.combine(local.date(), session.end, tzinfo=self.tz)
        return None

    def availability_text(self, at: datetime, easy: bool = False) -> str:
        """What to tell the resident about when a person will read the message.

        Honest in every case: open now (without promising an immediate answer), closed
        with the next opening day and part of the day, or hours not set.
        """
        if self.weekly is None:
            return self.wording.get("not_set", easy)
        local = self.local(at)
        end = self._session_end(local)
        if end is not None:
            after = self.next_opening(end)
            if end - local <= CLOSING_SOON and after is not None and after.date() != local.date():
                return self._when_text("closing_soon", local, after, easy)
            return self.wording.get("open", easy)
        after = self.next_opening(local)
        if after is None:
            return self.wording.get("not_set", easy)
        return self._when_text("closed", local, after, easy)

    def _when_text(self, key: str, local: datetime, after: datetime, easy: bool) -> str:
        label = "today" if after.date() == local.date() else "next_day"
        day = self.wording.get(label, easy).format(date=format_date_ja(after.date()))
        if after.time() < _NOON:
            when = self.wording.get("morning", easy)
        else:
            when = self.wording.get("from_time", easy).format(time=_time_ja(after.time()))
        return self.wording.get(key, easy).format(day=day, when=when)


@dataclass(frozen=True)
class Hours:
    """All hours of one municipality. The staff team's methods are offered directly."""

    municipality: str
    staff_team: OfficeHours
    counters: Mapping[str, OfficeHours]
    closed_days: tuple[ClosedDay, ...]

    def for_counter(self, counter_id: str) -> OfficeHours:
        """A counter's hours; a counter without an entry has hours "not set" (no guessing)."""
        found = self.counters.get(counter_id)
        if found is not None:
            return found
        team = self.staff_team
        return OfficeHours(
            counter_id, None, team.public_holidays_closed, team.closed_days, team.tz, team.wording
        )

    def is_open(self, at: datetime) -> bool | None:
        return self.staff_team.is_open(at)

    def next_opening(self, at: datetime) -> datetime | None:
        return self.staff_team.next_opening(at)

    def availability_text(self, at: datetime, easy: bool = False) -> str:
        return self.staff_team.availability_text(at, easy)


def format_date_ja(day: date) -> str:
    """「12月29日（火）」: month and day as digits, weekday in Japanese."""
    return f"{day.month}月{day.day}日（{WEEKDAYS_JA[day.weekday()]}）"


def _time_ja(moment: time) -> str:
    return f"{moment.hour}時" if moment.minute == 0 else f"{moment.hour}時{moment.minute}分"


def load_hours(municipality: str | None = None, root: Path | None = None) -> Hours:
    """The validated hours of ``municipality`` (default: env MUNICIPALITY, else gifu).

    ``root`` is the directory holding the packs (tests point it at a temporary one).
    Cached, so it may be called for every message.
    """
    code = municipality or os.environ.get("MUNICIPALITY") or DEFAULT_MUNICIPALITY
    if not _CODE.match(code):
        raise KnowledgeError(f"municipality '{code}': must be lower-case ASCII letters, digits and _")
    return _load_hours(code, Path(root or PACKS_DIR).resolve())


# ── loading ────────────────────────────────────────────────────────────────────


@lru_cache(maxsize=16)
def _load_hours(code: str, root: Path) -> Hours:
    path = root / code / "hours.yaml"
    top = open_file(path, f"{code}/hours.yaml")
    top.only("timezone", "public_holidays_closed", "closed_days", "staff_team", "counters", "wording")
    tz = _timezone(top)
    holidays_closed = top.flag("public_holidays_closed", default=True)
    closed = _closed_days(top, "closed_days")
    wording = _wording(top)
    team = _office(_required(top, "staff_team"), holidays_closed, closed, tz, wording)
    counters = _counter_entries(top, code, root, holidays_closed, closed, tz, wording)
    return Hours(code, team, counters, closed)


def _required(parent: Fields, key: str) -> Fields:
    found = parent.mapping(key)
    if found is None:  # mapping(required=True) raises first; this keeps type checkers content
        raise KnowledgeError(f"{parent.at(key)}: required field is missing")
    return found


def _timezone(top: Fields) -> tzinfo:
    name = top.text("timezone")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        if name == "Asia/Tokyo":  # no tz database installed; Japan has had no DST since 1951
            return timezone(timedelta(hours=9), "JST")
        raise KnowledgeError(f"{top.at('timezone')}: unknown timezone '{name}'") from exc


def _office(
    item: Fields, holidays_closed: bool, closed: tuple[ClosedDay, ...], tz: tzinfo, wording: Wording
) -> OfficeHours:
    item.only(*_ENTRY_KEYS)
    extra = _closed_days(item, "closed_days")
    return OfficeHours(
        name_ja=item.text("name_ja", required=False, default="担当者"),
        weekly=_weekly(item),
        public_holidays_closed=item.flag("public_holidays_closed", default=holidays_closed),
        closed_days=closed + extra,
        tz=tz,
        wording=wording,
    )


def _weekly(item: Fields) -> Mapping[int, tuple[Session, ...]] | None:
    week = item.mapping("weekly", required=False)
    if week is None or not week.data:
        return None
    week.only(*_DAY_KEYS)
    days: dict[int, tuple[Session, ...]] = {}
    for index, key in enumerate(_DAY_KEYS):
        value = week.data.get(key)
        if value is None or value == "closed":
            continue
        ranges = value if isinstance(value, list) else [value]
        sessions = tuple(sorted(_session(r, week.at(key)) for r in ranges))
        for before, after in pairwise(sessions):
            if after.start < before.end:
                raise KnowledgeError(f"{week.at(key)}: opening periods overlap")
        days[index] = sessions
    if not days:
        raise KnowledgeError(
            f"{item.at('weekly')}: no open day; write `weekly: null` while hours are not set"
        )
    return MappingProxyType(days)


def _session(value: object, where: str) -> Session:
    hint = 'write "HH:MM-HH:MM" in quotes, e.g. "08:45-17:30"'
    match = _RANGE.match(value) if isinstance(value, str) else None
    if match is None:
        raise KnowledgeError(f"{where}: '{value}' is not an opening period; {hint}")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    try:
        start, end = time(h1, m1), time(h2, m2)
    except ValueError as exc:
        raise KnowledgeError(f"{where}: '{value}' is not a valid time; {hint}") from exc
    if end <= start:
        raise KnowledgeError(f"{where}: '{value}' ends before it starts")
    return Session(start, end)


def _closed_days(parent: Fields, key: str) -> tuple[ClosedDay, ...]:
    rules = tuple(_closed_day(item) for item in parent.items(key, required=False))
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise KnowledgeError(f"{parent.at(key)}: duplicate id '{rule.id}'")
        seen.add(rule.id)
    return rules


def _closed_day(item: Fields) -> ClosedDay:
    item.only(*_CLOSED_KEYS)
    rule_id = item.text("id")
    if not _CODE.match(rule_id):
        raise KnowledgeError(f"{item.at('id')}: '{rule_id}' must be lower-case ASCII letters, digits and _")
    on = item.iso_date("date", required=False)
    start, end = _month_day(item, "from"), _month_day(item, "to")
    if on is None and (start is None or end is None):
        raise KnowledgeError(f"{item.where}: give either `date` or both `from` and `to`")
    if on is not None and (start is not None or end is not None):
        raise KnowledgeError(f"{item.where}: give either `date` or `from`/`to`, not both")
    return ClosedDay(
        id=rule_id,
        name_ja=item.text("name_ja"),
        start=start,
        end=end,
        on=on,
        confirmed_by_city=item.flag("confirmed_by_city", default=False),
        note_ja=item.text("note_ja", required=False),
    )


def _month_day(item: Fields, key: str) -> tuple[int, int] | None:
    value = item.text(key, required=False)
    if value is None:
        return None
    match = _MONTH_DAY.match(value)
    try:
        if match is None:
            raise ValueError(value)
        month, day = int(match.group(1)), int(match.group(2))
        date(2024, month, day)  # a leap year, so 02-29 is accepted
    except ValueError as exc:
        raise KnowledgeError(f"{item.at(key)}: '{value}' must be a month and day written MM-DD") from exc
    return month, day


def _counter_entries(
    top: Fields, code: str, root: Path, holidays_closed: bool, closed: tuple[ClosedDay, ...],
    tz: tzinfo, wording: Wording,
) -> Mapping[str, OfficeHours]:
    section = top.mapping("counters", required=False)
    if section is None or not section.data:
        return MappingProxyType({})
    known = {c.id for c in load_pack(code, root).counters}
    entries: dict[str, OfficeHours] = {}
    for counter_id in section.data:
        if counter_id not in known:
            raise KnowledgeError(f"{section.at(str(counter_id))}: no counter with this id in counters.yaml")
        entries[counter_id] = _office(_required(section, counter_id), holidays_closed, closed, tz, wording)
    return MappingProxyType(entries)


def _wording(top: Fields) -> Wording:
    section = _required(top, "wording")
    section.only(*_WORDING_KEYS)
    ja: dict[str, str] = {}
    easy: dict[str, str] = {}
    for key, (allowed, required) in _WORDING_KEYS.items():
        entry = _required(section, key)
        entry.only("ja", "easy")
        for variant, target in (("ja", ja), ("easy", easy)):
            text = entry.text(variant)
            used = set(re.findall(r"\{([^{}]*)\}", text))
            if not required <= used <= allowed:
                raise KnowledgeError(
                    f"{entry.at(variant)}: placeholders {sorted(used)}: must use {sorted(required)}"
                    f" and may use {sorted(allowed)}"
                )
            target[key] = text
    return Wording(MappingProxyType(ja), MappingProxyType(easy))
