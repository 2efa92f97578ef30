"""The figures stage: numbers a source gives about forces.

A number is a figure only when a counted military noun is the head of the noun phrase after it
(`data/figure_items.txt`: "3 jet fighter divisions" counts divisions, "300 aircraft sorties"
counts nothing), so page and document numbers, list markers, times, years, durations,
distances and money never are. Numbers, ranges, bounds and approximations are read by
`figure_numbers`; a number inside a date, after a designation ("No. 5", "Hill 355") or a ratio
word ("every thousand"), the size of a team or delegation ("team to be six men") and a staff
("two executive officers") are left out (`data/figure_words.json`). Besides counted nouns:
a people in a sentence about forces ("174,000 Chinese"), multiples ("four times as many
troops"), "a"/"an" in a list of parts ("and a mechanized division"), bare numbers that
continue a figure (`figure_ellipsis`: "against 1,125,000 delivered", "the number of PWs ... at
approx 9,000") and tables (`figure_tables`); "raise the army from ten to twenty divisions" is
two counts. Holders, dates, places and comparisons are added by `figure_context`; the rules
are compiled once by `figure_rules`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Doc

from archivekg.extract.figure_numbers import alternation, parse_number, read_quantity, squash
from archivekg.extract.figure_rules import LIST_MARK, FigureRules, parse_figure_rules
from archivekg.extract.model import DocumentRecord, Entity, Figure, ResolvedMention, SourceText, TextSpan

__all__ = ["FigureRules", "find_figures", "parse_figure_rules"]

MAX_MODIFIERS = 4  # words between the number and the counted noun ("6 MIG-9 technical support detachments")
_WORD = re.compile(r"[A-Za-z][\w\-'’.]*(?<![.'’])|[A-Za-z]\.")
_GAP = re.compile(r"[ \t]*(?:\n[ \t]*)?")  # the space between two words of a phrase: at most one line break
_AS_MANY = re.compile(r"\bas\s+many\b", re.I)  # every multiple has it: the costly pattern runs only where it is
_FINITE = {"VBD", "VBZ", "VBP", "MD"}
_CLOSED = {"ADP", "DET", "CCONJ", "SCONJ", "PRON", "AUX", "PART", "PUNCT"}


class Tokens:
    """The spaCy tokens of a document, found by character offset."""

    def __init__(self, doc: Doc | None):
        self.doc = doc
        self.starts = [t.idx for t in doc] if doc is not None else []

    def at(self, offset: int):
        from bisect import bisect_right

        i = bisect_right(self.starts, offset) - 1
        if i < 0 or self.doc is None:
            return None
        token = self.doc[i]
        return token if token.idx <= offset < token.idx + len(token) else None


@dataclass(frozen=True)
class Head:
    """The counted noun after a number: its item, where it is, and how the phrase ends."""

    item: str
    start: int
    end: int
    plural: bool
    singular: bool
    modifiers: tuple[str, ...]  # the words between the number and the noun, lower-cased
    partitive: bool = False  # "one or two of our own divisions"


def find_head(text: str, position: int, rules: FigureRules, tokens: Tokens) -> Head | None:
    """The counted noun heading the phrase that starts at `position` (right after a number)."""
    pos, words, heads, partitive = position, [], [], False
    after_head_noun = None
    while len(words) <= MAX_MODIFIERS:
        gap = _GAP.match(text, pos)
        if gap.end() == pos and pos < len(text) and not text[pos].isspace() and words:
            break
        pos = gap.end()
        item = rules.item_pattern.match(text, pos)
        word = _WORD.match(text, pos)
        if not word:
            break
        lower = word.group().lower()
        if not item:
            if lower == "of" and not words and not partitive:
                skip = rules.patterns["partitive_of"].match(text, pos)
                pos, partitive = skip.end(), True
                continue
            token = tokens.at(pos)
            if lower in rules.stop_words or (token is not None and (token.tag_ in _FINITE or token.pos_ in _CLOSED)):
                break
            if heads and after_head_noun is None:
                after_head_noun = bool(token is not None and token.tag_.startswith("NN"))
            words.append(lower)
            pos = word.end()
            continue
        if rules.patterns["not_item"].match(text, pos):
            return None  # "25 units of account"
        form = rules.items[squash(item.group())]
        heads.append((item, form, tuple(words)))
        after_head_noun = None
        words.append(squash(item.group()))
        pos = item.end()
        if form.plural and not form.singular:
            break  # a plural noun heads its phrase ("soldiers prisoner", not "tank divisions")
    if not heads or after_head_noun:
        return None  # no counted noun, or it only modifies another noun ("300 aircraft sorties")
    item, form, modifiers = heads[-1]
    return Head(form.item, item.start(), item.end(), form.plural, form.singular, modifiers, partitive)


def find_figures(
    source: SourceText, doc: Doc, record: DocumentRecord, mentions: list[ResolvedMention], entities: dict[str, Entity], ruleset
) -> list[Figure]:
    from archivekg.extract.figure_context import attach_context
    from archivekg.extract.figure_ellipsis import elliptic_figures
    from archivekg.extract.figure_tables import table_figures

    rules: FigureRules = ruleset.figures
    text, tokens = source.text, Tokens(doc)
    blocked = [(d.span.start, d.span.end) for d in record.dates if d.span]
    figures, links, taken = [], {}, []

    def free(start: int, end: int) -> bool:
        return not any(a < end and start < b for a, b in taken + blocked)

    for figure, holders in table_figures(source, record, rules):
        taken.append((figure.span.start, figure.span.end))
        figures.append(figure)
        links[figure.key] = {"table": holders}
    multiples = rules.patterns["multiple"].finditer(text) if _AS_MANY.search(text) else ()
    for m in multiples:
        figure = _multiple(source, record, m, rules)
        if figure and free(m.start("n1"), m.end()):
            taken.append((figure.span.start, figure.span.end))
            figures.append(figure)
    bare = []
    for m in rules.numbers.quantity.finditer(text):
        if not free(m.start("numbers"), m.end("numbers")) or _excluded(text, m, rules):
            continue
        head = find_head(text, m.end("numbers"), rules, tokens) or _people(text, m.end("numbers"), rules, ruleset)
        figure = _counted(source, record, m, head, rules, tokens) if head else None
        if figure:
            taken.append((figure.span.start, figure.span.end))
            for part in _change(source, record, m, figure, rules, tokens):
                figures.append(part)
                links[part.key] = {"head": head.start}
        elif head is None:
            listed = _listed_item(source, record, m, rules)
            if listed and free(listed.span.start, listed.span.end):
                taken.append((listed.span.start, listed.span.end))
                figures.append(listed)
            else:
                bare.append(m)
    for m in rules.patterns["composition"].finditer(text):
        if free(m.start("n1"), m.end()):
            item = rules.items[squash(m.group("item"))]
            span = TextSpan(source.key, m.start("n1"), m.end(), text[m.start("n1") : m.end()])
            figures.append(Figure(key=f"{source.key}-{span.start}", span=span, stated_in=record.key_at(span.start), item=item.item, count=1))
            taken.append((span.start, span.end))
    figures.sort(key=lambda f: f.span.start)
    for figure, link in elliptic_figures(source, record, bare, figures, rules, tokens, free):
        figures.append(figure)
        links[figure.key] = link
    figures.sort(key=lambda f: f.span.start)
    return attach_context(source, doc, tokens, record, figures, links, mentions, entities, ruleset)


_LIST_ITEM = re.compile(r"^(?:" + LIST_MARK + r"|[ \t]*\d{1,2}\.)?[ \t]*(?P<phrase>[^:\n]{2,80}?)[ \t]*[:–—][ \t]*$")


def _listed_item(source: SourceText, record: DocumentRecord, m: re.Match, rules: FigureRules) -> Figure | None:
    """A line of a list that names the item and then gives the number ("- MIG-15 jet fighters: 186;",
    "T-34-85 tanks — 80"): the counted noun ends the words before the colon or dash."""
    text = source.text
    line_start = text.rfind("\n", 0, m.start()) + 1
    line_end = text.find("\n", m.end())
    line_end = len(text) if line_end < 0 else line_end
    if not re.fullmatch(r"[ \t]*(?:(?i:thousand|million)[ \t]*)?[;.,]?[ \t]*", text[m.end("numbers") : line_end]):
        return None
    lead = _LIST_ITEM.match(text[line_start : m.start()])
    if not lead:
        return None
    phrase = re.split(r"\s+of\s+", lead.group("phrase"))[0]  # "artillery shells of all calibres"
    words = phrase.split()
    for n in (3, 2, 1):
        form = squash(" ".join(words[-n:])) if len(words) >= n else None
        if form in rules.items and rules.items[form].plural:
            break
    else:
        return None
    quantity = read_quantity(m, text, rules.numbers, text[m.end("numbers") : line_end])
    if quantity is None:
        return None
    start, end = line_start + lead.start("phrase"), m.end("numbers")
    scale = re.match(r"[ \t]*(?i:thousand|million)", text[end:line_end])
    end += scale.end() if scale else 0
    span = TextSpan(source.key, start, end, text[start:end])
    return Figure(key=f"{source.key}-{start}", span=span, stated_in=record.key_at(start), item=rules.items[form].item,
                  count=quantity.count, min_count=quantity.min_count, max_count=quantity.max_count)


def _people(text: str, position: int, rules: FigureRules, ruleset) -> Head | None:
    """ "174,000 Chinese and 58,000 North Koreans": a number of a people, where the sentence speaks
    of forces (`military_cues`), counts its soldiers."""
    from archivekg.extract.figure_context import sentence_bounds

    demonyms = _demonyms(tuple(d for e in ruleset.entries for d in e.demonyms))
    match = demonyms.match(text, position) if demonyms else None
    if not match:
        return None
    start, end = sentence_bounds(text, position)
    if not rules.patterns["military_cue"].search(text, start, end):
        return None  # "a population of 21 million Koreans"
    name = match.group().strip()
    return Head("soldier", match.end() - len(name), match.end(), True, True, (), False)


@lru_cache(maxsize=8)
def _demonyms(demonyms: tuple[str, ...]) -> re.Pattern | None:
    return re.compile(rf"\s+(?:{alternation(demonyms)})(?![\w\-])") if demonyms else None


def _excluded(text: str, m: re.Match, rules: FigureRules) -> bool:
    start = m.start()
    before = text[max(0, start - 40) : start]
    return bool(rules.patterns["excluded_before"].search(before) or rules.patterns["size_before"].search(before))


def _counted(source: SourceText, record: DocumentRecord, m: re.Match, head: Head, rules: FigureRules, tokens: Tokens) -> Figure | None:
    text = source.text
    quantity = read_quantity(m, text, rules.numbers, text[head.end : head.end + 40])
    if quantity is None:
        return None
    if quantity.largest > 1 and not head.plural:
        return None  # "the 26 brigade" names a unit; "9-1545 ... Adviser" is a file number
    if (quantity.largest == 1 and quantity.min_count is None and quantity.max_count is None) and not head.singular and not head.partitive:
        return None  # "one week after American troops": the number is not the noun's
    if head.partitive and (not head.plural or quantity.count == 1):
        return None  # "one of the officers said": a person, not a count
    if re.match(r"['’]s\b", text[head.end : head.end + 3]):
        return None  # "no one man's career"
    if any(w in rules.words["civilian_modifiers"] for w in head.modifiers) or _team_size(tokens, head.start, rules):
        return None
    item = head.item
    if item in rules.words["loss_items"] or squash(text[head.start : head.end]) in rules.words["loss_context_forms"]:
        from archivekg.extract.figure_context import sentence_bounds

        sentence_start, _ = sentence_bounds(text, quantity.start)
        losses = rules.patterns["loss"].search(text, sentence_start, head.end + 25)
        if squash(text[head.start : head.end]) in rules.words["loss_context_forms"] and not losses:
            return None  # "300-400 people" count casualties only where losses are spoken of
        item = "casualty" if losses else item  # "lost approx 400 men killed and wounded"
    start, end = quantity.start, head.end
    values = {"count": quantity.count, "min_count": quantity.min_count, "max_count": quantity.max_count}
    calibre = rules.patterns["calibre"].match(text, end)
    if calibre:
        end = calibre.end()
        c1, c2 = float(calibre.group("c1")), float(calibre.group("c2")) if calibre.group("c2") else None
        cbound = rules.numbers.bounds.get(squash(calibre.group("cbound") or ""))
        if c2 is not None or cbound != "max":
            values["min_caliber_mm"] = c1
        if c2 is not None or cbound == "max":
            values["max_caliber_mm"] = c2 if c2 is not None else c1
        if c2 is None and cbound is None:
            values["max_caliber_mm"] = c1
    span = TextSpan(source.key, start, end, text[start:end])
    return Figure(key=f"{source.key}-{start}", span=span, stated_in=record.key_at(start), item=item, **values)


def _change(source: SourceText, record: DocumentRecord, m: re.Match, figure: Figure, rules: FigureRules, tokens: Tokens) -> list[Figure]:
    """"raise the army from ten to twenty divisions" is a change: two counts, not a range."""
    token = tokens.at(m.start("between")) if m.group("between") else None
    if token is None or token.lower_ != "from" or figure.min_count is None or figure.max_count is None:
        return [figure]
    verb = token.head
    if verb.lemma_.lower() not in rules.words["change_verbs"]:
        return [figure]
    text = source.text
    numbers = list(rules.numbers.one.finditer(text, m.start("numbers"), m.end("numbers")))
    first, last = numbers[0], numbers[-1]
    before = TextSpan(source.key, token.idx, first.end(), text[token.idx : first.end()])
    after = TextSpan(source.key, last.start(), figure.span.end, text[last.start() : figure.span.end])
    low, high = (parse_number(n.group(), rules.numbers) for n in (first, last))
    return [
        Figure(key=f"{source.key}-{before.start}", span=before, stated_in=figure.stated_in, item=figure.item, count=low),
        Figure(key=f"{source.key}-{after.start}", span=after, stated_in=figure.stated_in, item=figure.item, count=high),
    ]


def _team_size(tokens: Tokens, offset: int, rules: FigureRules) -> bool:
    """The number is the size of a team or delegation ("the delegation ... is to consist of three
    persons", "a delegation of five men"), read from the parse: a size noun governs the phrase
    or is the subject of the verb that does."""
    sizes = {w.lower() for w in rules.words["size_nouns"]}
    token = tokens.at(offset)
    while token is not None and token.dep_ in ("compound", "amod", "nmod") and token.head.i > token.i:
        token = token.head
    for _ in range(6):
        if token is None or token.head.i == token.i or token.dep_ in ("nsubj", "nsubjpass"):
            return False
        token = token.head
        if token.lemma_.lower() in sizes or token.lower_ in sizes:
            return True
        if token.pos_ in ("VERB", "AUX"):
            for _ in range(3):
                subject = next((c for c in token.children if c.dep_ in ("nsubj", "nsubjpass")), None)
                if subject is not None:
                    return subject.lemma_.lower() in sizes or subject.lower_ in sizes
                if token.dep_ not in ("xcomp", "ccomp", "conj") or token.head.i == token.i:
                    return False
                token = token.head
            return False
    return False


def _multiple(source: SourceText, record: DocumentRecord, m: re.Match, rules: FigureRules) -> Figure | None:
    word = squash(m.group("n1"))
    multiples = rules.words["multiples"]
    value = float(multiples[word]) if word in multiples else float(parse_number(word.replace(" times", ""), rules.numbers) or 0)
    if not value:
        return None
    start = m.start("n1")
    span = TextSpan(source.key, start, m.end(), source.text[start : m.end()])
    item = rules.items[squash(m.group("item"))].item
    return Figure(key=f"{source.key}-{start}", span=span, stated_in=record.key_at(start), item=item, multiplier=value)
