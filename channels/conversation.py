"""One conversation turn, shared by every channel (web chat here, LINE in channels/line/).

A channel hands over (channel, sender id, text) and gets back the replies to show. The turn
goes to Rasa; a handoff record that Rasa's action sends is committed to the store *before*
the replies are returned, so a resident is never told "staff will read this" about a record
that was not written.

With an inbox (channels/takeover/inbox.py) a turn first asks whether a staff member holds
the resident's conversation: then the message is stored for the staff and Rasa is not
called. After a turn that carries a handoff the replies carry the team's honest availability
(knowledge/hours.py) unless the dialogue already said it.

Turns of one conversation run one at a time, also across gateway processes
(channels/store/locks.py). A turn that Rasa ran but the gateway could not finish (no answer
because the action server is down, or the handoff could not be committed) is reverted in
Rasa's tracker, so the message the resident sends again is processed exactly once.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from starlette.concurrency import run_in_threadpool

from channels.rasa_client import RasaClient, RasaUnavailable
from channels.store.handoffs import InvalidHandoff, sender_key
from channels.store.locks import ConversationLocks, LocalLocks, LockUnavailable

logger = logging.getLogger(__name__)

RETRY_LATER = "申し訳ありません。うまく受け付けられませんでした。少し時間をおいて、もう一度送ってください。"
RASA_DOWN = (
    "メッセージを受け取りましたが、いま自動の案内が使えません。少し時間をおいて、もう一度送ってください。\n"
    "命の危険があるときや、けが・急病のときは、すぐに 110(警察)か 119(救急・消防)に電話してください。"
)
TOO_LONG = "メッセージが長すぎます。{limit}文字以内に分けて、もう一度送ってください。"
EMPTY = "メッセージが空でした。お困りのことを文字で送ってください。"


@dataclass
class Reply:
    """One message to show the resident, with optional quick-reply button titles."""

    text: str
    quick_replies: list[str] = field(default_factory=list)


class HandoffSink(Protocol):
    """Where handoff records go; sync because it runs in the thread pool."""

    def save_handoff(self, record: dict[str, Any], channel: str, sender_id: str) -> bool:
        """Commit the record once (idempotent on its id); True when newly stored."""


class TurnGate(Protocol):
    """What Inbox.before_turn returns: whether a person holds the conversation, and what to say."""

    taken: bool
    replies: tuple[str, ...]


class Inbox(Protocol):
    """The conversation log since a handoff and the takeover switch; sync (thread pool)."""

    def before_turn(self, channel: str, sender_id: str, text: str) -> TurnGate:
        """Store the resident's message when it belongs to a handoff; say whether to stay silent."""

    def after_turn(self, channel: str, sender_id: str, replies: Sequence[str]) -> None:
        """Store the assistant's replies of a turn that belongs to a handoff."""


Availability = Callable[[datetime], str]


