"""The claims stage: what each source asserts, by whom, where, with what polarity and modality.

Every clause of the document's prose (`claim_lines`) that asserts something is a claim: its frames
and polarity come from the dependency parse (`frames`), not from a list of cue words; cues
(`claim_cues.jsonl`) only widen or narrow that. Not claims: questions, frames standing alone
("I report:"), narration of meetings, courtesies, notes about the correspondence, topic lists.

Attribution follows the text (`claim_voice`): the claimant is the holder of the outermost frame that
names someone ("X said that ...", "X agreed", "in his view"); "I report that X ordered ..." is X's
order; otherwise whoever speaks there: the turn's speaker, the paragraph's reported speaker, the
holder of a frame that introduced the passage, the quoted message's author, the document's author.
A claim relayed by someone other than its claimant is `reported_by` the relayer; the relaying text
stays where it is stated. Adjacent clauses of one sentence with the same claimant, polarity and place
are one claim. The proposition ("agent|action|target") is what `contradictions.py` compares.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from spacy.tokens import Doc

from archivekg.extract.claim_facts import about_keys, date_in, proposition
from archivekg.extract.claim_lines import Block, answered_no, bracketed, is_apparatus, prose_blocks, sentence_spans, turn_label
from archivekg.extract.claim_regions import region_of
from archivekg.extract.claim_rules import ClaimRules, CueHit, cue_matcher
from archivekg.extract.claim_voice import FIRST, SECOND, Speakers, frame_holder
from archivekg.extract.frames import Unit, sentence_units, token_starts
from archivekg.extract.model import Claim, DocumentRecord, Entity, ResolvedMention, SourceText, TextSpan

MIN_WORDS = 3


@dataclass
class Found:
    unit: Unit
    claimant: str | None
    place_key: str
    relayer: str | None
    sentence: int


def find_claims(source: SourceText, doc: Doc, record: DocumentRecord, mentions: list[ResolvedMention], entities: dict[str, Entity], ruleset) -> list[Claim]:
    from archivekg.extract.documents import document_head, office_named

    from archivekg.extract.parts import forwarded_papers

    head = document_head(source.text, ruleset)  # once: the claims stage asks about many subjects
    offices = lambda name: office_named(name, source.text, ruleset, head)  # noqa: E731
    finder = ClaimFinder(source, doc, record, mentions, entities, ruleset.claims, offices)
    for start, end, author in forwarded_papers(source, mentions, ruleset):
        finder.speakers.open_region(start, end, author, False)  # a forwarded memorandum speaks for its author
    return finder.claims()


class ClaimFinder:
    """Finds the claims of one document; pure, holds only what it was given."""

    def __init__(self, source, doc, record, mentions, entities, rules: ClaimRules, offices=lambda name: None):
        self.source, self.doc, self.record, self.entities, self.rules = source, doc, record, entities, rules
        self.speakers = Speakers(source, doc, record, mentions, entities, rules, offices)
        matcher = cue_matcher(doc.vocab, rules)
        by_id = rules.by_id
        self.hits = [CueHit(by_id[doc.vocab.strings[m]], s, e) for m, s, e in matcher(doc)]
        self.sentences = [(s.start_char, s.end_char) for s in doc.sents]
        self.starts = token_starts(doc)
        self.brackets = bracketed(source.text)

    def claims(self) -> list[Claim]:
        found: list[Found] = []
        self.blocks = prose_blocks(self.source.text, self.record, self.rules)
        for index, block in enumerate(self.blocks):
            turn, start = self.turn(block)
            self.speakers.enter(index, turn)
            pending: list[Found] = []
            for number, (a, b) in enumerate(sentence_spans(self.source.text, self.sentences, start, block.end, self.rules.abbreviations)):
                if is_apparatus(self.source.text[a:b].strip(), self.rules, by_shape=False, sentence=True):
                    continue  # "Sent Dept 2180, repeated info USUN 368.", "Dept please pass USUN niact."
                units = sentence_units(self.doc, a, b, self.rules, self.starts)
                answered = answered_no(self.source.text, self.sentences, b, block.end, self.rules.negative_answers)
                if number == 0 and b < block.end and self.heading(units):
                    continue
                for unit in units:
                    item = self.attribute(unit, block, a, answered)
                    if item is not None:
                        item.sentence = a
                        pending.append(item)
            if block.item or any(not f.unit.verbless for f in pending):
                found += pending  # a verbless clause counts in a list, or beside a sentence ("ROK CASUALTIES HEAVY")
        return [self.claim(group) for group in self.merged(found)]

    def turn(self, block: Block) -> tuple[str | None, int]:
        """A record-of-conversation line "Stalin. ..." / "KIM IL SUNG: ...": the speaker and where the words start."""
        label = turn_label(self.source.text, block)
        m = self.speakers.mention_at(block.start) if label else None
        if m is None or m.mention.span.end < label[0] - 1 or self.entities[m.entity_key].kind != "person":
            return None, block.start
        return m.entity_key, label[1]

    def heading(self, units: list[Unit]) -> bool:
        """"On the second plenum." or "Question of X." opening a paragraph: a heading, not a claim."""
        if len(units) != 1 or units[0].words > 8:
            return False
        first = self.doc[units[0].first]
        topic = first.lemma_.lower() in self.rules.topic_nouns and first.i + 1 < len(self.doc) and self.doc[first.i + 1].lower_ == "of"
        return topic or (units[0].verbless and first.pos_ == "ADP")  # "Question of the Ministry ...", "On the second plenum."

    # -- one clause ----------------------------------------------------------------------------
    def attribute(self, unit: Unit, block: Block, sentence_start: int, answered: bool) -> Found | None:
        speakers, doc = self.speakers, self.doc
        cues = [h for h in self.hits if unit.first <= h.start and h.end <= unit.last]
        holder, frame, others = frame_holder(unit, doc, speakers)
        via_frame, present = frame is not None, frame is not None and frame.present
        if unit.introduces:
            speakers.open_region(*region_of(unit, holder, self.source.text, doc, self.blocks, speakers, self.rules))
        if unit.standalone or (unit.question and not answered):
            return None
        before = speakers.voice(unit.start, False, sentence_start)
        if via_frame and holder not in (None, FIRST, SECOND):
            speakers.note(holder)
            if frame.kind in ("speech", "opinion") and speakers.quotation_at(unit.start) is None:
                speakers.speak(holder, present)
        if not self.is_claim(unit, block, cues):
            if unit.narration:
                self.narrated_speaker(unit)
            speakers.note_subject(doc[unit.head])
            return None
        place = speakers.place(unit.start)
        first_person = holder == FIRST or self.first_person_subject(unit)
        claimant = holder if holder not in (None, FIRST, SECOND) else speakers.voice(unit.start, first_person, sentence_start)
        speakers.note_subject(doc[unit.head])
        reporters = [k for k in (*others, before, place.speaker, place.relayer) if k and k != claimant]
        negative = unit.negative or answered or any(h.cue.polarity == "negative" for h in cues)
        if negative != unit.negative or answered:
            unit = replace(unit, negative=True, end=self.answer_end(unit) if answered else unit.end)
        return Found(unit, claimant, place.key, reporters[0] if reporters else None, 0)

    def first_person_subject(self, unit: Unit) -> bool:
        head = self.doc[unit.content]
        return any(c.dep_ in ("nsubj", "nsubjpass", "poss") and c.lower_ in self.rules.first_person for c in [*head.children, *self.doc[unit.head].children])

    def narrated_speaker(self, unit: Unit) -> None:
        """"Mao Zedong gave a short account of the fighting.": what follows in the paragraph is his."""
        head = self.doc[unit.head]
        objects = [c for c in head.children if c.dep_ in ("dobj", "dative")]
        reported = any(c.lemma_.lower() in self.rules.frame_nouns for c in objects)  # "gave a short account"
        summarised = self.rules.frame_verbs.get(head.lemma_.lower()) == "speech" and objects and all(o.pos_ == "NOUN" for o in objects)
        spoken = reported or summarised
        if spoken:
            for c in head.children:
                if c.dep_ == "nsubj":
                    who = self.speakers.who(c)
                    if who not in (None, FIRST, SECOND):
                        self.speakers.speak(who, head.tag_ == "VBZ")

    def is_claim(self, unit: Unit, block: Block, cues) -> bool:
        if any(h.cue.claim is False for h in cues):
            return False
        if any(a <= unit.start and unit.end <= b for a, b in self.brackets):
            return False  # an editor's note or gloss in square brackets
        if unit.narration or unit.words < MIN_WORDS:
            return False
        region = self.speakers.region_at(unit.start)
        if region is not None and region[3] and block.item:
            return False  # a list of topics
        if any(h.cue.claim for h in cues):
            return True
        if self.title_line(unit):
            return False  # "The Situation in Korea", "1. Significant World Developments Affecting U.S. Security": a title
        if unit.verbless:
            return block.item or self.substantive(unit)
        if not block.item and self.bare_infinitive(unit):
            return False  # "To estimate what the Communists are able to do ...": a task, not a claim
        return True

    def title_line(self, unit: Unit) -> bool:
        """A clause alone on its line, with no full stop, whose longer words are all capitalised, in
        a line not typed all in capitals (a telegram's "ROK CASUALTIES HEAVY" is a report)."""
        text = self.source.text
        line_start = text.rfind("\n", 0, unit.start) + 1
        line_end = text.find("\n", unit.end)
        line = text[line_start : line_end if line_end >= 0 else len(text)]
        own = re.sub(r"^\s*(?:\d+|[A-Za-z]|[IVX]+)[.)]\s+", "", line).strip()
        if own.endswith((".", "!", "?", ";")) or own.strip(" :") != text[unit.start : unit.end].strip(" .:"):
            return False  # a sentence, or a clause of a longer line
        words = [w for w in re.findall(r"[A-Za-z][\w'’.-]*", own) if len(w) >= 4]
        return len(words) >= 2 and all(w[0].isupper() for w in words) and not all(w.isupper() for w in words)

    def bare_infinitive(self, unit: Unit) -> bool:
        head = self.doc[unit.head]
        decides = any(f.kind in ("decision", "order") and f.token == head.i for f in unit.frames)
        return head.tag_ == "VB" and any(c.dep_ == "aux" and c.lower_ == "to" for c in head.children) and not any(c.dep_ in ("nsubj", "nsubjpass") for c in head.children) and not decides

    def substantive(self, unit: Unit) -> bool:
        """A verbless clause is a report ("ROK CASUALTIES HEAVY") when it has a common noun and an
        adjective or a second noun, not a heading of names and numbers ("Deptel 831, June 25")."""
        tokens = [self.doc[i] for i in range(unit.first, unit.last)]
        nouns = [t for t in tokens if t.pos_ == "NOUN"]
        return bool(nouns) and (len(nouns) >= 2 or any(t.pos_ == "ADJ" for t in tokens)) and self.doc[unit.last - 1].text != ":"

    def answer_end(self, unit: Unit) -> int:
        following = next(((a, b) for a, b in self.sentences if a >= unit.end), None)
        return following[1] if following else unit.end

    # -- claims ----------------------------------------------------------------------------------
    def merged(self, found: list[Found]) -> list[list[Found]]:
        groups: list[list[Found]] = []
        for item in found:
            last = groups[-1][-1] if groups else None
            if (
                last is not None
                and last.sentence == item.sentence
                and last.claimant == item.claimant
                and last.unit.negative == item.unit.negative
                and last.place_key == item.place_key
                and item.unit.start >= last.unit.end
            ):
                groups[-1].append(item)
            else:
                groups.append([item])
        return groups

    def claim(self, group: list[Found]) -> Claim:
        first, last = group[0], group[-1]
        start, end = first.unit.start, max(g.unit.end for g in group)
        quote = TextSpan(self.source.key, start, end, self.source.text[start:end])
        cues = [h for h in self.hits if first.unit.first <= h.start and h.end <= last.unit.last]
        texts = self.texts_judged(first.place_key, start, end) if any(h.cue.about_texts for h in cues) else ()
        place = self.speakers.place(start)
        modality = next((h.cue.modality for h in cues if h.cue.modality), None) or first.unit.modality
        return Claim(
            key=f"{self.source.key}-{start}",
            span=quote,
            stated_in=first.place_key,
            claimant_key=first.claimant,
            polarity="negative" if first.unit.negative else "affirmative",
            modality=modality,
            about_keys=about_keys(self, first, start, end),
            date=date_in(self.record, start, end) or place.date,
            reported_by=first.relayer,
            proposition=proposition(self, first),
            about_texts=texts,
        )

    def texts_judged(self, place_key: str, start: int, end: int) -> tuple[str, ...]:
        """What a judgement about texts ("Is the above text compatible with the message ...
        [Document #12]? Clearly not.") is about: the document its remarks are appended to, and
        the documents and messages it cites."""
        carrier = (self.record.key,) if place_key != self.record.key else ()
        cited = tuple(c.key for c in self.record.citations if start <= c.span.start and c.span.end <= end)
        return carrier + cited

