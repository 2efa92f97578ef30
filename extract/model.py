"""The typed hand-offs between stages: one frozen dataclass per kind of thing.

Every dataclass validates itself on construction, so a stage that produces nonsense fails
at the stage, not three stages later in the graph. Keys (`key` fields) are readable slugs,
unique within their kind across the corpus; `archivekg.extract.iris` turns them into IRIs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ENTITY_KINDS = ("person", "organization", "unit", "country", "place", "event", "work")
DATE_TYPES = ("date", "dateTime", "gYearMonth", "gYear")
POLARITIES = ("affirmative", "negative")
MESSAGE_KINDS = frozenset({"telegram", "cable", "letter", "circular", "message"})  # kinds of text that are a schema:Message
# what a line of a document is (the layout stage): see archivekg.extract.layout
LINE_KINDS = (
    "blank", "body", "date", "title", "heading", "address", "routing", "transmission", "greeting",
    "closing", "signature", "distribution", "clerk", "citation", "stamp", "participants",
)
MODALITIES = ("decided", "planned", "considered", "proposed", "requested", "reported", "assessed", "ordered")


class ModelError(ValueError):
    """A stage produced a value that breaks the model's rules."""


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ModelError(message)


@dataclass(frozen=True)
class SourceText:
    """Output of the read stage: one decoded input file."""

    key: str  # document slug, unique in the corpus
    path: str  # the path as found, for messages and provenance
    text: str  # the text exactly as read (BOM removed, nothing else changed)
    sha256: str  # hash of the file's bytes

    def __post_init__(self):
        _require(bool(self.key), "a source needs a key")
        _require(bool(self.text.strip()), f"{self.path}: empty text")


@dataclass(frozen=True)
class ReadProblem:
    """A file the read stage skipped, and why (said to the user, never silently dropped)."""

    path: str
    reason: str


@dataclass(frozen=True)
class TextSpan:
    """A piece of a document's text: `text == source.text[start:end]`."""

    doc_key: str
    start: int
    end: int
    text: str

    def __post_init__(self):
        _require(0 <= self.start < self.end, f"bad span {self.start}-{self.end} in {self.doc_key}")
        _require(len(self.text) == self.end - self.start, f"span text does not fit {self.start}-{self.end}")

    def check_against(self, text: str) -> None:
        _require(text[self.start : self.end] == self.text, f"span {self.start}-{self.end} does not cut {self.text!r}")


@dataclass(frozen=True)
class LineField:
    """A field a layout line gives ("sender", "date", "number", ...): where its value is."""

    name: str
    start: int
    end: int


@dataclass(frozen=True)
class Line:
    """One line of a document and what it is (the layout stage)."""

    start: int
    end: int  # the end of its text, before the line break
    kind: str  # one of LINE_KINDS
    rule: str | None = None  # the layout rule that classified it
    fields: tuple[LineField, ...] = ()
    entities: str = "keep"  # which names in it are entities: "keep", "none", "fields"
    document_kind: str | None = None
    genre: str | None = None

    def __post_init__(self):
        _require(self.kind in LINE_KINDS, f"unknown line kind {self.kind!r}")


@dataclass(frozen=True)
class Mention:
    """One occurrence of a named thing in a document (the mentions stage)."""

    span: TextSpan
    kind: str  # one of ENTITY_KINDS
    gazetteer_id: str | None = None  # the gazetteer entry it matched, if any
    gloss: str | None = None  # an editorial gloss in brackets right after it ("STALIN")
    weight: int = 0  # how strong the evidence for `kind` is (archivekg.extract.evidence; 0: the model's guess)
    title: str | None = None  # the title or honorific right before it ("generalissimo"), lower-case
    adjective: bool = False  # a nationality adjective ("American troops"): it refers to the country, but is not a name of it

    def __post_init__(self):
        _require(self.kind in ENTITY_KINDS, f"unknown entity kind {self.kind!r}")


