"""Reading the contact preference and a phone number from a reply (no Rasa imports)."""
from __future__ import annotations

import re

from actions import wording
from actions.household_state import normalise

_PHONE = re.compile(r"(?<!\d)(0\d{1,4}[-ー‐−\s]?\d{1,4}[-ー‐−\s]?\d{3,4})(?!\d)")


def preference_of(text: str) -> str | None:
    """``line`` / ``phone`` / ``visit`` / ``none`` from the resident's reply, or None."""
    plain = normalise(text)
    words: dict[str, list[str]] = wording.text("consent", "contact_words")
    for preferred in ("none", "line", "visit", "phone"):
        if any(w in plain for w in words.get(preferred, [])):
            return preferred
    if phone_number(plain):
        return "phone"
    return None


def phone_number(text: str) -> str | None:
    """The first phone number in the text, with hyphens as written (full width folded)."""
    match = _PHONE.search(normalise(text))
    if not match:
        return None
    return re.sub(r"[ー‐−\s]", "-", match.group(1))
