"""Numbers as military figures write them: digits, number words, scales, ranges and bounds.

- one number: "1,500", "463", "6 thousand", "1400 [thousand]" (an editor's bracketed scale is
  read with it), "1.5 million", "fifteen", "twenty-five", "one thousand", "a hundred";
- a range: "2,200 to 3,000", "4-5", "five-six", "one or two", "one to three",
  "between 10,000 and 15,000", "from 20 to 30", and a run of steps ("3,000-4,000-5,000": the
  lowest to the highest);
- a bound or an approximation before it ("no fewer than", "up to", "approx", "an estimated":
  `bounds` in `figure_words.json`) or after it ("or more", "or so": `bounds_after`), flipped by a
  negation shortly before ("could not employ more than 300" is at most 300).
All the words are data (`figure_words.json`); this module only builds the patterns and reads values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


def alternation(words) -> str:
    """A regex alternation of words or phrases, longest first; a space matches any run of spaces."""
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().lower())


@dataclass(frozen=True)
class NumberRules:
    numbers: dict[str, int]  # number words -> value ("a dozen" too)
    scales: dict[str, int]  # "thousand" -> 1000
    bounds: dict[str, str]  # phrase before a number -> "min" | "max" | "about"
    bounds_after: dict[str, str]  # phrase after the counted noun -> "min" | "max" | "about"
    negations: tuple[str, ...]
    number: str  # regex source of one number
    one: re.Pattern  # one number
    quantity: re.Pattern  # [bound] number [joiner number ...], anchored where it is tried
    negation: re.Pattern
    after: re.Pattern


def build_number_rules(words: dict) -> NumberRules:
    numbers, scales = words["numbers"], words["scales"]
    tens = "|".join(w for w, n in numbers.items() if n >= 20 and n % 10 == 0)
    units = "|".join(w for w, n in numbers.items() if 1 <= n <= 9 and " " not in w)
    scale = alternation(scales)
    # "twenty-five" is one number before "five-six" can be read as a range
    word = rf"(?:(?:{tens})[-\s](?:{units})\b|{alternation(numbers)})(?:\s+(?:{scale})\b)?|an?\s+(?:{scale})\b"
    digits = rf"(?:\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\.\d+)?(?:\s*\[\s*(?:{scale})\s*\]|\s+(?:{scale})\b)?"
    number = rf"(?:{digits}|(?i:{word})\b)"
    joiner = r"\s*(?:-|–|—)\s*|\s+(?i:to|or|and)\s+"
    quantity = re.compile(
        rf"\b(?:(?P<bound>(?i:{alternation(words['bounds'])}))\s+)?(?:(?P<between>(?i:between|from))\s+)?"
        rf"(?<![\w,.\-–/$£¥€])(?P<numbers>(?:{number})(?:(?:{joiner})(?:{number}))*)(?![\w\-–%])"
    )
    negation = re.compile(rf"\b(?:{alternation(words['negations'])})\b", re.I)
    after = re.compile(rf"\s+(?P<after>(?i:{alternation(words['bounds_after'])}))\b")
    bounds = {squash(k): v for k, v in words["bounds"].items()}
    bounds_after = {squash(k): v for k, v in words["bounds_after"].items()}
    one = re.compile(rf"(?<![\w,.])(?:{number})")
    return NumberRules(numbers, scales, bounds, bounds_after, tuple(words["negations"]), number, one, quantity, negation, after)


def parse_number(text: str, rules: NumberRules) -> int | None:
    """The value of one number as written ("1,125,000", "6 thousand", "1400 [thousand]", "twenty-five")."""
    text = squash(text.replace("[", " ").replace("]", " "))
    words = text.split(" ")
    scale = 1
    if len(words) > 1 and words[-1] in rules.scales:
        scale, words = rules.scales[words[-1]], words[:-1]
    head = " ".join(words)
    if re.fullmatch(r"[\d,]+(?:\.\d+)?", head):
        return round(float(head.replace(",", "")) * scale)
    if head in ("a", "an"):
        return scale
    compound = re.fullmatch(r"([a-z]+)[- ]([a-z]+)", head)
    if head in rules.numbers:
        return rules.numbers[head] * scale
    if compound and rules.numbers.get(compound[1], 0) >= 20 and 1 <= rules.numbers.get(compound[2], 0) <= 9:
        return (rules.numbers[compound[1]] + rules.numbers[compound[2]]) * scale
    return None


@dataclass(frozen=True)
class Quantity:
    """What a number phrase says: an exact count, or a lower and/or upper bound."""

    start: int  # where the figure's quote starts (the bound word, unless it only approximates)
    end: int  # end of the last number
    count: int | None = None
    min_count: int | None = None
    max_count: int | None = None

    @property
    def largest(self) -> int:
        return max(v for v in (self.count, self.min_count, self.max_count) if v is not None)


def read_quantity(match: re.Match, text: str, rules: NumberRules, after: str = "") -> Quantity | None:
    """The quantity a `rules.quantity` match says; `after` is the text after the counted noun."""
    pieces = [p.group() for p in rules.one.finditer(match.group("numbers"))]
    joined_by_and = re.search(r"\s(?i:and)\s", match.group("numbers"))
    if joined_by_and and not match.group("between"):
        return None  # "2 and 3" is two numbers, not a range, unless "between"
    values = [parse_number(p, rules) for p in pieces]
    if any(v is None for v in values):
        return None
    scale = next((rules.scales[w] for w in reversed(squash(pieces[-1]).replace("[", " ").replace("]", " ").split()) if w in rules.scales), 1)
    if len(values) > 1 and scale > 1:  # "60-70 thousand men": the scale of the last is every step's
        values = [v * scale if v < scale and not any(w in rules.scales for w in squash(p).split()) else v for v, p in zip(values, pieces)]
    start = match.start("numbers") if not match.group("between") else match.start("between")
    bound_word = squash(match.group("bound") or "")
    bound = rules.bounds.get(bound_word)
    if bound and bound != "about":
        start = match.start("bound")
        reach = re.split(r"[.;!?]\s", text[max(0, start - NEGATION_REACH) : start])[-1]  # within the sentence: "could not hold ground. The more than"
        if rules.negation.search(reach) and not bound_word.startswith(("no ", "not ")):
            bound = {"min": "max", "max": "min"}[bound]
    elif bound == "about":
        start = match.start("bound")
    after_match = rules.after.match(after)
    if after_match and not bound:
        bound = rules.bounds_after.get(squash(after_match.group("after")))
    end = match.end("numbers")
    if len(values) > 1:
        return Quantity(start, end, min_count=min(values), max_count=max(values))
    if bound == "min":
        return Quantity(start, end, min_count=values[0])
    if bound == "max":
        return Quantity(start, end, max_count=values[0])
    return Quantity(start, end, count=values[0])


NEGATION_REACH = 40  # characters before a bound where a negation flips it
