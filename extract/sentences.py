"""Sentence starts from the layout of the text, set before the parser parses.

Archival texts put headers, addresses, dates and signatures on lines of their own, with no full
stop; left alone, the parser runs them into the first sentence of the body ("Subject: Korea ...
Participants: The Secretary ... Mr. Pearson said ...") and takes a header word for its subject. This
component marks a sentence start after a blank line, and after a line break that ends a line which
does not run on (it ends like a sentence, or is too short to be wrapped prose). The parser keeps
those starts and decides the rest.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

RUNS_ON_WORDS = 8  # a line of at least this many words that does not end a sentence is wrapped prose
_ENDS_SENTENCE = re.compile(r"[.!?;:][\"”'’)\]]*\s*$")


@Language.factory("archivekg_line_sentences", requires=[], assigns=["token.is_sent_start"])
def make_line_sentences(nlp: Language, name: str):
    return LineSentences()


class LineSentences:
    """`match` is pure (the token indices that start a sentence), `__call__` only sets them."""

    def __call__(self, doc: Doc) -> Doc:
        for i in self.match(doc):
            doc[i].is_sent_start = True
        return doc

    def match(self, doc: Doc) -> list[int]:
        starts: list[int] = []
        line: list[str] = []
        words = 0
        for token in doc:
            breaks = token.text.count("\n") if token.is_space else token.whitespace_.count("\n")
            if not token.is_space:
                line.append(token.text)
                words += token.is_alpha
            if not breaks:
                continue
            text = " ".join(line)
            if text and (breaks > 1 or _ENDS_SENTENCE.search(text) or words < RUNS_ON_WORDS):
                following = next((t.i for t in doc[token.i + 1 :] if not t.is_space), None)
                if following is not None:
                    starts.append(following)
            if text or breaks > 1:
                line, words = [], 0
        return starts
