"""The structure of names, for telling when two forms name one person and when they do not.

- `normalise_name`: the form names are compared in ("Comrades ZHOU ENLAI's" -> "zhou enlai").
- `split_initials`: "I. V. STALIN", "Stalin, I. V." and "Stalin I. V." are the surname
  "stalin" with the initials "IV"; "F. Kuznetsov" and "V. V. Kuznetsov" share a surname but
  not initials, so they are not joined.
- `romanisation_key`: one key for the Wade-Giles and pinyin spellings of a Chinese name and the
  romanisations of a Korean one ("Chu Teh" and "Zhu De", "Chou En-lai" and "Zhou Enlai",
  "Paek Nam-un" and "Baek Nam-eun"), folded to a phonetic skeleton (`data/romanisation.json`).
- `acronym`: "JCS" for "Joint Chiefs of Staff".
- `one_typo_apart`: "Le Kenong" and "Li Kenong", "Peng Dehaui" and "Peng Dehuai".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from anyascii import anyascii
from rapidfuzz.distance import Levenshtein

_POSSESSIVE = re.compile(r"['’]s?$")
_NOISE = re.compile(r"[\[\]*“”\"]")
_INITIAL = re.compile(r"^(?:[A-Za-z]{1,2}\.)+$")
SMALL_WORDS = frozenset("of the and for to in on at de da del von van".split())


_OCR_WORD = re.compile(r"(?<![\w'’-])[A-Za-z]*(?:[A-Za-z][01]|[01][A-Za-z]|l(?=[A-Z]{2}))[A-Za-z01]*(?=(?:['’]s)?(?![\w'’-]))")


_LEADING_L = re.compile(r"l[A-Z]{2}")  # "lNDIA"
_SHORT_WORDS = frozenset(("NO", "OF"))  # two-letter words a scanner writes with a zero ("N0.", "C0PY N0. 12")


def ocr_letters(text: str) -> str:
    """Digits a scanner read for letters inside a word, put back for the model ("P0land",
    "Switzer1and", "NATI0NS", "lNDIA"); the same length, so every offset still points into the
    original. A token that is mostly digits ("F-86E", "MIG-15", "l948") is left as it is."""
    if "0" not in text and "1" not in text and not _LEADING_L.search(text):
        return text  # the common case, kept cheap: every name comparison comes through here

    def repair(match: re.Match) -> str:
        word = match.group()
        if len(word) == 2 and "0" in word and word.replace("0", "O").upper() in _SHORT_WORDS:
            return word.replace("0", "O" if word.upper() == word else "o")  # "N0.", "0F"
        if sum(c.isalpha() for c in word) < max(2, 2 * sum(c.isdigit() for c in word)) or re.fullmatch(r"\d+(?:st|nd|rd|th|d)", word, re.I):
            return word  # "F-86E", "1st"
        upper = sum(c.isupper() for c in word) > sum(c.islower() for c in word)

        def read(one: str) -> str:
            out = []
            for i, c in enumerate(word):
                if c == "0":
                    out.append("O" if upper or i == 0 else "o")  # "0ct" is "Oct"
                elif c == "1":
                    out.append("I" if upper or i == 0 else one)
                elif c == "l" and i == 0 and upper:
                    out.append("I")  # "lNDIA"
                else:
                    out.append(c)
            return "".join(out)

        if "1" not in word:
            return read("l")
        from wordfreq import zipf_frequency

        return max((read("l"), read("i")), key=lambda w: zipf_frequency(w.lower(), "en"))  # "Switzer1and", "Apr1l"

    return _OCR_WORD.sub(repair, text)


_OCR_NUMBER = re.compile(r"(?<![\w'’-])(?=[0-9lIO]*\d[0-9lIO]*\d)[0-9lIO]{3,4}(?![\w'’-])")


def ocr_digits(text: str) -> str:
    """Letters a scanner read for digits in a number ("l948", "19O5"): the digits, same length."""
    return _OCR_NUMBER.sub(lambda m: m.group().replace("l", "1").replace("I", "1").replace("O", "0"), text)


def normalise_name(text: str, honorifics: Iterable[str] = ()) -> str:
    """'Comrades ZHOU ENLAI's' -> 'zhou enlai': the form names are compared in (a scanner's
    digits in a word read as letters: 'P0land' -> 'poland')."""
    name = _NOISE.sub(" ", ocr_letters(text))
    name = " ".join(name.split()).casefold()
    name = _POSSESSIVE.sub("", name).strip()
    for honorific in honorifics:
        h = honorific.casefold()
        if name.startswith(h + " "):
            name = name[len(h) + 1 :]
    return name.removeprefix("the ").strip(" .,")


def split_initials(name: str) -> tuple[str, str]:
    """(the name without its initials, the initials): 'I. V. STALIN' -> ('stalin', 'iv')."""
    words = [w.strip(",") for w in normalise_name(name).split()]
    initials = [w for w in words if _INITIAL.match(w)]
    rest = [w for w in words if w and not _INITIAL.match(w)]
    return " ".join(rest), "".join(i.replace(".", "") for i in initials)


@dataclass(frozen=True)
class Romanisation:
    replacements: tuple[tuple[re.Pattern, str], ...]  # applied in order to each syllable


def parse_romanisation(files) -> Romanisation:
    data = files.json("romanisation.json")
    return Romanisation(tuple((re.compile(pattern), value) for pattern, value in data["skeleton"]))


def romanisation_key(name: str, rules: Romanisation) -> str:
    """A phonetic skeleton shared by the romanisations of an East Asian name."""
    ascii_name = anyascii(name).lower()
    syllables = re.findall(r"[a-z]+", ascii_name.replace("'", "").replace("’", ""))
    keyed = []
    for syllable in syllables:
        for pattern, value in rules.replacements:
            syllable = pattern.sub(value, syllable)
        keyed.append(syllable)
    return "".join(keyed)


def acronym(name: str) -> str:
    """The initials of a name's capitalised words: 'Joint Chiefs of Staff' -> 'JCS'."""
    words = [w for w in re.findall(r"[A-Za-z][\w'’]*", name) if w.lower() not in SMALL_WORDS]
    return "".join(w[0].upper() for w in words)


def one_typo_apart(a: str, b: str) -> bool:
    """Two full names (two words or more, eight letters or more) one letter apart, with the same
    first letter and number of words: a misspelling, not another person."""
    if a == b or len(a) < 8 or len(b) < 8 or a[0] != b[0]:
        return False
    if len(a.split()) < 2 or len(a.split()) != len(b.split()):
        return False
    return Levenshtein.distance(a, b) <= 1 or (len(a) >= 10 and Levenshtein.distance(a, b, weights=(1, 1, 1)) <= 2 and sorted(a) == sorted(b))
