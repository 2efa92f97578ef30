"""What a clause is when it is not a claim, and its modality.

Questions (direct, or narrated: "Stalin asks whether ..."), frames that introduce what follows and
say nothing themselves ("I report:"), narration of the meeting ("The conversation lasted one hour",
"Saw Eden this afternoon"), notes about the correspondence ("I have received your telegram"),
courtesies ("Thank you"), speech acts with only an addressee ("He has informed Gen Paik of his
intentions"). The word lists are `claim_frames.jsonl`'s.
"""

from __future__ import annotations

from spacy.tokens import Token

from typing import TYPE_CHECKING

from archivekg.extract.clause_tree import CONTENT, SUBJECTS, VERBAL

if TYPE_CHECKING:
    from archivekg.extract.frames import Frame


def indirect_question(tree, content: Token) -> bool:
    """"Stalin asks whether anyone fell ill", "asked about my plans": asking, not asserting."""
    if content.lemma_.lower() not in tree.rules.question_verbs or tree.kids(content, "xcomp"):
        return False
    if not tree.kids(content, "nsubj") and content.tag_ == "VB":
        return False  # "ask him what arrangements he proposes": an instruction to ask
    clauses = tree.kids(content, "ccomp")
    return bool(clauses and tree.introduced_by_wh(clauses[0])) or any(p.lower_ == "about" for p in tree.kids(content, "prep"))


def points_at_end(tree, a: int, b: int, head: Token) -> bool:
    """"... asked me to report the following to you.", "What follows is a general account ..."."""
    words = [tree.tok(i) for i in range(a, b) if tree.tok(i).is_alpha]
    for i, t in enumerate(words):
        if t.lower_ in tree.rules.pointers:
            if len(words) - i <= 3:
                return True
            if any(s.dep_ in ("csubj", "nsubj") and t in s.subtree for s in tree.kids(head)):
                return True
    return False


def says_nothing(tree, a: int, b: int, head: Token, content: Token, frames: list[Frame]) -> bool:
    """A frame that introduces what follows says nothing of its own ("We therefore ask you to give
    orders:", "NAM IR is expected to put forward the following points:") unless it decides
    ("To confirm the following directive:") or frames a clause with a subject of its own ("We
    believe the government should answer the note as follows:"); without a frame, a pointer or a
    few words ("Following is summary of his remarks:", "Two copies made:") say nothing."""
    if not any(tree.tok(i).pos_ in VERBAL for i in range(a, b)):
        return True  # "Approximate strength in personnel and aircraft at the main bases:"
    if any(tree.tok(i).pos_ == "VERB" and tree.tok(i).lemma_.lower() in tree.rules.topic_verbs for i in range(a, b)):
        return True  # "In the course of it Comrade Mao Tse-tung briefly dealt with these questions:"
    if frames:
        if any(f.kind in ("decision", "order", "refusal") for f in frames):
            return False
        return not (content.i != head.i and tree.kids(content, "nsubj", "nsubjpass"))
    words = [tree.tok(i) for i in range(a, b) if tree.tok(i).is_alpha]
    return any(t.lower_ in tree.rules.pointers for t in words) or len(words) <= 5


