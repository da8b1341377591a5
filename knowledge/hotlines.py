"""National hotline numbers as versioned, re-verified data (reliability checklist C3).

A wrong emergency number is worse than none, so the file is checked strictly at load:
number format, crisis types, a verification date per entry, and the known false
"#7110" (no such national number exists) is rejected outright.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from knowledge.codes import CRISIS_TYPES
from knowledge.datafile import DATA_DIR, Fields, KnowledgeError, open_file

HOTLINES_FILE = DATA_DIR / "common" / "hotlines.yaml"

# What a hotline can be "for": the contract's crisis types, plus DV (a category whose
# numbers the crisis answer also needs).
HOTLINE_TYPES: tuple[str, ...] = (*CRISIS_TYPES, "dv")

# 110 / 119 / 189, #8008-style short codes, and 0120-279-338-style numbers.
_NUMBER = re.compile(r"^(\d{3}|#\d{4}|0\d{1,4}-\d{1,4}-\d{3,5})$")
_NOT_NATIONAL = frozenset({"#7110"})


@dataclass(frozen=True)
class AlternateNumber:
    """Another number of the same service (a free-dial line, a regional number)."""

    number: str
    note_ja: str


@dataclass(frozen=True)
class Hotline:
    """One national hotline with where it came from and when it was last checked."""

    id: str
    number: str
    name_ja: str
    for_ja: str
    types: tuple[str, ...]
    urgent: bool
    hours_ja: str | None
    alternates: tuple[AlternateNumber, ...]
    source: str
    source_url: str | None
    verified: date


@dataclass(frozen=True)
class HotlineDirectory:
    """The whole file: its version, the allowed age of a check, and the entries."""

    version: int
    max_age_days: int
    hotlines: tuple[Hotline, ...]

    def stale(self, today: date | None = None) -> tuple[Hotline, ...]:
        """Entries whose last check is older than ``max_age_days``: re-verify them."""
        limit = (today or date.today()) - timedelta(days=self.max_age_days)
        return tuple(h for h in self.hotlines if h.verified < limit)


def load_hotline_directory(path: Path | None = None) -> HotlineDirectory:
    """The validated hotline file (cached: read once per process)."""
    return _load_directory(Path(path or HOTLINES_FILE).resolve())


def load_hotlines(path: Path | None = None) -> tuple[Hotline, ...]:
    """All hotlines in file order (emergency services first)."""
    return load_hotline_directory(path).hotlines


def hotlines_for(types: Iterable[str], path: Path | None = None) -> list[Hotline]:
    """Hotlines that fit any of ``types`` (crisis types or "dv"), in file order."""
    wanted = set(types)
    unknown = wanted - set(HOTLINE_TYPES)
    if unknown:
        raise KnowledgeError(f"hotlines_for: unknown type(s) {sorted(unknown)}; known: {list(HOTLINE_TYPES)}")
    return [h for h in load_hotlines(path) if wanted.intersection(h.types)]


@lru_cache(maxsize=8)
def _load_directory(path: Path) -> HotlineDirectory:
    top = open_file(path).only("version", "max_age_days", "hotlines")
    hotlines = tuple(_hotline(item) for item in top.items("hotlines"))
    _check_unique(hotlines, path.name)
    max_age = top.integer("max_age_days")
    if max_age is None or max_age <= 0:
        raise KnowledgeError(f"{path.name}: max_age_days: must be a positive whole number")
    return HotlineDirectory(version=top.integer("version") or 0, max_age_days=max_age, hotlines=hotlines)


def _hotline(item: Fields) -> Hotline:
    item.only("id", "number", "name_ja", "for_ja", "types", "urgent", "hours_ja", "alternates",
              "source", "source_url", "verified")
    types = item.texts("types", required=False)
    bad = [t for t in types if t not in HOTLINE_TYPES]
    if bad:
        raise KnowledgeError(f"{item.at('types')}: unknown type(s) {bad}; known: {list(HOTLINE_TYPES)}")
    return Hotline(
        id=item.text("id"),
        number=_number(item, "number"),
        name_ja=item.text("name_ja"),
        for_ja=item.text("for_ja"),
        types=tuple(types),
        urgent=item.flag("urgent"),
        hours_ja=item.text("hours_ja", required=False),
        alternates=tuple(_alternate(a) for a in item.items("alternates", required=False)),
        source=item.text("source"),
        source_url=item.text("source_url", required=False),
        verified=item.iso_date("verified"),
    )


def _alternate(item: Fields) -> AlternateNumber:
    item.only("number", "note_ja")
    return AlternateNumber(number=_number(item, "number"), note_ja=item.text("note_ja"))


def _number(item: Fields, key: str) -> str:
    number = item.text(key)
    if number in _NOT_NATIONAL:
        raise KnowledgeError(f"{item.at(key)}: '{number}' is not a national hotline number")
    if not _NUMBER.match(number):
        raise KnowledgeError(f"{item.at(key)}: '{number}' does not look like a phone number")
    return number


def _check_unique(hotlines: tuple[Hotline, ...], name: str) -> None:
    seen: set[str] = set()
    for i, h in enumerate(hotlines):
        for key in (f"id {h.id}", f"number {h.number}", *(f"number {a.number}" for a in h.alternates)):
            if key in seen:
                raise KnowledgeError(f"{name}: hotlines[{i}]: duplicate {key}")
            seen.add(key)
