"""The loader refuses malformed packs with the file and field named, and finds new packs."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from knowledge.datafile import KnowledgeError
from knowledge.pack import Pack, available_packs, load_all_packs, load_pack


def _counter(data: dict, i: int = 0) -> dict:
    return data["counters.yaml"]["counters"][i]


def _routes(data: dict) -> dict:
    return data["routing.yaml"]["routes"]


# (case id, edit of the parsed files, words the error must contain)
BAD_EDITS: list[tuple[str, Callable[[dict], object], list[str]]] = [
    ("missing name", lambda d: _counter(d, 2).pop("name"),
     ["gifu/counters.yaml", "counters[2].name", "missing"]),
    ("empty explanation", lambda d: _counter(d).update(explanation_ja="  "),
     ["gifu/counters.yaml", "counters[0].explanation_ja"]),
    ("required not a bool", lambda d: _counter(d, 1).update(required="yes"),
     ["gifu/counters.yaml", "counters[1].required", "true or false"]),
    ("unknown table", lambda d: _counter(d).update(table="nowhere"),
     ["gifu/counters.yaml", "counters[0].table", "nowhere"]),
    ("misspelt field", lambda d: _counter(d).update(explanaton_ja="x"),
     ["gifu/counters.yaml", "counters[0]", "explanaton_ja"]),
    ("non-ASCII id", lambda d: _counter(d).update(id="高齢福祉課"),
     ["gifu/counters.yaml", "counters[0].id"]),
    ("duplicate id", lambda d: _counter(d, 1).update(id=_counter(d, 0)["id"]),
     ["gifu/counters.yaml", "counters", "duplicate id 'elderly_welfare_division'"]),
    ("phone not text", lambda d: _counter(d).update(phone=58),
     ["gifu/counters.yaml", "counters[0].phone", "text"]),
    ("counters not a list", lambda d: d["counters.yaml"].update(counters={"a": 1}),
     ["gifu/counters.yaml", "counters", "must be a list"]),
    ("unknown category", lambda d: _routes(d).update(pets=[{"counter": "housing_division", "why": "x"}]),
     ["gifu/routing.yaml", "routes", "pets"]),
    ("missing category", lambda d: _routes(d).pop("housing"),
     ["gifu/routing.yaml", "routes", "housing"]),
    ("dangling id", lambda d: _routes(d)["youth"][0].update(counter="ghost_center"),
     ["gifu/routing.yaml", "routes.youth[0].counter", "ghost_center"]),
    ("empty category", lambda d: _routes(d).update(youth=[]),
     ["gifu/routing.yaml", "routes.youth", "at least one"]),
    ("missing why", lambda d: _routes(d)["dv"][0].pop("why"),
     ["gifu/routing.yaml", "routes.dv[0].why"]),
    ("routed twice", lambda d: _routes(d)["dv"].append(dict(_routes(d)["dv"][0])),
     ["gifu/routing.yaml", "routes.dv", "duplicate id 'child_support_division'"]),
    ("dangling multi-agency id",
     lambda d: d["routing.yaml"]["multi_agency"]["counters"][0].update(counter="x"),
     ["gifu/routing.yaml", "multi_agency.counters[0].counter"]),
    ("wrong pack code", lambda d: d["routing.yaml"]["pack"].update(code="sakata"),
     ["gifu/routing.yaml", "pack.code", "sakata"]),
    ("missing fallback wording", lambda d: d["routing.yaml"].pop("wording"),
     ["gifu/routing.yaml", "wording"]),
]


@pytest.mark.parametrize(
    ("edit", "expected"), [(e, w) for _, e, w in BAD_EDITS], ids=[c for c, _, _ in BAD_EDITS]
)
def test_rejects_malformed_pack(pack_copy: Callable[..., Path], edit: Callable, expected: list[str]) -> None:
    root = pack_copy(edit)
    with pytest.raises(KnowledgeError) as caught:
        load_pack("gifu", root=root)
    for words in expected:
        assert words in str(caught.value)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"counters: [unclosed\n", "is not valid YAML"),
        ("counters: []\n".encode("utf-16"), "cannot be read as UTF-8"),
        (b"\xff\xfe\x00 not utf-8", "cannot be read as UTF-8"),
        (b"- just\n- a list\n", "must be a mapping"),
    ],
    ids=["not yaml", "utf-16", "binary", "list at top"],
)
def test_rejects_unreadable_file(pack_copy: Callable[..., Path], content: bytes, expected: str) -> None:
    root = pack_copy()
    (root / "gifu" / "counters.yaml").write_bytes(content)
    with pytest.raises(KnowledgeError) as caught:
        load_pack("gifu", root=root)
    assert "counters.yaml" in str(caught.value) and expected in str(caught.value)


def test_missing_file_is_named(pack_copy: Callable[..., Path]) -> None:
    root = pack_copy()
    (root / "gifu" / "routing.yaml").unlink()
    with pytest.raises(KnowledgeError, match=r"routing\.yaml"):
        load_pack("gifu", root=root)


def test_second_pack_loads_from_data_alone(
    pack_copy: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    def rename(data: dict) -> None:
        data["routing.yaml"]["pack"]["name_ja"] = "酒田市"

    pack_copy()
    root = pack_copy(rename, code="sakata")
    assert available_packs(root) == ["gifu", "sakata"]
    assert [p.code for p in load_all_packs(root)] == ["gifu", "sakata"]
    monkeypatch.setenv("MUNICIPALITY", "sakata")
    pack = load_pack(root=root)
    assert isinstance(pack, Pack) and pack.code == "sakata" and pack.name_ja == "酒田市"


def test_default_pack_is_gifu(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MUNICIPALITY", raising=False)
    assert load_pack().code == "gifu"


@pytest.mark.parametrize("code", ["../gifu", "Gifu", "gifu/..", ""])
def test_rejects_bad_municipality_codes(code: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MUNICIPALITY", code or "x y")
    with pytest.raises(KnowledgeError, match="municipality"):
        load_pack(code or None)


def test_unknown_municipality_lists_available(tmp_path: Path, pack_copy: Callable[..., Path]) -> None:
    root = pack_copy()
    with pytest.raises(KnowledgeError, match=r"'osaka' not found.*\['gifu'\]"):
        load_pack("osaka", root=root)


def test_load_is_cached() -> None:
    assert load_pack("gifu") is load_pack("gifu")


def test_pack_is_immutable() -> None:
    pack = load_pack("gifu")
    with pytest.raises(AttributeError):
        pack.code = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        pack.routes["youth"] = ()  # type: ignore[index]
