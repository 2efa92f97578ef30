"""The mentions stage: a spaCy Doc -> the named things it mentions, with exact spans.

Model labels map to the contract's kinds; nationality adjectives ("American troops") count as
mentions of their country only when the next word is a force or state noun; editorial
glosses in brackets right after a name ("FILIPPOV [STALIN]") are kept as evidence for the
resolve stage; header patterns (`context_patterns.jsonl`) add names the model misses.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc

from archivekg.extract.rules import RuleSet
from archivekg.extract.model import Mention, SourceText, TextSpan
from archivekg.extract.nlp import DEMONYM_LABEL
from archivekg.extract.resolve import normalise_name

# spaCy's and our ruler's labels -> the contract's kinds; other labels are not named things
LABEL_KINDS = {
    "PERSON": "person",
    "ORG": "organization",
    "UNIT": "unit",
    "COUNTRY": "country",
    "PLACE": "place",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
    "EVENT": "event",
    "WORK_OF_ART": "work",
}
_GLOSS = re.compile(r"\s{0,2}\[([^\[\]\n]{1,80})\]")


def find_mentions(source: SourceText, doc: Doc, rules: RuleSet) -> list[Mention]:
    text = source.text
    mentions: dict[tuple[int, int], Mention] = {}
    for ent in doc.ents:
        kind = LABEL_KINDS.get(ent.label_)
        gazetteer_id = ent.ent_id_ or None
        if ent.label_ == DEMONYM_LABEL:
            following = ent.doc[ent.end].lower_ if ent.end < len(ent.doc) else ""
            if following not in rules.force_nouns:
                continue
            kind = rules.by_id[gazetteer_id].kind if gazetteer_id else "country"
        if kind is None:
            continue
        if kind == "work" and len(ent) < 2:
            continue  # a single quoted word is not a title
        start, end = ent.start_char, ent.end_char
        span = TextSpan(source.key, start, end, text[start:end])
        mentions[(start, end)] = Mention(span, kind, gazetteer_id, gloss_after(text, end))
    for pattern in rules.context_patterns:
        for match in pattern.regex.finditer(text):
            start, end = match.span("name")
            name = text[start:end]
            if name.lower() in rules.layout_words or (pattern.title_case and not is_title(name)):
                continue
            if pattern.override:
                for key in [k for k in mentions if start <= k[0] and k[1] <= end]:
                    del mentions[key]
            if overlaps(mentions, start, end):
                continue
            mentions[(start, end)] = Mention(TextSpan(source.key, start, end, name), pattern.kind, None, gloss_after(text, end))
    add_glossed_names(text, source.key, mentions)
    add_letter_spaced(text, source.key, rules, mentions)
    return [mentions[k] for k in sorted(mentions)]


_LETTER_SPACED = re.compile(r"(?<![\w])[A-Za-z](?: [A-Za-z]){2,}(?:  +[A-Za-z](?: [A-Za-z])+)*(?![\w])")


def add_letter_spaced(text: str, doc_key: str, rules: RuleSet, mentions: dict[tuple[int, int], Mention]) -> None:
    """A known name typed with its letters spaced out ("S T A L I N", "M A O  Z E D O N G")."""
    for match in _LETTER_SPACED.finditer(text):
        words = ["".join(w.split(" ")) for w in re.split(r"  +", match.group())]
        entry_id = rules.alias_index.get(normalise_name(" ".join(words)))
        start, end = match.span()
        if entry_id and not overlaps(mentions, start, end):
            mentions[(start, end)] = Mention(TextSpan(doc_key, start, end, match.group()), rules.by_id[entry_id].kind, entry_id)


_BEFORE_GLOSS = re.compile(r"(?P<name>[A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*){0,2}) ?\[$")


def add_glossed_names(text: str, doc_key: str, mentions: dict[tuple[int, int], Mention]) -> None:
    """A capitalised name right before a bracketed name ("KOLYA [KIM CHAEK]") is another name of it."""
    for (start, end), inner in list(mentions.items()):
        opening = text.rfind("[", max(0, start - 2), start + 1)
        if opening < 0 or text.find("]", end, end + 2) < 0:
            continue
        match = _BEFORE_GLOSS.search(text, max(0, opening - 60), opening + 1)
        if not match:
            continue
        s, e = match.span("name")
        if overlaps(mentions, s, e):
            continue
        mentions[(s, e)] = Mention(TextSpan(doc_key, s, e, text[s:e]), inner.kind, None, inner.span.text)


SMALL_WORDS = frozenset("a an and at by for from in into of on or the to with".split())


def is_title(name: str) -> bool:
    """Most words capitalised, small words aside: 'Beijing and the Korean Crisis' is a title."""
    words = [w for w in re.findall(r"[A-Za-z][\w'’-]*", name) if w.lower() not in SMALL_WORDS]
    return bool(words) and sum(w[0].isupper() for w in words) >= 0.75 * len(words)


def gloss_after(text: str, end: int) -> str | None:
    match = _GLOSS.match(text, end)
    return match.group(1).strip() if match else None


def overlaps(mentions: dict[tuple[int, int], Mention], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in mentions)
