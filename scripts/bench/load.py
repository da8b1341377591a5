"""Simulated residents (shared/spec/performance.md): the load generator of bench and soak.

A resident opens with an optional greeting and one to three worries drawn from the
dataset's TRAIN split, says it has finished, then answers whatever quick replies the bot
offers (preferring the affirmative and LINE), so the dialogue can change its wording
without breaking the bench. 5–8 turns from greeting to handoff; bounded in turns and time.
Traffic goes to 127.0.0.1 only: `Target` refuses any other host.
"""
from __future__ import annotations

import asyncio
import random
import secrets
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import httpx

from channels.conversation import RASA_DOWN, RETRY_LATER, handoff_payloads, replies_from
from knowledge.datafile import load_yaml

ROOT = Path(__file__).resolve().parents[2]
WORDING = ROOT / "knowledge" / "wording"
WORDING_EASY = ROOT / "knowledge" / "wording_easy"
GREETINGS = ("こんにちは", "はじめまして", "こんばんは")
FINISHED = ("以上です", "話し終わりました")
MAX_TURNS = 12  # a conversation that has not ended by then is abandoned (counted, not an error)
INTERACTIVE = (0.0, 2.0)  # pause between turns, seconds: performance.md "interactive load"
SATURATION = (0.0, 0.0)   # no pause: "saturation load"
SOFT_ERRORS = frozenset({RASA_DOWN, RETRY_LATER})  # the gateway answers 200 with these on faults


@dataclass(frozen=True)
class Phrases:
    """What residents say, and which offered quick replies they pick."""

    worries: tuple[str, ...]
    prefer: tuple[str, ...]      # quick replies chosen first, in this order
    consent: frozenset[str]      # the quick replies of the consent question
    contact: frozenset[str]      # the quick replies of the contact question (plain and easy)
    done_button: str
    handed_off: tuple[str, ...] = ()  # how the closing text after a stored handoff begins
    greetings: tuple[str, ...] = GREETINGS
    finished: tuple[str, ...] = FINISHED


def _wording(name: str, folder: Path = WORDING) -> dict[str, Any]:
    data = load_yaml(folder / f"{name}.yaml")
    return data if isinstance(data, dict) else {}


def load_phrases(rows: Sequence[dict[str, Any]]) -> Phrases:
    """Worries from dataset rows (urgent-crisis lines left out: they divert to the crisis flow),
    quick-reply preferences from the reviewed wording the actions also use, in both the
    plain and the やさしい日本語 set (a resident whose words look easy gets the easy one)."""
    plain = {n: _wording(n) for n in ("consent", "summary", "listening", "crisis", "dialogue")}
    easy = {n: _wording(n, WORDING_EASY) for n in plain}
    worries = tuple(r["text"] for r in rows if r.get("crisis", {}).get("level") != "urgent")
    if not worries:
        raise ValueError("no usable worries in the dataset rows")
    prefer = tuple(w[file][key][0] for w in (plain, easy) for file, key in (
        ("summary", "buttons"), ("consent", "buttons"), ("consent", "contact_buttons"),
        ("consent", "phone_buttons"), ("consent", "no_contact_buttons"), ("crisis", "buttons")))
    handed_off = tuple(w["dialogue"][key].splitlines()[0] for w in (plain, easy)
                       for key in ("handoff_done", "handoff_done_no_contact"))
    return Phrases(worries=worries, prefer=prefer,
                   consent=frozenset(plain["consent"]["buttons"]) | frozenset(easy["consent"]["buttons"]),
                   contact=(frozenset(plain["consent"]["contact_buttons"])
                            | frozenset(easy["consent"]["contact_buttons"])),
                   done_button=plain["listening"]["done_button"], handed_off=handed_off)


def plan_opening(rng: random.Random, phrases: Phrases) -> list[str]:
    """The resident's own messages before 「以上です」: 5–8 turns in all with the 4 answers after."""
    turns = rng.randint(5, 8)
    worries = max(1, turns - 5)
    greeting = [rng.choice(phrases.greetings)] if turns >= 6 else []
    return greeting + rng.sample(phrases.worries, min(worries, len(phrases.worries)))


