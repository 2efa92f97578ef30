"""What the query editor (YASGUI, vendored under static/yasgui/) is loaded with.

The project's prefixes are written at the top of every tab (and served to YASQE's prefix
autocompleter from /sparql/prefixes.json instead of prefix.cc); the example queries of
`queries/` are the tabs. Nothing is fetched from outside: the editor works offline.
"""

from __future__ import annotations

import re

from flask import url_for

from archivekg.query import list_queries, queries_dir

START_QUERY = """# Every entity of the graph, with its label and type
SELECT ?entity ?label ?type WHERE {
  ?entity a ?type ;
          rdfs:label ?label .
}
ORDER BY ?label
LIMIT 100
"""


def with_prefixes(text: str, prefixes: dict[str, str]) -> str:
    """The query with PREFIX lines for the project prefixes it uses but does not declare."""
    declared = {m.lower() for m in re.findall(r"(?im)^\s*PREFIX\s+([\w.-]*):", text)}
    used = [name for name in prefixes if name.lower() not in declared and re.search(rf"(?<![\w?$<]){re.escape(name)}:", text)]
    lines = [f"PREFIX {name}: <{prefixes[name]}>" for name in used]
    return "\n".join(lines) + ("\n" if lines else "") + text


def tabs(prefixes: dict[str, str]) -> list[dict]:
    found = [{"name": "Entities", "query": with_prefixes(START_QUERY, prefixes)}]
    for stem, title in list_queries():
        text = (queries_dir() / f"{stem}.rq").read_text(encoding="utf-8")
        found.append({"name": title or stem.replace("-", " "), "query": with_prefixes(text, prefixes)})
    return found


def editor_context(storage) -> dict:
    prefixes = storage.prefixes()
    return {
        "config": {
            "endpoint": url_for("sparql.endpoint", _external=True),
            "prefixesUrl": url_for("sparql.prefixes", _external=True),
            "tabs": tabs(prefixes),
        },
        "prefixes": prefixes,
    }
