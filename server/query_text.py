"""What a SPARQL text is, read before anything runs it: its form, its dataset, its SERVICE calls.

pyoxigraph has no parser the endpoint can call without also evaluating the query, so the
endpoint reads the text with a small SPARQL lexer instead (strings, IRIs, comments and
prefixed names are tokenized as the grammar says, so a keyword inside a literal is not a
keyword). That is enough to tell a query from an update, to pick the result formats before
the query runs (406 without running it), and to see `FROM`.

SERVICE is a security boundary (it makes the server send requests), so it is checked twice:
the lexer resolves every `SERVICE` target (PREFIX, BASE, escapes), and when the text
mentions "service" at all, rdflib's grammar-based parser must also agree that every target
is on the allow-list. A text that cannot be checked is refused: the check fails closed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

QUERY_FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}
UPDATE_KEYWORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}

_LOCAL = r"(?:[\w:\-\u00B7]|%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])"
TOKEN = re.compile(
    rf"""
      (?P<ws>\s+)
    | (?P<comment>\#[^\n\r]*)
    | (?P<iri><(?:[^<>"{{}}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{{4}}|\\U[0-9A-Fa-f]{{8}})*>)
    | (?P<string>'''(?:'{{0,2}}(?:[^'\\]|\\.))*'''|\"\"\"(?:"{{0,2}}(?:[^"\\]|\\.))*\"\"\"
                |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
    | (?P<var>[?$]\w+)
    | (?P<bnode>_:[\w.\-]*)
    | (?P<pname>(?:[^\W\d_](?:[\w.\-\u00B7]*[\w\-\u00B7])?)?:(?:{_LOCAL}(?:(?:{_LOCAL}|\.)*{_LOCAL})?)?)
    | (?P<word>[A-Za-z_]\w*)
    | (?P<other>.)
    """,
    re.X | re.S,
)
UCHAR = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


@dataclass(frozen=True)
class QueryShape:
    """What the lexer saw: `form` is SELECT/ASK/CONSTRUCT/DESCRIBE, UPDATE, or None (not SPARQL)."""

    form: str | None
    has_dataset: bool
    services: tuple[str | None, ...]  # resolved endpoint IRIs; None for a variable or unreadable target


def unescape_codepoints(text: str) -> str:
    r"""Replace \uXXXX and \UXXXXXXXX escapes (SPARQL 1.1 §19.2 applies them before parsing)."""

    def char(match: re.Match) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code < 0x110000 and not 0xD800 <= code <= 0xDFFF else "\ufffd"

    return UCHAR.sub(char, text)


def tokens(text: str):
    """(kind, value) for every significant token; whitespace and comments are dropped."""
    for match in TOKEN.finditer(text):
        kind = match.lastgroup
        if kind not in ("ws", "comment"):
            yield kind, match.group()


def read_shape(text: str, prefixes: dict[str, str] | None = None) -> QueryShape:
    """Form, dataset clauses and SERVICE targets, following PREFIX and BASE as they come."""
    names = dict(prefixes or {})
    base = ""
    form = None
    has_dataset = False
    services: list[str | None] = []
    stream = tokens(text)
    for kind, value in stream:
        word = value.upper() if kind == "word" else None
        if word == "PREFIX":
            declared, iri = next(stream, (None, "")), next(stream, (None, ""))
            if declared[0] == "pname" and iri[0] == "iri":
                names[declared[1][:-1]] = urljoin(base, _iri_value(iri[1]))
        elif word == "BASE":
            iri = next(stream, (None, ""))
            if iri[0] == "iri":
                base = urljoin(base, _iri_value(iri[1]))
        elif word and form is None:
            form = word if word in QUERY_FORMS else "UPDATE" if word in UPDATE_KEYWORDS else None
            if form is None:
                break  # not SPARQL: the parser will say where
        if word == "FROM":
            has_dataset = True
        elif word == "SERVICE":
            target = next(stream, (None, ""))
            if target[0] == "word" and target[1].upper() == "SILENT":
                target = next(stream, (None, ""))
            services.append(_resolve(target, names, base))
    return QueryShape(form, has_dataset, tuple(services))


def _iri_value(token: str) -> str:
    return unescape_codepoints(token[1:-1])


def _resolve(token: tuple[str | None, str], names: dict[str, str], base: str) -> str | None:
    kind, value = token
    if kind == "iri":
        return urljoin(base, _iri_value(value))
    if kind == "pname":
        prefix, _, local = value.partition(":")
        if prefix in names:
            return names[prefix] + re.sub(r"\\(.)", r"\1", local)
    return None


def refused_services(text: str, allowlist, prefixes: dict[str, str] | None = None) -> list[str]:
    """The SERVICE targets in `text` that are not on `allowlist` (empty: nothing to refuse).

    Each entry names the target for the error message ("?endpoint" for a variable).
    """
    if "service" not in text.lower():
        return []  # the keyword cannot appear: no escape is allowed inside SPARQL keywords
    allowed = set(allowlist)
    refused: list[str] = []
    for view in (text, unescape_codepoints(text)):
        for target in read_shape(view, prefixes).services:
            if target not in allowed:
                refused.append(target or "an endpoint that is not a fixed IRI")
    if refused:
        return sorted(set(refused))
    return [t if t is not None else "an endpoint that is not a fixed IRI" for t in _parsed_services(text, prefixes) if t not in allowed]


def _parsed_services(text: str, prefixes: dict[str, str] | None) -> list[str | None]:
    """The SERVICE targets rdflib's SPARQL grammar finds; a text it cannot read is refused."""
    from rdflib.plugins.sparql import algebra, parser

    found: list[str | None] = []

    def visit(node):
        if getattr(node, "name", None) == "ServiceGraphPattern":
            term = node.term
            found.append(str(term) if term.__class__.__name__ == "URIRef" else None)

    try:
        if read_shape(text, prefixes).form == "UPDATE":
            tree = algebra.translateUpdate(parser.parseUpdate(text), initNs=prefixes or {})
            parts = [request for request in tree.algebra]
        else:
            parts = [algebra.translateQuery(parser.parseQuery(text), initNs=prefixes or {}).algebra]
        for part in parts:
            algebra.traverse(part, visitPost=visit)
    except Exception as err:  # any failure to read it means it cannot be shown to be safe
        return [f"an endpoint that could not be checked ({type(err).__name__}: the query mentions SERVICE "
                "but its SERVICE clauses could not be read)"]
    return found
