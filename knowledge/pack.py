"""A municipality's knowledge pack: its counters and which of them fit each category.

A pack is a directory ``knowledge/packs/<code>/`` holding ``counters.yaml`` and
``routing.yaml``. Adding a municipality means adding a directory of data, no code.
Everything is validated when the pack is loaded, so a hand-edited file fails at start-up
with the file and field named, never in the middle of a resident's conversation.
Loads are cached: callers may call :func:`load_pack` for every message.
"""
from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from knowledge.categories import Category, category_labels, load_categories
from knowledge.codes import CATEGORIES
from knowledge.datafile import DATA_DIR, Fields, KnowledgeError, open_file
from knowledge.hotlines import Hotline, hotlines_for, load_hotline_directory, load_hotlines

__all__ = [
    "DEFAULT_MUNICIPALITY", "PACKS_DIR", "Category", "Counter", "Hotline", "Note", "Pack", "Route",
    "Table", "available_packs", "category_labels", "hotlines_for", "load_all_packs",
    "load_categories", "load_hotline_directory", "load_hotlines", "load_pack",
]

PACKS_DIR = DATA_DIR / "packs"
DEFAULT_MUNICIPALITY = "gifu"
_CODE = re.compile(r"^[a-z][a-z0-9_]*$")

_TABLE_KEYS = ("id", "name_ja", "section", "point_ja", "notes")
_COUNTER_KEYS = (
    "id", "name", "seed_name", "table", "content", "operation", "coverage", "department", "required",
    "required_business", "explanation_ja", "phone", "address", "source", "notes",
)
_NOTE_KEYS = ("id", "topic_ja", "section", "text_ja")
_PACK_KEYS = ("code", "name_ja", "source_document", "source", "source_file", "revision_ja", "revision")


@dataclass(frozen=True)
class Table:
    """One table of the source plan (包括的相談支援事業, 多機関協働事業, …)."""

    id: str
    name_ja: str
    section: str
    point_ja: str | None
    notes: tuple[str, ...]


@dataclass(frozen=True)
class Counter:
    """One row of a table: a counter, a role or a community project.

    ``phone`` and ``address`` are None unless staff entered verified values; show
    :meth:`Pack.contact_text` instead of guessing.
    """

    id: str
    name: str
    seed_name: str
    table: str
    section: str
    content: str
    operation: str | None
    coverage: str | None
    department: str | None
    required: bool
    required_business: str | None
    explanation_ja: str
    phone: str | None
    address: str | None
    source: str
    notes: tuple[str, ...]


@dataclass(frozen=True)
class Route:
    """A counter that fits a category, with the one-sentence reason shown to the resident.

    ``category`` is None for the multi-agency entries (several categories at once).
    """

    category: str | None
    counter: Counter
    why: str


@dataclass(frozen=True)
class Note:
    """A fact from the plan (支援会議, consent, …) that dialogue and handoff can quote."""

    id: str
    topic_ja: str
    section: str | None
    text_ja: str


@dataclass(frozen=True)
class Pack:
    """Everything the assistant knows about one municipality's support system."""

    code: str
    name_ja: str
    source_document: str
    source: str
    source_file: str | None
    revision_ja: str
    revision: str | None
    contact_fallback_ja: str
    tables: tuple[Table, ...]
    counters: tuple[Counter, ...]
    routes: Mapping[str, tuple[Route, ...]]
    multi_agency: tuple[Route, ...]
    multi_agency_explanation_ja: str
    notes: tuple[Note, ...]

    def counter(self, counter_id: str) -> Counter:
        """The counter with this id; KnowledgeError when there is none."""
        for c in self.counters:
            if c.id == counter_id:
                return c
        raise KnowledgeError(f"pack {self.code}: no counter with id '{counter_id}'")

    def routes_for(self, category: str) -> tuple[Route, ...]:
        """The counters for one category, in the order they should be shown."""
        if category not in self.routes:
            raise KnowledgeError(f"pack {self.code}: unknown category '{category}'")
        return self.routes[category]

    def counters_for(self, categories: Iterable[str]) -> list[tuple[Counter, str]]:
        """Counters with their ``why`` for the categories found, without repeats.

        With two or more distinct categories the multi-agency counters follow, because
        a household with several worries is what 多機関協働 exists for.
        """
        distinct = list(dict.fromkeys(categories))
        routes = [r for c in distinct for r in self.routes_for(c)]
        if len(distinct) >= 2:
            routes.extend(self.multi_agency)
        return _without_repeats(routes)

    def contact_text(self, counter: Counter) -> str:
        """How to reach a counter: its verified phone/address, else the fallback wording."""
        parts = []
        if counter.phone:
            parts.append(f"電話：{counter.phone}")
        if counter.address:
            parts.append(f"場所：{counter.address}")
        return "　".join(parts) or self.contact_fallback_ja


