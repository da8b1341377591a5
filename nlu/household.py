"""Household members (contract §2): who the resident speaks of, their age, their worries.

Kinship words come from ``kinship.yaml`` in every register. Then, in order:
compounds (妻の母 → mother_in_law), neighbours (近所のおばあさん → other), plurals
(両親, 子ども2人, 双子の娘), ages next to the word (80代の母, 母(85), 母は85歳), the same
person mentioned twice merged into one member, and each category that counts given to
the person its predicate is about (the subject of 認知症で / ひきこもっている), falling back
to the person the clause is about. The writer (私, 自分, …) is never a member but does own
their own worries.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise

from knowledge.lexicons import AgeRules, KinshipLexicon, KinWord
from nlu.ages import AgeSpan, find_ages, to_int
from nlu.categories import CategoryHit, predicate_of, sentence_of
from nlu.normalize import TermIndex, TextView, Tokens, fold

SPEAKER = "speaker"
OWNER_DEPS = ("nsubj", "dislocated", "nsubj:pass", "obl", "nmod", "iobj", "obj")
MAX_NOTE_CHARS = 24
NOTE_TAIL_DEPS = frozenset({"aux", "fixed", "mark"})
_COUNT_AFTER = re.compile(r"^(?:が|は|も|を)?(\d|[一二三四五六]|ふた|ひと)(?:人|り|にん)")
_COUNT_BEFORE = re.compile(r"(\d|[一二三四五六]|ふた|ひと)(?:人|り)の$")
_CLAUSE_BREAKS = "。!?！？\n"
_CLAUSE_BREAK = re.compile(f"[{re.escape(_CLAUSE_BREAKS)}]")
_PHRASE_BREAK = re.compile(r"[、。,!?！？]")
_AGE_BEFORE_PERSON = re.compile(
    r"(?:の|になる|になった|位の|くらいの|ぐらいの)[^、。!?]{0,8}|[^、。!?がはをにでと]{1,8}の")
_PREDICATE_AGE = re.compile(
    r"(?:です|でした|だ|なんだ|なんです|になります|になる|になった|で[、。]|がい|がお)")
_SEPARATE = (("other",), ("other_relative",))
"""Catch-all relations: 兄嫁 and 甥, or 友人 and 友人の娘さん, are different people."""
_LIST_JOINT = ("と", "、", "や", "と、")
_STAGE_JOINT = ("の", "くらいの", "ぐらいの", "位の")
_DEMONSTRATIVES = ("あの", "その", "この")
_COPULA_AFTER = re.compile(r"^(?:だ|です|でした|なので|なんです|なの|だから|だけど)")
_ABSENT_AFTER = re.compile(
    r"^(?:が|は|も)?(?:一人も|ひとりも|誰も)?(?:いない|いません|いなく|おらず|おりません)")
_PARTED_AFTER = re.compile(r"^と(?:別れ|わかれ|離婚|りこん)")
_SELF_ROLE_AFTER = re.compile(r"^(?:です|でございます|をして|をしており|として|の者)")
_MODIFIED_GAP = r"(?:[^、。!?がはをもでとにへ]|に住む|に住んでいる|をしている|をする){0,14}$"


@dataclass
class Mention:
    """A kinship or speaker word at rendering positions ``[i, j)`` of the surface."""

    i: int
    j: int
    relations: tuple[str, ...]
    ident: str | None = None
    count: int = 1
    age: tuple[int, int] | None = None
    term: str = ""
    ages: tuple[tuple[int, int], ...] = ()  # one age per person of a plural (4歳と1歳の子)

    @property
    def is_speaker(self) -> bool:
        return self.relations == (SPEAKER,)


@dataclass
class Member:
    """One person of the household as the contract reports them."""

    relation: str
    ident: str | None = None
    age: tuple[int, int] | None = None
    categories: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        age = {"min": self.age[0], "max": self.age[1]} if self.age else None
        return {"relation": self.relation, "age": age, "categories": self.categories, "notes": self.notes}


@lru_cache(maxsize=2)
def kin_index(lexicon: KinshipLexicon) -> TermIndex[KinWord]:
    """Kinship and speaker words, token-aligned."""
    words = [(w.term, w) for w in lexicon.words]
    words += [(s, KinWord(s, (SPEAKER,))) for s in lexicon.speaker]
    return TermIndex(words, aligned=True, kinds=("surface", "norm"))  # readings: しまい ≠ 姉妹


def find_mentions(view: TextView, lexicon: KinshipLexicon) -> list[Mention]:
    """Kinship and speaker words in text order, compounds already resolved."""
    mentions = [
        Mention(m.start, m.end, m.payloads[0].relations, m.payloads[0].ident, term=m.key)
        for m in kin_index(lexicon).find(view)
        if not _katakana_mismatch(view, m.start, m.end, m.payloads[0].term, lexicon)
    ]
    mentions = _resolve_compounds(view, mentions, lexicon)
    mentions = [m for m in mentions if not _not_a_new_person(view, mentions, m)]
    mentions = _drop_stage_modifiers(view, mentions, lexicon)
    _spouses_of_relatives(view, mentions, lexicon)
    for mention in mentions:
        _apply_context(view, mention, lexicon)
    return mentions


def _gap(view: TextView, first: Mention, second: Mention) -> str:
    """The surface text between two mentions."""
    return view.surface.text[view.surface.ends[first.j - 1]:view.surface.starts[second.i]]


def _not_a_new_person(view: TextView, mentions: list[Mention], mention: Mention) -> bool:
    """Kin words that name nobody new: あの子 (someone already named), 妻は一人っ子なので /
    私は母親です (a predicate about a person named before in the sentence), 知り合いが
    いません (said to be absent)."""
    if mention.is_speaker:
        return False
    before, after = _before(view, mention), _after(view, mention)
    earlier = [m for m in mentions if m.j <= mention.i]
    if earlier and before.endswith(_DEMONSTRATIVES):
        return not any(m.relations == mention.relations for m in earlier)  # その母 merges
    if _absent(view, mentions, mention):
        return True
    clause_start = _clause_start(view.surface.text, view.surface.starts[mention.i])
    in_sentence = [m for m in earlier if view.surface.ends[m.j - 1] >= clause_start]  # no break in the gap
    if mention.relations == ("other",) and _SELF_ROLE_AFTER.match(after) and not in_sentence:
        return True  # 「小学校の担任です。」: the writer's own role
    if in_sentence and (_COPULA_AFTER.match(after) or _SELF_ROLE_AFTER.match(after)):
        return _gap(view, in_sentence[-1], mention).startswith(("は", "も"))
    return False


def _clause_start(text: str, end: int) -> int:
    """Where the clause running up to ``end`` starts: just after the last clause break
    before it (found once per mention, not searched for in the gap to each earlier one,
    which is quadratic in a long message)."""
    return max(text.rfind(char, 0, end) for char in _CLAUSE_BREAKS) + 1


def _absent(view: TextView, mentions: list[Mention], mention: Mention) -> bool:
    """知り合いがいません, 親もきょうだいもいない, 夫と別れました: people said not to be there."""
    after = _after(view, mention)
    if _ABSENT_AFTER.match(after) or _PARTED_AFTER.match(after):
        return True
    later = [m for m in mentions if m.i >= mention.j]
    return bool(later) and _gap(view, mention, later[0]) == "も" and _absent(view, mentions, later[0])


@lru_cache(maxsize=2)
def _folded_stages(rules: AgeRules) -> tuple[str, ...]:
    return tuple(fold(word) for word in rules.life_stages)


def _is_stage(view: TextView, mention: Mention, stages: tuple[str, ...]) -> bool:
    """Whether the word ends a life-stage word (園児 of 幼稚園児); ``stages`` folded."""
    return view.surface.text.endswith(stages, 0, view.surface.ends[mention.j - 1])


def _drop_stage_modifiers(view: TextView, mentions: list[Mention], lexicon: KinshipLexicon) -> list[Mention]:
    """A life-stage word that only says the age of a person named next to it (幼稚園児くらいの
    男の子, 双子の娘(乳児)) is not a person of its own; the age finder still reads it."""
    stages = _folded_stages(lexicon.ages)
    out: list[Mention] = []
    for pos, mention in enumerate(mentions):
        nxt = mentions[pos + 1] if pos + 1 < len(mentions) else None
        prev = mentions[pos - 1] if pos else None
        if _is_stage(view, mention, stages) and not mention.is_speaker and (
                (nxt and not nxt.is_speaker and _gap(view, mention, nxt) in _STAGE_JOINT)
                or (prev and not prev.is_speaker and _gap(view, prev, mention) in ("(", "（"))):
            continue
        out.append(mention)
    return out


def _resolve_compounds(view: TextView, mentions: list[Mention], lexicon: KinshipLexicon) -> list[Mention]:
    """``X の Y`` of two kin words becomes one person (息子の妻 → other_relative)."""
    out: list[Mention] = []
    for mention in mentions:
        prev = out[-1] if out else None
        if prev and mention.i == prev.j + 1 and view.surface.text[_span(view, prev.j, prev.j + 1)] == "の":
            if prev.is_speaker or mention.is_speaker:
                out[-1] = mention  # 私の母 → 母; 姑の私 → the writer describing themself
                continue
            relations = tuple(_compound_relation(prev.relations[0], r, lexicon) for r in mention.relations)
            if len(prev.relations) == 1 and all(relations):
                term = f"{prev.term}の{mention.term}"
                ident = term if relations in _SEPARATE else None  # 友人の娘さん is not the 友人
                out[-1] = Mention(prev.i, mention.j, relations, ident, term=term)  # type: ignore[arg-type]
                continue
        out.append(mention)
    return out


def _katakana_mismatch(view: TextView, i: int, j: int, term: str, lexicon: KinshipLexicon) -> bool:
    """ママ written in hiragana is the まま of このまま, not a mother."""
    if term not in lexicon.katakana_only:
        return False
    start, end = view.doc_span(i, j)
    return _words(view.tokens, start, end) != term


def _spouses_of_relatives(view: TextView, mentions: list[Mention], lexicon: KinshipLexicon) -> None:
    """「娘が夫から暴力を」: the husband is the daughter's, an in-law to the writer."""
    for prev, mention in pairwise(mentions):
        if len(prev.relations) != 1 or mention.relations not in (("husband",), ("wife",)):
            continue
        between = view.surface.text[view.surface.ends[prev.j - 1]:view.surface.starts[mention.i]]
        if between not in lexicon.spouse_particles:
            continue
        after = lexicon.husband_after if mention.relations == ("husband",) else lexicon.wife_after
        if prev.relations[0] in after:
            mention.relations = ("other_relative",)


