"""Who speaks where in one document: the voices the claims stage attributes clauses to.

- The place: a quoted message or remarks (`record.parts`) speak with their author's voice, the rest
  of the document with its author's or sender's.
- A region: what a standalone frame introduces ("Comrade Mao Zedong asked me to report the
  following:", "gist of his replies, in order:", "a telegram from X:") is its holder's, to the end
  of the quotation or list that follows, else of the place.
- A turn: in a record of conversation, a line "Stalin. ..." or "KIM IL SUNG: ..." is Stalin's.
- A paragraph voice: after "X said that ..." the paragraph goes on in X's voice ("He is certain
  that ..."), until the author speaks again in the first person.
- A quotation of a clause or more inside a sentence is the speaker its sentence names ("Stalin's
  statement ... “...”"), else the paragraph's.

Holders (subjects of frames, possessors) are resolved here to entities: names through the
document's mentions, "he"/"they" to the last named person or party, "I"/"we" to whoever speaks.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from archivekg.extract.claim_rules import ClaimRules
from archivekg.extract.model import DateValue, DocumentRecord, Entity, ResolvedMention, SourceText

FIRST, SECOND = "<first>", "<second>"
AGENT_KINDS = ("person", "organization", "country", "unit")
_QUOTE_PAIRS = re.compile(r"“([^“”]*)”|\"([^\"\n]*)\"")
MIN_QUOTED_WORDS = 4  # a quotation shorter than this is a term ("capitalist encirclement"), not speech


@dataclass(frozen=True)
class Place:
    key: str
    start: int
    end: int
    speaker: str | None
    date: DateValue | None
    relayer: str | None  # the document's speaker, when the place is another's message


class Speakers:
    def __init__(self, source: SourceText, doc: Doc, record: DocumentRecord, mentions: list[ResolvedMention], entities: dict[str, Entity], rules: ClaimRules, offices=lambda name: None):
        self.source, self.doc, self.record, self.entities, self.rules = source, doc, record, entities, rules
        self.offices = offices  # a name -> the office of the office table it is here ("The President" -> "President of the United States"), or None
        self.mentions = sorted((m for m in mentions if m.mention.span.doc_key == source.key), key=lambda m: m.mention.span.start)
        self.starts = [m.mention.span.start for m in self.mentions]
        offices = [f"office:{name}" for role, name in record.offices if role == "sender"]
        self.doc_speaker = next(iter(record.author_keys or record.sender_keys or offices), None)
        self.quotes = [(m.start() + 1, m.end() - 1) for m in _QUOTE_PAIRS.finditer(source.text) if len((m.group(1) or m.group(2) or "").split()) >= MIN_QUOTED_WORDS]
        self.paragraph, self.paragraph_voice, self.record_mode = None, None, False
        self.turn: str | None = None
        self.regions: list[tuple[int, int, str | None, bool]] = []  # (start, end, holder, topics)
        self.quote_voice: dict[int, str | None] = {}
        self.last_person: str | None = None
        self.last_party: str | None = None

    # -- places -------------------------------------------------------------------------------
    def place(self, char: int) -> Place:
        part = self.record.part_at(char)
        date = self.record.date_sent or self.record.date_created
        if part is None:
            return Place(self.record.key, 0, len(self.source.text), self.doc_speaker, date, None)
        speaker = next(iter(part.author_keys), None)
        relayer = self.doc_speaker if part.kind == "message" and speaker != self.doc_speaker else None
        return Place(part.key, part.span.start, part.span.end, speaker, part.date_sent or date, relayer)

    # -- names ---------------------------------------------------------------------------------
    def mentions_in(self, start: int, end: int) -> list[ResolvedMention]:
        first, last = bisect_left(self.starts, start), bisect_left(self.starts, end)
        return [m for m in self.mentions[first:last] if m.mention.span.end <= end]

    def mention_at(self, char: int) -> ResolvedMention | None:
        i = bisect_right(self.starts, char) - 1
        while i >= 0 and i >= bisect_right(self.starts, char) - 4:
            m = self.mentions[i]
            if m.mention.span.start <= char < m.mention.span.end:
                return m
            i -= 1
        return None

    def agent(self, key: str | None) -> str | None:
        entity = self.entities.get(key) if key else None
        return key if entity is not None and entity.kind in AGENT_KINDS else None

    def named(self, head: Token) -> str | None:
        """The agent a holder's phrase names: its head, or a name in apposition, a compound, the
        first conjunct, a possessor, or the body a group noun belongs to ("comrades in the CC")."""
        candidates = [head, *(c for c in head.children if c.dep_ in ("appos", "compound", "conj", "nmod"))]
        candidates += [c for c in head.children if c.dep_ == "poss"]
        if head.lemma_.lower() in self.rules.groups:
            candidates += [c for c in head.children if c.dep_ == "amod"]
            candidates += [g for c in head.children if c.dep_ == "prep" and c.lower_ in ("of", "in", "from") for g in c.children if g.dep_ == "pobj"]
        for token in candidates:
            m = self.mention_at(token.idx)
            if m is not None and self.agent(m.entity_key):
                return m.entity_key
        return self.office(head)

    def office(self, head: Token) -> str | None:
        """An office that holds the phrase where no one is named ("The President then said",
        "The Secretary of State decided"): its head with what follows it in the phrase."""
        if head.pos_ not in ("NOUN", "PROPN") or head.dep_ not in ("nsubj", "nsubjpass"):
            return None
        right = [t for t in head.subtree if t.i >= head.i and t.i - head.i < 6 and not t.is_punct]
        words = [head.text]
        for t in right[1:]:
            if t.i != head.i + len(words) or t.dep_ in ("relcl", "acl", "appos", "punct"):
                break
            words.append(t.text)
        for cut in range(len(words), 0, -1):
            office = self.offices(" ".join(words[:cut]))
            if office:
                return f"office:{office}"
        return None

    def who(self, token: Token) -> str | None:
        """A holder token as FIRST, SECOND, an entity key, or None (nobody named)."""
        word, rules = token.lower_, self.rules
        if word in rules.first_person:
            return FIRST
        if word in rules.second_person:
            return SECOND
        if word in rules.person_pronouns:
            return self.last_person or self.last_mentioned(token.idx)
        if word in rules.group_pronouns:
            return self.last_party or self.last_person or self.last_mentioned(token.idx)
        return self.named(token)

    def last_mentioned(self, char: int) -> str | None:
        """The person named last before `char`, other than whoever speaks there ("Saw Eden ... his remarks")."""
        speaker = self.place(char).speaker
        for m in reversed(self.mentions[: bisect_left(self.starts, char)]):
            entity = self.entities.get(m.entity_key)
            if entity is not None and entity.kind == "person" and m.entity_key != speaker:
                return m.entity_key
        return None

    def note(self, key: str | None) -> None:
        """A named party just acted or spoke: the antecedent of the next "he" or "they"."""
        if key and key not in (FIRST, SECOND):
            if key.startswith("office:") or self.entities[key].kind == "person":  # an office is held by a person
                self.last_person = key
            self.last_party = key

    def note_subject(self, head: Token) -> None:
        for c in head.children:
            if c.dep_ in ("nsubj", "nsubjpass") and c.lower_ not in self.rules.person_pronouns | self.rules.group_pronouns:
                key = self.named(c)
                self.note(key)
                if key is None and c.pos_ in ("NOUN", "PROPN") and c.lower_ not in self.rules.first_person:
                    if head.lemma_.lower() in self.rules.frame_verbs:
                        self.last_person = None  # "The President then said ...": "he" is no longer the last named person

    # -- voices -------------------------------------------------------------------------------
    def enter(self, paragraph: int, turn: str | None) -> None:
        if paragraph != self.paragraph or turn is not None or self.turn is not None:
            self.paragraph, self.paragraph_voice, self.record_mode = paragraph, None, False
        self.turn = turn
        if turn:
            self.note(turn)

    def speak(self, key: str, present: bool) -> None:
        """A third party speaks in this paragraph ("X said that ..."): the paragraph goes on in X's voice."""
        self.paragraph_voice, self.record_mode = key, present or self.record_mode
        self.note(key)

    def author_speaks(self, char: int) -> None:
        """The author speaks again in the first person: the paragraph's reported speaker is done."""
        if not self.turn and not self.region_at(char):
            self.paragraph_voice, self.record_mode = None, False

    def open_region(self, start: int, end: int, holder: str | None, topics: bool) -> None:
        self.regions.append((start, end, holder, topics))

    def region_at(self, char: int) -> tuple[int, int, str | None, bool] | None:
        inside = [r for r in self.regions if r[0] <= char < r[1]]
        return inside[-1] if inside else None

    def voiced_region(self, char: int) -> tuple[int, int, str | None, bool] | None:
        """The innermost region at `char` that has a holder (a passage introduced by no one in
        particular inside a forwarded memorandum is still the memorandum's author's)."""
        inside = [r for r in self.regions if r[0] <= char < r[1] and r[2]]
        return max(reversed(inside), key=lambda r: r[0]) if inside else self.region_at(char)

    def quotation_at(self, char: int) -> tuple[int, int] | None:
        return next(((a, b) for a, b in self.quotes if a <= char < b), None)

    def quote_speaker(self, quote: tuple[int, int], sentence_start: int) -> str | None:
        """Whose words a quotation is: a person named before it in its sentence as the possessor
        or subject of a speech word ("Stalin's statement ... “...”"), else the paragraph's voice."""
        if quote[0] not in self.quote_voice:
            found = None
            for m in self.mentions_in(sentence_start, quote[0]):
                if not self.agent(m.entity_key):
                    continue
                token = self.doc.char_span(m.mention.span.start, m.mention.span.end, alignment_mode="expand")
                root = token.root if token is not None else None
                if root is not None and (root.dep_ in ("poss", "nsubj") or root.head.lemma_.lower() in self.rules.frame_verbs):
                    found = m.entity_key
            self.quote_voice[quote[0]] = found or self.paragraph_voice
        return self.quote_voice[quote[0]]

    def voice(self, char: int, first_person: bool, sentence_start: int) -> str | None:
        """Who speaks at `char` (a clause without a named holder of its own)."""
        quote = self.quotation_at(char)
        if quote is not None and quote[0] >= sentence_start - 1:
            speaker = self.quote_speaker(quote, sentence_start)
            if speaker:
                return speaker
        if self.turn:
            return self.turn
        region = self.voiced_region(char)
        if first_person and not self.record_mode:
            if quote is not None and self.paragraph_voice:
                return self.paragraph_voice
            if region is not None and region[2]:
                return region[2]
            self.author_speaks(char)
            return self.place(char).speaker
        if self.paragraph_voice:
            return self.paragraph_voice
        if region is not None and region[2]:
            return region[2]
        return self.place(char).speaker


def frame_holder(unit, doc: Doc, speakers: Speakers):
    """The claimant a clause's frames name, outermost first ("X said that ...", "in his view"),
    skipping the speaker's own report ("I report that X ordered ...": X's order), frames without
    content ("Paik understands") and the speaker's description of a party ("the USA are very eager
    to mediate"); with the frame that named it, and the other parties the frames name (who relayed
    it: "Kim Il Sung believes, Mun went on, ...")."""
    first_seen, chosen, others = False, None, []
    for frame in unit.frames:
        if frame.holder is None:
            continue
        if frame.kind in ("speech", "opinion") and not frame.content and frame.token == unit.head:
            continue
        who = speakers.who(doc[frame.holder])
        if who == SECOND or who is None:
            continue
        if chosen is not None:
            if who not in (FIRST, chosen[0]):
                others.append(who)
            continue
        if who == FIRST:
            first_seen = True
            if frame.kind != "speech":
                chosen = (FIRST, frame)
            continue
        if frame.kind == "plan" and doc[frame.token].pos_ == "ADJ":
            continue
        chosen = (who, frame)
    if chosen is None:
        return (FIRST if first_seen else None), None, others
    return chosen[0], chosen[1], others
