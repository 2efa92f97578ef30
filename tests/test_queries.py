"""The cookbook (queries/*.rq): every query runs on the seeds graph and gives its expected answer.

Each .rq file states its expected answer twice in its header: in prose for people
(`# Expected on the seeds: ...`) and in `# expect:` lines for this test. The expectation
language is small on purpose:

    # expect: min-rows 3                      at least 3 rows (also max-rows N)
    # expect: row from="Mao Zedong" date^=1950-10-02 quote~"decided to send"
                                              some row meets every condition
    # expect: no-row label~"syngman rhee"     no row meets all the conditions
    # expect: first-row label="Mao Zedong"    the first row meets them
    # expect: order date=1950-10-01 then number~25199
                                              the first row meeting each group comes
                                              after the first row meeting the group before

A condition is COLUMN OP VALUE (quote values with spaces): `=` equal, `~` contains
(case-insensitive), `^=` starts with, `!~` does not contain, `>=` / `<=` compare numbers.
An unbound column is the empty string. A query marked `# requires: network` is only parsed.
"""

from __future__ import annotations

import operator
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest

from conftest import ROOT

QUERIES = sorted((ROOT / "queries").glob("*.rq"))
CONDITION = re.compile(r"^(?P<column>[A-Za-z_]\w*)(?P<op>\^=|!~|>=|<=|=|~)(?P<value>.*)$", re.S)


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


OPS = {
    "=": lambda cell, value: cell == value,
    "~": lambda cell, value: value.casefold() in cell.casefold(),
    "!~": lambda cell, value: value.casefold() not in cell.casefold(),
    "^=": lambda cell, value: cell.startswith(value),
    ">=": lambda cell, value: _number(cell) is not None and operator.ge(_number(cell), float(value)),
    "<=": lambda cell, value: _number(cell) is not None and operator.le(_number(cell), float(value)),
}


@dataclass(frozen=True)
class Condition:
    column: str
    op: str
    value: str

    def holds(self, row: dict[str, str]) -> bool:
        if self.column not in row:
            raise AssertionError(f"the query has no column {self.column!r} (it has {sorted(row)})")
        return OPS[self.op](row[self.column], self.value)

    def __str__(self) -> str:
        return f"{self.column}{self.op}{self.value!r}"


@dataclass(frozen=True)
class Expectation:
    kind: str  # min-rows | max-rows | row | no-row | first-row | order
    groups: tuple[tuple[Condition, ...], ...] = ()
    count: int = 0
    line: str = ""

    def check(self, rows: list[dict[str, str]]) -> str | None:
        """None when the rows meet it, else what went wrong."""
        matches = [[i for i, row in enumerate(rows) if all(c.holds(row) for c in group)] for group in self.groups]
        if self.kind == "min-rows" and len(rows) < self.count:
            return f"{len(rows)} rows, expected at least {self.count}"
        if self.kind == "max-rows" and len(rows) > self.count:
            return f"{len(rows)} rows, expected at most {self.count}"
        if self.kind == "row" and not matches[0]:
            return "no row has " + ", ".join(map(str, self.groups[0]))
        if self.kind == "no-row" and matches[0]:
            return f"row {matches[0][0] + 1} has " + ", ".join(map(str, self.groups[0]))
        if self.kind == "first-row" and (not rows or 0 not in matches[0]):
            return "the first row does not have " + ", ".join(map(str, self.groups[0]))
        if self.kind == "order":
            firsts = [m[0] if m else None for m in matches]
            if None in firsts:
                return "no row has " + ", ".join(map(str, self.groups[firsts.index(None)]))
            if firsts != sorted(firsts) or len(set(firsts)) != len(firsts):
                return f"rows in the wrong order (first matches at rows {[f + 1 for f in firsts]})"
        return None


def parse_conditions(text: str) -> tuple[Condition, ...]:
    conditions = []
    for token in shlex.split(text):
        match = CONDITION.match(token)
        if not match:
            raise ValueError(f"not a condition: {token!r} (write COLUMN=VALUE, COLUMN~VALUE, ...)")
        conditions.append(Condition(match["column"], match["op"], match["value"]))
    if not conditions:
        raise ValueError("an expectation needs at least one condition")
    return tuple(conditions)


def parse_expectation(text: str) -> Expectation:
    kind, _, rest = text.strip().partition(" ")
    if kind in ("min-rows", "max-rows"):
        return Expectation(kind, count=int(rest), line=text)
    if kind in ("row", "no-row", "first-row"):
        return Expectation(kind, (parse_conditions(rest),), line=text)
    if kind == "order":
        groups = re.split(r"\s+then\s+", rest.strip())
        if len(groups) < 2:
            raise ValueError("an order expectation needs two groups of conditions joined by 'then'")
        return Expectation(kind, tuple(parse_conditions(g) for g in groups), line=text)
    raise ValueError(f"unknown expectation {kind!r}: use min-rows, max-rows, row, no-row, first-row or order")