@dataclass(frozen=True)
class Entity:
    """One real-world thing for the whole corpus (the resolve and link stages)."""

    key: str  # slug, e.g. "mao-zedong"
    kind: str
    label: str  # canonical name in normal case
    alt_labels: tuple[str, ...] = ()
    wikidata: str | None = None  # "Q5816"
    link_method: str | None = None  # "gazetteer" or "reconciliation"
    link_confidence: float | None = None
    gazetteer_id: str | None = None
    pseudonyms: tuple[str, ...] = ()  # the alternative labels that are pseudonyms (cover names)
    description: str | None = None
    birth_date: str | None = None  # ISO lexical form
    death_date: str | None = None

    def __post_init__(self):
        _require(self.kind in ENTITY_KINDS, f"unknown entity kind {self.kind!r}")
        _require(bool(self.label) and "\n" not in self.label, f"bad label {self.label!r}")
        _require(self.wikidata is None or self.wikidata.startswith("Q"), f"bad Wikidata id {self.wikidata!r}")


@dataclass(frozen=True)
class ResolvedMention:
    """A mention tied to the entity it names."""

    mention: Mention
    entity_key: str


@dataclass(frozen=True)
class DateValue:
    """A date expression and, where it can be resolved safely, its typed value."""

    span: TextSpan | None  # None for dates known from elsewhere (e.g. a header field)
    value: str | None  # lexical form: "1950-10-02", "1950-10", "1950", "1950-10-03T12:15:00"
    datatype: str | None  # one of DATE_TYPES, None when unresolved

    def __post_init__(self):
        _require((self.value is None) == (self.datatype is None), "a date value needs its datatype")
        _require(self.datatype is None or self.datatype in DATE_TYPES, f"bad datatype {self.datatype!r}")


@dataclass(frozen=True)
class Part:
    """A part of a document: a quoted message, an editor's remarks, a section."""

    key: str  # slug, unique in the corpus
    kind: str  # "message" | "remarks"
    span: TextSpan
    author_keys: tuple[str, ...] = ()  # entity keys (sender of a message, editor of remarks)
    recipient_keys: tuple[str, ...] = ()
    date_sent: DateValue | None = None
    title: str | None = None
    enclosure: bool = False  # enclosed after an "[Enclosure:]" heading, not quoted inside the text
    carrier_voice: bool = False  # the carrier relays it in its own voice ("give him the following answer")


@dataclass(frozen=True)
class Citation:
    """A document or work a text cites."""

    key: str
    span: TextSpan
    kind: str  # "telegram" | "document" | "article" | "book" | "letter"
    identifier: str | None = None
    title: str | None = None
    date: DateValue | None = None
    author_keys: tuple[str, ...] = ()
    recipient_keys: tuple[str, ...] = ()
    cited_by: str | None = None  # key of the part that cites it, when not the whole document
    entity_key: str | None = None  # the work entity it is, when the entities stage found its title


