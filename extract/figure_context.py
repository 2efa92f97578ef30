"""What a military figure refers to: who holds it, when, where, and what it is set against.

- holder: `figure_holders` (the figure's own words, the figure it belongs to, its clause by the
  dependency parse, the speaker, the context), as entities of the corpus;
- date: the first resolved date of the same sentence after the figure ("set off on October 15");
- place: a place named right after "in" shortly after the figure ("in South Manchuria");
- comparedWith: a sentence opening with a comparison cue sets its figure against the last
  figure of the same item before; a cue between two figures of the same item in one sentence
  ("using 2,200 to 3,000 guns ... to deal with 1,500 enemy guns") sets them against each other,
  and a bare number continuing a figure ("against 1,125,000 delivered") is set against it.
"""

from __future__ import annotations

import re
from dataclasses import replace

from archivekg.extract.model import DocumentRecord, Entity, Figure, ResolvedMention, SourceText

PLACE_REACH = 60  # characters after a figure where "in PLACE" says where it is
# a full stop that ends a sentence: not the one of an initial ("U.S. air force", "N. S. Khrushchev")
SENTENCE_END = re.compile(r"(?<!\b[A-Z])\.(?:\s|$)")
_BREAK = re.compile(r"[.!?][\"”)\]]*\s+(?=[A-Z\"“\[(])|\n\s*\n|:\s*\n")


def sentence_bounds(text: str, position: int) -> tuple[int, int]:
    """The sentence around a position: from after the last full stop (or blank line) before it
    to the next one; an abbreviation's stop with a capital after it ends a sentence too."""
    start = 0
    for m in _BREAK.finditer(text, max(0, position - 2000), position):
        start = m.end()
    after = _BREAK.search(text, position)
    return start, after.start() + 1 if after else len(text)


def attach_context(
    source: SourceText, doc, tokens, record: DocumentRecord, figures: list[Figure], links: dict,
    mentions: list[ResolvedMention], entities: dict[str, Entity], ruleset,
) -> list[Figure]:
    from archivekg.extract.figure_holders import Holders, conversation_turns
    from archivekg.extract.figure_sides import SideIndex

    text, rules = source.text, ruleset.figures
    mentions = sorted(mentions, key=lambda r: r.mention.span.start)
    dated = record.date_sent or record.date_created
    holders = Holders(
        text, tokens, record, mentions, SideIndex(entities, rules.sides, ruleset), rules, figures, links,
        dated.value if dated else None, conversation_turns(text, mentions),
    )
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
        held = holders.final(figure, holders.holder(figure))
        result.append(replace(figure, holder_keys=held, date=date, place_key=place))
    return _compare(text, result, links, rules)


def _compare(text: str, figures: list[Figure], links: dict, rules) -> list[Figure]:
    opening, between = rules.patterns["comparison_opening"], rules.patterns["comparison_between"]
    compared: dict[str, str] = {}
    for i, figure in enumerate(figures):
        antecedent = links.get(figure.key, {}).get("antecedent")
        if antecedent and between.search(_gap(text, figures, antecedent, figure)):
            compared[figure.key] = antecedent
            compared.setdefault(antecedent, figure.key)
            continue
        sentence_start, _ = sentence_bounds(text, figure.span.start)
        earlier = [f for f in figures[:i] if f.item == figure.item]
        if opening.match(text[sentence_start : figure.span.start]) and earlier:
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


def _gap(text: str, figures: list[Figure], antecedent: str, figure: Figure) -> str:
    other = next((f for f in figures if f.key == antecedent), None)
    return text[other.span.end : figure.span.start] if other else ""
