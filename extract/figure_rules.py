"""The figure rules: `figure_items.txt`, `figure_words.json` and `allegiances.tsv`, read once into
plain values and compiled patterns (`load_ruleset` puts them in `RuleSet.figures`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from archivekg.extract.figure_numbers import NumberRules, alternation, build_number_rules
from archivekg.extract.figure_sides import SideRules, parse_side_rules


@dataclass(frozen=True)
class ItemForm:
    item: str  # the singular lower-case noun the figure counts
    plural: bool
    singular: bool


LIST_MARK = r"[ \t]*(?:[-–—•*]|[a-z0-9]{1,2}\))"  # what opens a line of a list: "- ", "a) ", "2) "


@dataclass(frozen=True)
class FigureRules:
    items: dict[str, ItemForm]  # every form, lower-cased
    item_pattern: re.Pattern
    numbers: NumberRules
    words: dict  # figure_words.json as read
    sides: SideRules
    stop_words: frozenset[str]
    force_items: frozenset[str]
    patterns: dict[str, re.Pattern]  # the word lists of figure_words.json, compiled once


def parse_items(lines) -> dict[str, ItemForm]:
    """`figure_items.txt`: "singular forms ; plural forms [> item]" a line."""
    items: dict[str, ItemForm] = {}
    for line in lines:
        forms, _, item = line.partition(">")
        singulars, _, plurals = forms.partition(";")
        singular = [f.strip().lower() for f in singulars.split(",") if f.strip()]
        plural = [f.strip().lower() for f in plurals.split(",") if f.strip()]
        name = item.strip().lower() or (singular or plural)[0]
        for form in dict.fromkeys(singular + plural):
            items[form] = ItemForm(name, form in plural, form in singular)
    return items


def _patterns(words: dict, items: dict, number: str) -> dict[str, re.Pattern]:
    def any_of(key: str) -> str:
        return alternation(words[key])

    item = rf"(?i:{alternation(items)})"
    modifiers = r"(?:(?!(?:of|and|or|the|to|in|on|with|for|from|as|than|by|at)\b)[A-Za-z][\w\-]*\s+){0,3}?"
    word = r"[A-Z][\w'’\-]*"
    return {
        "multiple": re.compile(rf"\b(?P<n1>(?i:{alternation(words['multiples'])})|(?:{number})\s+times)\s+as\s+many\s+(?P<mods>{modifiers})(?P<item>{item})\b"),
        "composition": re.compile(rf"\b(?i:{any_of('compositions')})[^()\n]*?\b(?:and|,)\s+(?P<n1>(?i:an?))\s+(?P<mods>{modifiers})(?P<item>{item})\b"),
        "calibre": re.compile(
            rf"\s+of\s+(?:(?P<cbound>(?i:{any_of('bounds')}))\s+)?(?P<c1>\d+(?:\.\d+)?)\s*mm"
            r"(?:\s*(?:-|–|to)\s*(?P<c2>\d+(?:\.\d+)?)\s*mm)?\s+(?i:caliber|calibre)"
        ),
        "excluded_before": re.compile(rf"(?:(?<![\w.])(?:{any_of('designations')})|\b(?i:{any_of('ratios')}))\s*$"),
        "size_before": re.compile(rf"\b(?i:{any_of('size_nouns')})\s+(?i:{any_of('size_links')})\s+$"),
        "partitive_of": re.compile(rf"of\s+(?:(?:{any_of('partitive_determiners')})\s+)?(?:own\s+)?", re.I),
        "not_item": re.compile(rf"(?i:{any_of('not_items')})\b"),
        "military_cue": re.compile(rf"\b(?:{any_of('military_cues')})\b", re.I),
        "loss": re.compile(rf"\b(?:{any_of('loss_words')})\b", re.I),
        "count_noun": re.compile(rf"\b(?:{any_of('count_nouns')})\s+of\s+(?:the\s+)?", re.I),
        "count_link": re.compile(rf"\b(?:{any_of('count_links')})\s+$", re.I),
        "ellipsis": re.compile(rf"^\s*,?\s*(?i:{any_of('ellipsis')})\s+$"),
        "partitive_before": re.compile(rf",\s*(?i:{any_of('partitive_cues')})\s+$"),
        "partitive_after": re.compile(rf"\s+(?i:{any_of('partitive_cues')})\b"),
        "first": re.compile(rf"^(?:{any_of('first_person')})$", re.I),
        "first_in": re.compile(rf"\b(?:{any_of('first_person')})\b", re.I),
        "estimates": re.compile(rf"\s+(?:\w+\s+)?(?:{any_of('estimation_verbs')})\w*\b", re.I),  # "We credit it with ...": after "we"
        "second": re.compile(rf"^(?:{any_of('second_person')})$", re.I),
        "third": re.compile(rf"^(?:{any_of('third_person')})$", re.I),
        "enemy": re.compile(rf"\b(?:{any_of('enemy_words')})\b", re.I),
        "antecedent": re.compile(rf"^\s+(?:{any_of('antecedent_cues')})\b", re.I),
        "nested": re.compile(rf"^\s*(?:of|\(\s*(?:{any_of('compositions')}))\s+$", re.I),
        "ordinal": re.compile(rf"(?:\d|(?i:{any_of('ordinals')})\b)"),
        "numbered": re.compile(rf"(?:(?:the\s+)?(?:\d|(?i:{any_of('ordinals')})\b|[IVXL]+\s))", re.I),
        "predicate": re.compile(rf"\s+(?:are|were|is|was|being)\s+(?P<name>{word}(?:\s+{word})*)"),
        "side_named": re.compile(rf"(?P<name>.+?)\s+(?i:{any_of('force_nouns')})"),
        "force_phrase": re.compile(rf"\b(?P<name>{word}(?:\s+{word})?)\s+(?i:{any_of('force_nouns')})\b"),
        "before_noun": re.compile(rf"\s+(?i:{alternation([*words['force_nouns'], *items])})\b"),
        "comparison_opening": re.compile(rf"^\W*(?:{alternation(words['comparisons']['sentence_start'])})\b", re.I),
        "comparison_between": re.compile(rf"\b(?:{alternation(words['comparisons']['between'])})\b", re.I),
    }


def parse_figure_rules(files) -> FigureRules:
    """The figure rules from `figure_items.txt`, `figure_words.json` and `allegiances.tsv`."""
    items = parse_items(files.lines("figure_items.txt"))
    words = files.json("figure_words.json")
    numbers = build_number_rules(words)
    return FigureRules(
        items=items,
        item_pattern=re.compile(rf"(?i:{alternation(items)})(?![\w\-])"),
        numbers=numbers,
        words=words,
        sides=parse_side_rules(files.lines("allegiances.tsv")),
        stop_words=frozenset(w.lower() for w in words["stop_words"]),
        force_items=frozenset(words["force_items"]),
        patterns=_patterns(words, items, numbers.number),
    )