@dataclass(frozen=True)
class Recipe:
    """One cookbook query: its text and the header that documents it."""

    path: Path
    text: str
    title: str
    expected_prose: str
    expectations: tuple[Expectation, ...]
    needs_network: bool

    @classmethod
    def read(cls, path: Path) -> Recipe:
        text = path.read_text(encoding="utf-8")
        header = []
        for line in text.splitlines():
            if not line.startswith("#"):
                break
            header.append(line.lstrip("#").strip())
        prose = " ".join(h for h in header if h.lower().startswith("expected on the seeds"))
        return cls(
            path=path,
            text=text,
            title=header[0] if header else "",
            expected_prose=prose,
            expectations=tuple(parse_expectation(h[len("expect:") :]) for h in header if h.startswith("expect:")),
            needs_network=any(h.lower() == "requires: network" for h in header),
        )


def cell(term) -> str:
    return "" if term is None else term.value


def run(store: ox.Store, text: str) -> list[dict[str, str]]:
    """Run a query as a client would: no predeclared prefixes, over the union of all graphs."""
    results = store.query(text, use_default_graph_as_union=True)
    names = [v.value for v in results.variables]
    return [{name: cell(solution[name]) for name in names} for solution in results]


def test_the_cookbook_has_enough_recipes():
    assert len(QUERIES) >= 15
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", p.stem) for p in QUERIES), "kebab-case names"
    assert sum(Recipe.read(p).needs_network for p in QUERIES) >= 1, "a federated query with Wikidata"


@pytest.mark.parametrize("path", QUERIES, ids=[p.stem for p in QUERIES])
def test_recipe_header(path):
    recipe = Recipe.read(path)
    assert recipe.title and not recipe.title.lower().startswith(("prefix", "select")), "a title on the first line"
    assert len(recipe.expected_prose) > len("expected on the seeds:") + 10, "an '# Expected on the seeds:' line"
    if not recipe.needs_network:
        meaningful = [e for e in recipe.expectations if e.kind not in ("min-rows", "max-rows")]
        assert meaningful, "at least one '# expect:' line about what the rows say, not only how many"


@pytest.mark.parametrize("path", QUERIES, ids=[p.stem for p in QUERIES])
def test_recipe_answers_on_the_seeds(path, store):
    recipe = Recipe.read(path)
    if recipe.needs_network:
        pytest.skip("requires: network (its syntax is checked by test_recipe_is_plain_sparql)")
    rows = run(store, recipe.text)
    assert rows, f"{path.name}: no rows on the seeds graph"
    failures = [f"{e.line.strip()}: {problem}" for e in recipe.expectations if (problem := e.check(rows))]
    shown = "\n".join("  " + " | ".join(r.values())[:160] for r in rows[:12])
    assert not failures, f"{path.name}:\n" + "\n".join(failures) + f"\nfirst rows:\n{shown}"


@pytest.mark.parametrize("path", QUERIES, ids=[p.stem for p in QUERIES])
def test_recipe_is_plain_sparql(path):
    """Each file parses on its own, with the prefixes it declares (as in any other client)."""
    from rdflib.plugins.sparql import prepareQuery

    prepareQuery(path.read_text(encoding="utf-8"))


def test_the_checker_can_fail():
    rows = [{"label": "Joseph Stalin", "n": "8"}, {"label": "Mao Zedong", "n": "12"}]
    assert parse_expectation('row label="Joseph Stalin" n>=8').check(rows) is None
    assert parse_expectation('row label="Joseph Stalin" n>=9').check(rows) is not None
    assert parse_expectation("no-row label~stalin").check(rows) is not None
    assert parse_expectation("first-row label~mao").check(rows) is not None
    assert parse_expectation("order label~stalin then label~mao").check(rows) is None
    assert parse_expectation("order label~mao then label~stalin").check(rows) is not None
    assert parse_expectation("min-rows 3").check(rows) is not None
    with pytest.raises(AssertionError):
        parse_expectation("row nosuchcolumn=1").check(rows)


def test_query_list_shows_every_title():
    from archivekg.query import list_queries, queries_dir

    if queries_dir().resolve() != (ROOT / "queries").resolve():
        pytest.skip("archivekg is installed from elsewhere than this checkout")
    listed = dict(list_queries())
    for path in QUERIES:
        assert listed[path.stem] == Recipe.read(path).title


def test_query_file_runs_a_recipe_from_the_command_line(built_store, capsys):
    from archivekg.cli import main

    recipe = ROOT / "queries" / "other-names-of-each-person.rq"
    assert main(["query", "--store", str(built_store), "--file", str(recipe)]) == 0
    table = capsys.readouterr().out
    stalin = next(line for line in table.splitlines() if line.startswith("Joseph Stalin"))
    assert "filippov" in stalin.lower()
    assert main(["query", "--store", str(built_store), "--list"]) == 0
    listing = capsys.readouterr().out
    assert "other-names-of-each-person" in listing and Recipe.read(recipe).title in listing
