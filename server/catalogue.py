"""The dataset as lists to page through: the documents (filtered by date range, kind, sender
and recipient, sorted, one page at a time, with their counts by date for the timeline), the
entities of one type, and the dataset in numbers.

Whatever the corpus size, one page asks a fixed handful of queries and carries at most
`per` rows: the store sorts, groups and counts, Python only lays out the page it shows.
Nothing a user types is pasted into a query: dates are checked against a pattern and bound
as literals, kinds are taken only from those the data has, people only as checked IRIs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import pyoxigraph as ox

from archivekg.extract.iris import ENTITY_SEGMENTS
from archivekg.extract.vocab import KG, SCHEMA
from archivekg.server import urls
from archivekg.server.describe import select, select_each
from archivekg.server.titles import display, humanize, local_name, titled, value_of

DATE = re.compile(r"[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?")
SORTS = {"date": "?when_key ?d", "-date": "DESC(?when_key) ?d", "title": "?title_key ?d", "-title": "DESC(?title_key) ?d"}
PER_PAGE, MAX_PER_PAGE = 50, 200
CHOICES_SHOWN = 200  # senders (recipients) offered in the filter form, the most frequent first


@dataclass(frozen=True)
class DocumentFilter:
    date_from: str = ""
    date_to: str = ""
    kind: ox.NamedNode | None = None
    sender: ox.NamedNode | None = None
    recipient: ox.NamedNode | None = None
    sort: str = "date"
    page: int = 1
    per: int = PER_PAGE
    problems: tuple[str, ...] = ()

    def args(self, **changes) -> dict:
        """The filter as query-string arguments (with `changes`), for links."""
        f = replace(self, **changes)
        out = {"from": f.date_from, "to": f.date_to, "kind": local_name(f.kind.value).lower() if f.kind else "",
               "sender": entity_arg(f.sender), "recipient": entity_arg(f.recipient),
               "sort": "" if f.sort == "date" else f.sort, "per": "" if f.per == PER_PAGE else str(f.per),
               "page": "" if f.page == 1 else str(f.page)}
        return {k: v for k, v in out.items() if v}


def entity_arg(node: ox.NamedNode | None) -> str:
    parts = urls.split_iri(node.value) if node is not None else None
    return f"{parts[0]}/{parts[1]}" if parts else ""


def whole_number(text: str | None, default: int, low: int, high: int) -> int:
    return min(max(int(text), low), high) if text and text.isdigit() else default


def document_filter(args) -> DocumentFilter:
    """The filter a request asks for; what cannot be read is named in `problems` (and then no
    document fits, rather than every document seeming to)."""
    problems, values = [], {}
    for name, field in (("from", "date_from"), ("to", "date_to")):
        text = (args.get(name) or "").strip()
        if text and not DATE.fullmatch(text):
            problems.append(f"“{text}” is not a date: write 1950, 1950-10 or 1950-10-02")
        elif text:
            values[field] = text
    kind = (args.get("kind") or "").strip().lower()
    if kind:
        known = {local_name(k.value).lower(): k for k in document_kinds()}
        if kind in known:
            values["kind"] = known[kind]
        else:
            problems.append(f"no document is of the kind “{kind}”; the kinds are: {', '.join(sorted(known)) or 'none'}")
    for name in ("sender", "recipient"):
        text = (args.get(name) or "").strip().strip("/")
        kind_slug = text.split("/", 1)
        if text and len(kind_slug) == 2 and kind_slug[0] in ENTITY_SEGMENTS.values() and urls.valid(*kind_slug):
            values[name] = ox.NamedNode(urls.iri(*kind_slug))
        elif text:
            problems.append(f"“{text}” does not name a person or organisation (write it as on its page: person/mao-zedong)")
    sort = args.get("sort") or "date"
    values["sort"] = sort if sort in SORTS else "date"
    values["per"] = whole_number(args.get("per"), PER_PAGE, 1, MAX_PER_PAGE)
    values["page"] = whole_number(args.get("page"), 1, 1, 10**6)
    return DocumentFilter(**values, problems=tuple(problems))


def date_literal(text: str) -> ox.Literal:
    return ox.Literal(text)


def matching(f: DocumentFilter) -> tuple[str, str, dict]:
    """The WHERE body and HAVING clause that pick the filter's documents (one row per
    document and date; `?when` is its earliest date), and the terms to bind."""
    body = ["?d a kg:Document .", "OPTIONAL { ?d schema:dateCreated|schema:dateSent|schema:dateReceived ?x0 BIND(STR(?x0) AS ?x) }"]
    bindings: dict = {}
    if f.kind is not None:
        body.append("?d kg:documentKind ?kind .")
        bindings["kind"] = f.kind
    if f.sender is not None:
        body.append("?d schema:sender|schema:author ?sender .")
        bindings["sender"] = f.sender
    if f.recipient is not None:
        body.append("?d schema:recipient|schema:ccRecipient ?recipient .")
        bindings["recipient"] = f.recipient
    having = []
    if f.date_from:
        having.append(f"SUBSTR(MIN(?x), 1, {len(f.date_from)}) >= ?from")
        bindings["from"] = date_literal(f.date_from)
    if f.date_to:
        having.append(f"SUBSTR(MIN(?x), 1, {len(f.date_to)}) <= ?to")
        bindings["to"] = date_literal(f.date_to)
    return " ".join(body), (f"HAVING ({' && '.join(having)})" if having else ""), bindings


def documents(f: DocumentFilter) -> dict:
    """One page of the documents the filter picks, sorted, with how many there are in all."""
    body, having, bindings = matching(f)
    total = 0 if f.problems else int(select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {{ SELECT ?d WHERE {{ {body} }} GROUP BY ?d {having} }} }}", **bindings)[0]["n"].value)
    pages = max(1, -(-total // f.per))
    f = replace(f, page=min(f.page, pages))
    # the title key is the title the page shows (titles.py): its name, else "Telegram No. 301", else "document KEY"
    rows = [] if f.problems else select(
        f"""SELECT ?d (MIN(?x) AS ?when) (COALESCE(MIN(?x), "9999") AS ?when_key)
        (LCASE(COALESCE(SAMPLE(?name), CONCAT(COALESCE(SAMPLE(?what), "document"), " No. ", MIN(?number)),
                        CONCAT("document ", STRAFTER(STR(?d), "/id/document/")))) AS ?title_key) WHERE {{ {body}
        OPTIONAL {{ ?d schema:name ?name }} OPTIONAL {{ ?d schema:identifier ?number }}
        OPTIONAL {{ ?d kg:documentKind ?k BIND(STRAFTER(STR(?k), "#") AS ?what) }} }} GROUP BY ?d {having}
        ORDER BY {SORTS[f.sort]} LIMIT {f.per} OFFSET {(f.page - 1) * f.per}""",
        **bindings,
    )
    shown = [r["d"] for r in rows]
    facts = select_each(DOCUMENT_FACTS, shown)
    names = titled(set(shown) | {r[n] for r in facts for n in ("sender", "recipient") if r[n] is not None})
    entries = {r["d"]: {"href": urls.page(r["d"].value), "title": names.get(r["d"]) or r["d"].value, "date": value_of(r, "when")[:10],
                        "kind": "", "numbers": [], "senders": [], "recipients": []} for r in rows}
    for r in facts:
        entry = entries[r["this"]]
        if r["kind"] is not None:
            entry["kind"] = humanize(local_name(r["kind"].value))
        for key, name in (("numbers", "number"),):
            if r[name] is not None and r[name].value not in entry[key]:
                entry[key].append(r[name].value)
        for key, name in (("senders", "sender"), ("recipients", "recipient")):
            shown_as = display(r[name], names) if r[name] is not None else None
            if shown_as and shown_as not in entry[key]:
                entry[key].append(shown_as)
    return {"filter": f, "total": total, "pages": pages, "items": list(entries.values())}


DOCUMENT_FACTS = """SELECT ?this ?kind ?number ?sender ?recipient WHERE { OPTIONAL { ?this kg:documentKind ?kind }
  OPTIONAL { ?this schema:identifier ?number } OPTIONAL { ?this schema:sender|schema:author ?sender }
  OPTIONAL { ?this schema:recipient ?recipient } }"""


def counts_by_day(f: DocumentFilter) -> list[tuple[str, int]]:
    """(day, how many of the filter's documents have it as their earliest date), by day."""
    if f.problems:
        return []
    body, having, bindings = matching(f)
    rows = select(
        f"""SELECT ?day (COUNT(*) AS ?n) WHERE {{ {{ SELECT ?d (MIN(?x) AS ?when) WHERE {{ {body} }} GROUP BY ?d {having} }}
        FILTER(BOUND(?when)) BIND(SUBSTR(?when, 1, 10) AS ?day) }} GROUP BY ?day ORDER BY ?day""",
        **bindings,
    )
    return [(r["day"].value, int(r["n"].value)) for r in rows]


def document_kinds() -> list[ox.NamedNode]:
    return [r["k"] for r in select("SELECT DISTINCT ?k WHERE { ?d a kg:Document ; kg:documentKind ?k } ORDER BY ?k")]


def choices() -> dict:
    """What the filter form offers: the kinds, senders and recipients the documents have,
    each with its number of documents (people: the most frequent `CHOICES_SHOWN`)."""
    found = {}
    for name, path in (("kinds", "kg:documentKind"), ("senders", "schema:sender|schema:author"), ("recipients", "schema:recipient|schema:ccRecipient")):
        found[name] = select(f"SELECT ?v (COUNT(DISTINCT ?d) AS ?n) WHERE {{ ?d a kg:Document ; {path} ?v }} GROUP BY ?v ORDER BY DESC(?n) ?v LIMIT {CHOICES_SHOWN}")
    names = titled({r["v"] for name in ("senders", "recipients") for r in found[name]})
    out = {"kinds": sorted(({"value": local_name(r["v"].value).lower(), "text": humanize(local_name(r["v"].value)).capitalize(), "count": int(r["n"].value)} for r in found["kinds"]), key=lambda c: c["value"])}
    for name in ("senders", "recipients"):
        people = [{"value": entity_arg(r["v"]), "text": names.get(r["v"]) or r["v"].value, "count": int(r["n"].value)} for r in found[name]]
        out[name] = sorted((p for p in people if p["value"]), key=lambda p: p["text"].lower())
    return out


# ---- entities ------------------------------------------------------------------------------
# the home page's types: name, class, the IRI segment its list is published under
ENTITY_TYPES = [("Person", "People", SCHEMA.Person, "person"), ("Organisation", "Organisations", SCHEMA.Organization, "organization"),
                ("Military unit", "Military units", KG.MilitaryUnit, "unit"), ("Country", "Countries", SCHEMA.Country, "country"),
                ("Place", "Places", SCHEMA.Place, "place"), ("Event", "Events", SCHEMA.Event, "event"),
                ("Cited work", "Cited works", SCHEMA.CreativeWork, "work")]
TYPE_BY_SEGMENT = {t[3]: t for t in ENTITY_TYPES}
ENTITY_SORTS = {"name": "?key ?e", "documents": "DESC(?n) ?key ?e"}
ENTITIES_PER_PAGE = 100


def entities(segment: str, sort: str, page: int) -> dict:
    """One page of the entities of a type (those documents mention), with in how many
    documents each is named and its one-line description."""
    _, plural, cls, _ = TYPE_BY_SEGMENT[segment]
    total = int(select("SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e kg:mentionedIn ?d ; a ?cls }", cls=cls)[0]["n"].value)
    pages = max(1, -(-total // ENTITIES_PER_PAGE))
    page = min(page, pages)
    rows = select(
        f"""SELECT ?e (SAMPLE(?l) AS ?label) (LCASE(COALESCE(SAMPLE(?l), STR(?e))) AS ?key) (COUNT(DISTINCT ?d) AS ?n) WHERE {{
        ?e kg:mentionedIn ?d ; a ?cls . OPTIONAL {{ ?e rdfs:label ?l }} }} GROUP BY ?e
        ORDER BY {ENTITY_SORTS.get(sort, ENTITY_SORTS['name'])} LIMIT {ENTITIES_PER_PAGE} OFFSET {(page - 1) * ENTITIES_PER_PAGE}""",
        cls=cls,
    )
    about = {r["this"]: r for r in select_each("SELECT ?this ?description WHERE { ?this schema:description ?description }", [r["e"] for r in rows])}
    items = [{"href": urls.page(r["e"].value), "text": value_of(r, "label") or r["e"].value, "documents": int(r["n"].value),
              "description": value_of(about[r["e"]], "description") if r["e"] in about else ""} for r in rows]
    return {"title": plural, "segment": segment, "total": total, "page": page, "pages": pages, "sort": sort if sort in ENTITY_SORTS else "name", "items": items}


COUNTS = """SELECT ?type (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a ?type .
  VALUES ?type { kg:Document schema:Message schema:Person schema:Organization kg:MilitaryUnit schema:Country
                 schema:Place schema:Event schema:CreativeWork kg:Claim kg:MilitaryFigure kg:Contradiction } } GROUP BY ?type"""
# entities are the things documents mention (a quoted message or remarks are CreativeWorks too, but not entities)
ENTITY_COUNTS = """SELECT ?type (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e kg:mentionedIn ?d ; a ?type } GROUP BY ?type"""


def numbers() -> dict:
    """The dataset in numbers: documents, entities by type (each linked to its list), claims,
    figures, contradictions."""
    counts = {r["type"]: int(r["n"].value) for r in select(COUNTS)}
    entity_counts = {r["type"]: int(r["n"].value) for r in select(ENTITY_COUNTS)}
    entities_in_all = select("SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e kg:mentionedIn ?d }")
    mentions = select("SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m oa:motivatedBy oa:identifying }")
    statements = select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    return {
        "documents": counts.get(KG.Document, 0),
        "entities": int(entities_in_all[0]["n"].value),
        "by_type": [{"name": name, "count": entity_counts.get(cls, 0), "href": urls.entities(segment)} for name, _, cls, segment in ENTITY_TYPES],
        "mentions": int(mentions[0]["n"].value),
        "claims": counts.get(KG.Claim, 0),
        "figures": counts.get(KG.MilitaryFigure, 0),
        "contradictions": counts.get(KG.Contradiction, 0),
        "statements": int(statements[0]["n"].value),
    }
