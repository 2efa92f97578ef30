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

from dataclasses import dataclass

from spacy.tokens import Doc, Token

from archivekg.extract.claim_rules import ClaimRules

SUBJECTS = ("nsubj", "nsubjpass", "csubj", "csubjpass", "expl")
ARGUMENTS = ("nsubj", "nsubjpass", "dobj", "attr", "oprd", "dative", "acomp", "npadvmod", "appos")
CONTENT = ("ccomp", "xcomp")
SPINE = ("ccomp", "xcomp", "conj", "acomp", "attr", "oprd", "aux", "auxpass", "neg")
VERBAL = ("VERB", "AUX")
FINITE = ("VBD", "VBZ", "VBP", "MD")
WH = ("whether", "if", "how", "what", "why", "when", "where", "who", "which")
ADVERBIAL = ("although", "though", "because", "since", "unless", "until", "while", "whereas", "once", "before", "after", "as")
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


def sentence_units(doc: Doc, start: int, end: int, rules: ClaimRules) -> list[Unit]:
    """The clauses of the sentence text doc.text[start:end]."""
    first, last = _token_range(doc, start, end)
    if last - first < 1:
        return []
    sentence = _Sentence(doc, first, last, rules)
    return [u for u in (sentence.unit(a, b) for a, b in sentence.pieces()) if u is not None]


def _token_range(doc: Doc, start: int, end: int) -> tuple[int, int]:
    first = next((t.i for t in doc if t.idx >= start), len(doc))
    last = first
    while last < len(doc) and doc[last].idx + len(doc[last]) <= end:
        last += 1
    return first, last


