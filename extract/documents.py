"""The documents stage: a document's kind, title, people, dates, numbers, parts and citations.

First version: every source is a `kg:Document` of kind "document" with no further metadata.
"""

from __future__ import annotations

from spacy.tokens import Doc

from archivekg.extract.model import DocumentRecord, Entity, ResolvedMention, SourceText


def describe_document(source: SourceText, doc: Doc, mentions: list[ResolvedMention], entities: dict[str, Entity]) -> DocumentRecord:
    return DocumentRecord(key=source.key, kind="document")
