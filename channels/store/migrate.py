"""Upgrade the store to the newest migration: `python -m channels.store.migrate`.

Alembic is configured in code (no alembic.ini): the URL comes from Settings, so there is
one source of configuration and no password in a file.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from alembic import command
from alembic.config import Config

from channels.settings import Settings
from channels.store.db import Database

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(db: Database) -> Config:
    """An Alembic config that reuses the given engine."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = db.engine
    return config


def upgrade(db: Database, revision: str = "head") -> None:
    """Apply migrations up to `revision` (idempotent)."""
    command.upgrade(alembic_config(db), revision)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: upgrade the database named by DATABASE_URL."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    args = sys.argv[1:] if argv is None else argv
    revision = args[0] if args else "head"
    db = Database(Settings.from_env().database_url)
    try:
        upgrade(db, revision)
    finally:
        db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