def narration(tree, head: Token, content: Token, frames: list[Frame]) -> bool:
    rules = tree.rules
    if any(f.token == head.i and f.content and f.kind != "speech" for f in frames) or any(f.content and tree.kids(tree.tok(f.token), *CONTENT) for f in frames if f.token == head.i):
        return False  # "went on to stress that ...", "decided to ...": framed content is asserted
    tops = {head, content, *(c for c in tree.kids(head, "ccomp", "conj") if c.pos_ in VERBAL and not frames)}
    for t in tops:
        lemma = t.lemma_.lower()
        if lemma in rules.formula_verbs or any(c.lemma_.lower() in rules.formula_adjectives for c in [t, *tree.kids(t, "acomp")]):
            return True
        if tree.kids(t, "ccomp") or (tree.kids(t, "xcomp") and lemma not in rules.correspondence_verbs):
            continue
        args = arguments(tree, t)
        names = {x.lemma_.lower() for x in args}
        if lemma in rules.correspondence_verbs and names & rules.message_nouns:
            owned = any(x.lemma_.lower() in rules.message_nouns and tree.kids(x, "poss") for x in args)
            if lemma != "have" or owned:  # "I have your telegram", not "he has only scattered reports"
                return True
        for pattern in rules.narration:
            if lemma not in pattern.verbs or (pattern.nouns and not names & pattern.nouns):
                continue
            if pattern.past and t.tag_ not in ("VBD", "VBN"):
                continue
            if pattern.first_person and not with_me(tree, t):
                continue
            return True
        if rules.frame_verbs.get(lemma) == "speech" and addressed_only(tree, t):
            return True
    return False


def arguments(tree, t: Token) -> list[Token]:
    found = []
    for c in tree.kids(t, *SUBJECTS, "dobj", "attr", "dative", "agent", "prep", "acomp"):
        found.append(c)
        for g in tree.kids(c, "pobj", "prep", "compound", "amod"):
            found.append(g)
            found += tree.kids(g, "pobj")
    return found


def with_me(tree, t: Token) -> bool:
    """The author is there: the subject is "I" or "we", or missing ("Saw Eden"), or "me" is near."""
    subjects = tree.kids(t, "nsubj")
    if not subjects and t.dep_ == "conj" and tree.parent(t) is not None:
        return with_me(tree, tree.parent(t))  # "Huang came to my residence ... and stayed two hours"
    if (not subjects and not tree.kids(t, "nsubjpass", "auxpass") and t.dep_ == "ROOT") or (subjects and subjects[0].lower_ in tree.rules.first_person):
        return True
    near, frontier = [], [t]
    for _ in range(3):  # "came to see me", "called on me", "came to my residence", not "a note pressing us"
        frontier = [c for f in frontier for c in tree.kids(f, "prep", "pobj", "xcomp", "dobj", "poss", "dative")]
        near += frontier
    return any(d.lower_ in ("me", "us", "my", "our") for d in near)


def addressed_only(tree, t: Token) -> bool:
    """"He has informed Gen Paik of his intentions", "reported at once to Huang", "was told of
    this": a speech act with an addressee and no content of its own."""
    if tree.kids(t, "ccomp", "xcomp", "attr"):
        return False
    if any(tree.frame_at(c) is not None for c in tree.kids(t, "advcl")):
        return False  # "wrote to Marshal Kim Il Sung ..., proposing that ..."
    objects = tree.kids(t, "dobj", "dative")
    persons = [o for o in objects if o.pos_ in ("PROPN", "PRON")]
    to_someone = [p for p in tree.kids(t, "prep") if p.lower_ == "to" and any(o.pos_ in ("PROPN", "PRON") for o in tree.kids(p, "pobj"))]
    of_this = [p for p in tree.kids(t, "prep") if p.lower_ in ("of", "about") and any(o.pos_ == "PRON" for o in tree.kids(p, "pobj"))]
    return bool((persons or to_someone) and len(objects) == len(persons)) or bool(of_this and not objects)


def modality(tree, content: Token, frames: list[Frame], negative: bool) -> str:
    rules = tree.rules
    if frames:
        kind = frames[-1].kind
        return "decided" if kind == "refusal" else rules.modality_of.get(kind, "considered")
    aux = {c.lower_ for c in content.children if c.dep_ in ("aux", "auxpass")}
    if aux & {"should", "must", "ought"} or (content.tag_ == "VB" and not tree.kids(content, "nsubj") and content.dep_ == "ROOT"):
        return "requested"
    if aux & rules.future:
        return "planned"
    if content.lemma_.lower() == "be" or content.pos_ == "ADJ":
        return "assessed"
    return "reported"
