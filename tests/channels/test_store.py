"""The store on SQLite and PostgreSQL: migrations, idempotent handoffs, queue order, statuses."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import inspect

from channels.store import handoffs, staff_users
from channels.store.db import Database, normalize_url
from channels.store.migrate import upgrade
from channels.store.sink import DatabaseHandoffSink
from tests.channels.factories import record

KEY = b"test-hash-key-0123456789"


def test_migration_creates_every_table_and_is_idempotent(db: Database) -> None:
    upgrade(db)
    tables = set(inspect(db.engine).get_table_names())
    assert {
        "handoffs",
        "handoff_status_changes",
        "staff_users",
        "staff_sessions",
        "audit_log",
        "processed_events",
        "outbox",
        "alembic_version",
    } <= tables


def test_save_is_idempotent_on_record_id(db: Database) -> None:
    sink = DatabaseHandoffSink(db, KEY)
    payload = record()
    assert sink.save_handoff(payload, "line", "U1234") is True
    assert sink.save_handoff(payload, "line", "U1234") is False
    with db.session() as session:
        rows = handoffs.queue(session)
    assert len(rows) == 1
    assert rows[0].channel == "line" and rows[0].record["channel"] == "line"
    assert rows[0].sender_key == handoffs.sender_key(KEY, "line", "U1234")
    assert "U1234" not in rows[0].sender_key


def test_concurrent_saves_store_once(db: Database) -> None:
    sink = DatabaseHandoffSink(db, KEY)
    payload = record()
    results: list[bool] = []
    barrier = threading.Barrier(5)

    def save() -> None:
        barrier.wait()
        results.append(sink.save_handoff(payload, "web", "s"))

    threads = [threading.Thread(target=save) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count(True) == 1
    with db.session() as session:
        assert len(handoffs.queue(session)) == 1


@pytest.mark.parametrize(
    "change",
    [
        {"unexpected": 1},
        {"consent": {"share_with_staff": False, "at": "2026-11-28T10:00:00+09:00", "wording": "x"}},
        {"categories": ["not_a_category"]},
        {"household": [{"relation": "mother", "age": {"min": 90, "max": 80}}]},
        {"household": [{"relation": "mother", "nickname": "x"}]},
        {"id": "../../etc"},
    ],
)
def test_invalid_records_are_rejected_without_rows(db: Database, change: dict) -> None:
    sink = DatabaseHandoffSink(db, KEY)
    with pytest.raises(handoffs.InvalidHandoff) as caught:
        sink.save_handoff(record(**change), "web", "s")
    assert 'share_with_staff": False' not in str(caught.value)
    with db.session() as session:
        assert handoffs.queue(session) == []


def test_queue_puts_urgent_first_then_oldest_and_closed_last(db: Database) -> None:
    sink = DatabaseHandoffSink(db, KEY)
    old = record(created_at="2026-11-01T09:00:00+09:00")
    new = record(created_at="2026-11-20T09:00:00+09:00")
    urgent = record(created_at="2026-11-27T09:00:00+09:00", crisis={"level": "urgent", "types": ["suicide"]})
    closed = record(created_at="2026-10-01T09:00:00+09:00")
    for item in (new, old, urgent, closed):
        sink.save_handoff(item, "web", item["id"])
    with db.session() as session:
        handoffs.change_status(session, closed["id"], "accepted", "tanaka")
        handoffs.change_status(session, closed["id"], "closed", "tanaka")
        order = [h.id for h in handoffs.queue(session)]
    assert order == [urgent["id"], old["id"], new["id"], closed["id"]]


def test_status_flow_and_history(db: Database) -> None:
    sink = DatabaseHandoffSink(db, KEY)
    item = record()
    sink.save_handoff(item, "web", "s")
    with db.session() as session:
        with pytest.raises(handoffs.StatusConflict):
            handoffs.change_status(session, item["id"], "closed", "tanaka")
        handoffs.change_status(session, item["id"], "accepted", "tanaka")
        handoffs.change_status(session, item["id"], "closed", "suzuki")
        history = handoffs.status_history(session, item["id"])
        row = handoffs.get(session, item["id"])
    assert [(h.from_status, h.to_status, h.changed_by) for h in history] == [
        ("new", "accepted", "tanaka"),
        ("accepted", "closed", "suzuki"),
    ]
    assert row is not None and row.status == "closed" and row.updated_by == "suzuki"
    assert handoffs.as_record(row)["status"] == "closed"
    assert row.created_at.utcoffset() == timedelta(0)


def test_passwords_are_salted_scrypt(db: Database) -> None:
    with db.session() as session:
        user = staff_users.create(session, "yamada", "a-long-password-123", "山田")
        assert user.password_hash.startswith("scrypt$") and "a-long-password" not in user.password_hash
        assert staff_users.authenticate(session, "yamada", "a-long-password-123") is not None
        assert staff_users.authenticate(session, "yamada", "wrong-password-123") is None
        assert staff_users.authenticate(session, "nobody", "a-long-password-123") is None
        with pytest.raises(staff_users.AccountExists):
            staff_users.create(session, "yamada", "another-password-1", "山田")
    assert staff_users.hash_password("same") != staff_users.hash_password("same")


def test_url_normalisation() -> None:
    assert normalize_url("postgresql://u:p@h:5432/d").startswith("postgresql+psycopg://u:p@h:5432/d")
    assert normalize_url("sqlite:///var/x.sqlite3").endswith("/var/x.sqlite3")
    assert normalize_url("sqlite:///var/x.sqlite3").startswith("sqlite:////")
