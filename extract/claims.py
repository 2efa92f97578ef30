"""The claims stage: what each source asserts, by whom, and where two sources disagree.

First version: finds none.
"""

from __future__ import annotations

from spacy.tokens import Doc

from archivekg.extract.model import Claim, Contradiction, DocumentExtraction, DocumentRecord, Entity, ResolvedMention, SourceText


def find_claims(
    source: SourceText, doc: Doc, record: DocumentRecord, mentions: list[ResolvedMention], entities: dict[str, Entity]
) -> list[Claim]:
    return []


def find_contradictions(documents: list[DocumentExtraction]) -> list[Contradiction]:
    return []
