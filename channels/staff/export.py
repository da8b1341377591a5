"""JSON and CSV exports of handoff records. CSV cells are guarded against formula injection."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any

from channels.staff import labels

CSV_COLUMNS = (
    "id",
    "受付日時",
    "経路",
    "状態",
    "緊急度",
    "緊急の種類",
    "困りごと",
    "世帯",
    "連絡方法",
    "連絡先メモ",
    "連絡してはいけない時間",
    "説明した窓口",
    "相談者",
    "本人の言葉",
    "要約",
)


def to_json(records: list[dict[str, Any]]) -> str:
    """Records as a UTF-8 JSON array (contract §6 shape)."""
    return json.dumps(records, ensure_ascii=False, indent=2)


def to_csv(records: Iterable[dict[str, Any]]) -> str:
    """One row per record with Japanese headers; BOM so spreadsheet software reads UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for record in records:
        writer.writerow([_safe(cell) for cell in _row(record)])
    return "\ufeff" + buffer.getvalue()


def _row(record: dict[str, Any]) -> list[str]:
    crisis = record.get("crisis") or {}
    contact = record.get("contact") or {}
    household = "; ".join(
        f"{labels.relation(m.get('relation', ''))}({labels.age(m.get('age'))})"
        + (
            ":" + "・".join(labels.category(c) for c in m.get("categories", []))
            if m.get("categories")
            else ""
        )
        for m in record.get("household", [])
    )
    return [
        record.get("id", ""),
        record.get("created_at", ""),
        labels.CHANNEL_LABELS.get(record.get("channel", ""), ""),
        labels.STATUS_LABELS.get(record.get("status", ""), ""),
        labels.CRISIS_LEVEL_LABELS.get(crisis.get("level", "none"), ""),
        "・".join(labels.CRISIS_TYPE_LABELS.get(t, t) for t in crisis.get("types", [])),
        "・".join(labels.category(c) for c in record.get("categories", [])),
        household,
        labels.CONTACT_LABELS.get(contact.get("preferred", "none"), ""),
        contact.get("detail", ""),
        record.get("no_contact_times") or "",
        "・".join(record.get("counters_explained", [])),
        labels.writer(record.get("writer")),
        "\n".join(record.get("resident_words", [])),
        record.get("summary_ja", ""),
    ]


def _safe(value: Any) -> str:
    """Prefix cells a spreadsheet would run as a formula (OWASP CSV injection)."""
    text = "" if value is None else str(value)
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text
