"""Bare numbers that are figures because the sentence says what they count.

- after "the number (total, strength) of ITEM ... at/was": "put the number of PWs still in the
  camps at approx 9,000";
- right after a figure and a cue that sets them side by side (`ellipsis` in `figure_words.json`):
  "1400 [thousand] rounds of ammunition, against 1,125,000 delivered in 1952";
- as the object of a verb joined to the figure's own: "killed some 30 PWs and injured 107";
- a part of the figure before: "some seventy divisions, of which eighteen are North Korean",
  "only 500 of them are jets";
- the answer to a question: "How many aircraft has the Chinese air force? - Some 1,000".
All but the first and the last count the same item as the figure before and are linked to it
(its holder is theirs unless they name their own).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from archivekg.extract.figure_numbers import read_quantity
from archivekg.extract.figure_rules import FigureRules
from archivekg.extract.figures import Tokens, find_head
from archivekg.extract.model import DocumentRecord, Figure, SourceText, TextSpan

REACH = 120  # characters between "the number of ITEM" and its number
_PERCENT = re.compile(r"\s*(?:per\s*cent|percent|%)", re.I)


def elliptic_figures(
    source: SourceText, record: DocumentRecord, bare: list[re.Match], figures: list[Figure], rules: FigureRules, tokens: Tokens, free: Callable
) -> Iterator[tuple[Figure, dict]]:
    from archivekg.extract.figure_context import sentence_bounds

    text, patterns = source.text, rules.patterns
    count_noun, count_link, cue = patterns["count_noun"], patterns["count_link"], patterns["ellipsis"]
    cue_before, partitive = patterns["partitive_before"], patterns["partitive_after"]
    joined = re.compile(r"^\s*,?\s+and\s+(?P<verb>[a-z]+)\s+$")
    question = re.compile(r"\bhow\s+many\s+", re.I)
    known = sorted(figures, key=lambda f: f.span.start)
    for m in bare:
        quantity = read_quantity(m, text, rules.numbers)
        if quantity is None or not free(quantity.start, quantity.end):
            continue
        if _PERCENT.match(text, quantity.end):
            continue  # "against 35 per cent"
        next_token = tokens.at(_next_word(text, quantity.end))
        if next_token is not None and next_token.tag_.startswith("NN"):
            continue  # "against 1,000 roubles": the number counts something else
        sentence_start, _ = sentence_bounds(text, quantity.start)
        before = [f for f in known if sentence_start <= f.span.start and f.span.end <= quantity.start]
        item, antecedent, asked_in = None, None, None
        if before:
            last, gap = before[-1], text[before[-1].span.end : quantity.start]
            verb = joined.match(gap)
            cued = cue.match(gap) or (cue_before.search(gap) and not re.search(r"\d", gap))  # "38 aircraft lost ..., of which 21"
            if cued or (verb and _is_verb(tokens, last.span.end + verb.start("verb")) and _after_verb(text, tokens, last) and _clause_ends(text, quantity.end)):
                item, antecedent = last.item, last.key
        if item is None and partitive.match(text, quantity.end):
            earlier = [f for f in known if f.span.end <= quantity.start and quantity.start - f.span.end < REACH]
            if earlier:  # "only 500 of them are jets"
                item, antecedent = earlier[-1].item, earlier[-1].key
        if item is None:
            for asked in question.finditer(text, max(0, quantity.start - REACH), quantity.start):
                head = find_head(text, asked.end(), rules, tokens)
                between = text[head.end : quantity.start] if head else ""
                if head and "?" in between and not re.search(r"\d", between):
                    item = head.item  # "How many aircraft has the Chinese air force? - Some 1,000"
                    asked_in = (asked.start(), head.end + between.index("?"))
        if item is None:
            for noun in count_noun.finditer(text, max(sentence_start, quantity.start - REACH), quantity.start):
                head = find_head(text, noun.end(), rules, tokens)
                between = text[head.end : quantity.start] if head else ""
                if head and count_link.search(between) and not re.search(r"\d", between):
                    item = head.item
        if item is None:
            continue
        span = TextSpan(source.key, quantity.start, quantity.end, text[quantity.start : quantity.end])
        values = {"count": quantity.count, "min_count": quantity.min_count, "max_count": quantity.max_count}
        figure = Figure(key=f"{source.key}-{span.start}", span=span, stated_in=record.key_at(span.start), item=item, **values)
        known = sorted([*known, figure], key=lambda f: f.span.start)
        yield figure, {"antecedent": antecedent} if antecedent else {"asked": asked_in} if asked_in else {}


def _next_word(text: str, position: int) -> int:
    match = re.compile(r"\s*").match(text, position)
    return match.end()


def _is_verb(tokens: Tokens, offset: int) -> bool:
    token = tokens.at(offset)
    return token is not None and token.tag_.startswith("VB")


def _after_verb(text: str, tokens: Tokens, figure: Figure) -> bool:
    """The figure is a verb's object: a verb stands right before it (a bound word may come between)."""
    words = list(re.finditer(r"[A-Za-z]+", text[max(0, figure.span.start - 30) : figure.span.start]))
    return bool(words) and _is_verb(tokens, max(0, figure.span.start - 30) + words[-1].start())


def _clause_ends(text: str, position: int) -> bool:
    return bool(re.match(r"\s*(?:[.;,)]|$)", text[position : position + 3]))
