"""Typed settings of the gateway, read from the environment in one place (contract §7).

Secrets have no defaults in production: with APP_ENV=production a missing SESSION_SECRET
stops the start-up. In development a per-process secret is generated (sessions and sender
hashes then change at every restart, which is why it warns).
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

logger = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "sqlite:///var/intake.sqlite3"


class SettingsError(ValueError):
    """A required setting is missing or malformed."""


@dataclass(frozen=True)
class Settings:
    """Everything the gateway reads from its environment."""

    app_env: str = "development"
    port: int = 8000
    database_url: str = DEFAULT_DATABASE_URL
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_token: str | None = None
    rasa_timeout: float = 15.0
    session_secret: str = field(default_factory=lambda: secrets.token_urlsafe(32), repr=False)
    hash_key: str | None = field(default=None, repr=False)
    staff_api_tokens: tuple[str, ...] = field(default=(), repr=False)
    municipality: str = "gifu"
    max_text_chars: int = 2000
    max_body_bytes: int = 64 * 1024
    staff_idle_minutes: int = 15
    staff_absolute_hours: int = 8
    line_channel_secret: str | None = field(default=None, repr=False)
    line_channel_access_token: str | None = field(default=None, repr=False)
    line_api_base_url: str = "https://api.line.me"
    staff_notify_url: str | None = field(default=None, repr=False)
    web_feed_poll_seconds: float = 1.0
    web_rate_per_session: int = 20  # web chat messages per session per window [GUESS]
    web_rate_per_ip: int = 120  # web chat messages per client address per window [GUESS]
    web_rate_window_seconds: int = 60
    migrate_on_startup: bool = True

    @property
    def production(self) -> bool:
        """True when secrets must come from the environment."""
        return self.app_env == "production"

    @property
    def sender_hash_key(self) -> bytes:
        """Key for the keyed hash of sender ids (HASH_KEY, else SESSION_SECRET)."""
        return (self.hash_key or self.session_secret).encode()

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Build settings from a mapping (os.environ by default)."""
        env = os.environ if env is None else env
        app_env = env.get("APP_ENV", "development").strip() or "development"
        return cls(
            app_env=app_env,
            port=_int(env, "PORT", 8000),
            database_url=env.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
            rasa_url=env.get("RASA_URL") or "http://127.0.0.1:5005",
            rasa_token=env.get("RASA_TOKEN") or None,
            rasa_timeout=float(env.get("RASA_TIMEOUT") or 15.0),
            session_secret=_session_secret(env, app_env),
            hash_key=env.get("HASH_KEY") or None,
            staff_api_tokens=tuple(
                t.strip() for t in env.get("STAFF_API_TOKENS", "").split(",") if t.strip()
            ),
            municipality=env.get("MUNICIPALITY") or "gifu",
            max_text_chars=_int(env, "MAX_TEXT_CHARS", 2000),
            max_body_bytes=_int(env, "MAX_BODY_BYTES", 64 * 1024),
            staff_idle_minutes=_int(env, "STAFF_IDLE_MINUTES", 15),
            line_channel_secret=env.get("LINE_CHANNEL_SECRET") or None,
            line_channel_access_token=env.get("LINE_CHANNEL_ACCESS_TOKEN") or None,
            line_api_base_url=env.get("LINE_API_BASE_URL") or "https://api.line.me",
            staff_notify_url=env.get("STAFF_NOTIFY_URL") or None,
            web_rate_per_session=_int(env, "WEB_RATE_PER_SESSION", 20),
            web_rate_per_ip=_int(env, "WEB_RATE_PER_IP", 120),
            web_rate_window_seconds=_int(env, "WEB_RATE_WINDOW_SECONDS", 60),
            migrate_on_startup=env.get("MIGRATE_ON_STARTUP", "1") not in ("0", "false", "no"),
        )


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    """A positive integer setting, or SettingsError naming the variable."""
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be an integer") from exc
    if value <= 0:
        raise SettingsError(f"{name} must be positive")
    return value


def _session_secret(env: Mapping[str, str], app_env: str) -> str:
    """SESSION_SECRET from the environment; generated per process outside production."""
    value = env.get("SESSION_SECRET")
    if value:
        if len(value) < 16:
            raise SettingsError("SESSION_SECRET must be at least 16 characters")
        return value
    if app_env == "production":
        raise SettingsError("SESSION_SECRET is required when APP_ENV=production")
    logger.warning("SESSION_SECRET not set: using a per-process secret (development only)")
    return secrets.token_urlsafe(32)
