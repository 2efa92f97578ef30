"""The figures stage: numbers a source gives about forces.

A number is a figure only when a military noun follows it (`data/figure_items.txt`), so page
numbers, document numbers, list markers, times and years never are. Number words, ranges
("2,200 to 3,000", "five-six"), bounds ("no more than 300"), calibres ("of 70 mm to 240 mm
caliber"), multiples ("four times as many troops") and comparisons are read with the words
of `data/figure_words.json`. The holder is the country or unit the clause names nearest
before the figure, or the speaker's country for "our"/"we" (`data/allegiances.tsv`); the
date is the first resolved date of the same sentence after it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc

from archivekg.extract.model import DocumentRecord, Entity, Figure, ResolvedMention, SourceText, TextSpan

HOLDER_KINDS = ("country", "unit")
NEGATION_REACH = 40  # characters before a bound where a negation flips it
PLACE_REACH = 60  # characters after a figure where "in PLACE" says where it is


def _words(words) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


@dataclass(frozen=True)
class FigureRules:
    items: dict[str, str]  # every form, lower-cased -> singular
    numbers: dict[str, int]
    scales: dict[str, int]
    bounds: dict[str, str]
    words: dict
    allegiances: dict[str, str]
    figure: re.Pattern
    multiple: re.Pattern
    composition: re.Pattern
    calibre: re.Pattern


def parse_figure_rules(files) -> FigureRules:
    """The figure rules from `figure_items.txt`, `figure_words.json` and `allegiances.tsv`."""
    items: dict[str, str] = {}
    for line in files.lines("figure_items.txt"):
        forms = [f.strip() for f in line.split("|") if f.strip()]
        for form in forms:
            items[form.lower()] = forms[0].lower()
    words = files.json("figure_words.json")
    allegiances = {}
    for line in files.lines("allegiances.tsv"):
        person, country = line.split("\t")[:2]
        allegiances[person.strip()] = country.strip()
    tens = "|".join(w for w, n in words["numbers"].items() if n >= 20 and n % 10 == 0)
    units = "|".join(w for w, n in words["numbers"].items() if 1 <= n <= 9 and " " not in w)
    # "twenty-five" is one number, before "five-six" can be read as a range
    word = f"(?:(?:{tens})[-\\s](?:{units})\\b|{_words(words['numbers'])})(?:\\s+(?:{_words(words['scales'])}))?"
    number = rf"(?:\d{{1,3}}(?:,\d{{3}})+|\d+|(?i:{word}))"
    item = f"(?i:{_words(items)})"
    modifiers = r"(?:(?!(?:of|and|or|the|to|in|on|with|for|from|as|than|by|at)\b)[A-Za-z][\w\-]*\s+){0,3}?"
    figure = re.compile(
        rf"(?:(?P<bound>(?i:{_words(words['bounds'])}))\s+)?(?<![\w,.])(?P<n1>{number})"
        rf"(?:\s*(?:-|–|\bto\b|\bor\b)\s*(?P<n2>{number}))?\s+(?P<mods>{modifiers})(?P<item>{item})\b"
    )
    multiple = re.compile(rf"(?P<n1>(?i:{_words(words['multiples'])})|(?:{number})\s+times)\s+as\s+many\s+(?P<mods>{modifiers})(?P<item>{item})\b")
    composition = re.compile(
        rf"(?i:{_words(words['compositions'])})[^()\n]*?\b(?:and|,)\s+(?P<n1>(?i:an?))\s+(?P<mods>{modifiers})(?P<item>{item})\b"
    )
    calibre = re.compile(
        rf"\s+of\s+(?:(?P<cbound>(?i:{_words(words['bounds'])}))\s+)?(?P<c1>\d+(?:\.\d+)?)\s*mm"
        r"(?:\s*(?:-|–|to)\s*(?P<c2>\d+(?:\.\d+)?)\s*mm)?\s+(?i:caliber|calibre)"
    )
    return FigureRules(items, words["numbers"], words["scales"], words["bounds"], words, allegiances, figure, multiple, composition, calibre)


def parse_number(text: str, rules: FigureRules) -> int | None:
    text = re.sub(r"\s+", " ", text.strip().lower())
    if re.fullmatch(r"[\d,]+", text):
        return int(text.replace(",", ""))
    if text in ("a", "an"):
        return 1
    compound = re.fullmatch(r"([a-z]+)[- ]([a-z]+)(?: (\w+))?", text)
    if compound and rules.numbers.get(compound[1], 0) >= 20 and 1 <= rules.numbers.get(compound[2], 0) <= 9:
        value = rules.numbers[compound[1]] + rules.numbers[compound[2]]  # "twenty-five"
        return value * rules.scales.get(compound[3], 1) if compound[3] else value
    parts = text.split(" ")
    if " ".join(parts) in rules.numbers:
        return rules.numbers[" ".join(parts)]
    if len(parts) == 2 and parts[0] in rules.numbers and parts[1] in rules.scales:
        return rules.numbers[parts[0]] * rules.scales[parts[1]]
    return None


def sentence_bounds(text: str, position: int) -> tuple[int, int]:
    breaks = [m.end() for m in re.finditer(r"[.!?][\"”)\]]*\s+(?=[A-Z\"“\[(])|\n\s*\n", text[:position])]
    start = breaks[-1] if breaks else 0
    after = re.search(r"[.!?][\"”)\]]*\s+(?=[A-Z\"“\[(])|\n\s*\n", text[position:])
    return start, position + after.start() + 1 if after else len(text)


def find_figures(
    source: SourceText, doc: Doc, record: DocumentRecord, mentions: list[ResolvedMention], entities: dict[str, Entity], ruleset
) -> list[Figure]:
    from archivekg.extract.figure_context import attach_context

    rules: FigureRules = ruleset.figures
    text, figures, taken = source.text, [], []
    for pattern in (rules.multiple, rules.figure, rules.composition):
        for m in pattern.finditer(text):
            if any(a < m.end() and m.start("n1") < b for a, b in taken):
                continue
            figure = _figure(source, record, m, rules, pattern is rules.multiple)
            if figure:
                taken.append((figure.span.start, figure.span.end))
                figures.append(figure)
    figures.sort(key=lambda f: f.span.start)
    return attach_context(source, record, figures, mentions, entities, rules)


def _figure(source: SourceText, record: DocumentRecord, m: re.Match, rules: FigureRules, is_multiple: bool) -> Figure | None:
    text = source.text
    item = rules.items[re.sub(r"\s+", " ", m.group("item").lower())]
    start, end = m.start(), m.end()
    values: dict = {}
    if is_multiple:
        word = re.sub(r"\s+", " ", m.group("n1").lower())
        multiples = rules.words["multiples"]
        start = m.start("n1")
        values["multiplier"] = float(multiples[word]) if word in multiples else float(parse_number(word.replace(" times", ""), rules) or 0)
        if not values["multiplier"]:
            return None
    else:
        n2 = m.groupdict().get("n2")
        low, high = parse_number(m.group("n1"), rules), parse_number(n2, rules) if n2 else None
        if low is None or (n2 and high is None):
            return None
        bound = rules.bounds.get(re.sub(r"\s+", " ", (m.groupdict().get("bound") or "").lower()))
        if bound == "min" and re.search(rf"\b(?:{_words(rules.words['negations'])})\b", text[max(0, start - NEGATION_REACH) : start], re.I):
            bound = "max"
        if high is not None:
            values.update(min_count=min(low, high), max_count=max(low, high))  # "3,000 to 2,200" too
        elif bound == "max":
            values["max_count"] = low
        elif bound == "min":
            values["min_count"] = low
        else:
            values["count"] = low
        if not m.groupdict().get("bound") or bound == "about":
            start = m.start("n1")
    calibre = rules.calibre.match(text, m.end())
    if calibre:
        end = calibre.end()
        c1, c2 = float(calibre.group("c1")), float(calibre.group("c2")) if calibre.group("c2") else None
        cbound = rules.bounds.get(re.sub(r"\s+", " ", (calibre.group("cbound") or "").lower()))
        if c2 is not None or cbound != "max":
            values["min_caliber_mm"] = c1
        if c2 is not None or cbound == "max":
            values["max_caliber_mm"] = c2 if c2 is not None else c1
        if c2 is None and cbound is None:
            values["max_caliber_mm"] = c1
    span = TextSpan(source.key, start, end, text[start:end])
    return Figure(key=f"{source.key}-{start}", span=span, stated_in=record.key_at(start), item=item, **values)


