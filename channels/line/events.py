"""What the LINE channel does with each verified, first-seen webhook event.

| event (1:1 chat)                | reaction                                                   |
|---------------------------------|------------------------------------------------------------|
| text message                    | one dialogue turn; answer by reply token, else push        |
| sticker/image/video/audio/file/location | a kind "please write it in words" answer (content unread) |
| follow                          | the dialogue's opening (its notice) via the intent `/greet` |
| unfollow                        | nothing sent; pending pushes to that resident are dropped  |
| postback                        | its data as text, only if it is a quick-reply title we offered |
| anything else, `mode: standby`  | acknowledged by the webhook, never answered                |

Group and room chats: the first message in a chat gets one short note that consultations
happen in a 1:1 chat (claimed once per chat in `processed_events`); nothing written in a
group is read, forwarded to the dialogue or answered again. Logs name the event type and a
keyed hash of the sender, never the text or the raw userId (reliability S1).
"""
from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from linebot.v3.webhooks import (
    Event,
    FollowEvent,
    GroupSource,
    MessageEvent,
    PostbackEvent,
    RoomSource,
    TextMessageContent,
    UnfollowEvent,
    UserSource,
)
from starlette.concurrency import run_in_threadpool

from channels.conversation import RASA_DOWN, RETRY_LATER, Conversations, Reply
from channels.line import wording
from channels.line.dedup import claim_ids
from channels.line.messaging import LineMessenger, batches, line_messages, text_messages
from channels.line.outbox import OutboxRelay, cancel_for
from channels.line.tasks import TaskRunner
from channels.ratelimit import SlidingWindowLimiter, Verdict
from channels.store.db import Database
from channels.store.handoffs import sender_key

logger = logging.getLogger(__name__)

CHANNEL = "line"
NON_TEXT_KINDS = frozenset(wording.KIND_NAMES)
ENGINE_DOWN = frozenset({RASA_DOWN, RETRY_LATER})
# A follow event sends Rasa's intent trigger, not words: the resident wrote nothing, so
# nothing may appear among their words in the handoff (resident_words skips "/...").
FOLLOW_TRIGGER = "/greet"


@dataclass(frozen=True)
class Inbound:
    """A parsed event and when the webhook received it (the reply-token budget starts then)."""

    event: Event
    received_at: float  # time.monotonic()


@dataclass(frozen=True)
class Resident:
    """A 1:1 sender: the raw id (for the API only) and its keyed hash (for logs and the store)."""

    user_id: str
    key: str

    @property
    def tag(self) -> str:
        """A short form of the keyed hash for log lines."""
        return self.key[:12]


