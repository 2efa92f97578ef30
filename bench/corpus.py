"""A synthetic corpus of telegram-like documents for benchmarks and load tests.

Generated at run time, never committed: each document recombines paragraphs of the seed
documents under a telegram header, with other numbers, dates and names taken from the
gazetteer. The same `seed` always gives the same corpus, so runs are comparable.

    python bench/corpus.py OUT_DIR --documents 200 [--seed 1950]
"""

from __future__ import annotations

import argparse
import json
import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
GAZETTEER = ROOT / "extract" / "data" / "gazetteer.jsonl"
MONTHS = {"September": 9, "October": 10, "November": 11, "December": 12}
_NUMBER = re.compile(r"(?<![\w.])\d{1,4}(?:,\d{3})?(?![\w])")


def seed_paragraphs() -> list[str]:
    paragraphs = []
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8-sig")
        paragraphs.extend(p.strip() for p in re.split(r"\n\s*\n", text) if len(p.strip()) > 60)
    return paragraphs


def gazetteer_names() -> dict[str, list[str]]:
    names: dict[str, list[str]] = {}
    for line in GAZETTEER.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            entry = json.loads(line)
            names.setdefault(entry["type"], []).append(entry["label"])
    return names


class CorpusMaker:
    """Makes document i of a corpus; documents depend only on (seed, i)."""

    def __init__(self, seed: int = 1950):
        self.seed = seed
        self.paragraphs = seed_paragraphs()
        self.names = gazetteer_names()
        persons = self.names["person"]
        self._person = re.compile("|".join(re.escape(n) for n in sorted(persons, key=len, reverse=True)))

    def document(self, i: int, new_names: bool = False) -> str:
        """Document i; with `new_names` its people are invented ones no gazetteer knows (what a
        document added to an archive usually brings: entities no other document names)."""
        rng = random.Random(self.seed * 1_000_003 + i)
        day, month = rng.randint(1, 28), rng.choice(sorted(MONTHS))
        sender, recipient = rng.sample(self.names["person"], 2)
        if new_names:
            sender, recipient = invented_person(rng), invented_person(rng)
        header = (
            f"CIPHERED TELEGRAM No. {rng.randint(1000, 99999)}\n\n"
            f"From {rng.choice(self.names['place']).upper()} Received {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}\n\n"
            f"{day}.{MONTHS[month]}.1950\n\n"
            f"TO {recipient.upper()}\n\n"
            f"I report the answer of {sender.upper()} of {day} {month} 1950:\n\n"
        )
        body = [self.vary(p, rng, new_names) for p in rng.sample(self.paragraphs, rng.randint(3, 7))]
        return header + "\n\n".join(body) + f"\n\n{rng.randint(1, 28)}.{rng.randint(10, 12)}.50   {sender.upper()}\n"

    def vary(self, paragraph: str, rng: random.Random, new_names: bool = False) -> str:
        factor = rng.uniform(0.5, 2.0)  # one factor per paragraph keeps ranges ("2,200 to 3,000") in order
        numbers = _NUMBER.sub(lambda m: self.number_like(m.group(0), factor), paragraph)
        person = (lambda m: invented_person(rng)) if new_names else (lambda m: rng.choice(self.names["person"]))
        return self._person.sub(person, numbers)

    @staticmethod
    def number_like(number: str, factor: float) -> str:
        value = int(number.replace(",", ""))
        if 1900 <= value <= 1960:
            return number  # a year: keep it
        new = max(1, round(value * factor))
        return f"{new:,}" if "," in number else str(new)


GIVEN = ["Ivan", "Pavel", "Nikolai", "Sergei", "Grigori", "Fyodor", "Boris", "Leonid"]
SYLLABLES = ["zo", "lo", "ta", "ru", "vi", "ne", "ka", "mi", "sho", "bra", "dey", "pe", "gor", "stu"]


def invented_person(rng: random.Random) -> str:
    """A Russian-looking name no gazetteer holds ("Pavel Gorneshov")."""
    surname = "".join(rng.choice(SYLLABLES) for _ in range(3)).capitalize() + rng.choice(["ov", "ev", "in", "sky"])
    return f"{rng.choice(GIVEN)} {surname}"


def write_corpus(out: Path, documents: int, seed: int = 1950) -> list[Path]:
    """Write `documents` files `doc-00000.txt`... into `out`; returns their paths."""
    out.mkdir(parents=True, exist_ok=True)
    maker = CorpusMaker(seed)
    paths = []
    for i in range(documents):
        path = out / f"doc-{i:05d}.txt"
        path.write_text(maker.document(i), encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--documents", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1950)
    args = parser.parse_args()
    paths = write_corpus(args.out, args.documents, args.seed)
    print(f"wrote {len(paths)} documents to {args.out}")


if __name__ == "__main__":
    main()
