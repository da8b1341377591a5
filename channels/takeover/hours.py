"""Office hours for the gateway: the resident's availability line and the console's open/closed badge.

knowledge/hours.py owns the data and the wording; this module only adapts it, and never
lets a broken hours file stop a turn or a console page (it logs and shows "不明").
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from functools import partial

from channels.store.models import utcnow
from knowledge.hours import format_date_ja, load_hours

logger = logging.getLogger(__name__)


def availability(municipality: str) -> Callable[[datetime], str]:
    """`at -> availability_text(at)` of the staff team (plain Japanese)."""
    return partial(_availability, municipality)


def _availability(municipality: str, at: datetime) -> str:
    return load_hours(municipality).availability_text(at)


def team_status(municipality: str, at: datetime | None = None) -> dict[str, str]:
    """{"state": open|closed|not_set|unknown, "label": 日本語} for the console header."""
    now = at or utcnow()
    try:
        hours = load_hours(municipality)
        is_open = hours.is_open(now)
        following = hours.next_opening(now) if is_open is False else None
    except Exception as exc:
        logger.error("office hours unavailable: %s", type(exc).__name__)
        return {"state": "unknown", "label": "受付時間: 不明(設定を読めません)"}
    if is_open is None:
        return {"state": "not_set", "label": "受付時間: 未設定(住民には「開庁時間内に確認します」と案内)"}
    if is_open:
        return {"state": "open", "label": "いまは開庁時間です"}
    if following is None:
        return {"state": "closed", "label": "いまは閉庁時間です"}
    when = f"{format_date_ja(following.date())} {following.hour}:{following.minute:02d}"
    return {"state": "closed", "label": f"いまは閉庁時間です(次の開庁: {when})"}
