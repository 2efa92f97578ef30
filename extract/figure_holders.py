"""Who holds a military figure: the side, unit or country that fields what is counted.

In order, the first that gives an answer:
1. the figure's own words: a name that modifies the counted noun or follows it with "of"
   ("19 Guomindang divisions", "35 divisions of the Guomindang army", "CCF armies", "Chinese
   regiments", "of our own divisions"); "enemy" means the side of the enemy's last figure;
2. the figure it belongs to: a bare number's figure, "among them", a part ("a division of
   three regiments"), a figure in the same list that names its holder ("3 Chinese fighter
   divisions and 6 MIG-9 detachments");
3. the clause, by the dependency parse (`figure_clause`): the subject of the verb that governs
   the figure ("the Soviet Government could send ... one more division", "an American corps
   has 1,500 guns"), the one asked to act ("ask you to send"; "ask the Soviet Government for
   the following help: 1) to send ..."), the possessor of the deed ("your decision to send one
   division"); equipment delivered is the receiver's ("send us 500 trucks"), losses the
   loser's ("ROK 5TH DIV LOST APPROX 400 MEN"); a foe's figure ("finished off 35 divisions"),
   materiel for units ("materiel for three divisions") and the receiver of a delivery get no
   holder from the clause; a phrase outside the figure's sentence is not used (the parse runs
   across headers);
4. the list it continues; the speaker of a turn in a record of conversation ("Kim Il Sung. One
   division."); the nearest side named earlier in the sentence (or a demonym later in it);
   for units and men, the force last named in the paragraph, or the only one named before.
"We"/"our" is the speaker's side (the turn's speaker, the quoted message's author, the
document's author or sender), "you"/"your" the recipient's, via `figure_sides`. A country
that fields units and men is replaced by its force (`force` rows of `allegiances.tsv`).
"""

from __future__ import annotations

import re

from archivekg.extract.figure_names import NOBODY, TextSides, conversation_turns
from archivekg.extract.figure_rules import LIST_MARK
from archivekg.extract.model import Figure

__all__ = ["NOBODY", "Holders", "conversation_turns"]
HOLDER_KINDS = ("country", "unit", "organization")
LIST_REACH = 600  # characters back to the line that opens a list of requests ("... the following help:")