@dataclass
class Resident:
    """One conversation's script and state: what to send next given the bot's last quick replies."""

    opening: list[str]
    phrases: Phrases
    finished_said: bool = False
    consented: bool = False
    contact_chosen: bool = False
    handed_off: bool = False  # the resident was told the handoff was passed on
    sent: list[str] = field(default_factory=list)

    def next_text(self, quick_replies: Sequence[str]) -> str | None:
        """The next message, or None when the conversation is over."""
        text = self._choose(quick_replies)
        if text is not None:
            self.sent.append(text)
        return text

    def _choose(self, quick: Sequence[str]) -> str | None:
        if self.opening:
            return self.opening.pop(0)
        if not self.finished_said:
            self.finished_said = True
            return self.phrases.done_button if self.phrases.done_button in quick else self.phrases.finished[0]
        if self.handed_off or not quick:  # after a contact choice may come 「連絡してはいけない時間」
            return None
        choice = next((p for p in self.phrases.prefer if p in quick), quick[0])
        if set(quick) <= self.phrases.consent and choice in self.phrases.prefer:
            self.consented = True
        if set(quick) <= self.phrases.contact:
            self.contact_chosen = True
        return choice

    def heard(self, texts: Sequence[str]) -> None:
        """Note whether this answer told the resident that the handoff was passed on."""
        if any(t.startswith(self.phrases.handed_off) for t in texts if self.phrases.handed_off):
            self.handed_off = True


@dataclass(frozen=True)
class Answer:
    """One turn's outcome as the resident sees it."""

    ok: bool
    status: int                      # HTTP status, 0 when no answer arrived
    quick_replies: list[str]
    handoff_ids: list[str]
    texts: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Target:
    """Where turns go: the gateway's web chat (`/api/chat`) or Rasa's REST channel."""

    name: str
    base_url: str
    kind: Literal["gateway", "rasa"]

    def __post_init__(self) -> None:
        if urlsplit(self.base_url).hostname != "127.0.0.1":
            raise ValueError(f"bench traffic stays on loopback: {self.base_url}")

    @property
    def path(self) -> str:
        return "/api/chat" if self.kind == "gateway" else "/webhooks/rest/webhook"

    def body(self, sender: str, text: str) -> dict[str, str]:
        if self.kind == "gateway":
            return {"session_id": sender, "text": text}
        return {"sender": sender, "message": text}

    def read(self, status: int, data: Any) -> Answer:
        """Quick replies of the last reply that offers some; soft faults of the gateway are errors."""
        if status != 200:
            return Answer(False, status, [], [])
        if self.kind == "gateway":
            replies = [(r.get("text", ""), r.get("quick_replies") or []) for r in data.get("replies", [])]
            ids: list[str] = []
        else:
            messages = [m for m in data if isinstance(m, dict)]
            replies = [(r.text, r.quick_replies) for r in replies_from(messages)]
            ids = [str(h.get("id")) for h in handoff_payloads(messages)]
        ok = not any(text in SOFT_ERRORS for text, _ in replies)
        quick = next((q for _, q in reversed(replies) if q), [])
        return Answer(ok, status, list(quick), ids, [text for text, _ in replies])


def error_kind(status: int) -> str:
    """How a failed turn failed: no answer, an error status, or a fault reply with 200."""
    return "transport" if status == 0 else "soft" if status == 200 else f"http {status}"


def new_sender(prefix: str) -> str:
    """A session id the gateway accepts (16–128 of [A-Za-z0-9_-]) and no two runs share."""
    return f"{prefix}-{secrets.token_hex(8)}"


@dataclass
class LoadResult:
    """Everything one load run measured."""

    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    server_errors: int = 0           # HTTP 5xx
    error_kinds: Counter[str] = field(default_factory=Counter)  # see error_kind
    conversations: int = 0
    abandoned: int = 0               # hit MAX_TURNS
    consented: set[str] = field(default_factory=set)  # sender ids whose 「はい」 to sharing was answered
    contacted: set[str] = field(default_factory=set)  # ... and whose contact choice too
    handed_off: set[str] = field(default_factory=set)  # ... who were told it was passed on
    handoff_ids: list[str] = field(default_factory=list)  # seen on Rasa's REST channel only
    sent: dict[str, list[str]] = field(default_factory=dict)  # sender id -> texts, for soak
    elapsed: float = 0.0

    @property
    def turns(self) -> int:
        return len(self.latencies_ms)

    @property
    def rate(self) -> float:
        return self.turns / self.elapsed if self.elapsed else 0.0


