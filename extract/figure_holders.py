"""Who holds a military figure: the side, unit or country that fields what is counted.

In order, the first that gives an answer:
1. the figure's own words: a name that modifies the counted noun or follows it with "of"
   ("19 Guomindang divisions", "35 divisions of the Guomindang army", "CCF armies", "Chinese
   regiments", "of our own divisions"); "enemy" means the side of the enemy's last figure;
2. the figure it belongs to: a bare number's figure, "among them", a part ("a division of
   three regiments"), a figure in the same list that names its holder ("3 Chinese fighter
   divisions and 6 MIG-9 detachments");
3. the clause, by the dependency parse: the subject of the verb that governs the figure ("the
   Soviet Government could send ... one more division", "an American corps has 1,500 guns"),
   the one asked to act ("ask you to send"; "ask the Soviet Government for the following
   help: 1) to send ..."), the possessor of the deed ("your decision to send one division");
   a foe's figure ("finished off 35 divisions") and deliveries for units ("materiel for three
   divisions") get no holder from the clause;
4. the list it continues; the speaker of a turn in a record of conversation ("Kim Il Sung. One
   division."); the nearest side named earlier in the sentence (or a demonym later in it);
   for units and men, the force last named in the paragraph, or the only one named before.
"We"/"our" is the speaker's side (the turn's speaker, the quoted message's author, the
document's author or sender), "you"/"your" the recipient's, via `figure_sides`. A country
that fields units and men is replaced by its force (`force` rows of `allegiances.tsv`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from archivekg.extract.figure_numbers import alternation
from archivekg.extract.figure_sides import SideIndex
from archivekg.extract.figures import FigureRules, Tokens
from archivekg.extract.model import DocumentRecord, Figure, ResolvedMention

NOBODY = ()  # a definite "no holder": later steps are not tried
HOLDER_KINDS = ("country", "unit", "organization")
LIST_REACH = 600  # characters back to the line that opens a list of requests ("... the following help:")
_NAME_RUN = re.compile(r"[A-Z][\w'’.\-]*(?:\s+[A-Z][\w'’.\-]*)*")


@dataclass
class Holders:
    text: str
    tokens: Tokens
    record: DocumentRecord
    mentions: list[ResolvedMention]
    sides: SideIndex
    rules: FigureRules
    figures: list[Figure]
    links: dict
    date: str | None
    turns: list[tuple[int, int, str]] = field(default_factory=list)
    memo: dict = field(default_factory=dict)

    def __post_init__(self):
        words = self.rules.words
        self.first = re.compile(rf"^(?:{alternation(words['first_person'])})$", re.I)
        self.second = re.compile(rf"^(?:{alternation(words['second_person'])})$", re.I)
        self.third = re.compile(rf"^(?:{alternation(words['third_person'])})$", re.I)
        self.enemy = re.compile(rf"\b(?:{alternation(words['enemy_words'])})\b", re.I)
        self.antecedent = re.compile(rf"^\s+(?:{alternation(words['antecedent_cues'])})\b", re.I)
        self.nested = re.compile(rf"^\s*(?:of|\(\s*(?:{alternation(words['compositions'])}))\s+$", re.I)
        self.ordinal = re.compile(rf"(?:\d|(?i:{alternation(words['ordinals'])})\b)")
        self.predicate = re.compile(r"\s+(?:are|were|is|was|being)\s+(?P<name>[A-Z][\w'’\-]*(?:\s+[A-Z][\w'’\-]*)*)")
        self.locative = re.compile(r"\b(?:in|at|near|to|into|from|toward|towards|across|within|inside|through|around|off)\s+(?:the\s+)?$", re.I)
        self.force_phrase = re.compile(rf"\b(?P<name>[A-Z][\w'’\-]*(?:\s+[A-Z][\w'’\-]*)?)\s+(?i:{alternation(words['force_nouns'])})\b")
        from archivekg.extract.figure_context import sentence_bounds

        self.sentence = lambda offset: sentence_bounds(self.text, offset)

    # -- who speaks ---------------------------------------------------------------------
    def speaker(self, offset: int) -> str | None:
        turn = next((who for a, b, who in self.turns if a <= offset < b), None)
        part = self.record.part_at(offset)
        keys = ([turn] if turn else []) or list(part.author_keys if part else ()) or list(self.record.author_keys or self.record.sender_keys)
        return next((s for s in map(self.sides.side_of, keys) if s), None)

    def recipient(self, offset: int) -> str | None:
        part = self.record.part_at(offset)
        keys = (part.recipient_keys if part else ()) or self.record.recipient_keys
        return next((s for s in map(self.sides.side_of, keys) if s), None)

    def document_side(self, offset: int) -> str | None:
        return self.speaker(offset) or next(
            (s for r in self.mentions if r.mention.kind == "person" for s in [self.sides.side_of(r.entity_key)] if s), None
        )

    # -- names in a stretch of text -------------------------------------------------------
    def names_in(self, start: int, end: int, reference: int) -> tuple[str, ...] | None:
        """The side a stretch of text names: an entity mention, a known name or demonym, a pronoun."""
        found: list[tuple[int, str]] = []
        for r in self.mentions:
            if start <= r.mention.span.start and r.mention.span.end <= end:
                side = self.mention_side(r) or self.mistyped(r)
                if side:
                    found.append((r.mention.span.start, side))
        covered = [(r.mention.span.start, r.mention.span.end) for r in self.mentions]
        for run in _NAME_RUN.finditer(self.text, start, end):
            if any(a < run.end() and run.start() < b for a, b in covered):
                continue
            side = self._name(run.group())
            if side:
                found.append((run.start(), side))
        for word in re.finditer(r"[A-Za-z]+", self.text[start:end]):
            if self.first.match(word.group()):
                found.append((start + word.start(), self.speaker(reference) or ""))
            elif self.second.match(word.group()):
                found.append((start + word.start(), self.recipient(reference) or ""))
        if self.enemy.search(self.text, start, end) and not found:
            return self.enemy_side(reference)
        sides = tuple(dict.fromkeys(side for _, side in sorted(found) if side))
        return sides or None

    def _name(self, run: str) -> str | None:
        words = run.split()
        for n in range(len(words), 0, -1):  # "Chinese Communist armies", "FIVE CCF ARMIES": the longest known name
            for i in range(len(words) - n + 1):
                side = self.sides.named(" ".join(words[i : i + n]))
                if side:
                    return side
        return None

    def mention_side(self, r: ResolvedMention) -> str | None:
        kind = r.mention.kind
        if kind == "person":
            return self.sides.side_of(r.entity_key)
        if kind == "place":
            key = r.entity_key
            divided = any(place == self.sides.gazetteer_id(key) for place, _ in self.sides.rules.divided)
            return key if divided or self.sides.named(r.mention.span.text) else None
        if kind in ("event", "work"):
            return None
        return r.entity_key  # an organisation or unit the entities stage typed either way

    def mistyped(self, r: ResolvedMention) -> str | None:
        """A name typed as a person or place with no side of its own, right before a counted or
        force noun ("19 Guomindang divisions", "of the Guomindang army"), is a side the
        entities stage mistyped: the entity itself."""
        if r.mention.kind not in ("person", "place"):
            return None
        after = self.text[r.mention.span.end : r.mention.span.end + 30]
        nouns = alternation([*self.rules.words["force_nouns"], *self.rules.items])
        return r.entity_key if re.match(rf"\s+(?i:{nouns})\b", after) else None

    def enemy_side(self, offset: int) -> tuple[str, ...]:
        """'The enemy': the side of the last figure before in the paragraph that is not the speaker's."""
        own = self.speaker(offset)
        paragraph = self.paragraph_start(offset)
        for figure in reversed([f for f in self.figures if paragraph <= f.span.start < offset]):
            held = self.memo.get(figure.key)
            if held and own not in held:
                return held
        return NOBODY

    def paragraph_start(self, offset: int) -> int:
        breaks = [m.end() for m in re.finditer(r"\n[ \t]*\n", self.text[:offset])]
        return breaks[-1] if breaks else 0

    # -- the steps -------------------------------------------------------------------------
    def holder(self, figure: Figure) -> tuple[str, ...]:
        if figure.key in self.memo:
            return self.memo[figure.key] or ()
        self.memo[figure.key] = None  # a cycle gives nothing
        for step in (self.own, self.belongs_to, self.listed_own, self.clause, self.listed, self.turn, self.in_sentence, self.in_context):
            found = step(figure)
            if found is not None:
                break
        self.memo[figure.key] = found or NOBODY
        return self.memo[figure.key]

    def own(self, figure: Figure):
        link = self.links.get(figure.key, {})
        if "table" in link:
            return tuple(dict.fromkeys(s for s in map(self._name, link["table"]) if s)) or None
        if "asked" in link:  # the answer to "How many aircraft has the Chinese air force?"
            return self.names_in(*link["asked"], figure.span.start)
        start, end = figure.span.start, figure.span.end
        predicate = self.predicate.match(self.text, end)
        if predicate:  # "of which eighteen are North Korean"
            side = self._name(predicate.group("name"))
            if side:
                return (side,)
        of = re.match(r"\s+of\s+(?:the\s+)?", self.text[end : end + 12])
        if of:
            stop = re.search(r"[,.;:()\n]|\b(?:and|to|in|for|from|with|at|on|by)\b", self.text[end + of.end() : end + 60])
            end = end + of.end() + (stop.start() if stop else 60)
        return self.names_in(start, end, start)

    def belongs_to(self, figure: Figure):
        link = self.links.get(figure.key, {})
        if link.get("antecedent"):
            other = next((f for f in self.figures if f.key == link["antecedent"]), None)
            return self.holder(other) if other else None
        before = self.before_in_sentence(figure)
        if before and self.antecedent.match(self.text[figure.span.end : figure.span.end + 20]):
            return self.holder(before[-1])
        if before and self.nested.match(self.text[before[-1].span.end : figure.span.start]):
            return self.holder(before[-1])
        return None

    def listed_own(self, figure: Figure):
        for other in self.list_neighbours(figure):
            found = self.own(other)
            if found:
                return found
        return None

    def listed(self, figure: Figure):
        for other in self.list_neighbours(figure):
            if other.span.start < figure.span.start:
                found = self.holder(other)
                if found:
                    return found
        return None

    def list_neighbours(self, figure: Figure) -> list[Figure]:
        """Figures joined to this one by commas and "and" in the same sentence, nearest first."""
        index = self.figures.index(figure)
        out = []
        for step in (-1, 1):
            i = index
            while 0 <= i + step < len(self.figures):
                a, b = sorted((self.figures[i], self.figures[i + step]), key=lambda f: f.span.start)
                gap = re.sub(r"\([^()]*\)", "", self.text[a.span.end : b.span.start])
                if not re.fullmatch(r"\s*(?:,|;|and|or|,\s*and|as well as)?\s*", gap):
                    break
                i += step
                out.append(self.figures[i])
        return sorted(out, key=lambda f: abs(f.span.start - figure.span.start))

    def before_in_sentence(self, figure: Figure) -> list[Figure]:
        start, _ = self.sentence(figure.span.start)
        return [f for f in self.figures if start <= f.span.start and f.span.end <= figure.span.start]

    def clause(self, figure: Figure):
        from archivekg.extract.figure_clause import clause_holder

        return clause_holder(self, figure)

    def turn(self, figure: Figure):
        who = next((who for a, b, who in self.turns if a <= figure.span.start < b), None)
        side = self.sides.side_of(who) if who else None
        return (side,) if side and figure.item in self.rules.force_items else None

    def in_sentence(self, figure: Figure):
        from archivekg.extract.figure_clause import is_doer

        start, end = self.sentence(figure.span.start)
        candidates = []
        before = start if not is_doer(self, figure) else figure.span.start  # a doer's side is its own
        for r in self.mentions:
            span = r.mention.span
            if before <= span.start and span.end <= figure.span.start and r.mention.kind in HOLDER_KINDS and not self.locative.search(self.text, max(0, span.start - 12), span.start):
                candidates.append((span.end, r.entity_key))
        covered = [(r.mention.span.start, r.mention.span.end) for r in self.mentions]
        for run in _NAME_RUN.finditer(self.text, before, figure.span.start):
            side = None if any(a < run.end() and run.start() < b for a, b in covered) else self._name(run.group())
            if side and not self.locative.search(self.text, max(0, run.start() - 12), run.start()):
                candidates.append((run.end(), side))  # "the Korean losses ... 300-400 people a day"
        for word in re.finditer(rf"\b(?:{alternation(self.rules.words['first_person'])})\b", self.text[start : figure.span.start], re.I):
            side = self.speaker(figure.span.start)
            if side and word.group() != "I":
                candidates.append((start + word.end(), side))
        if candidates:
            return (max(candidates)[1],)
        clause_end = re.search(r"[;:,.]", self.text[figure.span.end : end])
        after_end = figure.span.end + (clause_end.start() if clause_end else end - figure.span.end)
        for run in _NAME_RUN.finditer(self.text, figure.span.end, after_end):
            words = run.group().split()
            for n in range(len(words), 0, -1):
                gazetteer_id = next((self.sides.demonyms.get(" ".join(words[i : i + n]).casefold()) for i in range(len(words) - n + 1) if self.sides.demonyms.get(" ".join(words[i : i + n]).casefold())), None)
                key = self.sides.entity(gazetteer_id)
                if key:
                    return (key,)  # "463 pilots will complete their course in the Chinese aviation schools"
        return None

    def in_context(self, figure: Figure):
        if figure.item not in self.rules.force_items:
            return None
        forces = self.forces_before(figure.span.start)
        paragraph = self.paragraph_start(figure.span.start)
        recent = [key for at, key in forces if at >= paragraph]
        if recent:
            return (recent[-1],)
        named = list(dict.fromkeys(key for _, key in forces))
        return (named[0],) if len(named) == 1 else None

    def forces_before(self, offset: int) -> list[tuple[int, str]]:
        """The armed forces named before an offset: a force's name, or a side's name before
        'army', 'forces', 'troops' ("the Korean army", "People's Army")."""
        found = []
        for r in self.mentions:
            if r.mention.span.end <= offset and self.sides.is_force(r.entity_key) and r.mention.kind == "unit" and not self.ordinal.match(r.mention.span.text):
                if any(f.force == self.sides.gazetteer_id(r.entity_key) for f in self.sides.rules.forces):
                    found.append((r.mention.span.start, r.entity_key))
        for m in self.force_phrase.finditer(self.text, 0, offset):
            name = m.group("name")
            if self.ordinal.match(name):
                continue  # "Eighth Army", "67TH ARMY": a numbered unit, not a side's force
            r = next((r for r in self.mentions if r.mention.span.start <= m.start("name") < r.mention.span.end), None)
            side = (self.mention_side(r) if r else None) or self._name(name)
            if not side and r is not None and r.mention.kind in ("organization", "unit"):
                side = r.entity_key  # "People's Army": an organisation named as an army
            if side:
                found.append((m.start(), side))
        return sorted(found)

    # -- the holder as an entity ---------------------------------------------------------------
    def final(self, figure: Figure, held: tuple[str, ...]) -> tuple[str, ...]:
        """Divided countries read by the speaker's bloc; a country's units and men are its force's."""
        out = []
        start, end = self.sentence(figure.span.start)
        previous = start
        if re.search(r"\bthere\b(?!\s+(?:is|are|was|were|will|would|has|have|had|remain)\b)", self.text[start:end], re.I):
            previous, _ = self.sentence(max(0, start - 2))  # "We have 56 divisions there": where the sentence before says
        places = {self.sides.gazetteer_id(r.entity_key) for r in self.mentions if previous <= r.mention.span.start < end}
        for key in held:
            key = self.sides.undivided(key, self.document_side(figure.span.start))
            if figure.item in self.rules.force_items:
                key = self.sides.force_of(key, places, self.date)
            if key in self.sides.entities:
                out.append(key)
        return tuple(dict.fromkeys(out))


def conversation_turns(text: str, mentions: list[ResolvedMention]) -> list[tuple[int, int, str]]:
    """Turns of a record of conversation: lines opening with a person's name and a full stop or
    colon ("Kim Il Sung. One division."); a turn runs to the next one. Fewer than two: none."""
    starts = []
    people = {r.mention.span.start: r for r in mentions if r.mention.kind == "person"}
    for line in re.finditer(r"(?m)^[ \t]*(?=\S)", text):
        r = people.get(line.end())
        if r and re.match(r"[.:][ \t]+\S", text[r.mention.span.end : r.mention.span.end + 3]):
            starts.append((line.end(), r.entity_key))
    if len(starts) < 2:
        return []
    ends = [s for s, _ in starts[1:]] + [len(text)]
    return [(s, e, who) for (s, who), e in zip(starts, ends)]
