"""Dates: every date expression of a text, resolved to a typed value where that is safe.

The patterns are data (`data/date_patterns.jsonl`, words in `data/date_words.json`); this
module only resolves what a pattern's named groups say. Numeric dates are day first, as in
these translations. Partial dates ("October 15", "3.10", "2.10.50", "next year") are resolved
against a reference date (the document's own date) and keep their precision: a month stays a
`gYearMonth`, a year a `gYear`. An expression that needs a reference when there is none, or
names an impossible day, keeps its text and gets no value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from archivekg.extract.model import DateValue, TextSpan
from archivekg.extract.names import ocr_digits, ocr_letters

TIME = r"(?P<hour>[01]?\d|2[0-3])[:.](?P<minute>[0-5]\d)(?:\s*(?P<ampm>[ap]\.\s?m\.?|[ap]m\b))?"


@dataclass(frozen=True)
class DatePattern:
    id: str
    regex: re.Pattern
    max_line: int | None = None
    unresolved: bool = False


@dataclass(frozen=True)
class DateRules:
    patterns: tuple[DatePattern, ...]
    months: dict[str, int]
    relative_years: dict[str, int]


def _alternation(words) -> str:
    return "(?i:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + ")"


def parse_date_rules(words: dict, rows: list[dict]) -> DateRules:
    """The date rules from `date_words.json` and the rows of `date_patterns.jsonl`."""
    macros = {
        "{MONTH}": _alternation(words["months"]),
        "{SEASON}": _alternation(words["seasons"]),
        "{RELYEAR}": _alternation(words["relative_years"]).replace(r"\ ", r"\s+"),
        "{PART}": _alternation(words["month_parts"]),
        "{TIME}": TIME,
        "{ROMAN}": "(?i:" + "|".join(sorted(words.get("roman_months", {}), key=len, reverse=True)) + ")",
        "{OCRMONTH}": _alternation(words.get("ocr_months", {})),
    }
    patterns = []
    for row in rows:
        regex = row["regex"]
        for macro, value in macros.items():
            regex = regex.replace(macro, value)
        patterns.append(DatePattern(row["id"], re.compile(regex), row.get("max_line"), row.get("unresolved", False)))
    months = {k.lower(): v for k, v in (*words["months"].items(), *words.get("roman_months", {}).items(), *words.get("ocr_months", {}).items())}
    return DateRules(tuple(patterns), months, {k.lower(): v for k, v in words["relative_years"].items()})


def parse_reference(reference: str | DateValue | None) -> tuple[int, int | None, int | None] | None:
    """(year, month, day) of a reference date given as a lexical form or a DateValue."""
    if isinstance(reference, DateValue):
        reference = reference.value
    if not reference:
        return None
    m = re.match(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", reference)
    return (int(m[1]), int(m[2]) if m[2] else None, int(m[3]) if m[3] else None) if m else None


def _year(text: str, reference) -> int | None:
    if len(text) == 4:
        return int(text)
    century = (reference[0] // 100 * 100) if reference else 1900
    return century + int(text)


def _nearest_year(month: int, day: int, reference) -> int:
    """The year that puts month/day closest to the reference date (a telegram of 30 December
    speaking of "January 2" means the next January)."""
    ref_year, ref_month, ref_day = reference[0], reference[1] or 6, reference[2] or 15
    ref = date(ref_year, ref_month, ref_day)
    candidates = []
    for year in (ref_year - 1, ref_year, ref_year + 1):
        try:
            candidates.append((abs((date(year, month, min(day, 28) if month == 2 else day) - ref).days), year))
        except ValueError:
            continue
    return min(candidates)[1] if candidates else ref_year


def resolve_groups(groups: dict[str, str | None], reference, rules: DateRules) -> tuple[str, str] | None:
    """The (lexical value, datatype) the named groups of a match denote, or None if unsafe."""
    reference = parse_reference(reference)
    month = groups.get("month")
    if month is not None:
        month = int(month) if month.isdigit() else rules.months.get(month.lower().rstrip("."))
        if not month or not 1 <= month <= 12:
            return None
    day = int(groups["day"]) if groups.get("day") else None
    if groups.get("year"):
        year = _year(groups["year"], reference)
    elif groups.get("relyear"):
        if not reference:
            return None
        year = reference[0] + rules.relative_years[re.sub(r"\s+", " ", groups["relyear"].lower())]
    elif month and reference:
        year = _nearest_year(month, day or 15, reference) if day else reference[0]
    else:
        return None
    if day is None:
        return (f"{year:04d}-{month:02d}", "gYearMonth") if month else (f"{year:04d}", "gYear")
    try:
        date(year, month, day)
    except (ValueError, TypeError):
        return None
    if groups.get("hour") is None:
        return f"{year:04d}-{month:02d}-{day:02d}", "date"
    hour, minute = int(groups["hour"]), int(groups["minute"])
    ampm = (groups.get("ampm") or "").lower()
    if ampm.startswith("p") and hour < 12:
        hour += 12
    elif ampm.startswith("a") and hour == 12:
        hour = 0
    return f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:00", "dateTime"


@dataclass(frozen=True)
class DateMatch:
    """One date expression found in a text: where, which pattern, and its groups."""

    start: int
    end: int
    text: str
    pattern: DatePattern
    groups: dict

    def resolve(self, reference, rules: DateRules) -> tuple[str, str] | None:
        return None if self.pattern.unresolved else resolve_groups(self.groups, reference, rules)


def _line_length(text: str, position: int) -> int:
    start = text.rfind("\n", 0, position) + 1
    end = text.find("\n", position)
    return len(text[start : end if end >= 0 else len(text)].strip())


def match_dates(text: str, rules: DateRules) -> tuple[DateMatch, ...]:
    """Every date expression in `text`, longest first where two overlap, in text order."""
    found = []
    read = ocr_digits(ocr_letters(text))  # "16 0ct 53": a scanner's digit for a letter (same length: the spans are the text's)
    for pattern in rules.patterns:
        for m in pattern.regex.finditer(read):
            if pattern.max_line and _line_length(text, m.start()) > pattern.max_line:
                continue
            if pattern.max_line and _line_length(text, m.end() - 1) > pattern.max_line:
                continue
            found.append(DateMatch(m.start(), m.end(), text[m.start() : m.end()], pattern, m.groupdict()))
    found.sort(key=lambda d: (d.start - d.end, d.start))
    chosen: list[DateMatch] = []
    for candidate in found:
        if all(candidate.end <= c.start or candidate.start >= c.end for c in chosen):
            chosen.append(candidate)
    return tuple(sorted(chosen, key=lambda d: d.start))


def resolve_expression(expression: str, rules: DateRules, reference: str | DateValue | None = None) -> tuple[str, str] | None:
    """The typed value of one whole date expression ("2.10.50", "October 15") against a
    reference date, or None when it is not a date or cannot be resolved safely."""
    expression = expression.strip()
    for match in match_dates(expression, rules):
        if match.start == 0 and match.end == len(expression):
            return match.resolve(reference, rules)
    return None


def find_dates(
    text: str, doc_key: str, rules: DateRules, reference: str | DateValue | None = None, offset: int = 0, matches: tuple[DateMatch, ...] | None = None
) -> list[DateValue]:
    """Every date expression of `text` (a document, or a piece of it starting at `offset`),
    each with its span and, where it can be resolved against `reference`, its value.
    `matches`: the text's `match_dates`, when the caller has them already."""
    dates = []
    for match in matches if matches is not None else match_dates(text, rules):
        resolved = match.resolve(reference, rules)
        span = TextSpan(doc_key, offset + match.start, offset + match.end, match.text)
        dates.append(DateValue(span, *(resolved or (None, None))))
    return dates


def first_full_date(text: str, rules: DateRules, matches: tuple[DateMatch, ...] | None = None) -> tuple[str, str] | None:
    """The first date in `text` that needs no reference (day, month and four-digit year):
    the natural reference date of a document that has no date header."""
    for match in matches if matches is not None else match_dates(text, rules):
        year = match.groups.get("year")
        if year and len(year) == 4 and match.groups.get("day") and not match.pattern.unresolved:
            resolved = match.resolve(None, rules)
            if resolved:
                return resolved
    return None
