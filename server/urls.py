"""Every URL the pages link to is built here (datasette's `url_builder.py`).

The dataset's IRIs live under the base IRI (`{base}id/{kind}/{slug}`), but the server answers
those paths whatever host it runs on, so pages link to the *path* of an IRI, never to the
configured host. Kinds and slugs are checked against a strict pattern before anything is
built from them: nothing a user types reaches a query or the filesystem unchecked.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlencode

from flask import current_app

from archivekg.extract.iris import SEGMENTS
from archivekg.extract.vocab import PREFIXES, WD

SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,198}[a-z0-9])?")
EXTENSIONS = ("html", "ttl", "jsonld", "nt", "rdf")
KG_NAMESPACE = PREFIXES["kg"]


def base_iri() -> str:
    return current_app.config["SETTINGS"].base_iri


def valid(kind: str, slug: str) -> bool:
    """Whether `kind`/`slug` could name a thing of the dataset (a strict syntactic check)."""
    return kind in SEGMENTS and SLUG.fullmatch(slug) is not None


def iri(kind: str, slug: str) -> str:
    """The IRI of a thing; only for a kind and slug that passed `valid()`."""
    if not valid(kind, slug):
        raise ValueError(f"not a dataset IRI path: {kind}/{slug}")
    return f"{base_iri()}id/{kind}/{slug}"


def split_iri(value: str) -> tuple[str, str, str] | None:
    """A dataset IRI -> (kind, slug, fragment), or None for an IRI outside the dataset."""
    base = base_iri() + "id/"
    if not value.startswith(base):
        return None
    path, _, fragment = value[len(base) :].partition("#")
    kind, _, slug = path.partition("/")
    return (kind, slug, fragment) if valid(kind, slug) else None


def page(value: str, extension: str | None = None) -> str | None:
    """The local path of a dataset IRI (`/id/person/mao-zedong`), or None for other IRIs."""
    parts = split_iri(value)
    if parts is None:
        return None
    kind, slug, fragment = parts
    path = f"/id/{kind}/{slug}" + (f".{extension}" if extension else "")
    return path + (f"#{quote(fragment)}" if fragment and not extension else "")


def link(value: str) -> str | None:
    """Where a link to any IRI goes: its local page, or the IRI itself for http(s) IRIs."""
    local = page(value)
    if local:
        return local
    if value.startswith(KG_NAMESPACE) and len(value) > len(KG_NAMESPACE):
        return f"{ontology()}#{quote(value[len(KG_NAMESPACE):])}"  # our own terms are documented here
    return value if value.startswith(("http://", "https://")) else None


def alternates(kind: str, slug: str) -> dict[str, str]:
    """extension -> path of the same thing in that format."""
    return {ext: f"/id/{kind}/{slug}.{ext}" for ext in EXTENSIONS}


def mention_anchor(start: int, end: int) -> str:
    return f"m-{start}-{end}"


def span_anchor(kind: str, slug: str) -> str:
    """The anchor of a claim, figure or quoted message in its document's text."""
    return f"{kind}-{slug}"


def in_document(document: str, anchor: str) -> str | None:
    """The path of a place in a document's text."""
    local = page(document)
    return f"{local}#{anchor}" if local else None


def wikidata_id(value: str) -> str | None:
    return value[len(WD) :] if value.startswith(WD) else None


def compact(value: str) -> str:
    """An IRI as a prefixed name where a known prefix fits (`schema:sender`), else as is."""
    for prefix, namespace in PREFIXES.items():
        if value.startswith(namespace) and len(value) > len(namespace):
            return f"{prefix}:{value[len(namespace):]}"
    return value


def home() -> str:
    return "/"


def search(q: str | None = None) -> str:
    return "/search" + (f"?{urlencode({'q': q})}" if q else "")


def disputes() -> str:
    return "/disputes"


def sparql(query: str | None = None) -> str:
    return "/sparql" + (f"?{urlencode({'query': query})}" if query else "")


def ontology() -> str:
    return "/ontology"


def void() -> str:
    return "/.well-known/void"


def dump(extension: str = "nq") -> str:
    return f"/download/dataset.{extension}"


def static(name: str) -> str:
    return f"/static/{quote(name)}"
