"""``python -m knowledge.check``: validate every knowledge file before deploying.

Loads the categories, the hotlines (failing on stale entries, checklist C3) and every
pack under ``knowledge/packs/`` with its office hours; prints one line and exits 0, or the first error and 1.
"""
from __future__ import annotations

import sys
from datetime import date

from knowledge.datafile import KnowledgeError
from knowledge.hours import load_hours
from knowledge.pack import available_packs, load_all_packs, load_categories, load_hotline_directory


def run(today: date | None = None) -> str:
    """Check everything; return the OK line or raise KnowledgeError."""
    categories = load_categories()
    directory = load_hotline_directory()
    stale = directory.stale(today)
    if stale:
        ids = [h.id for h in stale]
        raise KnowledgeError(
            f"hotlines.yaml: {ids} last verified more than {directory.max_age_days} days ago; re-verify them"
        )
    packs = load_all_packs()
    if not packs:
        raise KnowledgeError(f"no knowledge pack found (looked for: {available_packs()})")
    for pack in packs:
        load_hours(pack.code)  # a bad hours.yaml must fail before deploy, not at the first night message
    summary = ", ".join(f"{p.code} ({len(p.counters)} counters)" for p in packs)
    return f"OK: {len(categories)} categories, {len(directory.hotlines)} hotlines, packs: {summary}"


def main() -> int:
    """Entry point: one line on stdout (OK) or stderr (error)."""
    try:
        print(run())
    except KnowledgeError as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
