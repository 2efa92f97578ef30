"""`archivekg query`: read a query, run it, print the results as a table or a standard format."""

from __future__ import annotations

import re
import sys
from importlib import resources
from pathlib import Path
from typing import TextIO

import pyoxigraph as ox

from archivekg.server.negotiate import GRAPH_FORMATS, QUERY_RESULT_FORMATS, by_name

def queries_dir() -> Path:
    return Path(str(resources.files("archivekg.queries")))


def query_title(path: Path) -> str:
    """The first comment line of a .rq file, without its '#'."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            return line.lstrip("# ").strip()
        if line.strip():
            break
    return ""


def list_queries() -> list[tuple[str, str]]:
    return [(p.stem, query_title(p)) for p in sorted(queries_dir().glob("*.rq"))]


def read_query_text(argument: str | None, file: Path | None) -> str:
    if file is not None:
        if not file.exists() and (queries_dir() / file.name).exists():
            file = queries_dir() / file.name
        return file.read_text(encoding="utf-8")
    if argument is None or argument == "-":
        if sys.stdin.isatty() and argument is None:
            raise ValueError("give a query, --file FILE, or - to read standard input")
        return sys.stdin.read()
    return argument


def term_text(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.Literal):
        return term.value
    return term.value if hasattr(term, "value") else str(term)


def print_results(results, fmt: str, out: TextIO) -> None:
    if isinstance(results, ox.QueryBoolean):
        out.write(("true" if bool(results) else "false") + "\n")
        return
    if isinstance(results, ox.QueryTriples):
        graph_format = by_name(fmt, GRAPH_FORMATS) or ox.RdfFormat.TURTLE
        out.write(results.serialize(format=graph_format).decode("utf-8"))
        return
    if fmt != "table":
        out.write(results.serialize(format=by_name(fmt, QUERY_RESULT_FORMATS) or ox.QueryResultsFormat.JSON).decode("utf-8"))
        return
    names = [v.value for v in results.variables]
    rows = [[term_text(solution[name]) for name in names] for solution in results]
    print_table(names, rows, out)


def print_table(names: list[str], rows: list[list[str]], out: TextIO, max_width: int = 60) -> None:
    def cell(value: str) -> str:
        value = re.sub(r"\s+", " ", value)
        return value if len(value) <= max_width else value[: max_width - 1] + "…"

    rows = [[cell(v) for v in row] for row in rows]
    widths = [max([len(n)] + [len(r[i]) for r in rows]) for i, n in enumerate(names)]
    out.write(" | ".join(n.ljust(w) for n, w in zip(names, widths)) + "\n")
    out.write("-+-".join("-" * w for w in widths) + "\n")
    for row in rows:
        out.write(" | ".join(v.ljust(w) for v, w in zip(row, widths)) + "\n")
    out.write(f"({len(rows)} row{'s' if len(rows) != 1 else ''})\n")