def _compound_relation(first: str, second: str, lexicon: KinshipLexicon) -> str | None:
    return next((c.relation for c in lexicon.compounds if first in c.first and second in c.second), None)


def _span(view: TextView, i: int, j: int) -> slice:
    return slice(view.surface.starts[i], view.surface.ends[j - 1])


def _before(view: TextView, mention: Mention, chars: int = 12) -> str:
    start = view.surface.starts[mention.i]
    text = view.surface.text[max(0, start - chars):start]
    return _PHRASE_BREAK.split(text)[-1]


def _after(view: TextView, mention: Mention, chars: int = 8) -> str:
    end = view.surface.ends[mention.j - 1]
    return view.surface.text[end:end + chars]


def _apply_context(view: TextView, mention: Mention, lexicon: KinshipLexicon) -> None:
    """Neighbour modifiers, twins and counted plurals around one mention."""
    if mention.is_speaker:
        return
    before, after = _before(view, mention, 24), _after(view, mention)
    if _other_modifier(lexicon).search(before):
        if len(mention.relations) == 1:  # 近所のご夫婦 stays a couple: ご主人/奥さん are them
            mention.relations = ("other",)
        return
    before = before[-12:]
    for word, n in lexicon.multipliers.items():
        if before.endswith(word + "の"):
            mention.count = n
    found = _COUNT_AFTER.match(after) or _COUNT_BEFORE.search(before)
    if found and len(mention.relations) == 1 and mention.ident is None:
        mention.count = max(mention.count, _count_of(found.group(1), lexicon))