class EventProcessor:
    """Dispatches events by type; every failure is contained and logged by type only."""

    def __init__(self, *, conversations: Conversations, messenger: LineMessenger, relay: OutboxRelay,
                 db: Database, hash_key: bytes, runner: TaskRunner, reply_budget: float = 20.0,
                 limiter: SlidingWindowLimiter | None = None, max_remembered: int = 10_000) -> None:
        self.conversations = conversations
        self.messenger = messenger
        self.relay = relay
        self.db = db
        self.hash_key = hash_key
        self.runner = runner
        self.reply_budget = reply_budget
        self.limiter = limiter or SlidingWindowLimiter()
        self.max_remembered = max_remembered
        self._offered: OrderedDict[str, frozenset[str]] = OrderedDict()

    def schedule(self, events: Sequence[Event], received_at: float) -> None:
        """Start background work: one task per sender, in arrival order (FIFO lock per sender)."""
        by_source: dict[str, list[Inbound]] = {}
        for event in events:
            by_source.setdefault(self._source_key(event), []).append(Inbound(event, received_at))
        for key, inbounds in by_source.items():
            self.runner.spawn(self._run_serial(key, inbounds))

    async def _run_serial(self, key: str, inbounds: list[Inbound]) -> None:
        """Process one sender's events of one webhook body, after that sender's earlier ones."""
        async with self.runner.serial(key):
            for inbound in inbounds:
                await self.process(inbound)

    async def process(self, inbound: Inbound) -> None:
        """Handle one event; never raises (the webhook already answered 200)."""
        kind = _event_type(inbound.event)
        try:
            await self._dispatch(inbound)
        except Exception as exc:  # one bad event must not stop the others
            logger.error("line event type=%s failed: %s", kind, type(exc).__name__)

    async def _dispatch(self, inbound: Inbound) -> None:
        """Route by mode, source and type; unknown and standby events are left alone."""
        event = inbound.event
        kind = _event_type(event)
        if _mode(event) != "active":
            logger.info("line event type=%s mode=%s ignored", kind, _mode(event))
            return
        source = getattr(event, "source", None)
        if isinstance(source, GroupSource | RoomSource):
            if isinstance(event, MessageEvent):
                await self._group_notice(inbound, source)
            else:
                logger.info("line event type=%s in a group or room ignored", kind)
            return
        if not isinstance(source, UserSource) or not source.user_id:
            logger.info("line event type=%s without a 1:1 sender ignored", kind)
            return
        resident = Resident(source.user_id, sender_key(self.hash_key, CHANNEL, source.user_id))
        if type(event) is MessageEvent:
            await self._on_message(inbound, event, resident)
        elif isinstance(event, FollowEvent):
            await self._on_follow(inbound, resident)
        elif isinstance(event, UnfollowEvent):
            await self._on_unfollow(resident)
        elif isinstance(event, PostbackEvent):
            await self._on_postback(inbound, event, resident)
        else:
            logger.info("line event type=%s sender=%s not answered", kind, resident.tag)

    async def _on_message(self, inbound: Inbound, event: MessageEvent, resident: Resident) -> None:
        """Text goes to the dialogue; other kinds get the "write it in words" answer unread."""
        content = event.message
        if isinstance(content, TextMessageContent):
            await self._turn(inbound, resident, content.text or "")
            return
        kind = str(getattr(content, "type", "") or "")
        image_set = getattr(content, "image_set", None)
        if image_set is not None and (image_set.index or 1) > 1:
            return  # one answer per set of photos, not one per photo
        logger.info("line message kind=%s sender=%s answered with text-only notice", kind, resident.tag)
        if self._allowed(inbound, resident) is Verdict.ALLOW:
            await self._answer(inbound, resident, text_messages(wording.text_only(kind)))

    async def _on_follow(self, inbound: Inbound, resident: Resident) -> None:
        """The dialogue's opening carries the notice; a static notice stands in if it is down.

        An empty answer means the conversation is silent on purpose (a staff member holds it).
        """
        logger.info("line follow sender=%s", resident.tag)
        replies = await self.conversations.handle(CHANNEL, resident.user_id, FOLLOW_TRIGGER)
        if replies and all(reply.text in ENGINE_DOWN for reply in replies):
            replies = [Reply(wording.NOTICE_FALLBACK)]
        await self._send_replies(inbound, resident, replies)

    async def _on_unfollow(self, resident: Resident) -> None:
        """Blocked: send nothing, drop pending pushes and what we remembered about buttons."""
        dropped = await run_in_threadpool(cancel_for, self.db, resident.key, "unfollowed")
        self._offered.pop(resident.key, None)
        logger.info("line unfollow sender=%s pending_pushes_dropped=%d", resident.tag, dropped)

    async def _on_postback(self, inbound: Inbound, event: PostbackEvent, resident: Resident) -> None:
        """A postback counts as a typed answer only when it equals a title we offered."""
        data = (event.postback.data if event.postback else "") or ""
        if data in self._offered.get(resident.key, frozenset()):
            await self._turn(inbound, resident, data)
        else:
            logger.info("line postback sender=%s not a quick-reply title; not answered", resident.tag)

    async def _turn(self, inbound: Inbound, resident: Resident, text: str) -> None:
        """One dialogue turn, within the sender's rate limit."""
        verdict = self._allowed(inbound, resident)
        if verdict is Verdict.DROP:
            return
        if verdict is Verdict.WARN:
            await self._answer(inbound, resident, text_messages(wording.RATE_LIMITED))
            return
        replies = await self.conversations.handle(CHANNEL, resident.user_id, text)
        await self._send_replies(inbound, resident, replies)

    def _allowed(self, inbound: Inbound, resident: Resident) -> Verdict:
        """The rate-limit verdict for this sender (S4), logged when it refuses."""
        verdict = self.limiter.check(resident.key)
        if verdict is not Verdict.ALLOW:
            logger.warning("line rate limit sender=%s verdict=%s", resident.tag, verdict.value)
        return verdict

    async def _send_replies(self, inbound: Inbound, resident: Resident, replies: Sequence[Reply]) -> None:
        """Remember offered quick-reply titles (for postbacks), then deliver."""
        titles = frozenset(title for reply in replies for title in reply.quick_replies)
        self._remember(resident.key, titles)
        await self._answer(inbound, resident, line_messages(replies))

    async def _answer(self, inbound: Inbound, resident: Resident, messages: list[dict[str, Any]]) -> None:
        """Reply while the token is fresh; anything the reply did not carry goes out as a push.

        A reply that failed with 5xx or a timeout may still have arrived; we push anyway,
        because a resident who hears nothing is worse off than one who reads a text twice.
        """
        groups = batches(messages)
        if not groups:
            return
        pending = groups
        token = getattr(inbound.event, "reply_token", None)
        age = time.monotonic() - inbound.received_at
        if token and age <= self.reply_budget:
            result = await self.messenger.reply(token, groups[0])
            if result.delivered:
                pending = groups[1:]
            else:
                logger.info("line reply sender=%s outcome=%s: falling back to push", resident.tag,
                            result.outcome.value)
        else:
            logger.info("line reply sender=%s token age %.1fs over budget: push", resident.tag, age)
        if pending:
            await self.relay.push(resident.user_id, resident.key, pending)

    async def _group_notice(self, inbound: Inbound, source: GroupSource | RoomSource) -> None:
        """One note per group or room that consultations are 1:1; the message itself is not read."""
        chat_id = source.group_id if isinstance(source, GroupSource) else source.room_id
        chat_key = sender_key(self.hash_key, "line-chat", chat_id or "")
        logger.info("line message in a group or room chat=%s not read", chat_key[:12])
        token = getattr(inbound.event, "reply_token", None)
        if not token or time.monotonic() - inbound.received_at > self.reply_budget:
            return
        first, = await run_in_threadpool(claim_ids, self.db, [f"group-notice:{chat_key[:48]}"])
        if first:
            await self.messenger.reply(token, text_messages(wording.GROUP_NOTICE))

    def _remember(self, key: str, titles: frozenset[str]) -> None:
        """Keep the last offered titles per sender, bounded in memory."""
        self._offered.pop(key, None)
        if titles:
            self._offered[key] = titles
            while len(self._offered) > self.max_remembered:
                self._offered.popitem(last=False)

    def _source_key(self, event: Event) -> str:
        """A keyed hash naming the sender or chat, used to serialise its work."""
        source = getattr(event, "source", None)
        raw = (getattr(source, "user_id", None) or getattr(source, "group_id", None)
               or getattr(source, "room_id", None) or "")
        return sender_key(self.hash_key, CHANNEL, raw)


def _event_type(event: Event) -> str:
    """The event's type name for logs (never content)."""
    return str(getattr(event, "type", None) or type(event).__name__)[:40]


def _mode(event: Event) -> str:
    """`active` or `standby` (another channel owns the chat: never answer)."""
    mode = getattr(event, "mode", None)
    return str(getattr(mode, "value", mode) or "active")
