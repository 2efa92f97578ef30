"""Every IRI the graph uses is minted here: `{base}id/{kind}/{slug}`.

Slugs are readable and deterministic (the same input gives the same IRIs), so two builds
can be compared as sets of quads. No blank nodes: every node a user could link to, and
every annotation part, has an IRI.
"""

from __future__ import annotations

import re
import unicodedata

from pyoxigraph import NamedNode

# entity kinds of the model -> the {kind} segment of the IRI
ENTITY_SEGMENTS = {
    "person": "person",
    "organization": "organization",
    "unit": "unit",
    "country": "country",
    "place": "place",
    "event": "event",
    "work": "work",
}
SEGMENTS = set(ENTITY_SEGMENTS.values()) | {"document", "part", "citation", "claim", "figure", "mention", "contradiction", "build", "office"}


def slugify(text: str, max_length: int = 60) -> str:
    """'Mao Zedong' -> 'mao-zedong'; accents folded, anything else becomes a hyphen."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    return slug[:max_length].rstrip("-") or "x"


class IriMinter:
    """Mints the IRIs of one dataset under its base IRI."""

    def __init__(self, base_iri: str):
        self.base = base_iri if base_iri.endswith("/") else base_iri + "/"

    def thing(self, segment: str, slug: str) -> NamedNode:
        if segment not in SEGMENTS:
            raise ValueError(f"unknown IRI kind {segment!r}")
        return NamedNode(f"{self.base}id/{segment}/{slug}")

    def entity(self, kind: str, key: str) -> NamedNode:
        return self.thing(ENTITY_SEGMENTS[kind], key)

    def office(self, name: str) -> NamedNode:
        return self.thing("office", slugify(name))

    def document(self, key: str) -> NamedNode:
        return self.thing("document", key)

    def part(self, key: str) -> NamedNode:
        return self.thing("part", key)

    def citation(self, key: str) -> NamedNode:
        return self.thing("citation", key)

    def claim(self, key: str) -> NamedNode:
        return self.thing("claim", key)

    def figure(self, key: str) -> NamedNode:
        return self.thing("figure", key)

    def contradiction(self, key: str) -> NamedNode:
        return self.thing("contradiction", key)

    def mention(self, doc_key: str, start: int, end: int) -> NamedNode:
        return self.thing("mention", f"{doc_key}-{start}-{end}")

    def fragment(self, node: NamedNode, name: str) -> NamedNode:
        """A sub-node of an IRI (an annotation's target or selector): `{iri}#{name}`."""
        return NamedNode(f"{node.value}#{name}")

    def build(self) -> NamedNode:
        return self.thing("build", "latest")

    def entities_graph(self) -> NamedNode:
        return NamedNode(f"{self.base}graph/entities")

    def build_graph(self) -> NamedNode:
        return NamedNode(f"{self.base}graph/build")

    def document_graph(self, key: str) -> NamedNode:
        """Each source document's statements are in a named graph of their own."""
        return NamedNode(f"{self.base}graph/document/{key}")  # apart from graph/entities, graph/build

    def dataset(self) -> NamedNode:
        return NamedNode(f"{self.base}dataset")