@lru_cache(maxsize=2)
def _other_modifier(lexicon: KinshipLexicon) -> re.Pattern[str]:
    """近所の / 同じアパートの若い / 近くに住む… / 近所で一人暮らしをしている…: the
    modifiers, folded like the surface."""
    mods = "|".join(re.escape(fold(m)) for m in sorted(lexicon.other_modifiers, key=len, reverse=True))
    return re.compile(rf"(?:{mods})(?:の|で|に住む|に住んでいる|の家の){_MODIFIED_GAP}")


def _count_of(word: str, lexicon: KinshipLexicon) -> int:
    return lexicon.number_words.get(word) or to_int(word) or 1


def attach_ages(view: TextView, mentions: list[Mention], lexicon: KinshipLexicon) -> None:
    """Give each age expression to the person it describes.

    Before a word (80代の母, 85歳になる父) it belongs to the next mention; after one
    (母(85), 母は85歳で) to the previous mention in the same clause.
    """
    text = view.surface.text
    for mention in mentions:
        stage = lexicon.ages.life_stages.get(mention.term)
        if stage:
            mention.age = stage
    taken = {k for m in mentions for k in range(view.surface.starts[m.i], view.surface.ends[m.j - 1])}
    ages = [a for a in find_ages(text, lexicon.ages) if a.start not in taken]  # 赤ちゃん: its own age
    for group in _age_lists(text, ages):
        if len(group) > 1 and _share_ages(view, mentions, group):
            continue
        for age in group:
            target = _age_owner(view, mentions, age)
            if target is not None and target.age is None:
                target.age = (age.low, age.high)


