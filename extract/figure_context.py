"""What a military figure refers to: who holds it, when, where, and what it is set against.

- holder: a country or unit named inside the figure ("one American corps"); none when the
  figure is the enemy's ("1,500 enemy guns"); else the nearest such mention or first-person
  word ("our", "we") before it in the same sentence. "Our" is the country of the speaker (the
  sender of the quoted message or the document's author/sender, `data/allegiances.tsv`).
- date: the first resolved date of the same sentence after the figure ("set off on October 15").
- place: a place named right after "in" shortly after the figure ("in South Manchuria").
- comparedWith: a sentence opening with a comparison cue sets its figure against the last
  figure of the same item before; a cue between two figures of the same item in one sentence
  ("using 2,200 to 3,000 guns ... to deal with 1,500 enemy guns") sets them against each other.
"""

from __future__ import annotations

import re
from dataclasses import replace

from archivekg.extract.figures import HOLDER_KINDS, PLACE_REACH, FigureRules, _words, sentence_bounds
from archivekg.extract.model import DocumentRecord, Entity, Figure, ResolvedMention, SourceText

# a full stop that ends a sentence: not the one of an initial ("U.S. air force", "N. S. Khrushchev")
SENTENCE_END = re.compile(r"(?<!\b[A-Z])\.(?:\s|$)")


def _speaker_country(figure: Figure, record: DocumentRecord, entities: dict[str, Entity], rules: FigureRules) -> str | None:
    part = next((p for p in record.parts if p.key == figure.stated_in), None)
    speakers = (part.author_keys if part else ()) or record.author_keys or record.sender_keys
    by_gazetteer = {e.gazetteer_id or e.key: e.key for e in entities.values()}
    for key in speakers:
        entity = entities.get(key)
        country = rules.allegiances.get(entity.gazetteer_id or entity.key) if entity else None
        if country and country in by_gazetteer:
            return by_gazetteer[country]
    return None


def _holder(figure, text, record, mentions, entities, rules) -> str | None:
    start, end = figure.span.start, figure.span.end
    holders = [r for r in mentions if r.mention.kind in HOLDER_KINDS]
    inside = [r for r in holders if start <= r.mention.span.start < end]
    if inside:
        return inside[0].entity_key
    if re.search(rf"\b(?:{_words(rules.words['enemy_words'])})\b", figure.span.text, re.I):
        return None
    sentence_start, _ = sentence_bounds(text, start)
    candidates = [(r.mention.span.end, r.entity_key) for r in holders if sentence_start <= r.mention.span.start and r.mention.span.end <= start]
    for m in re.finditer(rf"\b(?:{_words(rules.words['first_person'])})\b", text[sentence_start:start], re.I):
        country = _speaker_country(figure, record, entities, rules)
        if country:
            candidates.append((sentence_start + m.end(), country))
    return max(candidates)[1] if candidates else None



def attach_context(
    source: SourceText, record: DocumentRecord, figures: list[Figure], mentions: list[ResolvedMention], entities: dict[str, Entity], rules: FigureRules
) -> list[Figure]:
    text = source.text
    result = []
    for figure in figures:
        sentence_start, sentence_end = sentence_bounds(text, figure.span.start)
        date = next((d for d in record.dates if d.value and d.span and figure.span.end <= d.span.start < sentence_end), None)
        place = next(
            (
                r.entity_key
                for r in mentions
                if r.mention.kind in ("place", "country")
                and figure.span.end <= r.mention.span.start < min(sentence_end, figure.span.end + PLACE_REACH)
                and re.search(r"\bin\s+(?:the\s+)?$", text[figure.span.end : r.mention.span.start])
            ),
            None,
        )
        result.append(replace(figure, holder_key=_holder(figure, text, record, mentions, entities, rules), date=date, place_key=place))
    return _compare(text, result, rules)


def _compare(text: str, figures: list[Figure], rules: FigureRules) -> list[Figure]:
    cues = rules.words["comparisons"]
    opening = re.compile(rf"^\W*(?:{_words(cues['sentence_start'])})\b", re.I)
    between = re.compile(rf"\b(?:{_words(cues['between'])})\b", re.I)
    compared: dict[str, str] = {}
    for i, figure in enumerate(figures):
        sentence_start, _ = sentence_bounds(text, figure.span.start)
        earlier = [f for f in figures[:i] if f.item == figure.item]
        if opening.match(text[sentence_start:figure.span.start]) and earlier:
            same_sentence = [f for f in earlier if f.span.start >= sentence_start]
            if not same_sentence:
                compared[figure.key] = earlier[-1].key
                continue
        for other in reversed(earlier):
            gap = text[other.span.end : figure.span.start]
            if sentence_bounds(text, other.span.start)[0] == sentence_start and between.search(gap) and not SENTENCE_END.search(gap):
                compared[figure.key] = other.key
                compared.setdefault(other.key, figure.key)
                break
    return [replace(f, compared_with=compared.get(f.key)) for f in figures]
