"""Japanese labels for codes shown to staff (categories, relations, status, contact), from knowledge data."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone
from functools import lru_cache

from knowledge import load_yaml
from knowledge.datafile import DATA_DIR

logger = logging.getLogger(__name__)

STATUS_LABELS = {"new": "新規", "accepted": "対応中", "closed": "完了"}
CONTACT_LABELS = {"line": "LINE", "phone": "電話", "visit": "訪問・来所", "none": "希望なし"}
CHANNEL_LABELS = {"line": "LINE", "web": "Webチャット"}
CRISIS_TYPE_LABELS = {"suicide": "自殺念慮", "violence": "暴力", "abuse": "虐待", "medical": "急病・けが"}
CRISIS_LEVEL_LABELS = {"urgent": "緊急", "none": "なし"}


@lru_cache(maxsize=1)
def _labels_file() -> dict:
    """wording/labels.yaml, or {} when it cannot be read (labels then fall back to codes)."""
    try:
        data = load_yaml(DATA_DIR / "wording" / "labels.yaml")
    except Exception:
        logger.exception("labels.yaml could not be read; showing codes")
        return {}
    return data if isinstance(data, dict) else {}


def category(code: str) -> str:
    """表示名 of an issue category."""
    entry = (_labels_file().get("categories") or {}).get(code)
    return str(entry.get("label")) if isinstance(entry, dict) and entry.get("label") else code


def relation(code: str) -> str:
    """続柄 in plain Japanese (母, 息子, …)."""
    entry = (_labels_file().get("relations") or {}).get(code)
    return str(entry.get("plain")) if isinstance(entry, dict) and entry.get("plain") else code


def writer(code: str | None) -> str:
    """Who wrote (ご本人, ご家族, …)."""
    if not code:
        return "不明"
    return str((_labels_file().get("writers") or {}).get(code, code))


def age(value: dict | None) -> str:
    """85歳, 80〜89歳, or 不明."""
    if not isinstance(value, dict):
        return "不明"
    low, high = value.get("min"), value.get("max")
    if low == high:
        return f"{low}歳"
    return f"{low}〜{high}歳"


def waited(seconds: float) -> str:
    """A short Japanese duration: 3日4時間, 2時間15分, 5分."""
    minutes = max(0, int(seconds // 60))
    days, rest = divmod(minutes, 60 * 24)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}日{hours}時間"
    if hours:
        return f"{hours}時間{mins}分"
    return f"{mins}分"


ACTION_LABELS = {
    "list": "一覧を表示",
    "read": "詳細を表示",
    "api_list": "一覧を取得(API)",
    "api_read": "詳細を取得(API)",
    "read_messages": "会話を表示",
    "take": "会話を受け持った",
    "reply": "住民へ送信",
    "release": "自動の案内に戻した",
    "audit_read": "操作の記録を表示",
    "trends_read": "相談の傾向を表示",
    "trends_csv": "相談の傾向をCSVで出力",
}


def action(code: str) -> str:
    """操作 in Japanese; status changes and exports are built from their parts."""
    if code in ACTION_LABELS:
        return ACTION_LABELS[code]
    if code.startswith("status:"):
        return "状態を変更: " + STATUS_LABELS.get(code[7:], code[7:])
    if code.startswith("export"):
        return "出力: " + code.removeprefix("export_").replace("_", " ")
    return code


JST = timezone(timedelta(hours=9), "JST")


def jst_time(iso: str) -> str:
    """「13:05」 in Japan time from an ISO 8601 timestamp (stored in UTC)."""
    try:
        return datetime.fromisoformat(iso).astimezone(JST).strftime("%H:%M")
    except (TypeError, ValueError):
        return ""