def _age_lists(text: str, ages: list[AgeSpan]) -> list[list[AgeSpan]]:
    """Ages joined by と/、/や (4歳と1歳の子, 子どもは高校生と中学生です) form one list."""
    groups: list[list[AgeSpan]] = []
    for age in ages:
        if groups and not age.bare and text[groups[-1][-1].end:age.start] in _LIST_JOINT:
            groups[-1].append(age)
        else:
            groups.append([age])
    return groups


def _share_ages(view: TextView, mentions: list[Mention], group: list[AgeSpan]) -> bool:
    """A list of ages describes as many people of one plural-able word (子ども, 孫)."""
    owner = _age_owner(view, mentions, group[-1]) or _age_owner(view, mentions, group[0])
    if owner is None or owner.is_speaker or owner.ident or len(owner.relations) != 1 or owner.age:
        return False
    owner.ages = tuple((a.low, a.high) for a in group)
    owner.count = max(owner.count, len(group))
    return True


def _age_owner(view: TextView, mentions: list[Mention], age: AgeSpan) -> Mention | None:
    text, starts, ends = view.surface.text, view.surface.starts, view.surface.ends
    after = [m for m in mentions if starts[m.i] >= age.end]
    before = [m for m in mentions if ends[m.j - 1] <= age.start]
    if after and not age.bare:
        gap = text[age.end:starts[after[0].i]]
        if gap == "" or _AGE_BEFORE_PERSON.fullmatch(gap):
            return after[0]
    if before:
        gap = text[ends[before[-1].j - 1]:age.start]
        limit = 1 if age.bare else 14
        if len(gap) <= limit and not _CLAUSE_BREAK.search(gap) and "、" not in gap[:1]:
            return before[-1]
        if not age.bare and _PREDICATE_AGE.match(text[age.end:]) and _CLAUSE_BREAK.search(gap):
            return _topic(view, before)  # 「弟は…出ていません。23歳です。」: the person spoken of
    return None


def _topic(view: TextView, before: list[Mention]) -> Mention:
    """The person the text is about: the last one marked with は (弟は…), else the last named."""
    text, ends = view.surface.text, view.surface.ends
    topics = [m for m in before if text[ends[m.j - 1]:ends[m.j - 1] + 1] == "は"]
    return (topics or before)[-1]


def build_members(mentions: list[Mention]) -> tuple[list[Member], dict[int, list[Member]]]:
    """Merge mentions into people: same relation once, unless ident, age or count differ.

    Returns the members and, for each mention (by position), the members it names.
    """
    members: list[Member] = []
    named: dict[int, list[Member]] = {}
    for pos, mention in enumerate(mentions):
        if mention.is_speaker:
            continue
        relations = mention.relations
        if relations == ("parent",) and mention.count == 2:
            relations, mention.count = ("mother", "father"), 1  # 親は二人とも → both parents
        if relations == ("other_relative",) and mention.ident is None:
            mention.ident = mention.term
        named[pos] = [m for rel in relations for m in _place(members, rel, mention)]
    return _fold_parents(members, named)


def _fold_parents(members: list[Member], named: dict[int, list[Member]]) -> tuple[
        list[Member], dict[int, list[Member]]]:
    """親 said of a mother or father already named (親亡き後, 親は二人とも70代) is them."""
    parents = [m for m in members if m.relation in ("mother", "father")]
    if not parents:
        return members, named
    vague = [m for m in members if m.relation == "parent"]
    for member in vague:
        for parent in parents:
            parent.age = parent.age or member.age
    named = {pos: [p for m in people for p in (parents if m in vague else [m])]
             for pos, people in named.items()}
    return [m for m in members if m not in vague], named


def _place(members: list[Member], relation: str, mention: Mention) -> list[Member]:
    same = [m for m in members if m.relation == relation]
    if mention.count > 1:
        while len(same) < mention.count:
            new = Member(relation)
            members.append(new)
            same.append(new)
        spare = list(mention.ages)
        for m in same:
            m.age = m.age or (spare.pop(0) if spare else mention.age)
        return same
    if mention.ident:
        target = next((m for m in same if m.ident == mention.ident), None)
        if (relation,) not in _SEPARATE:  # 長男 may be the 息子 named before; 保護者 is not the 生徒
            target = target or next((m for m in same if m.ident is None and _age_fits(m, mention.age)), None)
    else:
        fitting = [m for m in same if _age_fits(m, mention.age)
                   and (m.ident is None or (relation,) not in _SEPARATE)]
        unaged = next((m for m in fitting if m.age is None and mention.age), None)
        target = unaged or next(iter(fitting), None)
    if target is None:
        target = Member(relation)
        members.append(target)
    target.ident = target.ident or mention.ident
    target.age = target.age or mention.age
    return [target]


