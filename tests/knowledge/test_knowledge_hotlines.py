"""Hotline data (reliability checklist C3) and the categories file."""
from __future__ import annotations

import re
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from knowledge.codes import CRISIS_TYPES
from knowledge.datafile import KnowledgeError
from knowledge.hotlines import HOTLINES_FILE, Hotline, load_hotline_directory
from knowledge.pack import load_categories, load_hotlines

HOTLINES = load_hotlines()
NUMBERS = [n for h in HOTLINES for n in (h.number, *(a.number for a in h.alternates))]

VALID_ENTRY = """\
  - id: police
    number: "110"
    name_ja: 警察
    for_ja: 通報する番号です。
    types: [violence]
    urgent: true
    hours_ja: null
    alternates: []
    source: shared/spec/reliability.md
    source_url: null
    verified: 2026-11-28
"""


def allowed_numbers(reliability: str) -> set[str]:
    """Every phone number written in the reliability checklist's hotline paragraph."""
    paragraph = reliability.split("Hotline numbers checked in those sources:")[1].split("Keep them")[0]
    return set(re.findall(r"#\d{4}|0\d{2,3}-\d{1,3}-\d{3,5}|\b\d{3}\b", paragraph)) - {"#7110"}


def write(tmp_path: Path, entries: str, header: str = "version: 1\nmax_age_days: 92\n") -> Path:
    path = tmp_path / "hotlines.yaml"
    path.write_text(header + "hotlines:\n" + entries, encoding="utf-8")
    return path


def test_allowed_set_is_read_from_reliability(reliability: str) -> None:
    allowed = allowed_numbers(reliability)
    assert {"110", "119", "189", "#8008", "0120-279-338", "0570-783-556"} <= allowed


@pytest.mark.parametrize("number", NUMBERS)
def test_number_is_in_the_allowed_set(reliability: str, number: str) -> None:
    assert number in allowed_numbers(reliability)


def test_every_contract_emergency_number_is_present(contract: str) -> None:
    for number in ("110", "119", "#8008", "189", "0570-783-556", "0120-279-338"):
        assert number in contract and number in NUMBERS


def test_no_7110_anywhere() -> None:
    assert "#7110" not in NUMBERS
    assert "7110" not in HOTLINES_FILE.read_text(encoding="utf-8")


@pytest.mark.parametrize("hotline", HOTLINES, ids=[h.id for h in HOTLINES])
def test_entry_is_complete(hotline: Hotline) -> None:
    assert hotline.verified == date(2026, 11, 28)
    assert hotline.source
    assert set(hotline.types) <= {*CRISIS_TYPES, "dv"}
    assert hotline.for_ja.endswith("です。")


@pytest.mark.parametrize(
    ("types", "first_numbers"),
    [
        (["medical"], ["119"]),
        (["abuse"], ["110", "189"]),
        (["dv"], ["110", "#8008", "0120-279-889"]),
        (["suicide"], ["119", "0570-783-556", "0120-279-338"]),
        ([], []),
    ],
)
def test_hotlines_for(types: list[str], first_numbers: list[str]) -> None:
    from knowledge.pack import hotlines_for

    found = [h.number for h in hotlines_for(types)]
    assert found[: len(first_numbers)] == first_numbers


def test_hotlines_for_rejects_unknown_type() -> None:
    from knowledge.pack import hotlines_for

    with pytest.raises(KnowledgeError, match="unknown type"):
        hotlines_for(["sadness"])


def test_stale_entries_are_reported() -> None:
    directory = load_hotline_directory()
    assert directory.stale(date(2026, 12, 1)) == ()
    late = date(2026, 11, 28) + timedelta(days=directory.max_age_days + 1)
    assert len(directory.stale(late)) == len(HOTLINES)


def test_hotlines_are_not_stale_today() -> None:
    """C3: CI fails when the numbers have not been re-verified for a quarter."""
    assert load_hotline_directory().stale() == ()


@pytest.mark.parametrize(
    ("entries", "expected"),
    [
        (VALID_ENTRY.replace('"110"', '"#7110"'), "hotlines[0].number: '#7110' is not a national"),
        (VALID_ENTRY.replace('"110"', '"call us"'), "hotlines[0].number"),
        (VALID_ENTRY.replace("[violence]", "[sadness]"), "hotlines[0].types"),
        (VALID_ENTRY.replace("2026-11-28", "last week"), "hotlines[0].verified"),
        (VALID_ENTRY.replace("    name_ja: 警察\n", ""), "hotlines[0].name_ja"),
        (VALID_ENTRY.replace("urgent: true", "urgent: 1"), "hotlines[0].urgent"),
        (VALID_ENTRY + VALID_ENTRY, "duplicate id police"),
    ],
    ids=["7110", "not a number", "unknown type", "bad date", "missing name", "urgent not bool", "duplicate"],
)
def test_rejects_malformed_hotlines(tmp_path: Path, entries: str, expected: str) -> None:
    with pytest.raises(KnowledgeError) as caught:
        load_hotlines(write(tmp_path, entries))
    assert "hotlines.yaml" in str(caught.value) and expected in str(caught.value)


def test_valid_hotline_file_loads(tmp_path: Path) -> None:
    (hotline,) = load_hotlines(write(tmp_path, VALID_ENTRY))
    assert hotline.number == "110" and hotline.verified == date(2026, 11, 28)


def test_hotlines_non_utf8(tmp_path: Path) -> None:
    path = tmp_path / "hotlines.yaml"
    path.write_bytes("hotlines: []\nname: 警察\n".encode("shift_jis"))
    with pytest.raises(KnowledgeError, match=r"hotlines\.yaml.*UTF-8"):
        load_hotlines(path)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("categories:\n  - code: pets\n    label_ja: ペット\n", "categories[0].code: 'pets'"),
        ("categories:\n  - code: dv\n", "categories[0].label_ja"),
        ("categories:\n  - code: dv\n    label_ja: DV\n", "codes must be exactly"),
        ("categories: [unclosed\n", "is not valid YAML"),
    ],
)
def test_rejects_malformed_categories(tmp_path: Path, body: str, expected: str) -> None:
    path = tmp_path / "categories.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(KnowledgeError) as caught:
        load_categories(path)
    assert "categories.yaml" in str(caught.value) and expected in str(caught.value)


def test_check_command_prints_one_ok_line() -> None:
    repo = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-m", "knowledge.check"], cwd=repo, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("OK:") and done.stdout.count("\n") == 1
