"""Dates: every form these translations use, resolved against the document's own date, and the
seeds' date expressions measured against a hand-written gold list."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from archivekg.extract.dates import find_dates, first_full_date, resolve_expression
from archivekg.extract.pipeline import extract_corpus
from archivekg.extract.read import read_sources
from archivekg.extract.rules import load_ruleset

DATES = load_ruleset().dates

GOLD = Path(__file__).parent / "gold" / "dates.tsv"
SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.mark.parametrize(
    ("expression", "reference", "expected"),
    [
        ("2 october 1950", None, ("1950-10-02", "date")),
        ("3.10.1950", None, ("1950-10-03", "date")),
        ("1.10.50", "1950-10-03", ("1950-10-01", "date")),
        ("2.10.50", None, ("1950-10-02", "date")),
        ("October 15", "1950-10-02", ("1950-10-15", "date")),
        ("October 15th", "1950-10-02", ("1950-10-15", "date")),
        ("15 October", "1950-10-02", ("1950-10-15", "date")),
        ("12:15 3.10.1950", None, ("1950-10-03T12:15:00", "dateTime")),
        ("12:15\n\n3.10.1950", None, ("1950-10-03T12:15:00", "dateTime")),
        ("12.50 3.10", "1950-10-03", ("1950-10-03T12:50:00", "dateTime")),
        ("1.20 p.m. 3 October", "1950-10-03", ("1950-10-03T13:20:00", "dateTime")),
        ("12.50 p.m. 3 October", "1950-10-03", ("1950-10-03T12:50:00", "dateTime")),
        ("February 1951", None, ("1951-02", "gYearMonth")),
        ("the spring and summer of next year", "1950-10-02", ("1951", "gYear")),
        ("last year", "1950-10-02", ("1949", "gYear")),
        ("the first two weeks of October 1950", None, ("1950-10", "gYearMonth")),
        ("the end of November", "1950-10-02", ("1950-11", "gYearMonth")),
        ("November 5, 1950", None, ("1950-11-05", "date")),
        ("5/11/1950", None, ("1950-11-05", "date")),
        ("1950", None, ("1950", "gYear")),
        # a reference late in December puts "January 2" in the next year
        ("January 2", "1950-12-30", ("1951-01-02", "date")),
        ("3.10", "1950-10-03T12:15:00", ("1950-10-03", "date")),
    ],
)
def test_resolves_every_form(expression, reference, expected):
    assert resolve_expression(expression, DATES, reference) == expected


@pytest.mark.parametrize(
    ("expression", "reference"),
    [
        ("October 15", None),  # no year and nothing to resolve it against
        ("next year", None),
        ("31.02.1950", None),  # no such day
        ("1949-1958", "1950-10-02"),  # a period: kept as text
    ],
)
def test_unsafe_expressions_get_no_value(expression, reference):
    assert resolve_expression(expression, DATES, reference) is None


def test_unresolved_expressions_keep_their_text():
    dates = find_dates("They met on October 15 and in 1949-1958.", "d", DATES)
    assert [(d.span.text, d.value) for d in dates] == [("October 15", None), ("1949-1958", None)]


def test_numbers_that_are_not_dates_are_left_alone():
    text = "1. We have 1,500 guns of 70 mm caliber (pg.275-276, esp. 135-142), CIPHERED TELEGRAM No. 25199; 2.5 times as many."
    assert find_dates(text, "d", DATES, "1950-10-02") == []


def test_the_first_full_date_is_the_reference():
    assert first_full_date("TELEGRAM No. 600\nFrom PYONGYANG Received 9:40\n\n5.11.1950\n", DATES) == ("1950-11-05T09:40:00", "dateTime")


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_precision_and_recall_against_the_gold_list(pipeline):
    lines = [ln for ln in GOLD.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]
    gold = [(r["doc"], _normal(r["text"]), r["value"] or None) for r in csv.DictReader(lines, delimiter="\t")]
    sources, _ = read_sources([SEEDS])
    corpus = extract_corpus(pipeline, sources)
    found = [(e.source.key[:3], _normal(d.span.text), d.value) for e in corpus.documents for d in e.record.dates]
    remaining = list(found)
    hits = 0
    for g in gold:
        if g in remaining:
            remaining.remove(g)
            hits += 1
    precision, recall = hits / len(found), hits / len(gold)
    print(f"\ndates: precision {precision:.3f} ({hits}/{len(found)}), recall {recall:.3f} ({hits}/{len(gold)})")
    assert precision >= 0.9, f"spurious: {remaining}"
    assert recall >= 0.9, f"missed: {[g for g in gold if g not in found]}"
