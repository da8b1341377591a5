"""Alembic environment: runs online against the engine handed over by channels.store.migrate."""

from __future__ import annotations

from alembic import context

from channels.store.models import Base

config = context.config
engine = config.attributes["engine"]

with engine.begin() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