def load_pack(municipality: str | None = None, root: Path | None = None) -> Pack:
    """The validated pack for ``municipality`` (default: env MUNICIPALITY, else gifu).

    ``root`` is the directory holding the packs (tests point it at a temporary one).
    """
    code = municipality or os.environ.get("MUNICIPALITY") or DEFAULT_MUNICIPALITY
    if not _CODE.match(code):
        raise KnowledgeError(f"municipality '{code}': must be lower-case ASCII letters, digits and _")
    return _load_pack(code, Path(root or PACKS_DIR).resolve())


def available_packs(root: Path | None = None) -> list[str]:
    """Codes of the pack directories under ``root``, sorted."""
    base = Path(root or PACKS_DIR)
    if not base.is_dir():
        return []
    return sorted(d.name for d in base.iterdir() if d.is_dir() and _CODE.match(d.name))


def load_all_packs(root: Path | None = None) -> list[Pack]:
    """Load every pack under ``root``; the first invalid one raises KnowledgeError."""
    return [load_pack(code, root) for code in available_packs(root)]


# ── loading ────────────────────────────────────────────────────────────────────


@lru_cache(maxsize=16)
def _load_pack(code: str, root: Path) -> Pack:
    directory = root / code
    if not directory.is_dir():
        raise KnowledgeError(
            f"knowledge pack '{code}' not found under {root}; available: {available_packs(root)}"
        )
    counters_top = open_file(directory / "counters.yaml", f"{code}/counters.yaml")
    counters_top.only("tables", "counters", "notes")
    tables = _tables(counters_top)
    counters = _counters(counters_top, tables)
    routing = open_file(directory / "routing.yaml", f"{code}/routing.yaml")
    routing.only("pack", "wording", "routes", "multi_agency")
    meta = _pack_meta(routing, code)
    wording = _required_mapping(routing, "wording").only("contact_fallback_ja")
    multi = _required_mapping(routing, "multi_agency").only("counters", "explanation_ja")
    by_id = {c.id: c for c in counters}
    return Pack(
        **meta,
        contact_fallback_ja=wording.text("contact_fallback_ja"),
        tables=tables,
        counters=counters,
        routes=_routes(routing, by_id),
        multi_agency=_route_list(multi, "counters", None, by_id),
        multi_agency_explanation_ja=multi.text("explanation_ja"),
        notes=_notes(counters_top),
    )


def _required_mapping(top: Fields, key: str) -> Fields:
    found = top.mapping(key)
    if found is None:  # mapping(required=True) raises first; this keeps type checkers content
        raise KnowledgeError(f"{top.at(key)}: required field is missing")
    return found


def _pack_meta(routing: Fields, code: str) -> dict[str, Any]:
    meta = _required_mapping(routing, "pack").only(*_PACK_KEYS)
    written = meta.text("code")
    if written != code:
        raise KnowledgeError(f"{meta.at('code')}: '{written}' must equal the directory name '{code}'")
    return {
        "code": code,
        "name_ja": meta.text("name_ja"),
        "source_document": meta.text("source_document"),
        "source": meta.text("source"),
        "source_file": meta.text("source_file", required=False),
        "revision_ja": meta.text("revision_ja"),
        "revision": meta.text("revision", required=False),
    }


def _tables(top: Fields) -> tuple[Table, ...]:
    tables = []
    for item in top.items("tables"):
        item.only(*_TABLE_KEYS)
        tables.append(Table(
            id=_ascii_id(item),
            name_ja=item.text("name_ja"),
            section=item.text("section"),
            point_ja=item.text("point_ja", required=False),
            notes=tuple(item.texts("notes", required=False)),
        ))
    _no_duplicates([t.id for t in tables], top.at("tables"))
    return tuple(tables)


