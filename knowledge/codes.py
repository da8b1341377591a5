"""The stable codes of the intake contract (shared/spec/intake-contract.md §1–3, §9)."""
from __future__ import annotations

CATEGORIES: tuple[str, ...] = (
    "elderly_care", "disability", "child_rearing", "child_protection", "youth",
    "single_parent", "dv", "poverty", "hikikomori", "mental_health",
    "physical_health", "housing", "isolation",
)

RELATIONS: tuple[str, ...] = (
    "mother", "father", "parent", "husband", "wife", "partner", "son", "daughter", "child",
    "grandmother", "grandfather", "grandchild", "older_brother", "younger_brother",
    "older_sister", "younger_sister", "sibling", "mother_in_law", "father_in_law",
    "other_relative", "other",
)

CRISIS_TYPES: tuple[str, ...] = ("suicide", "violence", "abuse", "medical")

WRITERS: tuple[str, ...] = ("self", "family", "neighbour", "professional", "unknown")

CONTACT_PREFERENCES: tuple[str, ...] = ("line", "phone", "visit", "none")
