"""Assertion frames over the dependency parse: a pure stage from a parsed sentence to its clauses.

A sentence (clipped to a block of prose) is cut into clauses where they are coordinated ("..., but
...", "; nor ...", ": ...", "..., and that ..."). Each clause (`Unit`) gets:
- its frames, outermost first: the speech, opinion, decision, order, refusal, request and plan
  predicates it is asserted under, with their holder (the subject of "X said that ...", the
  possessor of "in his view", the "from" of "a telegram from X"), whether above it in the sentence
  ("he pointed out ..., and that ...") or inside it, parenthetical ones included ("..., he said, ...");
- its polarity, by form: a negator that governs the asserted predicate (not one inside a condition,
  reason, relative or subject clause; not "no more than", "not only", "no doubt", "not X but Y"), a
  verb of stopping or refraining as the predicate, a halt as what a decision or request is about;
- what it is, if not an assertion: a question, a frame standing alone ("I report:"), narration of a
  meeting, a courtesy, a note about the correspondence itself.

Who the holders are (entities, pronouns, the author) is the claims stage's business: this module
knows grammar and the word lists of `ClaimRules`, nothing about documents.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from archivekg.extract.claim_rules import ClaimRules
from archivekg.extract.clause_kinds import indirect_question, modality, narration, points_at_end, says_nothing
from archivekg.extract.clause_tree import CONTENT, FINITE, VERBAL, ClauseTree
from archivekg.extract.polarity import is_negative

COORDINATORS = ("and", "but", "yet", "nor", "while", "whereas")


@dataclass(frozen=True)
class Frame:
    token: int  # the framing predicate (or noun, or marker)
    kind: str  # speech | opinion | decision | order | refusal | request | plan
    holder: int | None  # the token heading its holder's phrase; None: unexpressed
    content: bool  # it frames content of its own (a clause, an object), not a bare "he said"
    present: bool  # in the present tense ("Stalin says that ...": a record of conversation)


@dataclass(frozen=True)
class Unit:
    start: int  # characters of the quote
    end: int
    first: int  # tokens [first, last)
    last: int
    head: int  # the clause's main predicate
    content: int  # the predicate asserted under its frames
    frames: tuple[Frame, ...]  # outermost first
    negative: bool
    modality: str
    verbless: bool
    question: bool
    standalone: bool  # a frame with nothing of its own: "I report:", "... asked me to report the following."
    introduces: bool  # it points at what follows (a colon, "the following"): a list, a quotation, a passage
    narration: bool  # told about the meeting or the correspondence, or a courtesy: not a claim
    words: int


def sentence_units(doc: Doc, start: int, end: int, rules: ClaimRules, starts: list[int] | None = None) -> list[Unit]:
    """The clauses of the sentence text doc.text[start:end]; `starts`: every token's start
    offset (`token_starts(doc)`), when the caller reads many sentences of one Doc."""
    first, last = _token_range(doc, start, end, starts if starts is not None else token_starts(doc))
    if last - first < 1:
        return []
    sentence = _Sentence(doc, first, last, rules)
    return [u for u in (sentence.unit(a, b) for a, b in sentence.pieces()) if u is not None]


def token_starts(doc: Doc) -> list[int]:
    return [t.idx for t in doc]


def _token_range(doc: Doc, start: int, end: int, starts: list[int]) -> tuple[int, int]:
    first = bisect_left(starts, start)
    last = first
    while last < len(doc) and starts[last] + len(doc[last]) <= end:
        last += 1
    return first, last


class _Sentence(ClauseTree):
    # -- cutting into clauses --------------------------------------------------------------
    def pieces(self) -> list[tuple[int, int]]:
        cuts = sorted({c for c in self.cuts() if self.first < c < self.last and not self.subordinate(c)})
        bounds = [self.first, *cuts, self.last]
        return [(a, b) for a, b in zip(bounds, bounds[1:]) if b > a]

    def subordinate(self, cut: int) -> bool:
        """A piece that opens with "because", "if", "only because", "although" belongs to the clause before it."""
        doc = self.tokens
        i = cut
        while i < self.last and (doc[i].is_punct or doc[i].is_space or doc[i].dep_ == "cc"):
            i += 1
        for j in range(i, min(i + 2, self.last)):
            if doc[j].dep_ == "mark" and doc[j].lower_ != "that":
                return True
            if doc[j].pos_ != "ADV":
                break
        return False

    def cuts(self):
        yield from self.enclosure_cuts()
        doc = self.tokens
        for i in range(self.first, self.last):
            t = doc[i]
            if t.text in (";", ":") and self.clausal(self.first, i) and self.clausal(i + 1, self.last):
                if t.text == ":" and self.points_ahead(self.first, i):
                    continue
                yield i + 1
            elif t.dep_ == "cc" and t.lower_ in COORDINATORS and self.clausal_conj(t):
                yield i
            elif t.dep_ == "conj" and t.pos_ in VERBAL and self.kids(t, "nsubj", "nsubjpass") and self.main(t.head):
                edge = t.left_edge
                if edge.i > self.first and doc[edge.i - 1].text == "," and not self.kids(t.head, "cc"):
                    yield edge.i

    def enclosure_cuts(self):
        """A quotation or a parenthesis holding a clause of its own is a clause of its own:
        "(our troops are poorly equipped, there is no confidence ...)", "“Mao Zedong replied ...”"."""
        doc, i = self.tokens, self.first
        while i < self.last:
            closing = {"(": ")", "“": "”", '"': '"'}.get(doc[i].text)
            if closing is None:
                i += 1
                continue
            j = next((k for k in range(i + 1, self.last) if doc[k].text == closing), None)
            if j is None:
                break
            inside = [doc[k] for k in range(i + 1, j)]
            opens_subordinate = inside and (any(t.dep_ == "mark" for t in inside[:2]) or inside[0].lower_ in ("see", "cf"))
            if sum(t.is_alpha for t in inside) >= 3 and any(t.tag_ in FINITE for t in inside) and not opens_subordinate:
                yield i
                if not self.continued(j + 1, closing):
                    yield j + 1
            i = j + 1

    def continued(self, k: int, mark: str) -> bool:
        """'"We are leaving Shanghai alone," he said, "so that ..."': the quotation goes on after the
        speech tag with a clause that depends on it; the two are one clause."""
        doc = self.tokens
        following = [doc[x] for x in range(k, min(k + 8, self.last))]
        opening = next((n for n, t in enumerate(following) if t.text in ("“", mark) and n > 0), None)
        if opening is None or not any(self.rules.frame_verbs.get(t.lemma_.lower()) == "speech" for t in following[:opening]):
            return False
        return any(t.dep_ == "mark" for t in following[opening + 1 : opening + 3])

    def clausal_conj(self, cc: Token) -> bool:
        head = cc.head
        if not self.inside(head):
            return False
        later = [c for c in self.kids(head, "conj") if c.i > cc.i]
        if not later:
            return False
        conj = later[0]
        if head.pos_ in VERBAL and conj.pos_ in VERBAL:
            own = self.kids(conj, "nsubj", "nsubjpass") or any(m.lower_ == "that" for m in self.kids(conj, "mark"))
            return bool(own) or self.main(head)
        return head.dep_ == "prep" and conj.pos_ == "ADP"  # "consent to a halt ... and to the opening of talks"

    def points_ahead(self, a: int, b: int) -> bool:
        """A colon after "the following" / "as follows" introduces, it does not join two claims."""
        return any(self.tok(i).lower_ in self.rules.pointers for i in range(a, b))

    # -- one clause ----------------------------------------------------------------------------
    def unit(self, a: int, b: int) -> Unit | None:
        doc = self.tokens  # index -> the tree's own Token objects
        words = [doc[i] for i in range(a, b) if not doc[i].is_space and not doc[i].is_punct]
        if not words:
            return None
        lead = a
        while lead < b and (doc[lead].is_space or doc[lead].is_punct or doc[lead].dep_ == "cc" or (doc[lead].dep_ == "mark" and doc[lead].lower_ == "that")):
            lead += 1
        for width in (3, 2):  # an inline list marker: "(b) that ...", "b) that ..."
            marker = [doc[i].text for i in range(lead, min(lead + width, b))]
            if len(marker) == width and marker[-1] == ")" and (width == 2 or marker[0] == "(") and len(marker[-2]) <= 2 and marker[-2].isalnum():
                lead += width
                break
        while lead < b and (doc[lead].is_space or doc[lead].is_punct or doc[lead].dep_ == "cc" or (doc[lead].dep_ == "mark" and doc[lead].lower_ == "that")):
            lead += 1
        tail = b
        while tail > lead and (doc[tail - 1].is_space or doc[tail - 1].text in (",", ";", ":", "-", "—")):
            tail -= 1
        if tail <= lead:
            return None
        span_words = [doc[i] for i in range(lead, tail) if not doc[i].is_space]
        head = min((t for t in span_words if not t.is_punct), key=lambda t: (self.depth(t), t.pos_ not in VERBAL, t.i), default=span_words[0])
        if head.pos_ not in VERBAL:  # "Four billion we cannot give.": the parser's root is the fronted object
            verbs = [t for t in span_words if t.pos_ in VERBAL and self.kids(t, "nsubj", "nsubjpass") and self.depth(t) <= self.depth(head) + 1 and not self.relative(t)]
            head = verbs[0] if verbs else head
        frames, content = self.frames_of(head, lead, tail)
        negative = is_negative(self, a, tail, head, content, frames)
        verbless = not any(doc[i].pos_ in VERBAL for i in range(lead, tail))
        text_end = doc[tail - 1]
        last_word = next((doc[i] for i in range(self.last - 1, self.first - 1, -1) if not doc[i].is_space and doc[i].text not in ("”", '"', "’", "'")), text_end)
        question = last_word.text == "?" or any(indirect_question(self, doc[t]) for t in {head.i, content.i, *(f.token for f in frames)})
        ends_with_colon = any(doc[i].text == ":" for i in range(tail, b)) and b == self.last
        introduces = ends_with_colon or points_at_end(self, lead, tail, head)
        standalone = introduces and says_nothing(self, lead, tail, head, content, frames)
        return Unit(
            start=doc[lead].idx,
            end=text_end.idx + len(text_end),
            first=lead,
            last=tail,
            head=head.i,
            content=content.i,
            frames=tuple(frames),
            negative=negative,
            modality=modality(self, content, frames, negative),
            verbless=verbless,
            question=question,
            standalone=standalone,
            introduces=introduces,
            narration=narration(self, head, content, frames),
            words=sum(1 for t in span_words if t.is_alpha),
        )

    # -- frames ----------------------------------------------------------------------------------
    def frames_of(self, head: Token, a: int, b: int) -> tuple[list[Frame], Token]:
        """The frames over the clause (outermost first) and the predicate asserted under them."""
        above: list[Frame] = []
        child, parent = head, self.parent(head)
        while parent is not None:
            if child.dep_ in CONTENT + ("parataxis",) or (child.dep_ == "conj" and parent.pos_ in VERBAL):
                frame = self.frame_at(parent) if child.dep_ != "conj" else None
                if frame is not None:
                    above.insert(0, frame)
                elif child.dep_ == "conj":  # "In my view X are confident ... and are preparing ...": the view holds for both
                    above[:0] = [f for f in self.asides(parent, self.first, self.last) if f.kind == "opinion" or not f.content]
                child, parent = parent, self.parent(parent)
            else:
                break
        inside: list[Frame] = []
        content = head
        for _ in range(6):
            frame = self.frame_at(content)
            if frame is None:
                break
            inside.append(frame)
            inner = (self.content_of(self.tok(frame.token)) if frame.token != content.i else None) or self.content_of(content)
            if inner is None or not (a <= inner.i < b):
                break
            content = inner
        outer = self.asides(head, a, b)
        inner = self.asides(content, a, b) if content.i != head.i else []
        return outer + above + inside + inner, content

    def frame_at(self, t: Token) -> Frame | None:
        rules = self.rules
        lemma = t.lemma_.lower()
        if t.pos_ in VERBAL:
            for c in self.kids(t, "prt", "prep", "acomp", "oprd", "ccomp", "dobj", "advmod"):
                kind = rules.frame_phrasal.get((lemma, c.lower_))
                if kind and (c.lower_ != "doubt" or any(d.lower_ == "no" for d in c.children)):
                    return self.frame(t, kind)
            if lemma in rules.frame_verbs and not self.military(t):
                frame = self.frame(t, rules.frame_verbs[lemma])
                if frame.content or frame.kind not in ("speech", "opinion"):
                    return frame
            if lemma == "be":
                for c in self.kids(t, "acomp"):
                    word = c.lower_ if c.lower_ in rules.frame_adjectives else c.lemma_.lower()  # "better", not "well"
                    if word in rules.frame_adjectives and (self.kids(c, *CONTENT, "prep") or self.kids(t, *CONTENT)):
                        return Frame(c.i, rules.frame_adjectives[word], self.holder(t), True, t.tag_ in ("VBZ", "VBP"))
                for s in self.kids(t, "nsubj"):
                    noun = s.lemma_.lower()
                    if noun in rules.frame_nouns and self.kids(t, "ccomp", "xcomp"):
                        return Frame(s.i, rules.frame_nouns[noun], self.owner(s), True, t.tag_ in ("VBZ", "VBP"))
            for o in self.kids(t, "dobj"):  # "I have the impression that ...", "expressed the hope that ..."
                noun = o.lemma_.lower()
                if noun in rules.frame_nouns and any(self.that_clause(c) or c.dep_ == "ccomp" for c in self.kids(o, "acl", "ccomp")):
                    return Frame(o.i, rules.frame_nouns[noun], self.holder(t), True, t.tag_ in ("VBZ", "VBP"))
            for s in self.kids(t, "nsubj"):  # "my instruction stands that ..."
                noun = s.lemma_.lower()
                if noun in rules.frame_nouns and self.kids(t, "ccomp") and self.owner(s) is not None:
                    return Frame(s.i, rules.frame_nouns[noun], self.owner(s), True, t.tag_ in ("VBZ", "VBP"))
        elif t.pos_ == "ADJ" and (t.lower_ in rules.frame_adjectives or lemma in rules.frame_adjectives):
            kind = rules.frame_adjectives.get(t.lower_) or rules.frame_adjectives[lemma]
            return Frame(t.i, kind, self.holder(t.head if t.dep_ == "acomp" else t), True, False)
        return None

    def frame(self, t: Token, kind: str) -> Frame:
        """A framing verb, and whether it frames content: a clause ("said that ..."), what follows
        a colon; for speech also what it is about ("spoke of the danger"); for opinion a clause or
        a predicate ("regards as correct", "think it unwise"); any object for the other frames."""
        clauses = self.kids(t, *CONTENT, "oprd")
        colon = any(self.tok(i).text == ":" for i in range(t.i, min(t.i + 12, self.last)))
        if kind == "speech":
            about = [p for p in self.kids(t, "prep") if p.lower_ in ("of", "on", "about") and any(o.pos_ != "PRON" for o in self.kids(p, "pobj"))]
            said = [o for o in self.kids(t, "dobj") if o.lemma_.lower() in self.rules.frame_nouns or self.kids(o, "acl", "ccomp", "relcl")]
            said += [o for p in self.kids(t, "prep") if p.lower_ == "with" for o in self.kids(p, "pobj") if o.lemma_.lower() in self.rules.frame_nouns]
            has_content = bool(clauses or colon or about or said or any(self.that_clause(c) for c in self.kids(t, "advcl")))
        elif kind == "opinion":
            has_content = bool(clauses or colon or any(p.lower_ == "as" for p in self.kids(t, "prep")))
        else:
            has_content = True
        return Frame(t.i, kind, self.holder(t), has_content, t.tag_ in ("VBZ", "VBP"))

    def military(self, t: Token) -> bool:
        """"24th Infantry Division refused its right flank": a manoeuvre, not a refusal."""
        return any(c.lemma_.lower() in self.rules.halt_exceptions for c in self.kids(t, "dobj"))

    def content_of(self, t: Token) -> Token | None:
        for c in self.kids(t, *CONTENT):
            if not self.adverbial(c):
                return c
        if t.pos_ in ("NOUN", "PROPN"):  # the clause of "the impression that ...", "the hope that ..."
            for c in self.kids(t, "acl", "ccomp"):
                if self.that_clause(c) or c.dep_ == "ccomp":
                    return c
        for c in self.kids(t, "advcl"):
            if self.that_clause(c):
                return c  # "make it clear that ...", parsed as an adverbial clause
        if t.pos_ == "ADJ" and self.inside(t.head):
            for c in self.kids(t.head, *CONTENT):
                if c.i != t.i:
                    return c
        if t.dep_ in ("nsubj",) and self.inside(t.head):  # "our calculation is that ..."
            for c in self.kids(t.head, *CONTENT, "attr"):
                if c.i != t.i:
                    return c
        return None

    def asides(self, t: Token, a: int, b: int) -> list[Frame]:
        """Frames that qualify the clause from the side: "..., he said, ...", "in our view",
        "according to X", "as we see it", "his replies, in order:"."""
        rules, found, head = self.rules, [], t
        if True:
            for c in self.kids(t):
                if not (a <= c.i < b):
                    continue
                lemma = c.lemma_.lower()
                if c.dep_ in ("parataxis", "advcl", "ccomp") and c.pos_ in VERBAL and not self.that_clause(c) and c != self.content_of(t):
                    kind = rules.frame_verbs.get(lemma) or next((k for (v, p), k in rules.frame_phrasal.items() if v == lemma and self.kids(c, "prt")), None)
                    marks = {m.lower_ for m in self.kids(c, "mark")}
                    if lemma in rules.see_verbs and "as" in marks:
                        found.append(Frame(c.i, "opinion", self.holder(c), False, False))
                    elif kind == "speech" and not marks and not self.kids(c, *CONTENT) and c.i != t.i:
                        found.append(Frame(c.i, kind, self.holder(c), False, c.tag_ in ("VBZ", "VBP")))
                elif c.dep_ == "prep":
                    for obj in self.kids(c, "pobj"):
                        if c.lower_ == "in" and obj.lemma_.lower() in rules.opinion_nouns and self.owner(obj) is not None:
                            found.append(Frame(obj.i, "opinion", self.owner(obj), False, False))
                    if lemma in rules.source_preps:
                        for to in self.kids(c, "prep"):
                            for obj in self.kids(to, "pobj"):
                                found.append(Frame(c.i, "speech", self.owner(obj) if self.owner(obj) is not None else obj.i, False, False))
        if head.pos_ not in VERBAL:  # "gist of his replies to Dept's questions, in order:"
            for t in [head, *self.kids(head, "prep")]:
                for noun in [t, *self.kids(t, "pobj")]:
                    kind = rules.frame_nouns.get(noun.lemma_.lower())
                    if kind and self.owner(noun) is not None:
                        found.append(Frame(noun.i, kind, self.owner(noun), False, False))
        return found