def _counters(top: Fields, tables: tuple[Table, ...]) -> tuple[Counter, ...]:
    sections = {t.id: t.section for t in tables}
    counters = tuple(_counter(item, sections) for item in top.items("counters"))
    if not counters:
        raise KnowledgeError(f"{top.at('counters')}: must not be empty")
    _no_duplicates([c.id for c in counters], top.at("counters"))
    return counters


def _counter(item: Fields, sections: dict[str, str]) -> Counter:
    item.only(*_COUNTER_KEYS)
    table = item.one_of("table", frozenset(sections))
    return Counter(
        id=_ascii_id(item),
        name=item.text("name"),
        seed_name=item.text("seed_name"),
        table=table,
        section=sections[table],
        content=item.text("content"),
        operation=item.text("operation", required=False),
        coverage=item.text("coverage", required=False),
        department=item.text("department", required=False),
        required=item.flag("required"),
        required_business=item.text("required_business", required=False),
        explanation_ja=item.text("explanation_ja"),
        phone=item.text("phone", required=False),
        address=item.text("address", required=False),
        source=item.text("source"),
        notes=tuple(item.texts("notes", required=False)),
    )


def _notes(top: Fields) -> tuple[Note, ...]:
    notes = tuple(_note(n) for n in top.items("notes", required=False))
    _no_duplicates([n.id for n in notes], top.at("notes"))
    return notes


def _note(item: Fields) -> Note:
    item.only(*_NOTE_KEYS)
    return Note(
        id=_ascii_id(item),
        topic_ja=item.text("topic_ja"),
        section=item.text("section", required=False),
        text_ja=item.text("text_ja"),
    )


def _routes(routing: Fields, by_id: dict[str, Counter]) -> Mapping[str, tuple[Route, ...]]:
    routes = _required_mapping(routing, "routes")
    unknown = [str(k) for k in routes.data if k not in CATEGORIES]
    if unknown:
        raise KnowledgeError(f"{routes.where}: unknown category code(s) {unknown}; known: {list(CATEGORIES)}")
    missing = [c for c in CATEGORIES if c not in routes.data]
    if missing:
        raise KnowledgeError(f"{routes.where}: category code(s) {missing} have no counters")
    return MappingProxyType({c: _route_list(routes, c, c, by_id) for c in CATEGORIES})


def _route_list(
    parent: Fields, key: str, category: str | None, by_id: dict[str, Counter]
) -> tuple[Route, ...]:
    items = parent.items(key)
    if not items:
        raise KnowledgeError(f"{parent.at(key)}: must list at least one counter")
    routes = tuple(_route(item, category, by_id) for item in items)
    _no_duplicates([r.counter.id for r in routes], parent.at(key))
    return routes


def _route(item: Fields, category: str | None, by_id: dict[str, Counter]) -> Route:
    item.only("counter", "why")
    counter_id = item.text("counter")
    if counter_id not in by_id:
        raise KnowledgeError(f"{item.at('counter')}: no counter with id '{counter_id}' in counters.yaml")
    return Route(category=category, counter=by_id[counter_id], why=item.text("why"))


def _ascii_id(item: Fields) -> str:
    value = item.text("id")
    if not _CODE.match(value):
        raise KnowledgeError(f"{item.at('id')}: '{value}' must be lower-case ASCII letters, digits and _")
    return value


def _no_duplicates(ids: list[str], where: str) -> None:
    seen: set[str] = set()
    for value in ids:
        if value in seen:
            raise KnowledgeError(f"{where}: duplicate id '{value}'")
        seen.add(value)


def _without_repeats(routes: Iterable[Route]) -> list[tuple[Counter, str]]:
    """Keep the first route per counter; also drop a second row with the same name."""
    result: list[tuple[Counter, str]] = []
    seen: set[str] = set()
    for route in routes:
        keys = {f"id:{route.counter.id}", f"name:{route.counter.name}"}
        if keys & seen:
            continue
        seen |= keys
        result.append((route.counter, route.why))
    return result
