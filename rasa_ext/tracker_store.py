"""Rasa's SQL tracker store with `pool_pre_ping`, so a database restart loses no conversation.

Why: Rasa 3.6 wraps every tracker store in FailSafeTrackerStore, which answers a failed
`retrieve` with None. After PostgreSQL restarts, the first turn on each stale pooled
connection would therefore run on an empty tracker: that turn's state is silently lost
(seen in tests/e2e/test_faults.py). Pinging a connection before use replaces stale ones.

endpoints.yml (scripts/stack.py writes it for PostgreSQL):
    tracker_store:
      type: rasa_ext.tracker_store.PrePingSQLTrackerStore
      dialect: postgresql
      ...
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs


class PrePingSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore whose engine checks each pooled connection before handing it out."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
