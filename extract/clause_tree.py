"""A parsed sentence clipped to a block of prose: the dependency tree the claims stages read.

Tokens whose head lies outside the clipped range (a header the parser ran into the sentence) are
roots here. The helpers name the grammar the frames, polarity and clause-kind rules share.
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from archivekg.extract.claim_rules import ClaimRules

SUBJECTS = ("nsubj", "nsubjpass", "csubj", "csubjpass", "expl")
CONTENT = ("ccomp", "xcomp")
VERBAL = ("VERB", "AUX")
FINITE = ("VBD", "VBZ", "VBP", "MD")
WH = ("whether", "if", "how", "what", "why", "when", "where", "who", "which")
ADVERBIAL = ("although", "though", "because", "since", "unless", "until", "while", "whereas", "once", "before", "after", "as")


class ClauseTree:
    """The tree's tokens are made once (spaCy makes a new Token object on every access)."""

    def __init__(self, doc: Doc, first: int, last: int, rules: ClaimRules):
        self.doc, self.first, self.last, self.rules = doc, first, last, rules
        self.tokens = {t.i: t for t in doc[first:last]}
        self._kids: dict[int, list[Token]] = {}
        self._depth: dict[int, int] = {}

    def tok(self, i: int) -> Token:
        return self.tokens[i] if i in self.tokens else self.tok(i)

    def inside(self, t: Token) -> bool:
        return self.first <= t.i < self.last

    def parent(self, t: Token) -> Token | None:
        head = t.head.i
        return self.tokens[head] if head != t.i and head in self.tokens else None

    def depth(self, t: Token) -> int:
        if t.i not in self._depth:
            parent = self.parent(t)
            self._depth[t.i] = 0  # a guard against a cycle
            self._depth[t.i] = 0 if parent is None else min(self.depth(parent) + 1, 60)
        return self._depth[t.i]

    def kids(self, t: Token, *deps: str) -> list[Token]:
        if t.i not in self._kids:
            self._kids[t.i] = [self.tokens[c.i] for c in t.children if c.i in self.tokens]
        return [c for c in self._kids[t.i] if not deps or c.dep_ in deps]

    def verbal(self, a: int, b: int) -> bool:
        return any(self.tok(i).tag_ in FINITE for i in range(a, b))

    def clausal(self, a: int, b: int) -> bool:
        """A clause is there: a finite verb, or a verb with a subject ("that the parallel be fixed")."""
        return any(t.tag_ in FINITE or (t.pos_ in VERBAL and self.kids(t, "nsubj", "nsubjpass")) for t in (self.tok(i) for i in range(a, b)))

    def relative(self, verb: Token) -> bool:
        """A relative clause with its relative word ("at which firing ... cease"), not a fronted object."""
        return verb.dep_ in ("relcl", "acl") and any(t.tag_ in ("WDT", "WP", "WP$", "WRB") for t in verb.subtree if t.i < verb.i and self.inside(t))

    def that_clause(self, c: Token) -> bool:
        """A clause opened by "that" (not "so that", "such that"): content, however it is parsed."""
        marks = self.kids(c, "mark")
        if not marks or marks[0].lower_ != "that":
            return False
        before = self.doc[marks[0].i - 1] if marks[0].i > self.first else None
        return before is None or before.lower_ not in ("so", "such", "order", "now", "provided", "given")

    def adverbial(self, clause: Token) -> bool:
        """"although he had not yet consulted ...", parsed as a complement: a concession, not content."""
        return any(m.lower_ in ADVERBIAL for m in self.kids(clause, "mark"))

    def introduced_by_wh(self, clause: Token) -> bool:
        first = clause.left_edge
        return any(m.lower_ in WH for m in self.kids(clause, "mark")) or (first.lower_ in WH and first.i < clause.i)

    def main(self, t: Token) -> bool:
        """On the sentence's main line: reached from its root through clauses that are asserted
        (complements, conjuncts), not through a relative, adverbial or infinitive clause."""
        for _ in range(12):
            parent = self.parent(t)
            if parent is None:
                return True
            if t.dep_ not in ("ccomp", "conj", "parataxis", "prep", "pobj") or (t.dep_ in ("prep", "pobj") and t.pos_ in VERBAL):
                return False
            if t.dep_ == "ccomp" and self.introduced_by_wh(t):
                return False  # "what the Communists are able to do, and are likely to do"
            t = parent
        return False

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

    def phrasal(self, t: Token, pairs) -> bool:
        lemma = t.lemma_.lower()
        return any((lemma, c.lower_) in pairs for c in self.kids(t, "prt", "advmod", "oprd", "acomp", "dobj", "prep"))
