"""The holder a figure's clause gives, read from the dependency parse (step 3 of `figure_holders`).

From the counted noun, up through the phrases it sits in, to the verb that governs it:
- the figure is that verb's subject: the clause says nothing more than the figure's own words;
- a foe's verb ("finished off 35 divisions", `hostile_verbs`): no holder;
- a delivery for units ("provide the materiel for three divisions", `delivery_verbs`): no holder;
- else the verb's subject; without one, the one who controls it: the object of a request
  ("ask you to send"), the subject of the verb it depends on ("we intend to form"), the
  possessor of the noun it qualifies ("your decision to send", "his telegram about sending");
  a request list ("I ask the Soviet Government for the following help: 1) to send ...") takes
  the one asked in the line that opens it.
"""

from __future__ import annotations

import re

from archivekg.extract.figure_holders import LIST_REACH, NOBODY

_CLIMB = ("compound", "amod", "nmod", "nummod", "quantmod")
_CONTROL_UP = ("xcomp", "ccomp", "advcl", "conj", "prep")


def clause_holder(h, figure):
    head = h.links.get(figure.key, {}).get("head")
    token = h.tokens.at(head) if head is not None else None
    if token is None:
        return None
    if figure.item == "casualty":
        loser = _loser(h, figure)
        if loser is not None:
            return loser
    listed = _list_intro_holder(h, figure)
    if listed is not None:
        return listed
    if token.dep_ == "pobj" and token.head.lower_ == "in" and token.head.head.i < token.i:  # "150,000 men in 12 divisions": the men's
        whole = token.head.head
        for other in h.figures:
            at = h.links.get(other.key, {}).get("head")
            if other is not figure and at is not None and _index(h, at) == whole.i:
                return h.holder(other) or None
    if token.dep_ == "appos" and token.head.i < token.i:  # "The Soviet forces in the Far East, some 400,000 men"
        named = token.head  # a numbered formation is which, not whose: its side comes from the steps after
        whole = h.names_in(named.left_edge.idx, named.idx + len(named.text), figure.span.start, numbered=False)
        if whole:
            return whole[-1:]
    for _ in range(4):
        if token.dep_ in _CLIMB and token.head.i > token.i:
            token = token.head
    through_for = False
    for _ in range(12):
        if token.dep_ == "pobj" and token.head.dep_ == "agent":
            return None  # "reinforced by one Canadian battalion": the figure acts
        if token.dep_ == "dative":
            return None  # "allotting the five armies 20,000 men": the figure receives, it is not the giver's
        if token.dep_ in ("nsubj", "nsubjpass", "csubj") or token.dep_ == "ROOT":
            if token.pos_ not in ("VERB", "AUX"):
                return None  # the figure is the subject, or a fragment ("One division.")
        if token.pos_ in ("VERB", "AUX") and token.i != _index(h, head):
            break
        if token.dep_ == "pobj" and token.head.lower_ == "for":
            through_for = True
            if token.head.head.lemma_.lower() in h.rules.words["delivery_nouns"]:
                return NOBODY  # "arms deliveries for 60 divisions"
        if token.dep_ == "conj" and token.pos_ in ("NOUN", "PROPN", "NUM") and token.head.pos_ in ("VERB", "AUX"):
            return None  # a noun joined to a verb: the parse went wrong here; the list it is in will tell
        if token.head.i == token.i:
            return None
        token = token.head
    else:
        return None
    verb = token
    words = h.rules.words
    if verb.lemma_.lower() in words["hostile_verbs"]:
        return NOBODY
    if verb.lemma_.lower() in words["estimation_verbs"]:
        return None  # "We credit it with 22 divisions": the one who estimates holds nothing
    if through_for and verb.lemma_.lower() in words["delivery_verbs"]:
        return NOBODY
    if verb.lemma_.lower() in words["delivery_verbs"] and _first_of_two_objects(h, figure):
        return None  # "allotting the five armies 20,000 men": the figure receives
    if verb.lemma_.lower() in words["delivery_verbs"] and figure.item not in h.rules.force_items:
        return _receiver(h, verb, figure)
    return _agent(h, verb, figure)


def _first_of_two_objects(h, figure) -> bool:
    """The figure is followed by a second counted object of the same verb ("the five armies 20,000 men")."""
    later = [f for f in h.figures if f.span.start >= figure.span.end]
    return bool(later) and not h.text[figure.span.end : later[0].span.start].strip()


