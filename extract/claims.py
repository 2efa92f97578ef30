"""The claims stage: what each source asserts, by whom, where, with what polarity and modality.

A claim is a sentence (or a quotation inside one) holding a cue of `claim_cues.jsonl`: a
decision, plan, order, refusal, request, assessment or report. Attribution follows the text:

- the claimant is whoever speaks at that place: the author of the quoted message or the
  editor's remarks containing the sentence, else the document's author or sender; words in
  quotation marks after "X's statement" or "X said" are X's;
- "we", "I", "in our view" are the speaker; a third party as subject ("Mao Zedong replied with
  a refusal") makes the sentence the speaker's report about that party: modality "reported",
  the party first in `about`;
- a claim stated in a quoted message relayed by someone else is `reported_by` the relayer.

Polarity is negative when a refusal cue ("refrain from", "not to send", "show patience") is
present, or a negation governs the claim's head ("has not been taken"); a negation inside
some other clause does not flip it. The proposition ("agent|action|destination") is what
`contradictions.py` compares across sources.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from archivekg.extract.claim_rules import ClaimRules, Cue, cue_matcher
from archivekg.extract.model import Claim, DateValue, DocumentRecord, Entity, Part, ResolvedMention, SourceText, TextSpan

# when cues of several modalities meet in one sentence, the first here names it
MODALITY_ORDER = ("decided", "ordered", "requested", "assessed", "proposed", "planned", "considered", "reported")
DEFAULT_MODALITY = "considered"  # only polarity cues: "not to send troops is very bad ..."
MAX_QUOTE = 400  # characters; a longer sentence is trimmed to the clause of its cue
MIN_CLAUSE = 12  # tokens: a clause this short ("we hold") is widened to the one it is part of
CLAUSE_DEPS = {"ROOT", "ccomp", "advcl", "conj", "relcl", "parataxis", "csubj", "xcomp", "meta"}
_HEADER_FIELD = re.compile(r"^[A-Z][\w ]{0,20}:\s")  # "Title: ...", a header field, not a sentence
SUBJECT_DEPS = {"nsubj", "nsubjpass", "csubj", "expl"}
RELATIVE_TAGS = {"WDT", "WP", "WP$"}
_QUOTES = re.compile(r"“([^“”]*)”|\"([^\"\n]*)\"")
_LIST_NUMBER = re.compile(r"^\(?\d{1,2}[.)]\s+")
_BLANK_LINE = re.compile(r"\n\s*\n")


def depth(token: Token) -> int:
    """How far a token is from the root of its sentence: the main clause's cue comes first."""
    steps = 0
    while token.head.i != token.i and steps < 50:
        token, steps = token.head, steps + 1
    return steps


@dataclass(frozen=True)
class CueHit:
    cue: Cue
    start: int  # token indices of the match
    end: int

    @property
    def anchor(self) -> int:
        return self.start + (self.cue.anchor % (self.end - self.start) if self.cue.anchor is not None else 0)


@dataclass(frozen=True)
class Place:
    """Where a piece of text is stated: a part or the whole document, and who speaks there."""

    key: str
    start: int
    end: int
    speaker: str | None
    date: DateValue | None
    relayed_by: str | None  # the document's sender when the part is another's message


def find_claims(
    source: SourceText, doc: Doc, record: DocumentRecord, mentions: list[ResolvedMention], entities: dict[str, Entity], ruleset
) -> list[Claim]:
    rules: ClaimRules = ruleset.claims
    finder = ClaimFinder(source, doc, record, mentions, entities, rules)
    return finder.claims()


