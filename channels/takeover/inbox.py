"""The gateway side of a takeover: what happens to a resident's message before Rasa sees it.

Conversations.handle asks `before_turn`: when a staff member holds the resident's latest
handoff, the message is stored for the staff inbox and Rasa is not called (its tracker,
and so every slot, stays as it was until release). The first such message of a takeover
gets one short acknowledgement (wording.ACK_TAKEN_OVER); later ones get no automatic
answer. Without a takeover the turn goes to Rasa as before, and the messages of both sides
are still stored verbatim once the resident has a handoff.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from channels.store import conversation_log as log
from channels.store.db import Database
from channels.store.handoffs import sender_key
from channels.takeover import wording


@dataclass(frozen=True)
class Gate:
    """The verdict for one resident message."""

    taken: bool
    replies: tuple[str, ...] = ()


class DatabaseInbox:
    """Stores the conversation since a handoff and tells Conversations when to stay silent."""

    def __init__(self, db: Database, hash_key: bytes) -> None:
        self.db = db
        self.hash_key = hash_key

    def before_turn(self, channel: str, sender_id: str, text: str) -> Gate:
        """Store the resident's message if they have an open handoff; say whether a person holds it."""
        with self.db.session() as session:
            handoff = log.latest_handoff(session, sender_key(self.hash_key, channel, sender_id))
            if handoff is None or handoff.status == "closed":
                return Gate(taken=False)
            log.add_message(session, handoff, "resident", text)
            session.commit()
            held = log.active_takeover(session, handoff.id)
            if held is None:
                return Gate(taken=False)
            if not log.acknowledge_once(session, held.id):
                return Gate(taken=True)
            log.add_message(session, handoff, "assistant", wording.ACK_TAKEN_OVER, delivered_via="reply")
            session.commit()
            return Gate(taken=True, replies=(wording.ACK_TAKEN_OVER,))

    def after_turn(self, channel: str, sender_id: str, replies: Sequence[str]) -> None:
        """Store the assistant's answers (given inline) when the resident has an open handoff."""
        if not replies:
            return
        with self.db.session() as session:
            handoff = log.latest_handoff(session, sender_key(self.hash_key, channel, sender_id))
            if handoff is None or handoff.status == "closed":
                return
            for text in replies:
                log.add_message(session, handoff, "assistant", text, delivered_via="reply")
            session.commit()
