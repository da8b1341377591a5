"""Loading the NLU lexicons in ``knowledge/lexicons/`` (categories, kinship, crisis, writer).

The words are reviewed data, edited by staff who know the residents' speech; this module
only checks their shape and names the file and field on error. Normalising the words
(Sudachi forms, readings) is the NLU's job, so this module needs nothing beyond PyYAML.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from knowledge.codes import CATEGORIES, CRISIS_TYPES, RELATIONS, WRITERS
from knowledge.datafile import DATA_DIR, Fields, KnowledgeError, open_file

LEXICON_DIR = DATA_DIR / "lexicons"


@dataclass(frozen=True, eq=False)
class Polarity:
    """Cues that make a category mention not count (negated or hypothetical)."""

    negation: frozenset[str]
    existential: frozenset[str]
    hypothetical_before: tuple[str, ...]
    hypothetical_after: frozenset[str]
    past_before: frozenset[str]


@dataclass(frozen=True, eq=False)
class CategoryLexicon:
    """Terms per category code, plus the polarity cues."""

    terms: dict[str, tuple[str, ...]]
    polarity: Polarity


@dataclass(frozen=True, eq=False)
class KinWord:
    """One kinship word: the relations it names (several for 両親) and an identity tag."""

    term: str
    relations: tuple[str, ...]
    ident: str | None = None


@dataclass(frozen=True, eq=False)
class Compound:
    """``X の Y`` rule: first relation in ``first``, second in ``second`` → ``relation``."""

    first: frozenset[str]
    second: frozenset[str]
    relation: str


@dataclass(frozen=True, eq=False)
class AgeRules:
    """Life stages, school grades and the modifiers of round numbers (80代前半, 90近い)."""

    life_stages: dict[str, tuple[int, int]]
    grades: dict[str, int]
    decade_parts: dict[str, tuple[int, int]]
    round_modifiers: dict[str, tuple[int, int]]


@dataclass(frozen=True, eq=False)
class KinshipLexicon:
    """Everything the household extractor needs to know about words for people."""

    words: tuple[KinWord, ...]
    compounds: tuple[Compound, ...]
    other_modifiers: tuple[str, ...]
    speaker: frozenset[str]
    multipliers: dict[str, int]
    number_words: dict[str, int]
    ages: AgeRules
    husband_after: frozenset[str] = frozenset()
    wife_after: frozenset[str] = frozenset()
    spouse_particles: tuple[str, ...] = ()
    katakana_only: frozenset[str] = frozenset()


@dataclass(frozen=True, eq=False)
class CrisisLexicon:
    """Crisis terms per type and the idioms that do not count (死ぬほど忙しい)."""

    terms: dict[str, tuple[str, ...]]
    idioms: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True, eq=False)
class WriterLexicon:
    """Cues per writer kind, in priority order, and the categories that point to family."""

    cues: dict[str, tuple[str, ...]]
    family_categories: frozenset[str]
    own_state: tuple[str, ...] = ()   # the writer's own state: 限界, 眠れ, 自分が怖い
    hearsay: tuple[str, ...] = ()     # reporting someone else's situation: ようです, と言って
    self_intro: tuple[str, ...] = ()  # who introduces themself in a first 「…です。」: 高校生, 中3


def _code_keys(fields: Fields, key: str, allowed: tuple[str, ...]) -> dict[str, Fields]:
    """The sub-mappings under ``key`` whose keys must be contract codes."""
    block = fields.mapping(key)
    assert block is not None
    unknown = sorted(set(block.data) - set(allowed))
    if unknown:
        raise KnowledgeError(f"{block.where}: unknown codes {unknown}; allowed: {list(allowed)}")
    return {code: block for code in block.data}


def _pair(value: object, where: str) -> tuple[int, int]:
    if (not isinstance(value, list) or len(value) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)):
        raise KnowledgeError(f"{where}: must be a pair of whole numbers [min, max]")
    return value[0], value[1]


def _pairs(fields: Fields, key: str) -> dict[str, tuple[int, int]]:
    block = fields.mapping(key)
    assert block is not None
    return {k: _pair(v, f"{block.where}.{k}") for k, v in block.data.items()}


def _ints(fields: Fields, key: str) -> dict[str, int]:
    block = fields.mapping(key)
    assert block is not None
    return {k: block.integer(k) or 0 for k in block.data}


def load_categories(path: Path | None = None) -> CategoryLexicon:
    """Read ``categories.yaml``: ``categories.<code>.terms`` and ``polarity``."""
    fields = open_file(path or LEXICON_DIR / "categories.yaml")
    block = fields.mapping("categories")
    assert block is not None
    _code_keys(fields, "categories", CATEGORIES)
    terms = {}
    for code in block.data:
        entry = block.mapping(code)
        assert entry is not None
        terms[code] = tuple(entry.texts("terms"))
    pol = fields.mapping("polarity")
    assert pol is not None
    polarity = Polarity(
        negation=frozenset(pol.texts("negation")),
        existential=frozenset(pol.texts("existential")),
        hypothetical_before=tuple(pol.texts("hypothetical_before")),
        hypothetical_after=frozenset(pol.texts("hypothetical_after")),
        past_before=frozenset(pol.texts("past_before")),
    )
    return CategoryLexicon(terms=terms, polarity=polarity)


def _kin_word_group(item: Fields) -> list[KinWord]:
    single = item.one_of("relation", frozenset(RELATIONS), required=False)
    several = item.texts("relations", required=False)
    if bool(single) == bool(several):
        raise KnowledgeError(f"{item.where}: give exactly one of 'relation' or 'relations'")
    bad = sorted(set(several) - set(RELATIONS))
    if bad:
        raise KnowledgeError(f"{item.where}.relations: unknown relation codes {bad}")
    relations = (single,) if single else tuple(several)
    ident = item.text("ident", required=False)
    return [KinWord(term, relations, ident) for term in item.texts("terms")]


def _compound(item: Fields) -> Compound:
    first, second = item.texts("first"), item.texts("second")
    bad = sorted((set(first) | set(second)) - set(RELATIONS))
    if bad:
        raise KnowledgeError(f"{item.where}: unknown relation codes {bad}")
    relation = item.one_of("relation", frozenset(RELATIONS))
    assert relation is not None
    return Compound(frozenset(first), frozenset(second), relation)


def load_kinship(path: Path | None = None) -> KinshipLexicon:
    """Read ``kinship.yaml``: words, compounds, speaker words and age rules."""
    fields = open_file(path or LEXICON_DIR / "kinship.yaml")
    words = [w for item in fields.items("words") for w in _kin_word_group(item)]
    ages = AgeRules(
        life_stages=_pairs(fields, "life_stages"),
        grades=_ints(fields, "grades"),
        decade_parts=_pairs(fields, "decade_parts"),
        round_modifiers=_pairs(fields, "round_number_modifiers"),
    )
    return KinshipLexicon(
        words=tuple(words),
        compounds=tuple(_compound(item) for item in fields.items("compounds")),
        other_modifiers=tuple(fields.texts("other_modifiers")),
        speaker=frozenset(fields.texts("speaker")),
        multipliers=_ints(fields, "multipliers"),
        number_words=_ints(fields, "number_words"),
        ages=ages,
        **_spouse_rules(fields),
        katakana_only=frozenset(fields.texts("katakana_only", required=False)),
    )


def _spouse_rules(fields: Fields) -> dict:
    """``spouse_of_relative`` (optional): 娘が夫から… → the daughter's husband."""
    block = fields.mapping("spouse_of_relative", required=False)
    if block is None:
        return {}
    husband_after, wife_after = block.texts("husband_after"), block.texts("wife_after")
    bad = sorted((set(husband_after) | set(wife_after)) - set(RELATIONS))
    if bad:
        raise KnowledgeError(f"{block.where}: unknown relation codes {bad}")
    return {"husband_after": frozenset(husband_after), "wife_after": frozenset(wife_after),
            "spouse_particles": tuple(block.texts("particles"))}


