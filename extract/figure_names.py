"""What side a stretch of a document names, and who speaks where: the helpers of `figure_holders`.

A side is always an entity of the corpus (`figure_sides.SideIndex`): a mention the entities
stage found (a person stands for their side, a divided country's name is read by the speaker's
bloc, a name it typed as a person or place right before "divisions" or "army" is taken as the
side it is), a known name or demonym the entities stage did not mark ("CCF", "Soviets",
"Chinese Communists"), or a pronoun: "we"/"our" the speaker's side, "you"/"your" the recipient's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from archivekg.extract.figure_rules import FigureRules
from archivekg.extract.figure_sides import SideIndex
from archivekg.extract.figures import Tokens
from archivekg.extract.model import DocumentRecord, Figure, ResolvedMention

NOBODY = ()  # a definite "no holder": later steps are not tried
NAME_RUN = re.compile(r"[A-Z][\w'’.\-]*(?:\s+[A-Z][\w'’.\-]*)*")
_LOCATIVE = re.compile(r"\b(?:in|at|near|to|into|from|toward|towards|across|within|inside|through|around|off)\s+(?:the\s+)?$", re.I)


@dataclass
class TextSides:
    text: str
    tokens: Tokens
    record: DocumentRecord
    mentions: list[ResolvedMention]  # in text order
    sides: SideIndex
    rules: FigureRules
    figures: list[Figure]  # in text order
    links: dict
    date: str | None
    turns: list[tuple[int, int, str]] = field(default_factory=list)
    memo: dict = field(default_factory=dict)  # figure key -> holders found

    def __post_init__(self):
        from archivekg.extract.figure_context import sentence_bounds

        self.p = self.rules.patterns
        self.sentence = lambda offset: sentence_bounds(self.text, offset)
        self.covered = [(r.mention.span.start, r.mention.span.end) for r in self.mentions]

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
    def names_in(self, start: int, end: int, reference: int, numbered: bool = True) -> tuple[str, ...] | None:
        """The side a stretch of text names: an entity mention, a known name or demonym, a pronoun.
        `numbered=False` passes over numbered units ("the 1st corps", "the fourth division"): in a
        clause around the figure they are where or which, not whose side."""
        found: list[tuple[int, str]] = []
        for r in self.mentions:
            if not numbered and self.p["numbered"].match(r.mention.span.text):
                continue
            if start <= r.mention.span.start and r.mention.span.end <= end:
                side = self.mention_side(r) or self.mistyped(r)
                if side:
                    found.append((r.mention.span.start, side))
        for at, run in self.unmarked_runs(start, end):
            side = self.name(run)
            if side:
                found.append((at, side))
        for word in re.finditer(r"[A-Za-z]+", self.text[start:end]):
            if self.p["first"].match(word.group()):
                found.append((start + word.start(), self.speaker(reference) or ""))
            elif self.p["second"].match(word.group()):
                found.append((start + word.start(), self.recipient(reference) or ""))
        if self.p["enemy"].search(self.text, start, end) and not found:
            return self.enemy_side(reference)
        sides = tuple(dict.fromkeys(side for _, side in sorted(found) if side))
        return sides or None

    def unmarked_runs(self, start: int, end: int):
        """Runs of capitalised words the entities stage did not mark, cut where it did
        ("NK II CORPS": "II CORPS" is a mention, "NK" is left to be read here)."""
        for run in NAME_RUN.finditer(self.text, start, end):
            pieces, at = [], run.start()
            for a, b in sorted(c for c in self.covered if c[0] < run.end() and run.start() < c[1]):
                pieces.append((at, a))
                at = max(at, b)
            pieces.append((at, run.end()))
            for a, b in pieces:
                piece = self.text[a:b].strip(" \t\n,.;:")
                if piece and piece[0].isupper():
                    yield a + (len(self.text[a:b]) - len(self.text[a:b].lstrip())), piece

    def name(self, run: str, demonyms_only: bool = False) -> str | None:
        """The side the longest known name in a run of capitalised words means ("Chinese
        Communist armies", "FIVE CCF ARMIES"); `demonyms_only`: "Chinese" but not "China"."""
        words = run.split()
        for n in range(len(words), 0, -1):
            for i in range(len(words) - n + 1):
                name = " ".join(words[i : i + n])
                side = self.sides.entity(self.sides.demonyms.get(name.casefold())) if demonyms_only else self.sides.named(name)
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
        return r.entity_key if self.p["before_noun"].match(self.text, r.mention.span.end) else None

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

    def forces_before(self, offset: int) -> list[tuple[int, str]]:
        """The armed forces named before an offset: a force's name, or a side's name before
        'army', 'forces', 'troops' ("the Korean army", "People's Army")."""
        found = []
        for r in self.mentions:
            if r.mention.span.end <= offset and self.sides.is_force(r.entity_key) and r.mention.kind == "unit" and not self.p["ordinal"].match(r.mention.span.text):
                if any(f.force == self.sides.gazetteer_id(r.entity_key) for f in self.sides.rules.forces):
                    found.append((r.mention.span.start, r.entity_key))
        for m in self.p["force_phrase"].finditer(self.text, 0, offset):
            name = m.group("name")
            if self.p["ordinal"].match(name):
                continue  # "Eighth Army", "67TH ARMY": a numbered unit, not a side's force
            r = next((r for r in self.mentions if r.mention.span.start <= m.start("name") < r.mention.span.end), None)
            side = (self.mention_side(r) if r else None) or self.name(name)
            if not side and r is not None and r.mention.kind in ("organization", "unit"):
                side = r.entity_key  # "People's Army": an organisation named as an army
            if side:
                found.append((m.start(), side))
        return sorted(found)

    def locative(self, start: int) -> bool:
        """A name right after 'in', 'to', 'from' is where, not whose (\"forces in North Korea\")."""
        return bool(_LOCATIVE.search(self.text, max(0, start - 12), start))


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
