"""What a frame that introduces a passage covers, and whose it is.

"Comrade Mao Zedong asked me to report the following to you.", "gist of his replies to Dept's
questions, in order:", "I am forwarding a telegram from Cde. MAO ZEDONG:": what follows is the
holder's (the asker, the replier, the telegram's author). It runs to the end of the quotation that
opens right after it, else of the list of items after a colon, else of the next paragraph after a
colon, else to the end of the place (the quoted message or the document). A frame about topics
("dealt with these questions:") makes a list of topics, not of claims.
"""

from __future__ import annotations

from spacy.tokens import Doc

from archivekg.extract.claim_lines import LIST_MARKER, Block
from archivekg.extract.claim_rules import ClaimRules
from archivekg.extract.claim_voice import FIRST, SECOND, Speakers
from archivekg.extract.frames import Unit

_CLOSING = {"“": "”", "‘": "’", '"': '"', "'": "'"}


def region_of(unit: Unit, holder: str | None, text: str, doc: Doc, blocks: list[Block], speakers: Speakers, rules: ClaimRules) -> tuple[int, int, str | None, bool]:
    """(start, end, holder, topics) of what the introducing `unit` covers."""
    if holder in (None, FIRST, SECOND):
        holder = owner_of_object(unit, doc, speakers, rules)
    after = unit.end
    while after < len(text) and (text[after].isspace() or text[after] in ":."):
        after += 1
    colon = ":" in text[unit.end : after]
    end = speakers.place(unit.start).end
    if after < len(text) and text[after] in _CLOSING:
        close = text.find(_CLOSING[text[after]], after + 1)
        end = close if close > 0 else end
    elif colon and LIST_MARKER.match(text[after : text.find("\n", after) if "\n" in text[after:] else len(text)].strip()):
        end = items_end(blocks, after)
    elif colon:
        end = next((b.end + 1 for b in blocks if b.line_start >= after), end)
    head = doc[unit.head]
    named = [head, *(c for c in head.children if c.dep_ in ("dobj", "attr"))]
    topics = any(doc[i].pos_ == "VERB" and doc[i].lemma_.lower() in rules.topic_verbs for i in range(unit.first, unit.last))
    topics = topics or any(t.lemma_.lower() in rules.topic_nouns for t in named)
    return after, end, holder if holder not in (FIRST, SECOND) else None, topics


def owner_of_object(unit: Unit, doc: Doc, speakers: Speakers, rules: ClaimRules) -> str | None:
    """"I am forwarding a telegram from X:", "gist of his replies:": the message's author."""
    head = doc[unit.head]
    nouns = [head, *(c for c in head.children if c.dep_ in ("dobj", "attr", "nsubj"))]
    nouns += [g for n in list(nouns) for p in n.children if p.dep_ == "prep" for g in p.children if g.dep_ == "pobj"]
    for noun in nouns:
        if noun.lemma_.lower() not in rules.frame_nouns:
            continue
        for c in noun.children:
            owner = c if c.dep_ == "poss" else None
            if c.dep_ == "prep" and c.lower_ in ("from", "of", "by"):
                owner = next((g for g in c.children if g.dep_ == "pobj"), None)
            who = speakers.who(owner) if owner is not None else None
            if who not in (None, FIRST, SECOND):
                return who
    return None


def items_end(blocks: list[Block], char: int) -> int:
    """The end of the list that starts at `char`: its run of list items."""
    end = char
    for b in blocks:
        if b.line_start < char:
            continue
        if not b.item:
            break
        end = b.end
    return end + 1
