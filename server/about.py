"""What the head of an entity's page says about it: its one-line description and life dates
(as the gazetteer gives them), its pseudonyms apart from its other spellings, and how many
documents it sent and received (each linked to the documents list filtered so). All from
the statements the page reads once (`describe.outgoing` / `incoming`)."""

from __future__ import annotations

import pyoxigraph as ox

from archivekg.extract.vocab import KG, SCHEMA, SKOS
from archivekg.server import urls
from archivekg.server.describe import incoming
from archivekg.server.facts import objects

PSEUDONYM = KG.pseudonym  # rdfs:subPropertyOf skos:altLabel: every pseudonym is an altLabel too


def pseudonyms(node: ox.NamedNode) -> list[str]:
    """Names the thing went by to hide who it was (kg:pseudonym: FILIPPOV for Stalin)."""
    return sorted({p.value for p in objects(node, PSEUDONYM)}, key=str.lower)


def other_names(node: ox.NamedNode) -> list[str]:
    """Its other spellings (skos:altLabel), not counting its pseudonyms (also altLabels)."""
    hidden = {p.lower() for p in pseudonyms(node)}
    return sorted({a.value for a in objects(node, SKOS.altLabel) if a.value.lower() not in hidden}, key=str.lower)


def in_english(literals: list) -> str:
    """The English one of some literals (else one without a language, else any), or ''."""
    ranked = sorted(literals, key=lambda lit: (0 if lit.language == "en" else 1 if not lit.language else 2, lit.value))
    return ranked[0].value if ranked else ""


def description(node: ox.NamedNode) -> str:
    """Its one-line description (schema:description), as the gazetteer gives it."""
    return in_english(objects(node, SCHEMA.description))


MONTHS = "January February March April May June July August September October November December".split()


def readable_date(value: str) -> str:
    """'1893-12-26' -> '26 December 1893'; '1893' stays '1893'; anything else as it is."""
    parts = value.split("T")[0].split("-")
    if len(parts) == 3 and all(p.isdigit() for p in parts) and 1 <= int(parts[1]) <= 12:
        return f"{int(parts[2])} {MONTHS[int(parts[1]) - 1]} {parts[0]}"
    if len(parts) == 2 and all(p.isdigit() for p in parts) and 1 <= int(parts[1]) <= 12:
        return f"{MONTHS[int(parts[1]) - 1]} {parts[0]}"
    return value


def life_dates(node: ox.NamedNode) -> str:
    """'26 December 1893 – 9 September 1976', 'born 1893', 'died 1976' or ''."""
    born = [readable_date(b.value) for b in objects(node, SCHEMA.birthDate)][:1]
    died = [readable_date(d.value) for d in objects(node, SCHEMA.deathDate)][:1]
    if born and died:
        return f"{born[0]} – {died[0]}"
    return f"born {born[0]}" if born else f"died {died[0]}" if died else ""


CORRESPONDENCE = {"sender": (SCHEMA.sender, SCHEMA.author), "recipient": (SCHEMA.recipient, SCHEMA.ccRecipient)}


def correspondence(node: ox.NamedNode, kind: str, slug: str) -> list[dict]:
    """How many documents it sent (or wrote) and received, each linked to that list."""
    found = []
    for role, predicates in CORRESPONDENCE.items():
        documents = {t.subject for t in incoming(node) if t.predicate in predicates and (urls.split_iri(t.subject.value) or ("",))[0] == "document"}
        if documents:
            found.append({"role": role, "count": len(documents), "href": urls.documents({role: f"{kind}/{slug}"})})
    return found