def load_crisis(path: Path | None = None) -> CrisisLexicon:
    """Read ``crisis.yaml``: ``types.<crisis type>`` term lists and ``idioms``."""
    fields = open_file(path or LEXICON_DIR / "crisis.yaml")
    block = fields.mapping("types")
    assert block is not None
    _code_keys(fields, "types", CRISIS_TYPES)
    terms = {code: tuple(block.texts(code)) for code in block.data}
    return CrisisLexicon(terms=terms, idioms=tuple(fields.texts("idioms", required=False)))


def load_writer(path: Path | None = None) -> WriterLexicon:
    """Read ``writer.yaml``: ``cues.<writer kind>`` in priority order."""
    fields = open_file(path or LEXICON_DIR / "writer.yaml")
    block = fields.mapping("cues")
    assert block is not None
    _code_keys(fields, "cues", WRITERS)
    cues = {kind: tuple(block.texts(kind)) for kind in block.data}
    family = fields.texts("family_categories")
    bad = sorted(set(family) - set(CATEGORIES))
    if bad:
        raise KnowledgeError(f"{fields.where}.family_categories: unknown codes {bad}")
    return WriterLexicon(cues=cues, family_categories=frozenset(family),
                         own_state=tuple(fields.texts("own_state", required=False)),
                         hearsay=tuple(fields.texts("hearsay", required=False)),
                         self_intro=tuple(fields.texts("self_intro", required=False)))


@dataclass(frozen=True, eq=False)
class Lexicons:
    """All four lexicons, loaded together."""

    categories: CategoryLexicon
    kinship: KinshipLexicon
    crisis: CrisisLexicon
    writer: WriterLexicon


@lru_cache(maxsize=4)
def load_lexicons(directory: Path = LEXICON_DIR) -> Lexicons:
    """Load and check every lexicon file of ``directory`` (cached: the files are read once)."""
    return Lexicons(
        categories=load_categories(directory / "categories.yaml"),
        kinship=load_kinship(directory / "kinship.yaml"),
        crisis=load_crisis(directory / "crisis.yaml"),
        writer=load_writer(directory / "writer.yaml"),
    )


@dataclass(frozen=True, eq=False)
class BaselineLexicon:
    """The contract's typical words, for the keyword baseline of ``intake eval``."""

    categories: dict[str, tuple[str, ...]]
    relations: dict[str, tuple[str, ...]]
    crisis: dict[str, tuple[str, ...]]


def load_baseline(path: Path | None = None) -> BaselineLexicon:
    """Read ``baseline.yaml``: ``categories``, ``relations``, ``crisis`` word lists by code."""
    fields = open_file(path or LEXICON_DIR / "baseline.yaml")
    blocks = {}
    for key, allowed in (("categories", CATEGORIES), ("relations", RELATIONS), ("crisis", CRISIS_TYPES)):
        _code_keys(fields, key, allowed)
        block = fields.mapping(key)
        assert block is not None
        blocks[key] = {code: tuple(block.texts(code)) for code in block.data}
    return BaselineLexicon(**blocks)