def _receiver(h, verb, figure):
    """Equipment delivered is fielded by whoever receives it ("send us 120 tanks", "aircraft for
    Cde. Peng"); where the text does not say, nobody."""
    for child in verb.children:
        pronoun = child.pos_ == "PRON" and child.dep_ in ("dative", "dobj")  # "send us 500 trucks"
        if pronoun or child.dep_ in ("dative", "prep") and child.lower_ in ("to", "for"):
            target = next((c for c in child.children if c.dep_ == "pobj"), child if child.pos_ == "PRON" else None)
            found = _phrase(h, target, figure) if target is not None else None
            if found:
                return found
    return NOBODY


def _loser(h, figure):
    """Whose losses a casualty figure counts: the subject of "lost"/"suffered", the owner of
    "losses" ("Our losses ... came to 11,000 men", "the Korean losses", "ROK casualties")."""
    start, _ = h.sentence(figure.span.start)
    words = h.rules.words["loss_words"]
    for offset in range(figure.span.start - 1, start - 1, -1):
        token = h.tokens.at(offset)
        if token is None or token.idx != offset or token.lower_ not in words:
            continue
        if token.pos_ in ("VERB", "AUX"):
            subject = next((c for c in token.children if c.dep_ == "nsubj"), None)
            found = _phrase(h, subject, figure) if subject is not None else None
        else:
            owners = [c for c in token.children if c.dep_ in ("poss", "amod", "compound", "nmod")]
            a = min((c.left_edge.idx for c in owners), default=token.idx)
            b = max((c.right_edge.idx + len(c.right_edge) for c in owners), default=token.idx)
            found = h.names_in(a, b, figure.span.start) if owners else None
        if not found:  # the parse did not say ("ROK 5TH DIV LOST APPROX 400 MEN"): the last side named before
            found = h.names_in(start, token.idx, figure.span.start)
            found = found[-1:] if found else None
        return found
    return None


def is_doer(h, figure) -> bool:
    """The figure is its clause's subject or a passive verb's agent ("reinforced by one battalion")."""
    head = h.links.get(figure.key, {}).get("head")
    token = h.tokens.at(head) if head is not None else None
    for _ in range(6):
        if token is None:
            return False
        if token.dep_ in ("compound", "amod", "nmod", "conj", "appos") and token.head.i != token.i:
            token = token.head
            continue
        return token.dep_ in ("nsubj", "nsubjpass") or (token.dep_ == "pobj" and token.head.dep_ == "agent")
    return False


def _index(h, offset):
    token = h.tokens.at(offset)
    return token.i if token is not None else -1


def _agent(h, verb, figure):
    words = h.rules.words
    for step in range(5):
        subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass", "expl")), None)
        if subject is not None and subject.dep_ != "expl":  # the verb's own subject may be a numbered unit
            return _phrase(h, subject, figure, numbered=step == 0)  # ("the 29th Brigade is at a strength of 5,500 men")
        if subject is not None:  # "there is one division": nobody acts
            return None
        if verb.dep_ in ("xcomp", "ccomp") and verb.head.lemma_.lower() in words["request_verbs"]:
            asked = next((c for c in verb.head.children if c.dep_ in ("dobj", "dative")), None)
            if asked is not None:
                return _phrase(h, asked, figure)
        if verb.dep_ in ("acl", "relcl", "pcomp"):
            noun = verb.head if verb.dep_ != "pcomp" else verb.head.head
            possessor = next((c for c in noun.children if c.dep_ == "poss"), None)
            if possessor is not None:
                return _phrase(h, possessor, figure)
            verb = noun
            while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
                verb = verb.head
            continue
        if verb.dep_ in _CONTROL_UP and verb.head.i != verb.i:
            verb = verb.head
            continue
        return _request_list(h, figure)
    return None