@dataclass(frozen=True)
class LoadSpec:
    """How hard and how long: residents, pause range, and the two bounds (time and turns)."""

    residents: int
    pause: tuple[float, float]
    duration: float
    max_turns: int
    finish_conversations: bool = False  # soak: a started conversation runs to its end
    seed: int = 1


async def _turn(client: httpx.AsyncClient, target: Target, sender: str, text: str,
                result: LoadResult) -> Answer:
    started = time.perf_counter()
    failure = ""  # the exception's class when no HTTP answer came (e.g. "transport ReadTimeout")
    try:
        response = await client.post(target.path, json=target.body(sender, text))
        answer = target.read(response.status_code, response.json() if response.status_code == 200 else None)
    except (httpx.HTTPError, ValueError) as exc:
        answer, failure = Answer(False, 0, [], []), f" {type(exc).__name__}"
    result.latencies_ms.append((time.perf_counter() - started) * 1000)
    if not answer.ok:
        result.errors += 1
        result.server_errors += answer.status >= 500
        result.error_kinds[error_kind(answer.status) + failure] += 1
    result.handoff_ids += answer.handoff_ids
    return answer


async def _resident(index: int, client: httpx.AsyncClient, target: Target, phrases: Phrases,
                    spec: LoadSpec, deadline: float, result: LoadResult) -> None:
    rng = random.Random(spec.seed * 100_003 + index)
    for _ in range(spec.max_turns):  # bound on conversations; each has at least one turn
        if time.monotonic() >= deadline or result.turns >= spec.max_turns:
            return
        sender, resident = new_sender(f"bench{index:03d}"), Resident(plan_opening(rng, phrases), phrases)
        result.conversations += 1
        result.sent[sender] = resident.sent
        quick: list[str] = []
        for _turn_no in range(MAX_TURNS):
            text = resident.next_text(quick)
            if text is None:
                break
            over = time.monotonic() >= deadline or result.turns >= spec.max_turns
            if over and not spec.finish_conversations:
                return
            answer = await _turn(client, target, sender, text, result)
            if not answer.ok:
                break
            quick = answer.quick_replies
            resident.heard(answer.texts)
            if resident.handed_off:
                result.handed_off.add(sender)
            if resident.consented:
                result.consented.add(sender)
            if resident.contact_chosen:
                result.contacted.add(sender)
            await asyncio.sleep(rng.uniform(*spec.pause))
        else:
            result.abandoned += 1


async def run_load(target: Target, phrases: Phrases, spec: LoadSpec) -> LoadResult:
    """Run `spec.residents` residents against `target` until the duration or turn bound."""
    result = LoadResult()
    limits = httpx.Limits(max_connections=spec.residents + 5, max_keepalive_connections=spec.residents + 5)
    async with httpx.AsyncClient(base_url=target.base_url, timeout=httpx.Timeout(60.0, connect=5.0),
                                 limits=limits, trust_env=False) as client:
        started = time.monotonic()
        deadline = started + spec.duration
        await asyncio.gather(*(_resident(i, client, target, phrases, spec, deadline, result)
                               for i in range(spec.residents)))
        result.elapsed = time.monotonic() - started
    return result


async def timed_posts(base_url: str, path: str, bodies: Sequence[dict[str, Any]],
                      params: dict[str, str] | None = None) -> tuple[list[float], int]:
    """One request at a time (latency, not throughput): milliseconds of each, and the failures."""
    Target("timed", base_url, "rasa")  # the loopback check
    times: list[float] = []
    failures = 0
    async with httpx.AsyncClient(base_url=base_url, timeout=60.0, trust_env=False) as client:
        for body in bodies:
            started = time.perf_counter()
            try:
                response = await client.post(path, json=body, params=params)
                failures += response.status_code != 200
            except httpx.HTTPError:
                failures += 1
            times.append((time.perf_counter() - started) * 1000)
    return times, failures
