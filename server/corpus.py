"""What the document pages, the home page and the disputes page show, as plain data.

The document text is marked up from the annotations whose target is in that document: every
mention (a link to its entity), claim, figure and quoted message, each with an anchor the
other pages link to (`#m-<start>-<end>`, `#claim-<slug>`, `#figure-<slug>`, `#part-<slug>`).
"""

from __future__ import annotations

import bisect

import pyoxigraph as ox
from flask import current_app

from archivekg.extract.vocab import SCHEMA
from archivekg.server import deadline, text_window, urls
from archivekg.server.describe import select, select_each
from archivekg.server.facts import SHOWN, claim_cards, listing, objects, places
from archivekg.server.titles import display, humanize, local_name, names_of, title, titled
from archivekg.server.markup import Mark, marked_text

ANNOTATIONS = """SELECT DISTINCT ?body ?start ?end ?polarity WHERE {
  ?a oa:hasBody ?body ; oa:hasTarget ?t . ?t oa:hasSource ?this ; oa:hasSelector ?p .
  ?p oa:start ?start ; oa:end ?end . OPTIONAL { ?body kg:polarity ?polarity } }"""
SPAN_RANKS = {"part": 0, "claim": 1, "figure": 2}
MARKS_KEPT_BYTES = 32 * 2**20  # the marks of the documents shown last, kept per build
MARK_BYTES = 160  # about what one kept mark costs