def _age_fits(member: Member, age: tuple[int, int] | None) -> bool:
    if member.age is None or age is None:
        return True
    return not (age[1] < member.age[0] or age[0] > member.age[1])


def assign_categories(view: TextView, mentions: list[Mention], named: dict[int, list[Member]],
                      hits: list[CategoryHit]) -> None:
    """Give each counting category hit to the person it is about (see module docstring)."""
    tokens = view.tokens
    token_owner = {view.token_ids[k]: pos for pos, m in enumerate(mentions) for k in range(m.i, m.j)}
    for hit in hits:
        if not hit.counts:
            continue
        pos = _owner_by_parse(tokens, hit, token_owner)
        if pos is None:
            pos = _owner_by_clause(view, mentions, hit)
        for member in named.get(pos, []) if pos is not None else []:
            if hit.code not in member.categories:
                member.categories.append(hit.code)
            _add_note(member, _note(tokens, hit))


def _owner_by_parse(tokens: Tokens, hit: CategoryHit, token_owner: dict[int, int]) -> int | None:
    """The mention that is the subject (or possessor) of the term or of its predicate."""
    last = hit.end - 1
    if tokens.dep[last] in ("nmod", "acl", "amod") and tokens.head[last] in token_owner:
        return token_owner[tokens.head[last]]  # 認知症の母, ひきこもりの兄
    pred = predicate_of(tokens, last)
    for anchor in (hit.start, last, pred):
        for dep in OWNER_DEPS:
            for child in tokens.children(anchor):
                if tokens.dep[child] == dep and child not in range(hit.start, hit.end):
                    owner = _mention_at(tokens, child, token_owner)
                    if owner is not None:
                        return owner
    return None


def _mention_at(tokens: Tokens, i: int, token_owner: dict[int, int]) -> int | None:
    """The mention a nominal stands for, looking through の-modifiers (80代の母)."""
    if i in token_owner:
        return token_owner[i]
    for child in tokens.children(i):
        if tokens.dep[child] in ("compound", "nmod", "appos") and child in token_owner:
            return token_owner[child]
    return None


def _owner_by_clause(view: TextView, mentions: list[Mention], hit: CategoryHit) -> int | None:
    """Fallback: the last person mentioned before the term in its sentence, else the last
    person spoken of in an earlier sentence (Japanese drops the subject it already named)."""
    sent_start = sentence_of(view.tokens, hit.start)[0]
    starts = [(pos, view.token_ids[m.i]) for pos, m in enumerate(mentions)]
    earlier = [(pos, tok) for pos, tok in starts if tok < hit.start]
    in_sentence = [pos for pos, tok in earlier if tok >= sent_start]
    if in_sentence:
        return in_sentence[-1]
    return earlier[-1][0] if earlier else None


def _note(tokens: Tokens, hit: CategoryHit) -> str:
    """The resident's own words for the worry: from the term to the end of its predicate."""
    pred = predicate_of(tokens, hit.end - 1)
    end = hit.end
    if pred >= hit.end and pred - hit.end <= 4:
        end = pred + 1
        while end < len(tokens) and tokens.dep[end] in NOTE_TAIL_DEPS and tokens.pos[end] != "SCONJ":
            end += 1
    return _words(tokens, hit.start, end)[:MAX_NOTE_CHARS]


def _words(tokens: Tokens, start: int, end: int) -> str:
    """``doc[start:end].text`` without spaces (the spaces between tokens go too)."""
    return "".join(tokens.text[start:end]).replace(" ", "")


def _add_note(member: Member, note: str) -> None:
    if note and not any(note in n for n in member.notes):
        member.notes = [n for n in member.notes if n not in note] + [note]


def extract_household(view: TextView, hits: list[CategoryHit], lexicon: KinshipLexicon) -> tuple[
        list[Member], list[Mention]]:
    """Members of the household with ages, categories and notes; also the raw mentions."""
    mentions = find_mentions(view, lexicon)
    attach_ages(view, mentions, lexicon)
    members, named = build_members(mentions)
    assign_categories(view, mentions, named, hits)
    return members, mentions