class _Sentence:
    def __init__(self, doc: Doc, first: int, last: int, rules: ClaimRules):
        self.doc, self.first, self.last, self.rules = doc, first, last, rules

    # -- the tree, clipped to [first, last) ---------------------------------------------------
    def inside(self, t: Token) -> bool:
        return self.first <= t.i < self.last

    def parent(self, t: Token) -> Token | None:
        return t.head if t.head.i != t.i and self.inside(t.head) else None

    def depth(self, t: Token) -> int:
        steps = 0
        while (p := self.parent(t)) is not None and steps < 60:
            t, steps = p, steps + 1
        return steps

    def kids(self, t: Token, *deps: str) -> list[Token]:
        return [c for c in t.children if self.inside(c) and (not deps or c.dep_ in deps)]

    # -- cutting into clauses --------------------------------------------------------------
    def pieces(self) -> list[tuple[int, int]]:
        cuts = sorted({c for c in self.cuts() if self.first < c < self.last and not self.subordinate(c)})
        bounds = [self.first, *cuts, self.last]
        return [(a, b) for a, b in zip(bounds, bounds[1:]) if b > a]

    def subordinate(self, cut: int) -> bool:
        """A piece that opens with "because", "if", "only because", "although" belongs to the clause before it."""
        doc = self.doc
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
        doc = self.doc
        for i in range(self.first, self.last):
            t = doc[i]
            if t.text in (";", ":") and self.verbal(self.first, i) and self.verbal(i + 1, self.last):
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
        doc, i = self.doc, self.first
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
                yield j + 1
            i = j + 1

    def main(self, t: Token) -> bool:
        """On the sentence's main line: reached from its root through clauses that are asserted
        (complements, conjuncts), not through a relative, adverbial or infinitive clause."""
        for _ in range(12):
            parent = self.parent(t)
            if parent is None:
                return True
            if t.dep_ not in ("ccomp", "conj", "parataxis", "prep", "pobj") or (t.dep_ in ("prep", "pobj") and t.pos_ in VERBAL):
                return False
            t = parent
        return False

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

    def verbal(self, a: int, b: int) -> bool:
        return any(self.doc[i].tag_ in FINITE for i in range(a, b))

    def points_ahead(self, a: int, b: int) -> bool:
        """A colon after "the following" / "as follows" introduces, it does not join two claims."""
        return any(self.doc[i].lower_ in self.rules.pointers for i in range(a, b))

    # -- one clause ----------------------------------------------------------------------------
    def unit(self, a: int, b: int) -> Unit | None:
        doc, rules = self.doc, self.rules
        words = [doc[i] for i in range(a, b) if not doc[i].is_space and not doc[i].is_punct]
        if not words:
            return None
        lead = a
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
            verbs = [t for t in span_words if t.pos_ in VERBAL and self.kids(t, "nsubj", "nsubjpass") and self.depth(t) <= self.depth(head) + 1]
            head = verbs[0] if verbs else head
        frames, content = self.frames_of(head, lead, tail)
        negative = self.negative(a, tail, head, content, frames)
        verbless = not any(doc[i].pos_ in VERBAL for i in range(lead, tail))
        text_end = doc[tail - 1]
        last_word = next((doc[i] for i in range(self.last - 1, self.first - 1, -1) if not doc[i].is_space and doc[i].text not in ("”", '"', "’", "'")), text_end)
        question = last_word.text == "?" or any(self.indirect_question(doc[t]) for t in {head.i, content.i, *(f.token for f in frames)})
        ends_with_colon = any(doc[i].text == ":" for i in range(tail, b)) and b == self.last
        introduces = ends_with_colon or self.points_at_end(lead, tail, head)
        standalone = introduces and self.says_nothing(lead, tail, head, content, frames)
        return Unit(
            start=doc[lead].idx,
            end=text_end.idx + len(text_end),
            first=lead,
            last=tail,
            head=head.i,
            content=content.i,
            frames=tuple(frames),
            negative=negative,
            modality=self.modality(content, frames, negative),
            verbless=verbless,
            question=question,
            standalone=standalone,
            introduces=introduces,
            narration=self.narration(head, content, frames),
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
            inner = (self.content_of(self.doc[frame.token]) if frame.token != content.i else None) or self.content_of(content)
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
        colon = any(self.doc[i].text == ":" for i in range(t.i, min(t.i + 12, self.last)))
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

    def that_clause(self, c: Token) -> bool:
        """A clause opened by "that" (not "so that", "such that"): content, however it is parsed."""
        marks = self.kids(c, "mark")
        if not marks or marks[0].lower_ != "that":
            return False
        before = self.doc[marks[0].i - 1] if marks[0].i > self.first else None
        return before is None or before.lower_ not in ("so", "such", "order", "now", "provided", "given")

    def holder(self, verb: Token) -> int | None:
        """Who holds the frame: the subject, else the agent of a passive, else the subject the
        verb shares (a conjunct, an xcomp: "X is expected to put forward", "X asked me to report")."""
        for _ in range(4):
            subjects = self.kids(verb, "nsubj", "nsubjpass", "csubj")
            if subjects and subjects[0].dep_ != "nsubjpass":
                return subjects[0].i
            for agent in self.kids(verb, "agent"):
                for obj in self.kids(agent, "pobj"):
                    return obj.i
            if subjects:
                return None if verb.dep_ != "xcomp" else subjects[0].i
            parent = self.parent(verb)
            if parent is None or verb.dep_ not in ("conj", "xcomp", "advcl", "acomp"):
                return None
            if verb.dep_ == "xcomp":
                objects = self.kids(parent, "dobj")
                if objects and parent.lemma_.lower() in self.rules.frame_verbs:
                    return objects[0].i
                passive = self.kids(parent, "nsubjpass")
                if passive:
                    return passive[0].i
            verb = parent
        return None

    def owner(self, noun: Token) -> int | None:
        """The holder of a framing noun: "his replies", "a telegram from X", "the requests of the CC"."""
        for c in self.kids(noun, "poss"):
            return c.i
        for prep in self.kids(noun, "prep"):
            if prep.lower_ in ("from", "of", "by"):
                for obj in self.kids(prep, "pobj"):
                    if obj.pos_ in ("PROPN", "PRON") or obj.lemma_.lower() in self.rules.groups:
                        return obj.i
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

    # -- polarity -------------------------------------------------------------------------------
    def spine(self, head: Token, content: Token, frames: list[Frame], a: int, b: int) -> set[int]:
        """The predicates whose negation negates the clause: the head, the asserted predicate and
        the chain between them, with their conjuncts, complements and auxiliaries."""
        seeds = {head, content} | {self.doc[f.token] for f in frames if a <= f.token < b}
        seen: set[int] = set()
        todo = [t for t in seeds if a <= t.i < b]
        while todo:
            t = todo.pop()
            if t.i in seen:
                continue
            seen.add(t.i)
            for c in self.kids(t, *SPINE, "advcl"):
                if c.dep_ == "advcl" and not self.that_clause(c):
                    continue
                if a <= c.i < b and not (c.dep_ == "ccomp" and (self.introduced_by_wh(c) or self.adverbial(c))):
                    todo.append(c)
        between = content
        while between.i != head.i and (p := self.parent(between)) is not None and a <= p.i < b:
            seen.add(p.i)
            between = p
        return seen

    def adverbial(self, clause: Token) -> bool:
        """"although he had not yet consulted ...", parsed as a complement: a concession, not content."""
        return any(m.lower_ in ADVERBIAL for m in self.kids(clause, "mark"))

    def introduced_by_wh(self, clause: Token) -> bool:
        first = clause.left_edge
        return any(m.lower_ in WH for m in self.kids(clause, "mark")) or (first.lower_ in WH and first.i < clause.i)

    def negative(self, a: int, b: int, head: Token, content: Token, frames: list[Frame]) -> bool:
        doc, rules = self.doc, self.rules
        opener = next((doc[i] for i in range(a, b) if not doc[i].is_punct and not doc[i].is_space), None)
        if opener is not None and opener.lower_ in ("nor", "neither") and opener.i < head.i:
            return True  # "...; nor do we accept the assertion", "neither hurry nor lose time"
        spine = self.spine(head, content, frames, a, b)
        for i in range(a, b):
            t = doc[i]
            if t.lower_ in rules.negators and self.governs(t, spine, a, b):
                return True
        for i in spine:
            t = doc[i]
            lemma = t.lemma_.lower()
            negated = any(c.dep_ == "neg" or c.lower_ in rules.negators for c in self.kids(t, "neg", "advmod"))
            if t.pos_ in VERBAL and not negated and (lemma in rules.halt_verbs and not self.military(t) or self.phrasal(t, rules.halt_phrasal)):
                return True
            if t.pos_ in VERBAL and (lemma in rules.frame_verbs or self.frame_at(t) is not None):
                if self.about_a_halt(t):
                    return True
        return False

    def phrasal(self, t: Token, pairs) -> bool:
        lemma = t.lemma_.lower()
        return any((lemma, c.lower_) in pairs for c in self.kids(t, "prt", "advmod", "oprd", "acomp", "dobj", "prep"))

    def about_a_halt(self, verb: Token) -> bool:
        """"consent to a halt", "order a cease-fire", "urged ... toward abstention", "replied with a refusal"."""
        rules = self.rules
        objects = list(self.kids(verb, "dobj"))
        for prep in self.kids(verb, "prep"):
            objects += self.kids(prep, "pobj")
        def word(o: Token) -> str:  # "cease-fire" is three tokens
            parts = [c for c in o.lefts if c.dep_ in ("compound", "punct", "amod") and c.i >= o.i - 2]
            return "".join(t.lower_ for t in [*parts, o])

        return any(
            o.lemma_.lower() in rules.halt_nouns or word(o) in rules.halt_nouns or rules.frame_nouns.get(o.lemma_.lower()) == "refusal"
            or any(c.dep_ == "conj" and c.lemma_.lower() in rules.halt_nouns for c in o.children)
            for o in objects
        )

    def governs(self, neg: Token, spine: set[int], a: int, b: int) -> bool:
        doc, rules = self.doc, self.rules
        after = next((doc[j] for j in range(neg.i + 1, min(neg.i + 3, len(doc))) if not doc[j].is_space), None)
        if after is not None and after.lower_ in rules.bounds:
            return False  # "no more than", "not only", "never fewer than"
        target = neg.head if neg.dep_ in ("neg", "det", "advmod", "preconj", "cc", "amod", "nummod") else neg
        if neg.lower_ in ("nothing", "none", "nobody", "neither", "nor") and neg.dep_ not in ("det", "preconj", "cc", "advmod"):
            target = neg
        if target.lemma_.lower() in rules.litotes_nouns and neg.dep_ == "det":
            return False  # "no doubt", "no objection"
        if target.pos_ in VERBAL and (target.lemma_.lower() in rules.litotes_verbs | rules.halt_verbs or self.phrasal(target, rules.litotes_phrasal | rules.halt_phrasal)):
            return False  # a negated negative: "I do not question", "cannot exclude", "did not reject the idea"
        if neg.lower_ == "not" and self.contrasted(neg, target, b):
            return False  # "not the money but whether ..."
        before = next((doc[j] for j in range(neg.i - 1, max(neg.i - 3, a - 1), -1) if not doc[j].is_punct and not doc[j].is_space), None)
        if neg.dep_ == "conj" or (neg.lower_ == "not" and before is not None and before.dep_ == "cc" and target.pos_ not in VERBAL):
            return False  # "on 6th January and not on 2nd January": a conjunct is negated, not the clause
        predicate = target
        for _ in range(4):
            if predicate.i in spine:
                return True
            if predicate.pos_ in VERBAL and predicate.i not in spine:
                return False
            if predicate.dep_ in ARGUMENTS or predicate.dep_ in ("pobj", "prep", "det", "conj", "poss", "compound", "nmod"):
                parent = self.parent(predicate)
                if parent is None:
                    return False
                predicate = parent
                continue
            return predicate.i in spine or (self.parent(predicate) is None and predicate.pos_ not in VERBAL)
        return predicate.i in spine

    def contrasted(self, neg: Token, target: Token, b: int) -> bool:
        return any(
            c.lower_ in self.rules.contrast and c.i > neg.i and c.i < b
            for t in (target, *self.kids(target, "attr", "dobj", "prep"))
            for c in self.kids(t, "cc")
        )

    # -- what it is ----------------------------------------------------------------------------
    def indirect_question(self, content: Token) -> bool:
        """"Stalin asks whether anyone fell ill", "asked about my plans": asking, not asserting."""
        if content.lemma_.lower() not in self.rules.question_verbs or self.kids(content, "xcomp"):
            return False
        if not self.kids(content, "nsubj") and content.tag_ == "VB":
            return False  # "ask him what arrangements he proposes": an instruction to ask
        clauses = self.kids(content, "ccomp")
        return bool(clauses and self.introduced_by_wh(clauses[0])) or any(p.lower_ == "about" for p in self.kids(content, "prep"))

    def points_at_end(self, a: int, b: int, head: Token) -> bool:
        """"... asked me to report the following to you.", "What follows is a general account ..."."""
        words = [self.doc[i] for i in range(a, b) if self.doc[i].is_alpha]
        for i, t in enumerate(words):
            if t.lower_ in self.rules.pointers:
                if len(words) - i <= 3:
                    return True
                if any(s.dep_ in ("csubj", "nsubj") and t in s.subtree for s in self.kids(head)):
                    return True
        return False

    def says_nothing(self, a: int, b: int, head: Token, content: Token, frames: list[Frame]) -> bool:
        """A frame that introduces what follows says nothing of its own ("We therefore ask you to give
        orders:", "NAM IR is expected to put forward the following points:") unless it decides
        ("To confirm the following directive:") or frames a clause with a subject of its own ("We
        believe the government should answer the note as follows:"); without a frame, a pointer or a
        few words ("Following is summary of his remarks:", "Two copies made:") say nothing."""
        if frames:
            if any(f.kind in ("decision", "order", "refusal") for f in frames):
                return False
            return not (content.i != head.i and self.kids(content, "nsubj", "nsubjpass"))
        words = [self.doc[i] for i in range(a, b) if self.doc[i].is_alpha]
        return any(t.lower_ in self.rules.pointers for t in words) or len(words) <= 5

    def narration(self, head: Token, content: Token, frames: list[Frame]) -> bool:
        rules = self.rules
        if any(f.token == head.i and f.content and f.kind != "speech" for f in frames) or any(f.content and self.kids(self.doc[f.token], *CONTENT) for f in frames if f.token == head.i):
            return False  # "went on to stress that ...", "decided to ...": framed content is asserted
        tops = {head, content, *(c for c in self.kids(head, "ccomp", "conj") if c.pos_ in VERBAL and not frames)}
        for t in tops:
            lemma = t.lemma_.lower()
            if lemma in rules.formula_verbs or any(c.lemma_.lower() in rules.formula_adjectives for c in [t, *self.kids(t, "acomp")]):
                return True
            if self.kids(t, "ccomp") or (self.kids(t, "xcomp") and lemma not in rules.correspondence_verbs):
                continue
            arguments = self.arguments(t)
            names = {x.lemma_.lower() for x in arguments}
            if lemma in rules.correspondence_verbs and names & rules.message_nouns:
                owned = any(x.lemma_.lower() in rules.message_nouns and self.kids(x, "poss") for x in arguments)
                if lemma != "have" or owned:  # "I have your telegram", not "he has only scattered reports"
                    return True
            for pattern in rules.narration:
                if lemma not in pattern.verbs or (pattern.nouns and not names & pattern.nouns):
                    continue
                if pattern.past and t.tag_ not in ("VBD", "VBN"):
                    continue
                if pattern.first_person and not self.with_me(t):
                    continue
                return True
            if rules.frame_verbs.get(lemma) == "speech" and self.addressed_only(t):
                return True
        return False

    def arguments(self, t: Token) -> list[Token]:
        found = []
        for c in self.kids(t, *SUBJECTS, "dobj", "attr", "dative", "agent", "prep", "acomp"):
            found.append(c)
            for g in self.kids(c, "pobj", "prep", "compound", "amod"):
                found.append(g)
                found += self.kids(g, "pobj")
        return found

    def with_me(self, t: Token) -> bool:
        """The author is there: the subject is "I" or "we", or missing ("Saw Eden"), or "me" is near."""
        subjects = self.kids(t, "nsubj")
        if not subjects and t.dep_ == "conj" and self.parent(t) is not None:
            return self.with_me(self.parent(t))  # "Huang came to my residence ... and stayed two hours"
        if (not subjects and not self.kids(t, "nsubjpass", "auxpass") and t.dep_ == "ROOT") or (subjects and subjects[0].lower_ in self.rules.first_person):
            return True
        near, frontier = [], [t]
        for _ in range(3):  # "came to see me", "called on me", "came to my residence", not "a note pressing us"
            frontier = [c for f in frontier for c in self.kids(f, "prep", "pobj", "xcomp", "dobj", "poss", "dative")]
            near += frontier
        return any(d.lower_ in ("me", "us", "my", "our") for d in near)

    def addressed_only(self, t: Token) -> bool:
        """"He has informed Gen Paik of his intentions", "reported at once to Huang", "was told of
        this": a speech act with an addressee and no content of its own."""
        if self.kids(t, "ccomp", "xcomp", "attr"):
            return False
        if any(self.frame_at(c) is not None for c in self.kids(t, "advcl")):
            return False  # "wrote to Marshal Kim Il Sung ..., proposing that ..."
        objects = self.kids(t, "dobj", "dative")
        persons = [o for o in objects if o.pos_ in ("PROPN", "PRON")]
        to_someone = [p for p in self.kids(t, "prep") if p.lower_ == "to" and any(o.pos_ in ("PROPN", "PRON") for o in self.kids(p, "pobj"))]
        of_this = [p for p in self.kids(t, "prep") if p.lower_ in ("of", "about") and any(o.pos_ == "PRON" for o in self.kids(p, "pobj"))]
        return bool((persons or to_someone) and len(objects) == len(persons)) or bool(of_this and not objects)

    def modality(self, content: Token, frames: list[Frame], negative: bool) -> str:
        rules = self.rules
        if frames:
            kind = frames[-1].kind
            return "decided" if kind == "refusal" else rules.modality_of.get(kind, "considered")
        aux = {c.lower_ for c in content.children if c.dep_ in ("aux", "auxpass")}
        if aux & {"should", "must", "ought"} or (content.tag_ == "VB" and not self.kids(content, "nsubj") and content.dep_ == "ROOT"):
            return "requested"
        if aux & rules.future:
            return "planned"
        if content.lemma_.lower() == "be" or content.pos_ == "ADJ":
            return "assessed"
        return "reported"
