"""Turn a staff question into counters: Rasa /model/parse gives intake.categories and
intake.counters; the knowledge pack gives each counter's table row."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from channels.rasa_client import RasaClient
from channels.staff import labels
from knowledge.codes import CATEGORIES
from knowledge.pack import Counter, Pack, load_pack


@dataclass(frozen=True)
class CounterMatch:
    """One counter to show, with its row of the plan's table and why it fits."""

    name: str
    why: str
    content: str | None = None
    operation: str | None = None
    coverage: str | None = None
    department: str | None = None
    table: str | None = None
    required_business: str | None = None
    contact: str | None = None


@dataclass(frozen=True)
class HelpdeskAnswer:
    """What the help desk shows for one question."""

    categories: list[str]
    category_labels: list[str]
    counters: list[CounterMatch]
    multi_agency_note: str | None = None
    crisis_level: str = "none"
    notes: list[str] = field(default_factory=list)


@lru_cache(maxsize=4)
def pack_for(municipality: str) -> Pack:
    """The knowledge pack, loaded once per process."""
    return load_pack(municipality)


async def answer(rasa: RasaClient, pack: Pack, question: str) -> HelpdeskAnswer:
    """Ask the NLU (RasaUnavailable propagates) and join its counters with the pack's rows."""
    parsed = await rasa.parse(question)
    intake = parsed.get("intake") if isinstance(parsed.get("intake"), dict) else {}
    categories = [c for c in intake.get("categories") or [] if c in CATEGORIES]
    named = [
        c for c in intake.get("counters") or [] if isinstance(c, dict) and isinstance(c.get("name"), str)
    ]
    if named:
        matches = [_match(pack, str(c["name"]), str(c.get("why") or "")) for c in named]
    else:
        matches = [_from_counter(pack, counter, why) for counter, why in pack.counters_for(categories)]
    crisis = intake.get("crisis") if isinstance(intake.get("crisis"), dict) else {}
    note = pack.multi_agency_explanation_ja if len(set(categories)) >= 2 else None
    return HelpdeskAnswer(
        categories=categories,
        category_labels=[labels.category(c) for c in categories],
        counters=matches,
        multi_agency_note=note,
        crisis_level=str(crisis.get("level") or "none"),
    )


def _match(pack: Pack, name: str, why: str) -> CounterMatch:
    """The table row for a counter named by the NLU (name only when the pack lacks it)."""
    for counter in pack.counters:
        if counter.name == name:
            return _from_counter(pack, counter, why)
    return CounterMatch(name=name, why=why)


def _from_counter(pack: Pack, counter: Counter, why: str) -> CounterMatch:
    table = next((t.name_ja for t in pack.tables if t.id == counter.table), None)
    return CounterMatch(
        name=counter.name,
        why=why,
        content=counter.content,
        operation=counter.operation,
        coverage=counter.coverage,
        department=counter.department,
        table=table,
        required_business=counter.required_business,
        contact=pack.contact_text(counter),
    )


def as_json(result: HelpdeskAnswer) -> dict[str, Any]:
    """The JSON shape of POST /api/helpdesk."""
    return {
        "categories": result.categories,
        "category_labels": result.category_labels,
        "crisis_level": result.crisis_level,
        "multi_agency_note": result.multi_agency_note,
        "counters": [vars(c) for c in result.counters],
    }