def all_marks(node: ox.NamedNode) -> list[tuple[int, int, ox.NamedNode, str]]:
    """(start, end, body, polarity) of every mark of the document, by start: asked once per
    document and build (one pass over its annotations), then kept, so that every page of a
    long text costs only its own part of the list."""
    from archivekg.server.memory import BuildMemory
    from archivekg.server.storage import get_storage

    kept = current_app.extensions.setdefault("archivekg.document_marks", BuildMemory(None, MARKS_KEPT_BYTES, MARKS_KEPT_BYTES // 4))
    build = get_storage().build_id
    marks = kept.get(build, (node,))
    if marks is None:
        rows = select(ANNOTATIONS, this=node)
        polarity = lambda r: local_name(r["polarity"].value).lower() if r["polarity"] is not None else ""  # noqa: E731
        found = ((int(r["start"].value), int(r["end"].value), r["body"], polarity(r)) for r in rows if isinstance(r["body"], ox.NamedNode))
        marks = sorted(found, key=lambda m: (m[0], m[1], m[2].value, m[3]))
        kept.put(build, (node,), marks, MARK_BYTES * len(marks) + 64)
    return marks


class NoSuchPage(LookupError):
    """A page number beyond the document's text."""


def document_text(node: ox.NamedNode, number: int = 1) -> dict:
    """Page `number` of the document's text as HTML with its marks (see `text_window.py`),
    how many marks of each kind the whole text has, and where the other pages are."""
    texts = objects(node, SCHEMA.text)
    text = texts[0].value if texts else ""
    pages = text_window.page_count(len(text))
    if not 1 <= number <= pages:
        raise NoSuchPage(number)
    first, last = text_window.window(text, number)
    marks_of_text = all_marks(node)
    deadline.check()
    shown = [m for m in marks_of_text[: bisect.bisect_left(marks_of_text, (last,))] if m[1] > first]
    names = names_of({body for _, _, body, _ in shown})
    marks, counts = [], {}
    for start, end, body, polarity in marks_of_text:
        parts = urls.split_iri(body.value)
        if parts is not None:
            kind = parts[0] if parts[0] in SPAN_RANKS else "mention"
            counts[kind] = counts.get(kind, 0) + 1
    for start, end, body, polarity in shown:
        parts = urls.split_iri(body.value)
        if parts is None:
            continue
        kind, slug = parts[0], parts[1]
        label = names.get(body) or f"{kind} {slug}"
        within = max(start - first, 0), min(end, last) - first
        if kind in SPAN_RANKS:
            classes = f"span {kind} {polarity}".strip()
            note = f"{kind} ({polarity})" if polarity else kind
            marks.append(Mark(*within, "span" if kind == "part" else "mark", (("class", classes), ("title", note)), urls.span_anchor(kind, slug), SPAN_RANKS[kind]))
        else:
            attrs = (("class", f"mention {kind}"), ("href", urls.page(body.value)), ("title", f"{label} ({kind})"))
            marks.append(Mark(*within, "a", attrs, urls.mention_anchor(start, end), 3))
    deadline.check()
    link = lambda n: urls.text_page(node.value, n) if 1 <= n <= pages else None  # noqa: E731
    return {
        "html": marked_text(text[first:last], marks), "length": len(text), "counts": counts,
        "page": number, "pages": pages, "first": first, "last": last,
        "previous": link(number - 1), "next": link(number + 1),
        "links": [{"number": n, "href": link(n)} for n in range(1, pages + 1)] if pages > 1 else [],
    }


PARTS = "SELECT ?part WHERE { ?part schema:isPartOf ?this } ORDER BY ?part"
PART_FACTS = """SELECT ?part ?name ?sender ?recipient ?date ?kind WHERE {
  OPTIONAL { ?part schema:name ?name } OPTIONAL { ?part schema:sender|schema:author ?sender }
  OPTIONAL { ?part schema:recipient ?recipient } OPTIONAL { ?part schema:dateSent ?date }
  OPTIONAL { ?part kg:documentKind ?kind } }"""


def quoted_messages(node: ox.NamedNode) -> dict:
    """The messages (and remarks) quoted within a document, with who sent them and when
    (the first `SHOWN`)."""
    every = [r["part"] for r in select(PARTS, this=node)]
    shown = every[:SHOWN]
    rows = sorted(select_each(PART_FACTS, shown, "part"), key=lambda r: r["part"].value)
    names = titled({r[n] for r in rows for n in ("part", "sender", "recipient") if r[n] is not None})
    where = places({r["part"] for r in rows})
    found: dict = {}
    for r in rows:
        entry = found.setdefault(r["part"], {"href": urls.page(r["part"].value), "title": names.get(r["part"]) or title(r["part"]), "senders": [], "recipients": [], "date": "", "kind": "", "place": where.get(r["part"])})
        for key, name in (("senders", "sender"), ("recipients", "recipient")):
            if r[name] is not None and display(r[name], names) not in entry[key]:
                entry[key].append(display(r[name], names))
        entry["date"] = r["date"].value if r["date"] is not None else entry["date"]
        entry["kind"] = humanize(local_name(r["kind"].value)) if r["kind"] is not None else entry["kind"]
    return listing(list(found.values()), len(every), f"SELECT ?part WHERE {{ ?part schema:isPartOf {node} }}")


CITATIONS = """SELECT DISTINCT ?c WHERE { { ?this schema:citation ?c } UNION { ?part schema:isPartOf ?this ; schema:citation ?c } } ORDER BY ?c"""


def citations(node: ox.NamedNode) -> dict:
    """The works the document (or a message it quotes) cites (the first `SHOWN`)."""
    rows = select(CITATIONS, this=node)
    names = titled({r["c"] for r in rows[:SHOWN]})
    items = [{"text": names.get(r["c"]) or title(r["c"]), "href": urls.page(r["c"].value)} for r in rows[:SHOWN]]
    return listing(items, len(rows), CITATIONS.replace("?this", str(node)))


# the claims stated in the document itself or in a message (or remarks) it quotes, in the
# order they come in the text
DOCUMENT_CLAIMS = """SELECT ?c (MIN(?s) AS ?at) WHERE { { ?c kg:statedIn ?this } UNION { ?c kg:statedIn ?part . ?part schema:isPartOf ?this }
  ?c a kg:Claim . OPTIONAL { ?a oa:hasBody ?c ; oa:hasTarget/oa:hasSelector ?p . ?p oa:start ?s } } GROUP BY ?c ORDER BY ?at ?c"""


def document_claims(node: ox.NamedNode) -> dict:
    """The claims of a document (the first `SHOWN`, with "and N more")."""
    rows = select(DOCUMENT_CLAIMS, this=node)
    query = f"SELECT ?claim WHERE {{ {{ ?claim kg:statedIn {node} }} UNION {{ ?claim kg:statedIn ?part . ?part schema:isPartOf {node} }} ?claim a kg:Claim }}"
    return listing(claim_cards({r["c"]: None for r in rows[:SHOWN]}), len(rows), query)


DISPUTES = """SELECT ?x ?a ?b ?why ?shared WHERE { ?x a kg:Contradiction ; kg:claimA ?a ; kg:claimB ?b .
  OPTIONAL { ?x kg:explanation ?why } OPTIONAL { ?x kg:sharedMessage ?shared } } ORDER BY ?x"""


def disputes(only: ox.NamedNode | None = None) -> list[dict]:
    """Each contradiction (or `only` that one): why, and both claims side by side, each
    linked to its place."""
    rows = select(DISPUTES.replace("?x a kg:Contradiction", "VALUES ?x { ?only } ?x a kg:Contradiction") if only else DISPUTES, **({"only": only} if only else {}))
    names = titled({r["shared"] for r in rows if r["shared"] is not None})
    cards = {card["iri"]: card for card in claim_cards({c: None for r in rows for c in (r["a"], r["b"])})}
    return [
        {
            "href": urls.page(r["x"].value),
            "anchor": urls.split_iri(r["x"].value)[1] if urls.split_iri(r["x"].value) else "",
            "explanation": r["why"].value if r["why"] is not None else "",
            "shared": display(r["shared"], names) if r["shared"] is not None else None,
            "claims": [cards[r["a"].value], cards[r["b"].value]],
        }
        for r in rows
    ]
