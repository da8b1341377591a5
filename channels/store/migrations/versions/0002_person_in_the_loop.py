"""Person in the loop (contract §8): handoff routes, takeovers, conversation messages.

`ux_takeovers_active` is a partial unique index: at most one unreleased takeover per
handoff, so two staff members can never hold one conversation, whatever the Python does.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

ACTIVE = sa.text("released_at IS NULL")


def upgrade() -> None:
    """Apply."""
    op.create_table(
        "handoff_routes",
        sa.Column("handoff_id", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("recipient", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["handoff_id"], ["handoffs.id"]),
        sa.PrimaryKeyConstraint("handoff_id"),
    )
    op.create_table(
        "takeovers",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("handoff_id", sa.String(length=64), nullable=False),
        sa.Column("held_by", sa.String(length=64), nullable=False),
        sa.Column("held_by_name", sa.String(length=128), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("released_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["handoff_id"], ["handoffs.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("takeovers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_takeovers_handoff_id"), ["handoff_id"], unique=False)
        batch_op.create_index(
            "ux_takeovers_active",
            ["handoff_id"],
            unique=True,
            sqlite_where=ACTIVE,
            postgresql_where=ACTIVE,
        )
    op.create_table(
        "conversation_messages",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("handoff_id", sa.String(length=64), nullable=False),
        sa.Column("sender_key", sa.String(length=64), nullable=False),
        sa.Column("author", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("staff_username", sa.String(length=64), nullable=True),
        sa.Column("staff_name", sa.String(length=128), nullable=True),
        sa.Column("delivered_via", sa.String(length=16), nullable=True),
        sa.Column("outbox_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["handoff_id"], ["handoffs.id"]),
        sa.ForeignKeyConstraint(["outbox_id"], ["outbox.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("conversation_messages", schema=None) as batch_op:
        batch_op.create_index("ix_conversation_messages_handoff", ["handoff_id", "id"], unique=False)
        batch_op.create_index("ix_conversation_messages_sender", ["sender_key", "id"], unique=False)


def downgrade() -> None:
    """Revert."""
    with op.batch_alter_table("conversation_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_conversation_messages_sender")
        batch_op.drop_index("ix_conversation_messages_handoff")
    op.drop_table("conversation_messages")
    with op.batch_alter_table("takeovers", schema=None) as batch_op:
        batch_op.drop_index("ux_takeovers_active")
        batch_op.drop_index(batch_op.f("ix_takeovers_handoff_id"))
    op.drop_table("takeovers")
    op.drop_table("handoff_routes")
