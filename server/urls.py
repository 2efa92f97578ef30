"""Every URL the pages link to is built here (datasette's `url_builder.py`).

The dataset's IRIs live under the base IRI (`{base}id/{kind}/{slug}`), but the server answers
those paths whatever host it runs on, so pages link to the *path* of an IRI, never to the
configured host. A base IRI with a path (`https://example.org/archive/`) puts every page
under that path (`/archive/id/...`, `/archive/sparql`): `root()` is that path, and every
link starts with it, so the site works behind a proxy that forwards `/archive/`.
Kinds and slugs are checked against a strict pattern before anything is built from them:
nothing a user types reaches a query or the filesystem unchecked.
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote, urlencode, urlsplit

from flask import current_app

from archivekg.extract.iris import SEGMENTS
from archivekg.extract.vocab import PREFIXES, WD
from archivekg.server.text_window import page_of

SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,198}[a-z0-9])?")
EXTENSIONS = ("html", "ttl", "jsonld", "nt", "rdf")
KG_NAMESPACE = PREFIXES["kg"]


def base_iri() -> str:
    return current_app.config["SETTINGS"].base_iri


def root_of(base: str) -> str:
    """The path a base IRI puts the site under, without its last slash: '' for
    `http://localhost:5000/`, '/archive' for `https://example.org/archive/`."""
    return unquote(urlsplit(base).path).rstrip("/")


def root() -> str:
    return root_of(base_iri())


def path(local: str) -> str:
    """A path of the site (`/sparql`) as it is published (`/archive/sparql`)."""
    return root() + local


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
    local = path(f"/id/{kind}/{slug}") + (f".{extension}" if extension else "")
    return local + (f"#{quote(fragment)}" if fragment and not extension else "")


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
    return {ext: path(f"/id/{kind}/{slug}.{ext}") for ext in EXTENSIONS}


def mention_anchor(start: int, end: int) -> str:
    return f"m-{start}-{end}"


def span_anchor(kind: str, slug: str) -> str:
    """The anchor of a claim, figure or quoted message in its document's text."""
    return f"{kind}-{slug}"


def in_document(document: str, anchor: str, start: int = 0) -> str | None:
    """The path of a place in a document's text: on the page of the text that holds
    character `start` (`?page=N`, for long documents; see `text_window.py`)."""
    local = page(document)
    if not local:
        return None
    number = page_of(start)
    return f"{local}{f'?page={number}' if number > 1 else ''}#{anchor}"


def text_page(document: str, number: int) -> str | None:
    local = page(document)
    return None if not local else local if number == 1 else f"{local}?page={number}"


def wikidata_id(value: str) -> str | None:
    return value[len(WD) :] if value.startswith(WD) else None


def compact(value: str) -> str:
    """An IRI as a prefixed name where a known prefix fits (`schema:sender`), else as is."""
    for prefix, namespace in PREFIXES.items():
        if value.startswith(namespace) and len(value) > len(namespace):
            return f"{prefix}:{value[len(namespace):]}"
    return value


def home() -> str:
    return path("/")


def search(q: str | None = None) -> str:
    return path("/search") + (f"?{urlencode({'q': q})}" if q else "")


def disputes() -> str:
    return path("/disputes")


def sparql(query: str | None = None) -> str:
    return path("/sparql") + (f"?{urlencode({'query': query})}" if query else "")


def editor(query: str) -> str:
    """The query editor with `query` in a new tab, run at once (the editor reads the fragment:
    a link a browser can follow, where `/sparql?query=` answers a results file)."""
    return path("/sparql") + "#" + urlencode({"query": query}, quote_via=quote)


def documents(args: dict | None = None) -> str:
    """The documents list, with filter, sort and page arguments."""
    return path("/documents") + (f"?{urlencode(args)}" if args else "")


def entities(segment: str, args: dict | None = None) -> str:
    """The list of every entity of one type (`person`, `place`, ...)."""
    return path(f"/entities/{segment}") + (f"?{urlencode(args)}" if args else "")


def ontology() -> str:
    return path("/ontology")


def void() -> str:
    return path("/.well-known/void")


def dump(extension: str = "nq") -> str:
    return path(f"/download/dataset.{extension}")


def static(name: str) -> str:
    return path(f"/static/{quote(name)}")