@dataclass(frozen=True)
class DocumentRecord:
    """What the documents stage knows about one source document."""

    key: str
    kind: str  # "telegram" | "letter" | "speech" | "commentary" | "document"
    title: str | None = None
    author_keys: tuple[str, ...] = ()
    sender_keys: tuple[str, ...] = ()
    recipient_keys: tuple[str, ...] = ()
    copy_recipient_keys: tuple[str, ...] = ()
    date_created: DateValue | None = None
    date_sent: DateValue | None = None
    date_received: DateValue | None = None
    identifiers: tuple[str, ...] = ()
    publication: str | None = None
    publication_pages: str | None = None  # "275-276", the pages of the publication
    copies: int | None = None
    handled_by: tuple[tuple[str, str, DateValue | None], ...] = ()  # (role, entity key, when)
    parts: tuple[Part, ...] = ()
    citations: tuple[Citation, ...] = ()
    cited_works: tuple[tuple[str, str], ...] = ()  # (citing document or part key, work entity key)
    dates: tuple[DateValue, ...] = ()  # every date expression found in the text
    lines: tuple[Line, ...] = ()  # every line, classified (the layout stage)
    genre: str | None = None  # "record", "memorandum", "statement", ... (kind says telegram/letter/...)
    offices: tuple[tuple[str, str], ...] = ()  # (role, office name): "sender"/"recipient" held by an office

    def line_at(self, offset: int) -> Line | None:
        """The line holding `offset`."""
        from bisect import bisect_right

        i = bisect_right([line.start for line in self.lines], offset) - 1
        return self.lines[i] if i >= 0 and offset <= self.lines[i].end else None

    def in_body(self, start: int, end: int) -> bool:
        """True when every line the span [start, end) touches is a body line."""
        if not self.lines:
            return True
        return all(line.kind in ("body", "blank") for line in self.lines if line.start < end and start <= line.end)

    def part_at(self, offset: int) -> Part | None:
        """The innermost part whose text holds `offset` (a quoted message inside remarks wins)."""
        inside = [p for p in self.parts if p.span.start <= offset < p.span.end]
        return min(inside, key=lambda p: p.span.end - p.span.start) if inside else None

    def key_at(self, offset: int) -> str:
        """The key of the innermost part holding `offset`, else of the document itself."""
        part = self.part_at(offset)
        return part.key if part else self.key


@dataclass(frozen=True)
class Figure:
    """A number a source gives about forces."""

    key: str
    span: TextSpan  # the exact quote
    stated_in: str  # key of the document or part
    item: str  # singular lower-case noun
    count: int | None = None
    min_count: int | None = None
    max_count: int | None = None
    holder_keys: tuple[str, ...] = ()  # entity keys of the sides, units or countries that hold it
    min_caliber_mm: float | None = None
    max_caliber_mm: float | None = None
    date: DateValue | None = None
    place_key: str | None = None
    compared_with: str | None = None  # key of another figure
    multiplier: float | None = None  # "four times as many"

    def __post_init__(self):
        _require(self.item == self.item.lower() and bool(self.item), f"item must be a lower-case noun, got {self.item!r}")
        _require(
            self.count is not None or self.min_count is not None or self.max_count is not None or self.multiplier is not None,
            "a figure needs a count, a bound or a multiplier",
        )


@dataclass(frozen=True)
class Claim:
    """Something a source asserts."""

    key: str
    span: TextSpan  # the exact quote
    stated_in: str  # key of the document or part
    claimant_key: str | None
    polarity: str  # one of POLARITIES
    modality: str  # one of MODALITIES
    about_keys: tuple[str, ...] = ()
    date: DateValue | None = None
    reported_by: str | None = None  # entity key of the one who reports another's claim
    proposition: str | None = None  # normalised "agent|action|target" used to find contradictions
    about_texts: tuple[str, ...] = ()  # keys of documents, parts or citations a judgement is about

    def __post_init__(self):
        _require(self.polarity in POLARITIES, f"bad polarity {self.polarity!r}")
        _require(self.modality in MODALITIES, f"bad modality {self.modality!r}")


@dataclass(frozen=True)
class Contradiction:
    """Two claims that cannot both hold, and why."""

    key: str
    claim_keys: tuple[str, str]
    reason: str
    shared_message: str | None = None  # key of the message both sources present themselves as


@dataclass(frozen=True)
class DocumentExtraction:
    """Everything extracted from one document (per-document stages)."""

    source: SourceText
    record: DocumentRecord
    mentions: tuple[ResolvedMention, ...] = ()
    figures: tuple[Figure, ...] = ()
    claims: tuple[Claim, ...] = ()


@dataclass(frozen=True)
class CorpusExtraction:
    """Everything extracted from the corpus: what the graph stage turns into RDF."""

    documents: tuple[DocumentExtraction, ...]
    entities: tuple[Entity, ...]
    contradictions: tuple[Contradiction, ...] = ()
    problems: tuple[ReadProblem, ...] = field(default=())
