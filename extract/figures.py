"""The figures stage: numbers a source gives about forces.

First version: finds none.
"""

from __future__ import annotations

from spacy.tokens import Doc

from archivekg.extract.model import DocumentRecord, Entity, Figure, ResolvedMention, SourceText


def find_figures(
    source: SourceText, doc: Doc, record: DocumentRecord, mentions: list[ResolvedMention], entities: dict[str, Entity]
) -> list[Figure]:
    return []
