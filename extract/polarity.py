"""Polarity by form: is a clause negative?

Negative when a negator (`claim_polarity.jsonl`) governs the asserted predicate: on the predicate,
on its subject or object ("No contact has been made", "we claim no veto"), on the predicate of a
frame over it ("we do not think that ..."); not one inside a condition, reason, concession, relative
or subject clause, not a bound ("no more than"), "not only", "not X but Y", a negated conjunct ("and
not on 2nd January") or a negated negative ("no doubt", "did not reject"). Negative too when a verb of
stopping or refraining is the predicate ("firing would stop"), or a halt is what a decision or
request is about ("consent to a halt", "order a cease-fire", "replied with a refusal").
"""

from __future__ import annotations

from spacy.tokens import Token

from typing import TYPE_CHECKING

from archivekg.extract.clause_tree import VERBAL

if TYPE_CHECKING:
    from archivekg.extract.frames import Frame

ARGUMENTS = ("nsubj", "nsubjpass", "dobj", "attr", "oprd", "dative", "acomp", "npadvmod", "appos")
SPINE = ("ccomp", "xcomp", "conj", "acomp", "attr", "oprd", "aux", "auxpass", "neg")


def is_negative(tree, a: int, b: int, head: Token, content: Token, frames: list[Frame]) -> bool:
    doc, rules = tree.tokens, tree.rules
    opener = next((doc[i] for i in range(a, b) if not doc[i].is_punct and not doc[i].is_space), None)
    if opener is not None and opener.lower_ in ("nor", "neither") and opener.i < head.i:
        return True  # "...; nor do we accept the assertion", "neither hurry nor lose time"
    scope = spine(tree, head, content, frames, a, b)
    for i in range(a, b):
        t = doc[i]
        if t.lower_ in rules.negators and governs(tree, t, scope, a, b):
            return True
    for i in scope:
        t = doc[i]
        lemma = t.lemma_.lower()
        negated = any(c.dep_ == "neg" or c.lower_ in rules.negators for c in tree.kids(t, "neg", "advmod"))
        if t.pos_ in VERBAL and not negated and (lemma in rules.halt_verbs and not tree.military(t) or tree.phrasal(t, rules.halt_phrasal)):
            return True
        if t.pos_ in VERBAL and (lemma in rules.frame_verbs or tree.frame_at(t) is not None):
            if about_a_halt(tree, t):
                return True
    return False


def spine(tree, head: Token, content: Token, frames: list[Frame], a: int, b: int) -> set[int]:
    """The predicates whose negation negates the clause: the head, the asserted predicate and
    the chain between them, with their conjuncts, complements and auxiliaries."""
    seeds = {head, content} | {tree.tok(f.token) for f in frames if a <= f.token < b}
    seen: set[int] = set()
    todo = [t for t in seeds if a <= t.i < b]
    while todo:
        t = todo.pop()
        if t.i in seen:
            continue
        seen.add(t.i)
        for c in tree.kids(t, *SPINE, "advcl"):
            if c.dep_ == "advcl" and not tree.that_clause(c):
                continue
            if a <= c.i < b and not (c.dep_ == "ccomp" and (tree.introduced_by_wh(c) or tree.adverbial(c))):
                todo.append(c)
    between = content
    while between.i != head.i and (p := tree.parent(between)) is not None and a <= p.i < b:
        seen.add(p.i)
        between = p
    return seen


def governs(tree, neg: Token, spine: set[int], a: int, b: int) -> bool:
    doc, rules = tree.doc, tree.rules
    after = next((doc[j] for j in range(neg.i + 1, min(neg.i + 3, len(doc))) if not doc[j].is_space), None)
    if after is not None and after.lower_ in rules.bounds:
        return False  # "no more than", "not only", "never fewer than"
    target = neg.head if neg.dep_ in ("neg", "det", "advmod", "preconj", "cc", "amod", "nummod") else neg
    if neg.lower_ in ("nothing", "none", "nobody", "neither", "nor") and neg.dep_ not in ("det", "preconj", "cc", "advmod"):
        target = neg
    if target.lemma_.lower() in rules.litotes_nouns and neg.dep_ == "det":
        return False  # "no doubt", "no objection"
    if target.pos_ in VERBAL and (target.lemma_.lower() in rules.litotes_verbs | rules.halt_verbs or tree.phrasal(target, rules.litotes_phrasal | rules.halt_phrasal)):
        return False  # a negated negative: "I do not question", "cannot exclude", "did not reject the idea"
    if neg.lower_ == "not" and contrasted(tree, neg, target, b):
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
            parent = tree.parent(predicate)
            if parent is None:
                return False
            predicate = parent
            continue
        return predicate.i in spine or (tree.parent(predicate) is None and predicate.pos_ not in VERBAL)
    return predicate.i in spine


def contrasted(tree, neg: Token, target: Token, b: int) -> bool:
    return any(
        c.lower_ in tree.rules.contrast and c.i > neg.i and c.i < b
        for t in (target, *tree.kids(target, "attr", "dobj", "prep"))
        for c in tree.kids(t, "cc")
    )


def about_a_halt(tree, verb: Token) -> bool:
    """"consent to a halt", "order a cease-fire", "urged ... toward abstention", "replied with a refusal"."""
    rules = tree.rules
    objects = list(tree.kids(verb, "dobj"))
    for prep in tree.kids(verb, "prep"):
        objects += tree.kids(prep, "pobj")
    def word(o: Token) -> str:  # "cease-fire" is three tokens
        parts = [c for c in o.lefts if c.dep_ in ("compound", "punct", "amod") and c.i >= o.i - 2]
        return "".join(t.lower_ for t in [*parts, o])

    return any(
        o.lemma_.lower() in rules.halt_nouns or word(o) in rules.halt_nouns or rules.frame_nouns.get(o.lemma_.lower()) == "refusal"
        or any(c.dep_ == "conj" and c.lemma_.lower() in rules.halt_nouns for c in o.children)
        for o in objects
    )
