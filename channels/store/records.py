"""The contract §6 handoff record as a closed Pydantic schema (reliability P2: extra="forbid").

Codes come from knowledge/codes.py so the gateway and the dialogue agree on one list.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from knowledge.codes import CATEGORIES, CONTACT_PREFERENCES, CRISIS_TYPES, RELATIONS, WRITERS

Category = Literal[CATEGORIES]  # type: ignore[valid-type]
Relation = Literal[RELATIONS]  # type: ignore[valid-type]
CrisisType = Literal[CRISIS_TYPES]  # type: ignore[valid-type]
Writer = Literal[WRITERS]  # type: ignore[valid-type]
ContactPreference = Literal[CONTACT_PREFERENCES]  # type: ignore[valid-type]
Status = Literal["new", "accepted", "closed"]
Channel = Literal["line", "web"]

_closed = ConfigDict(extra="forbid")


class AgeRange(BaseModel):
    """An age span as the resident said it (85歳 → 85–85, 80代 → 80–89)."""

    model_config = _closed
    min: int = Field(ge=0, le=130)
    max: int = Field(ge=0, le=130)

    @model_validator(mode="after")
    def _ordered(self) -> AgeRange:
        if self.min > self.max:
            raise ValueError("age.min must not exceed age.max")
        return self


class Member(BaseModel):
    """A household member the resident mentioned (contract §2)."""

    model_config = _closed
    relation: Relation
    age: AgeRange | None = None
    categories: list[Category] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)


class Crisis(BaseModel):
    """Crisis level and types (contract §3)."""

    model_config = _closed
    level: Literal["none", "urgent"] = "none"
    types: list[CrisisType] = Field(default_factory=list)


class Consent(BaseModel):
    """The resident's agreement to share, with the exact wording shown."""

    model_config = _closed
    share_with_staff: bool
    at: datetime
    wording: str = Field(min_length=1)


class Contact(BaseModel):
    """How the resident would like to be contacted."""

    model_config = _closed
    preferred: ContactPreference = "none"
    detail: str = ""


class HandoffRecord(BaseModel):
    """One handoff as stored and as served by GET /api/handoffs (contract §6, §9)."""

    model_config = _closed
    id: str = Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    created_at: datetime
    channel: Channel
    status: Status = "new"
    consent: Consent
    contact: Contact = Field(default_factory=Contact)
    household: list[Member] = Field(default_factory=list)
    categories: list[Category] = Field(default_factory=list)
    crisis: Crisis = Field(default_factory=Crisis)
    counters_explained: list[str] = Field(default_factory=list)
    resident_words: list[str] = Field(default_factory=list)
    summary_ja: str = ""
    writer: Writer | None = None
    concerned_person_aware: bool | None = None
    # Times the resident must NOT be contacted (DV / abuse at home), in their own words.
    no_contact_times: str | None = Field(default=None, max_length=1000)

    @field_validator("consent")
    @classmethod
    def _consented(cls, value: Consent) -> Consent:
        """Nothing is stored without consent (contract §6)."""
        if not value.share_with_staff:
            raise ValueError("a handoff needs consent.share_with_staff = true")
        return value
