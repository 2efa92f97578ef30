"""What a SPARQL text is, read before the engine runs it: its form, its dataset, its SERVICE
and LOAD targets, and whether it may run in a worker that can reach the network.

pyoxigraph offers no parser the endpoint can call without evaluating, so the text is read
with a small lexer (strings, IRIs, comments, variables and name runs as the grammar has
them). The lexer is linear: every token is matched at most once and nothing is scanned twice
(possessive quantifiers, unterminated strings end at the end of their line or text), so a
100 KB text is read in milliseconds, whatever it holds.

SERVICE is a security boundary, and a reading outside the engine can differ from the
engine's (a `\\u0022` escape, `SERVICE:name` glued, `<` as less-than or as an IRI). So the
lexer's reading is never the only guard: every query runs in a worker sealed off the network
(`sandbox.py`), where a SERVICE call the lexer did not see fails. Only a query whose SERVICE
targets are all on the allow-list goes to a worker that can connect, and only when its reading
is proved: no codepoint escapes anywhere, every "service" in the text accounted for (a
keyword standing alone, or inside a comment, string, IRI or variable), and rdflib's
grammar-based parser finding the same targets. Anything else is refused (`Refused`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

QUERY_FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}
UPDATE_KEYWORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}

TOKEN = re.compile(
    r"""
      (?P<ws>\s++)
    | (?P<comment>\#[^\n\r]*+)
    | (?P<iri><(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*+>)
    | (?P<string>'''(?:'{0,2}(?:[^'\\]|\\.))*+(?:'''|\Z)|\"\"\"(?:"{0,2}(?:[^"\\]|\\.))*+(?:\"\"\"|\Z)
                |'(?:[^'\\\n\r]|\\.)*+(?:'|(?=[\n\r])|\Z)|"(?:[^"\\\n\r]|\\.)*+(?:"|(?=[\n\r])|\Z))
    | (?P<var>[?$][\w\u00B7]++)
    | (?P<name>(?:[\w\-\u00B7:.%]|\\[_~.\-!$&'()*+,;=/?#@%])++)
    | (?P<other>.)
    """,
    re.X | re.S,
)
UCHAR = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
CODEPOINT_ESCAPE = re.compile(r"\\[uU]")
SERVICE_WORD = re.compile(r"service", re.I)  # Unicode case folding (ſ, K): wider than any engine's
CLEAR_CONTEXTS = ("comment", "string", "iri", "var")
NOT_FIXED = "an endpoint that is not a fixed IRI"
UNREADABLE = "a text rdflib cannot read"
SECOND_READING_BYTES = 65_536  # rdflib's parser is slow: longer texts get no second reading


class Refused(Exception):
    """A text the endpoint will not run as it stands; the message says what to change."""


@dataclass(frozen=True)
class QueryShape:
    """What the lexer saw: `form` is SELECT/ASK/CONSTRUCT/DESCRIBE, UPDATE, or None (not SPARQL)."""

    form: str | None
    has_dataset: bool
    services: tuple[str | None, ...]  # resolved endpoint IRIs; None for a variable or unreadable target
    loads: tuple[str | None, ...]  # LOAD sources of an update
    unclear: bool  # a "service" the lexer cannot place for sure (inside a name run: `e1SERVICE`)
    glued: bool  # a name run starting with SERVICE (`SERVICE:sparql`): engines read it differently


def unescape_codepoints(text: str) -> str:
    r"""Replace \uXXXX and \UXXXXXXXX escapes (how some parsers read a text before parsing it)."""

    def char(match: re.Match) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code < 0x110000 and not 0xD800 <= code <= 0xDFFF else "\ufffd"

    return UCHAR.sub(char, text)


def lex(text: str):
    """(kind, value, start) for every token but whitespace; name runs are split into words
    and prefixed names as the grammar would (a trailing '.' ends a statement)."""
    for match in TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "ws":
            continue
        value = match.group()
        if kind == "name":
            stripped = value.rstrip(".")
            if not stripped:
                yield "other", value, match.start()
                continue
            if ":" in stripped:
                kind = "bnode" if stripped.startswith("_:") else "pname"
            elif "." in stripped:
                kind = "number" if stripped[0].isdigit() else "words"
            else:
                kind = "word"
            value = stripped
        yield kind, value, match.start()


def read_shape(text: str, prefixes: dict[str, str] | None = None) -> QueryShape:
    """Form, dataset clauses, SERVICE and LOAD targets, following PREFIX and BASE as they come."""
    names = dict(prefixes or {})
    base = ""
    form = None
    has_dataset = unclear = glued = False
    services: list[str | None] = []
    loads: list[str | None] = []
    placed: set[int] = set()  # starts of "service" the lexer read as keyword or inside a clear token
    stream = lex(text)
    for kind, value, start in stream:
        if kind in CLEAR_CONTEXTS:
            placed.update(start + m.start() for m in SERVICE_WORD.finditer(value))
            continue
        if kind in ("pname", "words") and value[:7].upper() == "SERVICE":
            glued = True
        word = value.upper() if kind == "word" else None
        if word == "PREFIX":
            declared, iri = next(stream, (None, "", 0)), next(stream, (None, "", 0))
            if declared[0] == "pname" and declared[1].endswith(":") and iri[0] == "iri":
                names[declared[1][:-1]] = urljoin(base, _iri_value(iri[1]))
                placed.update(iri[2] + m.start() for m in SERVICE_WORD.finditer(iri[1]))
            continue
        if word == "BASE":
            iri = next(stream, (None, "", 0))
            if iri[0] == "iri":
                base = urljoin(base, _iri_value(iri[1]))
                placed.update(iri[2] + m.start() for m in SERVICE_WORD.finditer(iri[1]))
            continue
        if word and form is None:
            form = word if word in QUERY_FORMS else "UPDATE" if word in UPDATE_KEYWORDS else None
            if form is None:
                break  # not SPARQL: the engine will say where
        if word == "FROM" or word == "USING":
            has_dataset = True
        elif word == "LOAD":
            target = next(stream, (None, "", 0))
            if target[0] == "word" and target[1].upper() == "SILENT":
                target = next(stream, (None, "", 0))
            loads.append(_resolve(target, names, base))
        elif word == "SERVICE":
            placed.add(start)
            target = next(stream, (None, "", 0))
            if target[0] == "word" and target[1].upper() == "SILENT":
                target = next(stream, (None, "", 0))
            if target[0] in CLEAR_CONTEXTS:
                placed.update(target[2] + m.start() for m in SERVICE_WORD.finditer(target[1]))
            services.append(_resolve(target, names, base))
    unclear = any(m.start() not in placed for m in SERVICE_WORD.finditer(text))
    return QueryShape(form, has_dataset, tuple(services), tuple(loads), unclear, glued)


def _iri_value(token: str) -> str:
    return unescape_codepoints(token[1:-1])


def _resolve(token: tuple, names: dict[str, str], base: str) -> str | None:
    kind, value = token[0], token[1]
    if kind == "iri":
        return urljoin(base, _iri_value(value))
    if kind == "pname":
        prefix, _, local = value.partition(":")
        if prefix in names:
            return names[prefix] + re.sub(r"\\(.)", r"\1", local)
    return None


def federation(text: str, shape: QueryShape, allowlist, prefixes: dict[str, str] | None = None) -> bool:
    """Whether the query must run in a worker that can reach the network (True: every SERVICE
    target is allowed and the reading is proved), or in a sealed one (False). Raises `Refused`
    for a SERVICE that is not allowed or a federated text that cannot be proved."""
    if shape.glued:
        raise Refused("SERVICE glued to a name (`SERVICE:name`) is read differently by different parsers: "
                      "put a space after SERVICE and write its endpoint as a full IRI")
    if shape.form == "UPDATE":
        if shape.loads:
            raise Refused("LOAD fetches documents from the network, which this endpoint does not do: "
                          "add the data with INSERT DATA, or load files with `archivekg build`")
        if shape.services:
            raise Refused("SERVICE is not allowed in an update: federate in a query instead")
        return False
    allowed = set(allowlist)
    if not shape.services:
        # the lexer saw no SERVICE: the query runs sealed, where a call cannot leave. A second
        # reading (rdflib's) of a text that mentions "service" turns a hidden call it finds into
        # a clear refusal instead of a failed call (a text it cannot read runs sealed)
        if SERVICE_WORD.search(text) and len(text) <= SECOND_READING_BYTES:
            hidden = sorted({t or NOT_FIXED for t in _parsed_services(text, prefixes) if t != UNREADABLE and t not in allowed})
            if hidden:
                raise Refused(f"SERVICE to {', '.join(hidden)} is not allowed; this endpoint only federates with: "
                              + (", ".join(allowlist) or "none"))
        return False
    refused = sorted({target or NOT_FIXED for target in shape.services if target not in allowed})
    if refused:
        raise Refused(f"SERVICE to {', '.join(refused)} is not allowed; this endpoint only federates with: "
                      + (", ".join(allowlist) or "none"))
    if len(text) > SECOND_READING_BYTES:
        raise Refused(f"a federated query (SERVICE) may be at most {SECOND_READING_BYTES} bytes long")
    if CODEPOINT_ESCAPE.search(text):
        raise Refused("a federated query (SERVICE) may not contain \\u or \\U escapes: write the characters themselves")
    if shape.unclear:
        raise Refused("a federated query (SERVICE) has 'service' where the check cannot tell a keyword from a name: "
                      "write SERVICE as a word on its own")
    parsed = _parsed_services(text, prefixes)
    if sorted(map(str, parsed)) != sorted(map(str, shape.services)):
        raise Refused("the SERVICE clauses of this query could not be checked (two readings of it disagree); "
                      "write each SERVICE as `SERVICE <endpoint IRI> { ... }`")
    return True


def preload() -> None:
    """Import rdflib's SPARQL grammar (half a second the first time it is used)."""
    _parsed_services("ASK {}", None)


def _parsed_services(text: str, prefixes: dict[str, str] | None) -> list[str | None]:
    """The SERVICE targets rdflib's SPARQL grammar finds; a text it cannot read gives a marker
    no reading of the lexer can match."""
    from rdflib.plugins.sparql import algebra, parser
    from rdflib.term import URIRef

    found: list[str | None] = []

    def visit(node):
        if getattr(node, "name", None) == "ServiceGraphPattern":
            found.append(str(node.term) if isinstance(node.term, URIRef) else None)

    try:
        algebra.traverse(algebra.translateQuery(parser.parseQuery(text), initNs=prefixes or {}).algebra, visitPost=visit)
    except Exception:  # any failure to read it means it cannot be shown to be safe
        return [UNREADABLE]
    return found