class Conversations:
    """Runs turns for every channel against Rasa and the handoff store."""

    def __init__(
        self,
        rasa: RasaClient,
        sink: HandoffSink,
        max_text_chars: int = 2000,
        hash_key: bytes | None = None,
        *,
        inbox: Inbox | None = None,
        availability: Availability | None = None,
        locks: ConversationLocks | None = None,
    ) -> None:
        self.rasa = rasa
        self.sink = sink
        self.max_text_chars = max_text_chars
        self.hash_key = hash_key
        self.inbox = inbox
        self.availability = availability
        self.locks = locks if locks is not None else LocalLocks()

    async def handle(self, channel: str, sender_id: str, text: str) -> list[Reply]:
        """Forward one resident message and return what to show; never raises for Rasa or store faults."""
        text = text.strip()
        if not text:
            return [Reply(EMPTY)]
        if len(text) > self.max_text_chars:
            return [Reply(TOO_LONG.format(limit=self.max_text_chars))]
        sender = self._rasa_sender(channel, sender_id)
        try:
            async with self.locks.hold(sender):
                return await self._turn(channel, sender_id, sender, text)
        except LockUnavailable as exc:
            logger.warning("conversation lock unavailable for channel=%s: %s", channel, exc)
            return [Reply(RETRY_LATER)]

    async def _turn(self, channel: str, sender_id: str, sender: str, text: str) -> list[Reply]:
        """One turn while holding the conversation's lock."""
        gate = await self._gate(channel, sender_id, text)
        if gate is not None and gate.taken:
            return [Reply(reply) for reply in gate.replies]
        turn_id = uuid.uuid4().hex
        try:
            messages = await self.rasa.send_message(sender, text, {"turn": turn_id})
        except RasaUnavailable as exc:
            logger.warning("rasa unavailable for channel=%s: %s", channel, exc.reason)
            await self._revert(channel, sender, turn_id)
            return [Reply(RASA_DOWN)]
        if not messages:  # every step of the dialogue answers: an action or the tracker store failed
            logger.warning("rasa answered nothing for channel=%s", channel)
            await self._revert(channel, sender, turn_id)
            return [Reply(RASA_DOWN)]
        created = await self._store_handoffs(messages, channel, sender_id)
        if created is None:
            await self._revert(channel, sender, turn_id)
            return [Reply(RETRY_LATER)]
        replies = replies_from(messages)
        if created:
            replies = self._with_availability(replies)
        await self._log_replies(channel, sender_id, replies)
        return replies

    async def _revert(self, channel: str, sender: str, turn_id: str) -> None:
        """Undo the unfinished turn in Rasa (if it got there), so the resent message runs once."""
        try:
            undone = await self.rasa.revert_turn(sender, turn_id)
        except RasaUnavailable as exc:
            logger.warning("could not check or revert the turn for channel=%s: %s", channel, exc.reason)
            return
        if undone:
            logger.info("unfinished turn reverted for channel=%s", channel)

    async def _gate(self, channel: str, sender_id: str, text: str) -> TurnGate | None:
        """Ask the inbox; a store fault lets the assistant answer (better than silence)."""
        if self.inbox is None:
            return None
        try:
            return await run_in_threadpool(self.inbox.before_turn, channel, sender_id, text)
        except Exception as exc:
            logger.error("takeover check failed for channel=%s: %s", channel, type(exc).__name__)
            return None

    async def _log_replies(self, channel: str, sender_id: str, replies: list[Reply]) -> None:
        """Keep the assistant's side of a handed-off conversation; never fails the turn."""
        if self.inbox is None:
            return
        try:
            await run_in_threadpool(self.inbox.after_turn, channel, sender_id, [r.text for r in replies])
        except Exception as exc:
            logger.error("conversation log failed for channel=%s: %s", channel, type(exc).__name__)

    def _with_availability(self, replies: list[Reply]) -> list[Reply]:
        """Add when a person will read the handoff, after the first reply, unless already said."""
        if self.availability is None:
            return replies
        try:
            text = self.availability(datetime.now(UTC))
        except Exception as exc:
            logger.error("office hours unavailable: %s", type(exc).__name__)
            return replies
        if not text or any(text in reply.text for reply in replies):
            return replies
        position = min(1, len(replies))
        return [*replies[:position], Reply(text), *replies[position:]]

    def _rasa_sender(self, channel: str, sender_id: str) -> str:
        """The id Rasa sees: a keyed hash, so no LINE userId or web session id sits in its tracker."""
        if self.hash_key is None:
            return f"{channel}:{sender_id}"
        return f"{channel}-{sender_key(self.hash_key, channel, sender_id)[:40]}"

    async def _store_handoffs(
        self, messages: list[dict[str, Any]], channel: str, sender_id: str
    ) -> int | None:
        """Commit every handoff payload of the turn; how many it carried, None when any failed."""
        new = 0
        for record in handoff_payloads(messages):
            try:
                created = await run_in_threadpool(self.sink.save_handoff, record, channel, sender_id)
            except InvalidHandoff as exc:
                logger.error("handoff payload rejected id=%s: %s", _record_id(record), exc)
                return None
            except Exception:
                logger.exception("handoff store failed id=%s", _record_id(record))
                return None
            new += 1
            logger.info(
                "handoff id=%s channel=%s %s",
                _record_id(record),
                channel,
                "stored" if created else "already stored",
            )
        return new


def handoff_payloads(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The `custom.handoff` records among Rasa's REST replies."""
    found = []
    for message in messages:
        custom = message.get("custom")
        if isinstance(custom, dict) and isinstance(custom.get("handoff"), dict):
            found.append(custom["handoff"])
    return found


def replies_from(messages: list[dict[str, Any]]) -> list[Reply]:
    """Text replies in order; button titles become quick replies of the message they belong to."""
    replies: list[Reply] = []
    for message in messages:
        text = message.get("text")
        titles = [
            str(b["title"]) for b in message.get("buttons") or [] if isinstance(b, dict) and b.get("title")
        ]
        if isinstance(text, str) and text:
            replies.append(Reply(text, titles))
        elif titles and replies:
            replies[-1].quick_replies.extend(titles)
    return replies


def _record_id(record: dict[str, Any]) -> str:
    """The record id for logs (never any resident text)."""
    value = record.get("id")
    return value if isinstance(value, str) and len(value) <= 64 else "?"