def _phrase(h, token, figure, sentence=None, numbered=False):
    """The side a noun phrase (a subject, an object, a possessor) stands for; the phrase must be
    in the figure's sentence (or the one given: the line that opens a list)."""
    text = token.text
    if h.p["first"].match(text):
        side = h.speaker(figure.span.start)
        return (side,) if side else None
    if h.p["second"].match(text):
        side = h.recipient(figure.span.start)
        return (side,) if side else None
    if h.p["third"].match(text):
        start, _ = h.sentence(figure.span.start)
        people = [r for r in h.mentions if r.mention.kind == "person" and r.mention.span.end <= token.idx and r.mention.span.start >= start - 200]
        side = h.sides.side_of(people[-1].entity_key) if people else None
        return (side,) if side else None
    left, right = token.left_edge, token.right_edge
    sentence_start, sentence_end = sentence or h.sentence(figure.span.start)
    opening = _list_opening(h, figure)
    if opening is not None and sentence is None:
        sentence_start = h.sentence(opening)[0]  # a list item's sentence runs on from the line that opens the list
    if not sentence_start <= token.idx < sentence_end:
        return None  # the parse ran across a sentence or a header line: not to be trusted here
    start, end = max(left.idx, sentence_start), min(right.idx + len(right), sentence_end)
    if start <= figure.span.start < end:
        return None  # the phrase is the figure's own ("each of our corps has 36 guns" is not this)
    excepted = _EXCEPT.search(h.text, start, end)
    return h.names_in(start, excepted.start() if excepted else end, figure.span.start, numbered=numbered)


_EXCEPT = re.compile(r"\b(?:except|but|other than|apart from|excluding|besides)\b", re.I)  # "every corps except the 1st corps"
_LIST_ITEM = re.compile(r"[ \t]*(?:[-–•*]|\(?\d{1,2}[.)]|\(?[a-z][.)])[ \t]")


def _list_opening(h, figure) -> int | None:
    """Where the list a figure's line is an item of opens: the colon ending the last line before
    its items ("... the following help:" then "1) to send ...", "2) to send ...")."""
    line_start = h.text.rfind("\n", 0, figure.span.start) + 1
    if not _LIST_ITEM.match(h.text, line_start):
        return None
    while line_start > 0 and figure.span.start - line_start < LIST_REACH:
        previous = h.text.rfind("\n", 0, line_start - 1) + 1
        line = h.text[previous : line_start].rstrip()
        if line.endswith(":"):
            return previous + len(line) - 1
        if line and not _LIST_ITEM.match(h.text, previous):
            return None
        line_start = previous
    return None


def _list_intro_holder(h, figure):
    """A list item with no verb of its own ("- 120 MiG-15 jet fighters;") after a line that
    delivers ("the following were shipped to the Chinese People's Volunteers:"): the receiver.
    The items are sentences of their own (the layout starts one at each line), so the intro's
    verb is read from its own sentence."""
    opening = _list_opening(h, figure)
    if opening is None or figure.item in h.rules.force_items:
        return None
    line_start = h.text.rfind("\n", 0, figure.span.start) + 1
    line_end = h.text.find("\n", figure.span.end)
    line_end = len(h.text) if line_end < 0 else line_end
    for offset in range(line_start, line_end):
        token = h.tokens.at(offset)
        if token is not None and token.idx == offset and token.pos_ in ("VERB", "AUX"):
            return None  # the item says who does what itself ("1) to send ...")
    sentence_start, _ = h.sentence(opening)
    for offset in range(max(sentence_start, h.text.rfind("\n", 0, opening) + 1), opening):
        token = h.tokens.at(offset)
        if token is not None and token.idx == offset and token.lemma_.lower() in h.rules.words["delivery_verbs"]:
            found = _receiver(h, token, figure)
            if found and found is not NOBODY:
                return found
    return None


def _request_list(h, figure):
    """A list item with no subject of its own ("1) to send ..."): the one asked where the list opens."""
    start, _ = h.sentence(figure.span.start)
    opening = h.text.rfind(":", max(0, start - LIST_REACH), start)
    if opening < 0:
        return None
    line_start = h.text.rfind("\n", 0, opening) + 1
    sentence_start, _ = h.sentence(opening)
    intro_start = max(line_start, sentence_start)
    for offset in range(intro_start, opening):
        token = h.tokens.at(offset)
        if token is None or token.idx != offset or token.lemma_.lower() not in h.rules.words["request_verbs"]:
            continue
        asked = next((c for c in token.children if c.dep_ in ("dobj", "dative")), None)
        if asked is not None:
            return _phrase(h, asked, figure, h.sentence(opening))
    return None