class ClaimFinder:
    """Finds the claims of one document; pure, holds only what it was given."""

    def __init__(self, source, doc, record, mentions, entities, rules: ClaimRules):
        self.source, self.doc, self.record, self.rules = source, doc, record, rules
        self.entities = entities
        self.mentions = sorted(mentions, key=lambda m: m.mention.span.start)
        self.starts = [m.mention.span.start for m in self.mentions]  # for bisect: no scan per lookup
        self.hits = self.cue_hits()

    def cue_hits(self) -> list[CueHit]:
        by_id = self.rules.by_id
        matches = cue_matcher(self.doc.vocab, self.rules)(self.doc)
        return sorted((CueHit(by_id[self.doc.vocab.strings[m]], s, e) for m, s, e in matches), key=lambda h: (h.start, h.end))

    # -- where and who ---------------------------------------------------------------
    def place(self, char: int) -> Place:
        record = self.record
        doc_speaker = next(iter(record.author_keys or record.sender_keys), None)
        for part in record.parts:
            if part.span.start <= char < part.span.end:
                speaker = next(iter(part.author_keys), None)
                relayed = doc_speaker if part.kind == "message" and speaker != doc_speaker else None
                return Place(part.key, part.span.start, part.span.end, speaker, part.date_sent or self.doc_date(), relayed)
        return Place(record.key, 0, len(self.source.text), doc_speaker, self.doc_date(), None)

    def doc_date(self) -> DateValue | None:
        return self.record.date_sent or self.record.date_created

    def mentions_in(self, start: int, end: int) -> list[ResolvedMention]:
        first, last = bisect_left(self.starts, start), bisect_left(self.starts, end)
        return [m for m in self.mentions[first:last] if m.mention.span.end <= end]

    def entity_at(self, token: Token) -> str | None:
        """The entity named by the phrase this token heads, if any."""
        found = self.mentions_in(token.left_edge.idx, token.right_edge.idx + len(token.right_edge))
        heads = [m for m in found if m.mention.span.start <= token.idx < m.mention.span.end]
        return (heads or found or [None])[0] and (heads or found)[0].entity_key

    def quoted_speaker(self, sent: Span, before: int) -> str | None:
        """Whose words a quotation in `sent` opening at `before` is: "Stalin's statement ... “...”"."""
        candidates = []
        for m in self.mentions_in(sent.start_char, before):
            if self.entities.get(m.entity_key) and self.entities[m.entity_key].kind != "person":
                continue
            token = self.doc.char_span(m.mention.span.start, m.mention.span.end, alignment_mode="expand").root
            speechy = token.head.lemma_.lower() in self.rules.speech or token.dep_ in ("poss", "nsubj")
            candidates.append((not speechy, m.entity_key))
        return min(candidates)[1] if candidates else None

    # -- the claims ----------------------------------------------------------------------
    def claims(self) -> list[Claim]:
        claims: dict[str, Claim] = {}
        sentences = list(self.doc.sents)
        for i, sent in enumerate(sentences):
            hits = [h for h in self.hits if sent.start <= h.start and h.end <= sent.end]
            if not hits:
                continue
            answer = self.negative_answer(sentences, i)
            for segment_start, segment_end, speaker in self.segments(sent, hits):
                groups: dict[tuple[int, int], list[CueHit]] = {}
                for hit in hits:
                    anchor = self.doc[hit.anchor]
                    if segment_start <= anchor.idx < segment_end and not self.conditional(anchor):
                        place = self.place(anchor.idx)
                        span = self.quote_span(anchor, max(segment_start, place.start), min(segment_end, place.end))
                        if span:
                            groups.setdefault(span, []).append(hit)
                for span, group in groups.items():
                    claim = self.claim(sent, group, span, speaker, answer)
                    if claim.key not in claims:
                        claims[claim.key] = claim
        return list(claims.values())

    def segments(self, sent: Span, hits: list[CueHit]) -> list[tuple[int, int, str | None]]:
        """The sentence, and each quotation of four words or more inside it, with its speaker
        (None: the speaker of the place). The sentence stops where a quoted claim opens."""
        text, base, quoted = sent.text, sent.start_char, []
        for match in _QUOTES.finditer(text):
            inner = match.group(1) if match.group(1) is not None else match.group(2)
            start, end = base + match.start() + 1, base + match.end() - 1
            if len(inner.split()) >= 4 and any(start <= self.doc[h.start].idx < end for h in hits):
                quoted.append((start, end, self.quoted_speaker(sent, start - 1)))
        outer_end = quoted[0][0] - 1 if quoted else sent.end_char
        return [(sent.start_char, outer_end, None), *quoted]

    def negative_answer(self, sentences: list[Span], i: int) -> Span | None:
        """The "Clearly not." that answers a question starting at sentence i (within 3 sentences)."""
        for j in range(i, min(i + 3, len(sentences) - 1)):
            previous = sentences[j - 1]
            gap_start = previous.start_char + len(previous.text.rstrip())
            if j > i and _BLANK_LINE.search(self.source.text, gap_start, sentences[j].start_char + 1):
                return None
            if sentences[j].text.rstrip().endswith("?"):
                following = sentences[j + 1]
                words = re.sub(r"[^\w\s]", "", following.text).strip().lower()
                return following if words in self.rules.negative_answers else None
        return None

    def claim(self, sent: Span, hits: list[CueHit], span: tuple[int, int], quoted_by: str | None, answer: Span | None) -> Claim:
        modal = [h for h in hits if h.cue.modality]
        primary = min(modal, key=lambda h: (depth(self.doc[h.anchor]), MODALITY_ORDER.index(h.cue.modality))) if modal else hits[0]
        modality = primary.cue.modality or DEFAULT_MODALITY
        anchor = self.doc[primary.anchor]
        if modality == "reported" and self.future(anchor):
            modality = "planned"  # "they will be deployed": an action to come is a plan
        place = self.place(anchor.idx)
        speaker = quoted_by or place.speaker
        negative = any(h.cue.polarity == "negative" for h in hits) != self.negated(primary, hits)
        if answer is not None and not quoted_by and answer.end_char <= place.end:
            negative = not negative  # "Is the above text compatible with ...? Clearly not."
            span = (span[0], answer.start_char + len(answer.text.rstrip()))
        first_person = any(self.doc[i].lower_ in self.rules.first_person for i in range(primary.start, primary.end))
        subject = None if first_person else self.subject_entity(anchor)
        about = [m.entity_key for m in self.mentions_in(*span)]
        if subject and subject != speaker:
            modality = "reported"
            about.insert(0, subject)
        quote = TextSpan(self.source.key, span[0], span[1], self.source.text[span[0] : span[1]])
        texts = self.texts_judged(place, span) if any(h.cue.about_texts for h in hits) else ()
        return Claim(
            key=f"{self.source.key}-{span[0]}",
            span=quote,
            stated_in=place.key,
            claimant_key=speaker,
            polarity="negative" if negative else "affirmative",
            modality=modality,
            about_keys=tuple(dict.fromkeys(about)),
            date=self.date_in(*span) or place.date,
            reported_by=place.relayed_by if not quoted_by and place.relayed_by != speaker else None,
            proposition=self.proposition(span, subject or speaker),
            about_texts=texts,
        )

    def texts_judged(self, place: Place, span: tuple[int, int]) -> tuple[str, ...]:
        """What a judgement about texts ("Is the above text compatible with the message ...
        [Document #12]? Clearly not.") is about: the document its remarks are appended to, and
        the documents and messages it cites."""
        carrier = (self.record.key,) if place.key != self.record.key else ()
        cited = tuple(c.key for c in self.record.citations if span[0] <= c.span.start and c.span.end <= span[1])
        return carrier + cited

    def quote_span(self, anchor: Token, start: int, end: int) -> tuple[int, int] | None:
        """The sentence within [start, end): the paragraph of the anchor, trimmed of layout and
        list numbers, cut to the anchor's clause when long. Offsets into the source text."""
        text = self.source.text
        breaks = [m.end() for m in _BLANK_LINE.finditer(text, start, end) if not text[m.end() : m.end() + 1].islower()]
        blocks = [0, *breaks, end]
        for block_start, block_end in zip(blocks, blocks[1:]):
            if block_start <= anchor.idx < block_end:
                start, end = max(start, block_start), min(end, block_end)
        if end - start > MAX_QUOTE:
            clause = anchor
            while (clause.dep_ not in CLAUSE_DEPS or len(list(clause.subtree)) < MIN_CLAUSE) and clause.head.i != clause.i:
                clause = clause.head
            start, end = max(start, clause.left_edge.idx), min(end, clause.right_edge.idx + len(clause.right_edge))
        piece = text[start:end]
        lead = len(piece) - len(piece.lstrip())
        piece = piece.strip()
        number = _LIST_NUMBER.match(piece)
        if number:
            lead, piece = lead + number.end(), piece[number.end() :]
        piece = piece.rstrip(" ,;:—-\n")
        if len(piece.split()) < 3 or _HEADER_FIELD.match(piece):
            return None
        return start + lead, start + lead + len(piece)

    def conditional(self, token: Token) -> bool:
        """A hypothesis, not a claim: the cue's clause opens with "if" or "unless"."""
        for _ in range(3):
            if any(c.dep_ == "mark" and c.lower_ in ("if", "unless") for c in token.children):
                return True
            if token.dep_ in CLAUSE_DEPS or token.head.i == token.i:
                return False
            token = token.head
        return False

    def future(self, token: Token) -> bool:
        """An action to come: "will"/"shall" on the verb or on a verb it depends on."""
        for _ in range(4):
            if any(c.dep_ in ("aux", "auxpass") and c.lower_ in self.rules.future for c in token.children):
                return True
            if token.head.i == token.i:
                return False
            token = token.head
        return False

    def negated(self, primary: CueHit, hits: list[CueHit]) -> bool:
        """A negation that governs the claim's head: on it, or on the verb it depends on."""
        in_cues = {i for h in hits if h.cue.polarity == "negative" for i in range(h.start, h.end)}
        head = self.doc[primary.anchor]
        governing = [head]
        if head.dep_ in ("xcomp", "aux", "auxpass", "acomp", "dobj", "attr", "nsubjpass", "nsubj", "pcomp", "pobj"):
            governing.append(head.head)
        if head.head.dep_ == "prep":
            governing.append(head.head.head)
        for token in governing:
            for child in token.children:
                if child.dep_ == "neg" and child.i not in in_cues:
                    return True
                if child.lower_ == "nor" and child.i < token.i:
                    return True
        return False

    def subject_entity(self, anchor: Token) -> str | None:
        """The named third party the claim's clause is about as its subject, if any."""
        clause = anchor
        for _ in range(6):
            subjects = [c for c in clause.children if c.dep_ in SUBJECT_DEPS]
            if subjects:
                subject = subjects[0]
                if subject.tag_ in RELATIVE_TAGS and clause.dep_ == "relcl":
                    subject = clause.head
                if subject.lower_ in self.rules.first_person:
                    return None
                return self.named(subject)
            if clause.head.i == clause.i:
                return None
            clause = clause.head
        return None

    def named(self, head: Token) -> str | None:
        """The entity a subject names: a mention at its head or owning it ("Stalin's
        statement"), or the body a group noun belongs to ("many comrades in the CC")."""
        phrases = [head, *(c for c in head.children if c.dep_ in ("poss", "compound", "appos"))]
        if head.lemma_.lower() in self.rules.groups:  # "the Chinese government", "comrades in the CC"
            phrases += [c for c in head.children if c.dep_ == "amod"]
            phrases += [g for c in head.children if c.dep_ == "prep" for g in c.children if g.dep_ == "pobj"]
        for token in phrases:
            for m in self.mentions:
                if m.mention.span.start <= token.idx < m.mention.span.end:
                    return m.entity_key
        return None

    def date_in(self, start: int, end: int) -> DateValue | None:
        for date in self.record.dates:
            if date.span and date.value and start <= date.span.start and date.span.end <= end:
                return date
        return None

    def proposition(self, span: tuple[int, int], agent: str | None) -> str | None:
        """'agent|action|destination' for the first action verb of the quote."""
        for token in self.doc.char_span(*span, alignment_mode="expand"):
            for action in self.rules.actions:
                if token.lemma_.lower() not in action.verbs or not self.has_object(token, action.objects):
                    continue
                return f"{agent or ''}|{action.id}|{self.destination(token) or ''}"
        return None

    def has_object(self, verb: Token, objects: frozenset[str]) -> bool:
        if not objects:
            return True
        if verb.dep_ in ("acl", "relcl", "amod") and verb.head.lemma_.lower() in objects:
            return True  # "troops sent to Korea", "advancing troops"
        found = {t.lemma_.lower() for c in verb.children if c.dep_ in ("dobj", "nsubjpass", "obj", "attr") for t in c.subtree}
        return bool(found & objects)

    def destination(self, verb: Token) -> str | None:
        for token in verb.subtree:
            if token.dep_ == "prep" and token.lower_ in ("to", "into") and token.head in (verb, *verb.children):
                for obj in token.children:
                    key = self.entity_at(obj)
                    if key and self.entities.get(key) and self.entities[key].kind in ("country", "place"):
                        return key
        return None
