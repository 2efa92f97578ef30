"""`archivekg link`: the entities without a Wikidata link, with candidates for a person to review.

Offline, candidates come from the local gazetteer. With `--online`, Wikidata's public search
API (`wbsearchentities`) proposes items and `wbgetentities` gives their classes, which must
fit the entity's kind (`extract/data/wikidata_types.json`). Proposals go to a review file;
nothing is linked until a person marks a row `yes` and runs `archivekg link --accept FILE`,
which writes the accepted ids into the gazetteer. A wrong link is worse than none.
"""

from __future__ import annotations

import csv
import json
import sys
import urllib.error
import urllib.parse
import urllib.request
from argparse import Namespace
from difflib import SequenceMatcher
from pathlib import Path

from archivekg import store as stores
from archivekg.extract.rules import data_dir, load_ruleset
from archivekg.extract.link import candidates
from archivekg.extract.model import Entity
from archivekg.extract.resolve import normalise_name
from archivekg.settings import Settings

WIKIDATA_API = "https://www.wikidata.org/w/api.php"
USER_AGENT = "archivekg/0.1 (archival knowledge graphs; entity reconciliation for review)"
REVIEW_COLUMNS = ["entity", "label", "kind", "candidate", "candidate_label", "description", "score", "type_ok", "accept"]
MIN_LOCAL_SCORE = 0.6  # local candidates below this are noise, not worth a reviewer's time
KIND_SEGMENTS = ("person", "organization", "unit", "country", "place", "event", "work")


class WikidataUnreachable(RuntimeError):
    pass


def unlinked_entities(settings: Settings) -> list[Entity]:
    store = stores.open_read_only(settings.store)
    rows = store.query(
        """SELECT ?e ?label (GROUP_CONCAT(?alt; separator="\\u001f") AS ?alts) WHERE {
             ?e <http://www.w3.org/2000/01/rdf-schema#label> ?label ;
                <https://w3id.org/archivekg/ontology#mentionedIn> ?d .
             FILTER NOT EXISTS { ?e <http://www.w3.org/2002/07/owl#sameAs> ?w }
             OPTIONAL { ?e <http://www.w3.org/2004/02/skos/core#altLabel> ?alt } } GROUP BY ?e ?label ORDER BY ?e""",
        use_default_graph_as_union=True,
    )
    entities = []
    for row in rows:
        iri = row["e"].value
        kind = iri.rstrip("/").split("/")[-2]
        if kind not in KIND_SEGMENTS:
            continue
        alts = tuple(a for a in (row["alts"].value.split("\u001f") if row["alts"] else []) if a)
        entities.append(Entity(iri.rsplit("/", 1)[-1], kind, row["label"].value, alts))
    return entities


def wikidata_get(api: str, params: dict) -> dict:
    url = f"{api}?{urllib.parse.urlencode({**params, 'format': 'json'})}"
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return json.load(response)
    except (urllib.error.URLError, TimeoutError, OSError) as err:
        raise WikidataUnreachable(f"cannot reach Wikidata at {api} ({getattr(err, 'reason', err)})") from None


def item_classes(api: str, ids: list[str]) -> dict[str, set[str]]:
    if not ids:
        return {}
    data = wikidata_get(api, {"action": "wbgetentities", "ids": "|".join(ids), "props": "claims"})
    classes = {}
    for qid, item in data.get("entities", {}).items():
        statements = item.get("claims", {}).get("P31", [])
        classes[qid] = {s.get("mainsnak", {}).get("datavalue", {}).get("value", {}).get("id") for s in statements} - {None}
    return classes


def online_proposals(entity: Entity, api: str, allowed: dict[str, list[str]]) -> list[dict]:
    found = wikidata_get(api, {"action": "wbsearchentities", "search": entity.label, "language": "en", "type": "item", "limit": 5})
    hits = found.get("search", [])
    classes = item_classes(api, [h["id"] for h in hits])
    proposals = []
    for hit in hits:
        score = SequenceMatcher(None, normalise_name(entity.label), normalise_name(hit.get("label", ""))).ratio()
        type_ok = bool(classes.get(hit["id"], set()) & set(allowed.get(entity.kind, [])))
        proposals.append(
            {
                "entity": entity.key,
                "label": entity.label,
                "kind": entity.kind,
                "candidate": hit["id"],
                "candidate_label": hit.get("label", ""),
                "description": hit.get("description", ""),
                "score": f"{score * (1.0 if type_ok else 0.5):.3f}",
                "type_ok": "yes" if type_ok else "no",
                "accept": "",
            }
        )
    return sorted(proposals, key=lambda p: -float(p["score"]))


def accept(review_file: Path, gazetteer: Path) -> int:
    """Write the rows marked `accept=yes` into the gazetteer: a Wikidata id for an entry or a new entry."""
    table = csv.DictReader(review_file.read_text(encoding="utf-8").splitlines(), delimiter="\t")
    rows = [r for r in table if (r.get("accept") or "").strip().lower() == "yes"]
    lines = gazetteer.read_text(encoding="utf-8").splitlines()
    entries = [json.loads(line) if line.strip() and not line.startswith("#") else line for line in lines]
    taken = {e.get("wikidata") for e in entries if isinstance(e, dict)}
    accepted = 0
    for row in rows:
        if row["candidate"] in taken:
            print(f"archivekg: {row['candidate']} is already linked to another entry; not accepted for {row['label']}", file=sys.stderr)
            continue
        entry = next((e for e in entries if isinstance(e, dict) and e["id"] == row["entity"]), None)
        if entry is None:
            entry = {"id": row["entity"], "label": row["label"], "type": row["kind"], "aliases": [row["label"]]}
            entries.append(entry)
        entry["wikidata"] = row["candidate"]
        taken.add(row["candidate"])
        accepted += 1
    gazetteer.write_text("\n".join(e if isinstance(e, str) else json.dumps(e, ensure_ascii=False) for e in entries) + "\n", encoding="utf-8")
    print(f"accepted {accepted} link(s) into {gazetteer}; rebuild to apply them", file=sys.stderr)
    return 0


def run_link(settings: Settings, args: Namespace) -> int:
    if getattr(args, "accept", None):
        return accept(args.accept, args.gazetteer or data_dir() / "gazetteer.jsonl")
    entities = unlinked_entities(settings)
    rules = load_ruleset()
    if not args.online:
        print(f"{len(entities)} entities without a Wikidata link (candidates from the local gazetteer; --online asks Wikidata):")
        for entity in entities:
            scored = [(s, i, q) for s, i, q in candidates(entity, rules) if q and s >= MIN_LOCAL_SCORE]
            shown = ", ".join(f"{q} {i} ({s:.2f})" for s, i, q in scored) or "no candidate"
            print(f"  {entity.kind:12} {entity.label:40} {shown}")
        return 0
    allowed = json.loads((data_dir() / "wikidata_types.json").read_text(encoding="utf-8"))
    api = args.api or WIKIDATA_API
    proposals = []
    try:
        for entity in entities:
            proposals.extend(online_proposals(entity, api, allowed))
    except WikidataUnreachable as err:
        print(f"archivekg: {err}. Working offline: run `archivekg link` without --online for local candidates.", file=sys.stderr)
        return 1
    with args.review_file.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, REVIEW_COLUMNS, delimiter="\t")
        writer.writeheader()
        writer.writerows(proposals)
    print(
        f"wrote {len(proposals)} proposals for {len(entities)} entities to {args.review_file}: "
        f"mark the right rows accept=yes, then run `archivekg link --accept {args.review_file}`",
        file=sys.stderr,
    )
    return 0
