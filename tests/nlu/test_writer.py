"""Who writes."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize(("text", "writer"), [
    ("息子が不登校で困っています", "family"),
    ("借金があって生活が苦しいです", "self"),
    ("民生委員です。一人暮らしの方のごみ屋敷が心配です", "neighbour"),
    ("ケアマネをしています。担当している利用者さんの件です", "professional"),
])
def test_writer(analyzer, text: str, writer: str) -> None:
    assert analyzer.analyze(text)["writer"] == writer
