"""Helpers shared by the knowledge tests (a uniquely named module, importable by tests)."""
from __future__ import annotations

import os
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def shared_dir() -> Path:
    """Where the shared spec and seeds are: $SHARED_DIR or ../shared beside the repo."""
    return Path(os.environ.get("SHARED_DIR") or REPO / ".." / "shared").resolve()


def read_shared(pattern: str) -> str:
    """The one shared file matching ``pattern``; fails (not skips) when it is missing."""
    found = sorted(shared_dir().glob(pattern))
    assert len(found) == 1, f"expected one file {pattern} under {shared_dir()}, found {found}"
    return found[0].read_text(encoding="utf-8")


def squeeze(text: str) -> str:
    """Text without HTML tags and whitespace, to compare across PDF line and cell breaks."""
    return re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", text))


def quoted(sentence: str, text: str, max_gap: int = 40) -> bool:
    """``sentence`` is in ``text``, allowing one break of at most ``max_gap`` characters.

    A table cell that runs over a PDF page comes out of the text extraction as two
    pieces with the next cells (運営形態, 担当課) between them.
    """
    if sentence in text:
        return True
    for cut in range(1, len(sentence)):
        head, tail = sentence[:cut], sentence[cut:]
        start = text.find(head)
        while start >= 0:
            end = start + len(head)
            found = text.find(tail, end, end + max_gap + len(tail))
            if found >= 0:
                return True
            start = text.find(head, start + 1)
    return False