class Holders(TextSides):
    """The holders of one document's figures (see the module's docstring for the steps)."""

    # -- the steps -------------------------------------------------------------------------
    def holder(self, figure: Figure) -> tuple[str, ...]:
        if figure.key in self.memo:
            return self.memo[figure.key] or ()
        self.memo[figure.key] = None  # a cycle gives nothing
        for step in (self.own, self.belongs_to, self.listed_own, self.clause, self.listed, self.list_intro, self.turn, self.in_sentence, self.in_context):
            found = step(figure)
            if found is not None:
                break
        self.memo[figure.key] = found or NOBODY
        return self.memo[figure.key]

    def own(self, figure: Figure):
        link = self.links.get(figure.key, {})
        if "table" in link:
            return tuple(dict.fromkeys(s for s in map(self.name, link["table"]) if s)) or None
        if "asked" in link:  # the answer to "How many aircraft has the Chinese air force?"
            return self.names_in(*link["asked"], figure.span.start)
        start, end = figure.span.start, figure.span.end
        predicate = self.p["predicate"].match(self.text, end)
        if predicate:  # "of which eighteen are North Korean"
            side = self.name(predicate.group("name"))
            if side:
                return (side,)
        of = re.match(r"(?i)\s+of\s+(?:the\s+)?", self.text[end : end + 12])  # telegraphese too: "JET FTRS OF CHINESE COMMUNIST AF"
        if of:
            stop = re.search(r"(?i)[,.;:()\n]|\b(?:and|to|in|for|from|with|at|on|by)\b", self.text[end + of.end() : end + 60])
            end = end + of.end() + (stop.start() if stop else 60)
        return self.names_in(start, end, start)

    def belongs_to(self, figure: Figure):
        link = self.links.get(figure.key, {})
        if link.get("antecedent"):
            other = next((f for f in self.figures if f.key == link["antecedent"]), None)
            return self.holder(other) if other else None
        before = self.before_in_sentence(figure)
        if before and self.p["antecedent"].match(self.text[figure.span.end : figure.span.end + 20]):
            return self.holder(before[-1])
        if before and self.p["nested"].match(self.text[before[-1].span.end : figure.span.start]):
            return self.holder(before[-1])
        return None

    def listed_own(self, figure: Figure):
        for other in self.list_neighbours(figure):
            found = self.own(other)
            if found:
                return found
        return None

    def listed(self, figure: Figure):
        for other in self.list_neighbours(figure):
            if other.span.start < figure.span.start:
                found = self.holder(other)
                if found:
                    return found
        return None

    def list_intro(self, figure: Figure):
        """A figure on a line of a list ("- T-34-85 tanks: 80;") is held by whom the line that opens
        the list names it for ("For the Chinese People's Volunteers the following were dispatched:")."""
        line_start = self.text.rfind("\n", 0, figure.span.start) + 1
        if not re.match(LIST_MARK + r"[ \t]", self.text[line_start : figure.span.start + 1]):
            return None
        at = line_start
        while at > 0 and line_start - at < LIST_REACH:
            previous = self.text.rfind("\n", 0, at - 1) + 1
            line = self.text[previous : at - 1]
            if re.search(r":\s*$", line):
                named = re.search(r"(?i)\bfor\s+(?:the\s+)?(?P<name>[A-Z][^:\n]*?)(?=\s+(?:the\s+following|in|through|by|via)\b|\s*[,:])", line)
                return self.names_in(previous + named.start("name"), previous + named.end("name"), figure.span.start) if named else None
            if not re.match(LIST_MARK + r"[ \t]", line):
                return None
            at = previous
        return None

    def list_neighbours(self, figure: Figure) -> list[Figure]:
        """Figures joined to this one by commas and "and" in the same sentence, nearest first."""
        index = self.figures.index(figure)
        out = []
        for step in (-1, 1):
            i = index
            while 0 <= i + step < len(self.figures):
                a, b = sorted((self.figures[i], self.figures[i + step]), key=lambda f: f.span.start)
                gap = re.sub(r"\([^()]*\)", "", self.text[a.span.end : b.span.start])
                if not re.fullmatch(r"\s*(?:,|;|and|or|,\s*and|as well as)?\s*", gap):
                    break
                i += step
                out.append(self.figures[i])
        return sorted(out, key=lambda f: abs(f.span.start - figure.span.start))

    def before_in_sentence(self, figure: Figure) -> list[Figure]:
        start, _ = self.sentence(figure.span.start)
        return [f for f in self.figures if start <= f.span.start and f.span.end <= figure.span.start]

    def clause(self, figure: Figure):
        from archivekg.extract.figure_clause import clause_holder

        return clause_holder(self, figure)

    def turn(self, figure: Figure):
        who = next((who for a, b, who in self.turns if a <= figure.span.start < b), None)
        side = self.sides.side_of(who) if who else None
        return (side,) if side and figure.item in self.rules.force_items else None

    def in_sentence(self, figure: Figure):
        from archivekg.extract.figure_clause import is_doer

        start, end = self.sentence(figure.span.start)
        candidates = []
        before = start if not is_doer(self, figure) else figure.span.start  # a doer's side is its own
        for r in self.mentions:
            span = r.mention.span
            numbered = self.p["numbered"].match(span.text)
            if before <= span.start and span.end <= figure.span.start and r.mention.kind in HOLDER_KINDS and not self.locative(span.start) and not numbered:
                candidates.append((span.end, r.entity_key))
        for at, run in self.unmarked_runs(before, figure.span.start):
            side = self.name(run)
            if side and not self.locative(at):
                candidates.append((at + len(run), side))  # "the Korean losses ... 300-400 people a day"
        for word in self.p["first_in"].finditer(self.text, start, figure.span.start):
            side = self.speaker(figure.span.start)
            if self.p["estimates"].match(self.text, word.end()):
                continue  # "We credit it with 22 divisions": the estimator is no holder
            if side and word.group() != "I":
                candidates.append((word.end(), side))
        if candidates:
            return (max(candidates)[1],)
        clause_end = re.search(r"[;:,.]", self.text[figure.span.end : end])
        after_end = figure.span.end + (clause_end.start() if clause_end else end - figure.span.end)
        for _, run in self.unmarked_runs(figure.span.end, after_end):
            side = self.name(run, demonyms_only=True)
            if side:
                return (side,)  # "463 pilots will complete their course in the Chinese aviation schools"
        return None

    def in_context(self, figure: Figure):
        if figure.item not in self.rules.force_items:
            return None
        forces = self.forces_before(figure.span.start)
        paragraph = self.paragraph_start(figure.span.start)
        recent = [key for at, key in forces if at >= paragraph]
        if recent:
            return (recent[-1],)
        named = list(dict.fromkeys(key for _, key in forces))
        return (named[0],) if len(named) == 1 else None

    # -- the holder as an entity ---------------------------------------------------------------
    def final(self, figure: Figure, held: tuple[str, ...]) -> tuple[str, ...]:
        """Divided countries read by the speaker's bloc; a country's units and men are its force's."""
        out = []
        start, end = self.sentence(figure.span.start)
        previous = start
        if re.search(r"\bthere\b(?!\s+(?:is|are|was|were|will|would|has|have|had|remain)\b)", self.text[start:end], re.I):
            previous, _ = self.sentence(max(0, start - 2))  # "We have 56 divisions there": where the sentence before says
        places = {self.sides.gazetteer_id(r.entity_key) for r in self.mentions if previous <= r.mention.span.start < end}
        for key in held:
            key = self.side_named_unit(key)
            key = self.sides.undivided(key, self.document_side(figure.span.start))
            if figure.item in self.rules.force_items:
                key = self.sides.force_of(key, places, self.date)
            if key in self.sides.entities:
                out.append(key)
        return tuple(dict.fromkeys(out))

    def side_named_unit(self, key: str) -> str:
        """A force named for its side ("North Korean Army", "ROK Army") or a side's numbered unit
        ("NK II Corps") is that side, so that its figures meet the side's others (its force row
        then gives "Korean People's Army"); the holder is a side, as the gold conventions have it."""
        entity = self.sides.entities.get(key)
        principal = any(f.force == self.sides.gazetteer_id(key) for f in self.sides.rules.forces)
        if entity is None or entity.kind not in ("unit", "organization") or principal:
            return key
        named = self.p["side_named"].fullmatch(entity.label)
        side = self.name(named.group("name")) if named and not self.p["numbered"].match(entity.label) else None
        words = entity.label.split()
        for n in range(len(words) - 1, 0, -1):  # "NK II Corps", "CCF 67th Army": a side's numbered unit counts for the side
            if side is None and self.p["numbered"].match(" ".join(words[n:])):
                side = self.sides.side_or_force(self.sides.named_ref(" ".join(words[:n])))
        return side if side and side != key else key
