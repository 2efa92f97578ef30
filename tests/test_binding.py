"""Page queries are bound in one pass (server/describe.py `bind`): a term put into the text is
never read again, whatever it holds, and the bound query runs on the real store."""

from __future__ import annotations

import pyoxigraph as ox

from archivekg.server.describe import bind

MAO = ox.NamedNode("http://localhost:5000/id/person/mao-zedong")


def test_a_bound_literal_holding_a_variable_name_is_left_alone(store):
    text = bind("SELECT ?said ?x WHERE { BIND(?q AS ?said) VALUES ?x { ?this } }", {"q": ox.Literal("?this and ?thistle"), "this": MAO})
    assert text.count(str(MAO)) == 1 and '"?this and ?thistle"' in text
    row = next(iter(store.query(text)))
    assert row["said"].value == "?this and ?thistle" and row["x"] == MAO


def test_a_longer_name_is_not_bound_as_a_shorter_one(store):
    text = bind("SELECT * WHERE { BIND(?s AS ?a) BIND(?st AS ?b) }", {"s": ox.Literal("one"), "st": ox.Literal("two")})
    row = next(iter(store.query(text)))
    assert (row["a"].value, row["b"].value) == ("one", "two")
