"""The mentions stage: a spaCy Doc -> the named things it mentions, with exact spans.

Model labels map to the contract's kinds; nationality adjectives ("American troops") count as
mentions of their country only when the next word is a force or state noun; editorial
glosses in brackets right after a name ("FILIPPOV [STALIN]") are kept as evidence for the
resolve stage; header patterns (`context_patterns.jsonl`) add names the model misses.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from spacy.tokens import Doc

from archivekg.extract.rules import RuleSet
from archivekg.extract.model import Mention, SourceText, TextSpan
from archivekg.extract.evidence import STRONG, is_common_word, is_office, judge
from archivekg.extract.layout import classify_lines
from archivekg.extract.nlp import DEMONYM_LABEL
from archivekg.extract.names import normalise_name
from archivekg.extract.resolve import PLACE_KINDS

# spaCy's and our ruler's labels -> the contract's kinds; other labels are not named things
LABEL_KINDS = {
    "PERSON": "person",
    "ORG": "organization",
    "UNIT": "unit",
    "COUNTRY": "country",
    "PLACE": "place",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
    "EVENT": "event",
    "WORK_OF_ART": "work",
}
_GLOSS = re.compile(r"\s{0,2}\[([^\[\]\n]{1,80})\]")


def find_mentions(source: SourceText, doc: Doc, rules: RuleSet) -> list[Mention]:
    text = source.text
    mentions: dict[tuple[int, int], Mention] = {}
    for ent in doc.ents:
        kind = LABEL_KINDS.get(ent.label_)
        gazetteer_id = ent.ent_id_ or None
        start, end = ent.start_char, ent.end_char
        adjective = ent.label_ == DEMONYM_LABEL
        if adjective:
            following = ent.doc[ent.end].lower_ if ent.end < len(ent.doc) else ""
            if following in rules.evidence.government:  # "Soviet Government" names the state itself
                adjective, end = False, ent.doc[ent.end].idx + len(ent.doc[ent.end])
                if ent.end + 1 < len(ent.doc) and ent.doc[ent.end + 1].text in ("'s", "’s"):
                    end = ent.doc[ent.end + 1].idx + len(ent.doc[ent.end + 1])
            elif following not in rules.force_nouns:
                continue
            kind = rules.by_id[gazetteer_id].kind if gazetteer_id else "country"
        if kind is None:
            continue
        if kind == "work" and len(ent) < 2:
            continue  # a single quoted word is not a title
        span = TextSpan(source.key, start, end, text[start:end])
        mentions[(start, end)] = Mention(span, kind, gazetteer_id, gloss_after(text, end), adjective=adjective)
    for pattern in rules.context_patterns:
        for match in pattern.regex.finditer(text):
            start, end = match.span("name")
            name = text[start:end]
            if name.lower() in rules.layout_words or (pattern.title_case and not is_title(name)):
                continue
            if pattern.override:
                if any(m.gazetteer_id and s <= start and end <= e for (s, e), m in mentions.items()):
                    continue  # a known name is not cut or retyped by a shape ("Eighth United States Army")
                for key in [k for k in mentions if start <= k[0] and k[1] <= end]:
                    del mentions[key]
            if overlaps(mentions, start, end):
                continue
            mentions[(start, end)] = Mention(TextSpan(source.key, start, end, name), pattern.kind, None, gloss_after(text, end))
    add_glossed_names(text, source.key, mentions)
    add_letter_spaced(text, source.key, rules, mentions)
    gloss_inner_names(text, mentions)
    lines = classify_lines(text, rules.layout)
    add_field_names(text, source.key, lines, rules, mentions)
    add_known_places(text, source.key, rules, mentions)
    extend_to_known_places(text, source.key, rules, mentions)
    add_surname_first_lists(text, source.key, mentions)
    reshape(text, source.key, rules, mentions)
    split_leading_words(text, source.key, rules, mentions)
    drop_office_words(text, source.key, rules, mentions)
    keep_within_fields(text, source.key, lines, mentions)
    subjects_of_file_numbers(text, source.key, lines, rules, mentions)
    drop_office_titles(text, lines, rules, mentions)
    adjectives_by_parse(doc, mentions, rules)
    kept = [mentions[k] for k in sorted(mentions) if not furniture(text, mentions[k], lines, rules)]
    found = bodies_of_offices(text, lines, numbered_subunits([typed(text, m, lines, rules) for m in kept], rules), rules)
    found = post_nominals(text, people_of_countries(text, coordinated_places(text, found), rules), rules)
    day = document_day(text, lines, source.key, rules)
    found = dated(forces_of_bodies(text, divided_states(text, doc, day, organs_of_side(found, rules), rules), rules), day, rules)
    return office_holders(day, found, rules)


def document_day(text: str, lines, doc_key: str, rules: RuleSet) -> Callable[[], str]:
    """The document's own day (YYYY-MM-DD, or "" if it gives none), found when first asked
    for and then kept: the stages that read a name by the date ask for it."""
    found: list[str] = []

    def day() -> str:
        if not found:
            from archivekg.extract.documents import reference_date

            date = reference_date(text, lines, doc_key, rules.dates, None) or ""  # the whole text is searched only if its head has no date
            found.append(date[:10] if len(date) >= 10 else "")
        return found[0]

    return day


def office_holders(day: Callable[[], str], mentions: list[Mention], rules: RuleSet) -> list[Mention]:
    """An office named alone ("CINCUNC") in a document dated in the term of a holder the
    document names ("Ridgway") stands for him (`holders` of offices.jsonl)."""
    offices = [i for i, m in enumerate(mentions) if m.kind != "person" and normalise_name(m.span.text) in rules.office_holders]
    if not offices or not day():
        return mentions
    named = {m.gazetteer_id for m in mentions if m.kind == "person" and m.gazetteer_id}
    out = list(mentions)
    for i in offices:
        holder = next((person for person, start, end in rules.office_holders[normalise_name(out[i].span.text)] if start <= day() < end), None)
        if holder in named and holder in rules.by_id:
            out[i] = replace(out[i], gazetteer_id=holder, kind="person")
    return out


def divided_states(text: str, doc: Doc, day: Callable[[], str], mentions: list[Mention], rules: RuleSet) -> list[Mention]:
    """A divided country's name where it stands for a state is the state of that name on the
    document's side of the blocs (`divided` rows of allegiances.tsv: "Korea" in the words of the
    east is the DPRK): in a list of states ("Korea and China declare their agreement"; "the MPR,
    Siam, the Philippines and Korea"), or everywhere in a document that uses the name only as a
    state: at least once as the subject of a finite verb or a possessor ("What else is Korea short
    of?", "Korea's army") and never as a place (`place_use` words of name_evidence.json before it:
    "in Korea", "out of Korea", "the unification of Korea"). Elsewhere it is the country as a
    whole, and always in a document dated before the state came to be (`from:DATE`)."""
    sides = rules.figures.sides if rules.figures else None
    if not sides or not sides.divided:
        return mentions
    divided = {place for place, _ in sides.divided}
    listed = []
    for i, m in enumerate(mentions):
        if m.gazetteer_id in divided and not m.adjective:
            neighbours = [mentions[j] for j in (i - 1, i + 1) if 0 <= j < len(mentions)]
            if any(
                n.kind == "country" and not n.adjective and n.gazetteer_id not in divided
                and _AND.fullmatch(text[min(m.span.end, n.span.end) : max(m.span.start, n.span.start)])
                for n in neighbours
            ):
                listed.append(i)
    listed += [i for place in divided for i in _acting_as_state(text, doc, mentions, place, rules) if i not in listed]
    if not listed:
        return mentions
    blocs = [sides.blocs[side] for side in _sides_named(mentions, sides, rules) if side in sides.blocs]
    bloc = _leader(blocs, over_half=True)
    if not bloc:
        return mentions
    out = list(mentions)
    for i in listed:
        key = (out[i].gazetteer_id, bloc)
        state = sides.divided.get(key)
        if key in sides.divided_since and day() and day() < sides.divided_since[key]:
            continue
        if state in rules.by_id:
            out[i] = replace(out[i], gazetteer_id=state, kind=rules.by_id[state].kind)
    return out


def forces_of_bodies(text: str, mentions: list[Mention], rules: RuleSet) -> list[Mention]:
    """A body that fields an armed force (`force` rows of allegiances.tsv whose side is an
    organisation: the UN and the UN Command), named bare where the document means the force: the
    document names the force too ("UN forces"), and the body's name is followed by a word of
    military use (`military_use` of name_evidence.json: "drive the UN out of Korea", "a general UN
    offensive"). "A protest lodged with the United Nations" stays the body."""
    sides = rules.figures.sides if rules.figures else None
    if not sides:
        return mentions
    named = {m.gazetteer_id for m in mentions if m.gazetteer_id}
    fielded = {f.side: f.force for f in sides.forces if f.force in named and rules.by_id.get(f.side) and rules.by_id[f.side].kind == "organization"}
    if not fielded:
        return mentions
    military = rules.evidence.military_use
    return [
        replace(m, gazetteer_id=fielded[m.gazetteer_id], kind=rules.by_id[fielded[m.gazetteer_id]].kind, adjective=False)
        if m.gazetteer_id in fielded and fielded[m.gazetteer_id] in rules.by_id and military.match(text, m.span.end) else m
        for m in mentions
    ]


def _acting_as_state(text: str, doc: Doc, mentions: list[Mention], place: str, rules: RuleSet) -> list[int]:
    """The mentions of `place` if the document uses its name only as a state (see
    `divided_states`), else none."""
    names = {normalise_name(a) for a in rules.by_id[place].aliases} if place in rules.by_id else set()
    found = [i for i, m in enumerate(mentions) if m.gazetteer_id == place and not m.adjective and normalise_name(m.span.text) in names]
    if not found or any(rules.evidence.place_use.search(text[max(0, mentions[i].span.start - 30) : mentions[i].span.start]) for i in found):
        return []
    for i in found:
        span = doc.char_span(mentions[i].span.start, mentions[i].span.end, alignment_mode="expand")
        if span is None:
            continue
        subject = span.root.dep_ in ("nsubj", "nsubjpass") and "Fin" in span.root.head.morph.get("VerbForm")  # not "helped Korea to develop"
        if subject or text[mentions[i].span.end : mentions[i].span.end + 2] in ("'s", "’s"):
            return found
    return []


def _sides_named(mentions: list[Mention], sides, rules: RuleSet) -> list[str]:
    """The side of each person the document names who speaks for one (each person once)."""
    people = {}
    for m in mentions:
        if m.kind == "person":
            side = sides.speaks_for.get(m.gazetteer_id or "") or sides.speaks_for.get(normalise_name(m.span.text, rules.honorifics))
            if side:
                people[m.gazetteer_id or normalise_name(m.span.text)] = side
    return list(people.values())


_NUMBERED_SECTION = re.compile(r"(?:[IVXL]+|\d+(?:st|nd|rd|th)?|First|Second|Third|Fourth|Fifth|Sixth|Seventh|Eighth|Ninth|Tenth)\s+(?P<unit>[\w-]+)\s+of\s+(?:the\s+)?(?P<body>.+)", re.I)


_HEADQUARTERS = re.compile(r"(?P<body>.+?)\s+(?:Headquarters|HEADQUARTERS|HQ|HQS|Hq)")


def numbered_subunits(mentions: list[Mention], rules: RuleSet) -> list[Mention]:
    """A numbered section of a body the gazetteer knows ("IV Section of the Special Sector of the
    VKP(b) CC", "2nd Department of the MFA") is named as that body: a registry's or a ministry's
    numbered sections are its desks, not bodies of their own (`subunits` of name_evidence.json).
    So is a known force's or body's headquarters ("Volunteer Army Headquarters")."""
    out = []
    for m in mentions:
        if m.gazetteer_id or m.kind not in ("organization", "unit"):
            out.append(m)
            continue
        hit = _NUMBERED_SECTION.fullmatch(m.span.text) if m.kind == "organization" else None
        if hit and hit.group("unit").lower() in rules.evidence.subunits:
            body = rules.alias_index.get(normalise_name(hit.group("body")))
            if body and rules.by_id[body].kind == "organization":
                m = replace(m, gazetteer_id=body)
        elif hit := _HEADQUARTERS.fullmatch(m.span.text):
            body = rules.alias_index.get(normalise_name(hit.group("body")))
            if body and rules.by_id[body].kind in ("organization", "unit"):
                m = replace(m, gazetteer_id=body, kind=rules.by_id[body].kind)
        out.append(m)
    return out


def bodies_of_offices(text: str, lines, mentions: list[Mention], rules: RuleSet) -> list[Mention]:
    """In a document addressed to or from an office the office table knows, the body it heads
    named bare is that body ("the Department" in a telegram to the Secretary of State is the
    Department of State; offices.jsonl `body` and `bare`)."""
    if not rules.office_bodies:
        return mentions
    from archivekg.extract.documents import head_of, office_named, office_text

    bodies, head = set(), head_of(text, lines)
    for line in lines:
        for f in line.fields:
            if f.name in ("sender_office", "recipient_office", "sender", "recipient"):
                office = office_named(office_text(text, f), text, rules, head)
                if office in rules.office_bodies:
                    bodies.add(rules.office_bodies[office])
    if len(bodies) != 1:
        return mentions
    body, bare = bodies.pop()
    if body not in rules.by_id:
        return mentions
    names, kind = {normalise_name(b) for b in bare}, rules.by_id[body].kind
    out = [
        replace(m, gazetteer_id=body, kind=kind) if not m.gazetteer_id and m.kind in ("organization", "unit") and normalise_name(m.span.text) in names else m
        for m in mentions
    ]
    taken = [(m.span.start, m.span.end) for m in out]
    doc_key = mentions[0].span.doc_key if mentions else None
    for name in sorted(bare, key=len, reverse=True):  # "Department pass London for ...": named where the model saw nothing
        for hit in re.finditer(r"(?<![\w'’-])" + re.escape(name) + r"(?![\w'’-])", text):
            if doc_key and not any(a < hit.end() and hit.start() < b for a, b in taken):
                out.append(Mention(TextSpan(doc_key, hit.start(), hit.end(), hit.group()), kind, body, None, weight=1))
                taken.append(hit.span())
    return sorted(out, key=lambda m: m.span.start)


def organs_of_side(mentions: list[Mention], rules: RuleSet) -> list[Mention]:
    """A body named without its party ("the Politburo", "members of the Central Committee") is
    the body the document names in full ("the Politburo of the Korean Workers' Party"), else that
    body of the document's side (`organ` rows of allegiances.tsv): the side of the bodies of those
    rows the document names ("Politburo of the CC VKP(b)"), else the side most of the people it
    names speak for (not its sender's: a Soviet envoy's "the Politburo" is often the Chinese
    one he reports on). A document of no clear side keeps the bare name."""
    sides = rules.figures.sides if rules.figures else None
    if not sides or not sides.organs:
        return mentions
    bare = [i for i, m in enumerate(mentions) if m.kind in ("organization", "unit") and normalise_name(m.span.text) in sides.organs
            and (not m.gazetteer_id or m.gazetteer_id in sides.organs[normalise_name(m.span.text)].values())]  # "the Chiefs of Staff": whose?
    if not bare:
        return mentions
    side = _side_of_document(mentions, sides, rules)
    out = list(mentions)
    for i in bare:
        name = normalise_name(out[i].span.text)
        full = [m for m in mentions if normalise_name(m.span.text).startswith(name + " of ")]
        if full:  # the document names it in full ("the Politburo of the Korean Workers' Party"): that one
            body = full[0].gazetteer_id if all(m.gazetteer_id == full[0].gazetteer_id for m in full) else None
        else:
            body = sides.organs[name].get(side) if side else None
        if body in rules.by_id:
            out[i] = replace(out[i], gazetteer_id=body, kind=rules.by_id[body].kind)
    return out


def _leader(votes: list[str], over_half: bool = False) -> str | None:
    """The vote cast most often, if no other is cast as often (`over_half`: if cast by more than half)."""
    counts = sorted(((votes.count(v), v) for v in set(votes)), reverse=True)
    if not counts:
        return None
    if over_half:
        return counts[0][1] if counts[0][0] * 2 > len(votes) else None
    return counts[0][1] if len(counts) == 1 or counts[0][0] > counts[1][0] else None


def _side_of_document(mentions: list[Mention], sides, rules: RuleSet) -> str | None:
    organ_sides = {body: side for by_side in sides.organs.values() for side, body in by_side.items()}
    bodies = [organ_sides[m.gazetteer_id] for m in mentions if m.gazetteer_id in organ_sides]
    if bodies:
        return _leader(bodies)
    return _leader(_sides_named(mentions, sides, rules))


_AND = re.compile(r"(?:,[ \t]*(?:and[ \t]+|or[ \t]+)?|[ \t]+(?:and|or)[ \t]+)(?:the[ \t]+)?")


def coordinated_places(text: str, mentions: list[Mention]) -> list[Mention]:
    """In a list of names most of which are places ("Hokkaido, Honshu, Shikoku and Kyushu";
    "Poland, East Germany, Czechoslovakia, the Caucasus"), a member the model took for a person
    or a body on its guess alone is a place too (a name the document gives as a place elsewhere
    counts as one)."""
    out = list(mentions)
    groups: list[list[int]] = []
    for i, m in enumerate(out):
        if groups and _AND.fullmatch(text[out[groups[-1][-1]].span.end : m.span.start]):
            groups[-1].append(i)
        else:
            groups.append([i])
    known_places = {m.span.text for m in out if m.kind in PLACE_KINDS and (m.weight or m.gazetteer_id)}
    for group in groups:
        places = [i for i in group if (out[i].kind in PLACE_KINDS or out[i].span.text in known_places) and not out[i].adjective]
        guesses = [i for i in group if i not in places and out[i].kind in ("person", "organization") and not out[i].gazetteer_id and out[i].weight == 0]
        if len(group) < 3 or len(places) < 2 or len(places) + len(guesses) < len(group):
            continue  # a list of places and names only guessed at; one with a known person or body is mixed
        for i in guesses:
            out[i] = replace(out[i], kind="place", weight=1)
    return out


_PERSONAL_NAME = re.compile(r"[A-Z][a-z'’-]+(?:[ \t]+[A-Z][a-z'’-]+){0,2}")


def people_of_countries(text: str, mentions: list[Mention], rules: RuleSet) -> list[Mention]:
    """A name followed by "of" and a country, that the model took for a body on its guess alone,
    or for anything but a person after "with" ("talked with Krishna Menon of India, with Padilla
    Nervo of Mexico"), is a person: a body's name would hold its "of" phrase and a word that
    makes it a body ("Ministry", "Bank"). The model's "Belaunde of Peru" is a person and a country."""
    out: list[Mention] = []
    for m in mentions:
        whole = re.fullmatch(r"(?P<name>.+?)[ \t]+of[ \t]+(?:the[ \t]+)?(?P<country>[A-Z][\w .'’-]+)", m.span.text)
        country = _country(whole["country"], rules) if whole and m.kind == "organization" and not m.gazetteer_id else False
        if country is not False and _is_personal(whole["name"], rules):
            start = m.span.start
            out.append(replace(m, span=TextSpan(m.span.doc_key, start, start + len(whole["name"]), whole["name"]), kind="person", weight=1))
            c_start = start + whole.start("country")
            out.append(Mention(TextSpan(m.span.doc_key, c_start, m.span.end, whole["country"]), "country", country))
        else:
            out.append(m)
    for i in range(len(out) - 1):
        m, nxt = out[i], out[i + 1]
        if m.gazetteer_id or m.kind == "person" or not (nxt.kind == "country" and not nxt.adjective):
            continue
        if not re.fullmatch(r"[ \t]+of[ \t]+(?:the[ \t]+)?", text[m.span.end : nxt.span.start]) or not _is_personal(m.span.text, rules):
            continue
        after_with = re.search(r"\bwith\s+$", text[max(0, m.span.start - 8) : m.span.start]) is not None
        if (m.kind == "organization" and m.weight == 0) or (after_with and m.kind in ("organization", "place")):
            out[i] = replace(m, kind="person", weight=1)
    return out


def _country(name: str, rules: RuleSet) -> str | None | bool:
    """The gazetteer id of the country a name is, None for a country only the world knows, False
    for no country."""
    known = rules.alias_index.get(normalise_name(name))
    if known:
        return known if rules.by_id[known].kind == "country" else False
    place = rules.evidence.places.lookup(name)
    return None if place and place.country else False


def _is_personal(name: str, rules: RuleSet) -> bool:
    return bool(_PERSONAL_NAME.fullmatch(name)) and not rules.evidence.inside["organization"].search(name) and not is_common_word(name, rules.evidence)


_END_OF_NAME = re.compile(r"\s*(?:$|[,;.)\]\n])")


def post_nominals(text: str, mentions: list[Mention], rules: RuleSet) -> list[Mention]:
    """A service's abbreviation right after a person's name and a comma, ending the phrase
    ("Major General Henry I. Hodes, USA"), names the service (name_evidence.json
    `post_nominals`); elsewhere ("Britain, USA, France") it keeps its meaning."""
    out = list(mentions)
    for i in range(1, len(out)):
        mention, before = out[i], out[i - 1]
        service = rules.evidence.post_nominals.get(mention.span.text)
        if (
            service in rules.by_id
            and before.kind == "person"
            and re.fullmatch(r",[ \t]*", text[before.span.end : mention.span.start])
            and _END_OF_NAME.match(text, mention.span.end)
        ):
            out[i] = replace(mention, gazetteer_id=service, kind=rules.by_id[service].kind, adjective=False)
    return out


def dated(mentions: list[Mention], day: Callable[[], str], rules: RuleSet) -> list[Mention]:
    """A name of a thing that came to be on a date, in a document dated before it, is a name of
    what it replaced (the gazetteer's `from` and `before`: "China" in a telegram of 1948 is not
    the People's Republic). An undated document keeps the gazetteer's entry."""
    bounded = [m for m in mentions if m.gazetteer_id and rules.by_id[m.gazetteer_id].before]
    if not bounded or not day():
        return mentions
    out = []
    for m in mentions:
        entry = rules.by_id[m.gazetteer_id] if m.gazetteer_id else None
        if entry and entry.before and day() < entry.valid_from:
            m = replace(m, gazetteer_id=entry.before, kind=rules.by_id[entry.before].kind)
        out.append(m)
    return out


def reshape(text: str, doc_key: str, rules: RuleSet, mentions: dict[tuple[int, int], Mention]) -> None:
    """Boundaries the model gets wrong on these texts, mended by the words around a name:

    - a British title is part of the name ("Sir W. Strang", "Lord Alexander"); a French "M."
      before a surname alone is not ("M. Massigli");
    - a first name and initial run on into the surname the model cut off ("Vyacheslav M." +
      "Molotov");
    - a place word after a place is part of it ("Ongjin peninsula"), and a capital's government
      is a body ("Nanjing government");
    - two places joined by a hyphen are two ("Kaesong-Bunsan", "LANZHOU-URUMCHI");
    - a country's abbreviation before a lower-case force noun is an adjective ("US troops")."""
    evidence = rules.evidence
    for (start, end), m in sorted(mentions.items()):
        if (start, end) not in mentions:
            continue
        before, after = text[max(0, start - 12) : start], text[end : end + 40]
        new_start, new_end, kind, adjective = start, end, m.kind, m.adjective
        if m.kind == "person" and (t := re.search(r"\b(?:" + evidence.name_titles + r")\s+$", before)):
            new_start = start - len(t.group(0))
        elif re.search(r"(?:^|\s)M\.\s+$", before) is None and re.fullmatch(r"(?:M|Mme|Mlle)\.?\s+[A-Z][\w'’-]+", m.span.text):
            new_start = start + m.span.text.index(" ") + 1  # "M. Massigli": Monsieur, not an initial
        if m.kind == "person" and re.search(r"\s[A-Z]\.$", m.span.text) and (nxt := _mention_at(mentions, end + 1)):
            if nxt[1].kind == "person" and text[end : nxt[0][0]] == " ":
                del mentions[nxt[0]]
                new_end = nxt[0][1]
        if m.kind in ("place", "country") and (w := evidence.place_parts.match(after)):
            new_end = end + w.end()
        elif not m.gazetteer_id and (w := re.match(r"-(?:" + "|".join(s.lstrip("-") for s in evidence.suffixes["place"]) + r")\b", after, re.I)):
            new_end, kind = end + w.end(), "place"  # "Yonsu" + "-dong", "Koje" + "-do": a Korean place
        if m.kind == "place" and re.match(r"\s+(?:government|govt)\b", after, re.I):
            new_end, kind = end + re.match(r"\s+(?:government|govt)\b", after, re.I).end(), "organization"
            m = replace(m, gazetteer_id=None)  # "Nanjing government": a body, not the city
        if m.kind in ("country",) and re.fullmatch(r"[A-Z.]{2,6}", m.span.text) and re.match(r"\s+[a-z]", after):
            following = after.split()[0].lower() if after.split() else ""
            if following in rules.force_nouns:
                adjective = True
        if (new_start, new_end) != (start, end) or kind != m.kind or adjective != m.adjective:
            del mentions[(start, end)]
            if not overlaps(mentions, new_start, new_end):
                span = TextSpan(doc_key, new_start, new_end, text[new_start:new_end])
                mentions[(new_start, new_end)] = replace(m, span=span, kind=kind, adjective=adjective)
        elif re.search(r"-| and ", m.span.text) and not m.gazetteer_id:
            split_places(text, doc_key, m, evidence, mentions)


_NUMBERED = re.compile(r"(?:\d|[IVX]+\b|(?i:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|twentieth|thirtieth|fortieth|fiftieth|sixtieth))")


def split_leading_words(text: str, doc_key: str, rules: RuleSet, mentions: dict[tuple[int, int], Mention]) -> None:
    """Words that open a mention but are not of its name:

    - a known force before one of its numbered formations is a mention of its own ("CCF 67TH
      ARMY" is the CCF and its 67th Army; a country's abbreviation stays: "ROK 6th Division");
    - a month after a day number is the date's ("13 JUL CCF LAUNCHED"): the rest is the name;
    - a verb of instruction that opens a sentence is the instruction's ("Nominate Modzelewski.",
      `imperatives` of name_evidence.json)."""
    for (start, end), m in sorted(mentions.items()):
        if m.gazetteer_id or " " not in m.span.text:
            continue
        first, rest = m.span.text.split(None, 1)
        offset = start + m.span.text.index(rest, len(first))
        force = rules.alias_index.get(normalise_name(first))
        if m.kind == "unit" and force and rules.by_id[force].kind == "unit" and _NUMBERED.match(rest):
            del mentions[(start, end)]
            mentions[(start, start + len(first))] = Mention(TextSpan(doc_key, start, start + len(first), first), "unit", force, None, weight=m.weight)
            mentions[(offset, end)] = replace(m, span=TextSpan(doc_key, offset, end, rest))
        elif first.lower() in rules.evidence.imperatives and re.search(r"(?:^|[.:;]\s+|\d\)\s+)$", text[max(0, start - 4) : start]) and rest[:1].isupper():
            del mentions[(start, end)]
            known = rules.alias_index.get(normalise_name(rest))
            mentions[(offset, end)] = replace(m, span=TextSpan(doc_key, offset, end, rest), gazetteer_id=known, kind=rules.by_id[known].kind if known else m.kind)
        elif first.lower().rstrip(".") in rules.dates.months and re.search(r"\d{1,2}\s+$", text[max(0, start - 4) : start]):
            del mentions[(start, end)]
            known = rules.alias_index.get(normalise_name(rest))
            kind = rules.by_id[known].kind if known else m.kind
            mentions[(offset, end)] = replace(m, span=TextSpan(doc_key, offset, end, rest), gazetteer_id=known, kind=kind, gloss=gloss_after(text, end))


def drop_office_titles(text: str, lines, rules: RuleSet, mentions: dict[tuple[int, int], Mention]) -> None:
    """The words of an office's title the office table knows are the title's ("The Commander in
    Chief, Far East (Ridgway)": no mention of the Far East), in a sender's or recipient's field;
    the place where the office sits after its title ("CINCUNC TOKYO JAPAN") is a place."""
    aliases = rules.office_aliases
    for line in lines:
        for f in line.fields:
            if f.name not in ("sender_office", "recipient_office"):
                continue
            field = text[f.start : f.end]
            lead = re.match(r"\s*(?:the\s+)?", field, re.I).end()
            words = list(re.finditer(r"\S+", field[lead:]))
            title_end = next(
                (f.start + lead + words[cut - 1].end() for cut in range(len(words), 0, -1)
                 if " ".join(w.group() for w in words[:cut]).strip(" ,.").lower() in aliases),
                None,
            )
            if title_end is None:
                continue
            title_start = f.start + lead
            for key in [k for k, m in mentions.items() if title_start <= k[0] and k[1] <= title_end and m.kind != "person" and (k[0], k[1]) != (title_start, title_end)]:
                del mentions[key]  # a name for the whole title ("Joint Chiefs of Staff") is the body that holds it


def drop_office_words(text: str, doc_key: str, rules: RuleSet, mentions: dict[tuple[int, int], Mention]) -> None:
    """An office's name before the place where it sits ("CINCUNC TOKYO", "SecState Washington") is
    the office's, which is no entity (offices.jsonl): the mention is the place."""
    aliases = rules.office_aliases
    for (start, end), m in sorted(mentions.items()):
        if m.gazetteer_id or " " not in m.span.text:
            continue
        words = m.span.text.split()
        for cut in range(len(words) - 1, 0, -1):
            if " ".join(words[:cut]).lower() in aliases:
                rest = " ".join(words[cut:])
                offset = start + m.span.text.index(words[cut], len(" ".join(words[:cut])))
                known = rules.alias_index.get(normalise_name(rest))
                place = rules.evidence.places.lookup(rest) if not known else None
                if (known and rules.by_id[known].kind in ("place", "country")) or place:
                    del mentions[(start, end)]
                    kind = rules.by_id[known].kind if known else ("country" if place.country else "place")
                    mentions[(offset, end)] = Mention(TextSpan(doc_key, offset, end, text[offset:end]), kind, known, gloss_after(text, end), weight=1)
                break


_CAPITALISED = re.compile(r"(?<![\w'’-])[A-Z][a-z'’]{2,}(?:[ \t]+[A-Z][a-z'’]{2,})?(?![\w-])")
KNOWN_CITY = 50_000  # a known city at least this large that no mention names is named anyway
GREAT_CITY = 1_000_000  # ... and one this large even when its name is a common word


def add_known_places(text: str, doc_key: str, rules: RuleSet, mentions: dict[tuple[int, int], Mention]) -> None:
    """Cities and countries the world knows that the model missed ("Chita", "Chungking",
    "Antung"): a capitalised name the place index holds, not a common word unless a great city;
    and names with a place's hyphened ending ("Tsou-hsien", "Nonso-dong")."""
    from wordfreq import zipf_frequency

    places = rules.evidence.places
    hyphened = tuple(s for s in rules.evidence.suffixes["place"] if s.startswith("-"))
    for m in re.finditer(r"(?<![\w'’-])[A-Z][\w'’]+(?:-[a-z'’]+)+(?![\w'’-])", text):  # "Tsou-hsien", "Nonso-dong": a place by its ending
        if m.group().lower().endswith(hyphened) and not overlaps(mentions, *m.span()):
            mentions[m.span()] = Mention(TextSpan(doc_key, m.start(), m.end(), m.group()), "place", None, gloss_after(text, m.end()), weight=1)
    for m in _CAPITALISED.finditer(text):
        start, end = m.span()
        if overlaps(mentions, start, end):
            continue
        name = m.group()
        place = places.lookup(name)
        if not place:
            continue
        common = zipf_frequency(name.lower(), "en") >= 3.5
        if place.country or place.population >= GREAT_CITY or (not common and place.population >= KNOWN_CITY):
            if re.search(r"(?:" + "|".join(re.escape(t) for t in ("Mr.", "Gen.", "General", "Comrade", "Cde.", "Mrs.", "Dr.")) + r")\s+$", text[max(0, start - 12) : start]):
                continue  # "General Clark": a person
            kind = "country" if place.country else "place"
            mentions[(start, end)] = Mention(TextSpan(doc_key, start, end, name), kind, None, gloss_after(text, end), weight=1)


def subjects_of_file_numbers(text: str, doc_key: str, lines, rules: RuleSet, mentions: dict[tuple[int, int], Mention]) -> None:
    """A file number's subject in parentheses, a country or place the world knows ("740.00119
    Control (Germany)/8-2448"), is a mention of it; the rest of the number is none (`furniture`)."""
    for line in lines:
        for f in line.fields:
            if f.name != "number":
                continue
            for hit in re.finditer(r"\(([A-Z][\w'’ .-]{1,40}?)\)", text[f.start : f.end]):
                start, end = f.start + hit.start(1), f.start + hit.end(1)
                place = rules.evidence.places.lookup(hit.group(1))
                known = rules.alias_index.get(normalise_name(hit.group(1)))
                kind = rules.by_id[known].kind if known else ("country" if place and place.country else "place" if place else None)
                if kind not in ("country", "place"):
                    continue
                for key in [k for k in mentions if k[0] < end and start < k[1]]:
                    del mentions[key]  # the model's name over the whole number ("740.00119 Control (Germany)/8")
                mentions[(start, end)] = Mention(TextSpan(doc_key, start, end, hit.group(1)), kind, known, None, weight=1)


def extend_to_known_places(text: str, doc_key: str, rules: RuleSet, mentions: dict[tuple[int, int], Mention]) -> None:
    """A one-word name the model cut from a two-word place the world knows ("SAN" of "SAN DIEGO")
    is the place."""
    for (start, end), m in sorted(mentions.items()):
        if m.gazetteer_id or " " in m.span.text or (start, end) not in mentions:
            continue
        nxt = re.match(r"[ \t]+([A-Z][A-Za-z'’]+)(?![\w-])", text[end : end + 40])
        if not nxt or overlaps(mentions, end + nxt.start(1), end + nxt.end(1)):
            continue
        place = rules.evidence.places.lookup(f"{m.span.text} {nxt.group(1)}")
        if place and place.population >= KNOWN_CITY:
            new_end = end + nxt.end(1)
            del mentions[(start, end)]
            mentions[(start, new_end)] = replace(m, span=TextSpan(doc_key, start, new_end, text[start:new_end]), kind="country" if place.country else "place")


_SURNAME_FIRST = re.compile(r"(?<![\w'’-])([A-Z]{2,}(?:-[A-Z]{2,})?) ([A-Z][a-z]{2,})(?![\w'’-])")


def add_surname_first_lists(text: str, doc_key: str, mentions: dict[tuple[int, int], Mention]) -> None:
    """A list of names written surname first, the surname in capitals ("DOIHARA Kenji, HIROTA Koki,
    TOJO Hideki", as Japanese names are in occupation papers): each is one person, whatever the
    model made of the halves. Two or more in a row, separated by commas, and every given name a
    word English does not use."""
    from wordfreq import zipf_frequency

    for line in re.finditer(r"[^\n]+", text):
        hits = list(_SURNAME_FIRST.finditer(line.group()))
        if len(hits) < 2 or any(zipf_frequency(h.group(2).lower(), "en") >= 3.5 for h in hits):
            continue
        if any(not re.fullmatch(r",\s*(?:and\s+)?", line.group()[a.end() : b.start()]) for a, b in zip(hits, hits[1:])):
            continue
        for h in hits:
            start, end = line.start() + h.start(), line.start() + h.end()
            for key in [k for k in mentions if k[0] < end and start < k[1]]:
                del mentions[key]
            mentions[(start, end)] = Mention(TextSpan(doc_key, start, end, h.group()), "person", None, None, weight=2)


def keep_within_fields(text: str, doc_key: str, lines, mentions: dict[tuple[int, int], Mention]) -> None:
    """A name does not run from one field of a header line into the next ("FOREIGN OFFICE TO
    WASHINGTON" is the sender's office and the recipient's)."""
    for line in lines:
        if len(line.fields) < 2:
            continue
        for (start, end), m in list(mentions.items()):
            if not (line.start <= start < line.end) or m.gazetteer_id:
                continue
            field = next((f for f in line.fields if f.start <= start < f.end), None)
            if field and end > field.end:
                new_end = field.start + len(text[field.start : field.end].rstrip())
                del mentions[(start, end)]
                if new_end > start:
                    mentions[(start, new_end)] = replace(m, span=TextSpan(doc_key, start, new_end, text[start:new_end]))


def _mention_at(mentions, start: int):
    return next(((k, v) for k, v in mentions.items() if k[0] == start), None)


def split_places(text: str, doc_key: str, m: Mention, evidence, mentions) -> None:
    """Two places joined by a hyphen, one of them known ("Kaesong-Bunsan"), or by "and", both
    known ("Masan and Taegu"), are two places."""
    parts = re.fullmatch(r"([A-Z][\w'’-]{3,}?)(-| and | [-–—] )([A-Z][\w'’-]{3,})", m.span.text)
    if not parts:
        return
    known = [bool(evidence.places.lookup(parts[i])) or parts[i].lower().endswith(evidence.suffixes["place"]) for i in (1, 3)]
    if not (any(known) if parts[2] == "-" else all(known)):
        return
    del mentions[(m.span.start, m.span.end)]
    for i in (1, 3):
        s, e = m.span.start + parts.start(i), m.span.start + parts.end(i)
        mentions[(s, e)] = replace(m, span=TextSpan(doc_key, s, e, text[s:e]), kind="place", gazetteer_id=None, gloss=gloss_after(text, e))


PERSON_FIELDS = {("signature", "sender"), ("clerk", "clerk")}
NAME_FIELDS = {"sender", "recipient", "clerk", "author", "copy_recipient", "participant"}
PLACE_FIELDS = {"origin", "place"}
OFFICE_FIELDS = {"sender_office", "recipient_office"}
_FIELD_NAME = re.compile(r"(?:[A-Z][\w'’\-]*\.?|[A-Z]\.)(?:[ \t]+(?:[A-Z][\w'’\-]*\.?|[A-Z]\.)){0,3}")


def add_field_names(text: str, doc_key: str, lines, rules: RuleSet, mentions: dict[tuple[int, int], Mention]) -> None:
    """A name the layout says is there (a signature, a "To X" line, a clerk) but the model missed:
    each run of capitalised words in such a field with no mention in it is a person ("KOVALEV",
    "/signature/ KALASHNIKOV", "Kovalev to Filippov")."""
    for line in lines:
        for f in line.fields:
            if f.name in OFFICE_FIELDS and not overlaps(mentions, f.start, f.end):
                name = re.sub(r"^(?:the|The|THE)\s+", "", text[f.start : f.end].strip())
                if rules.evidence.inside["organization"].search(name) and not is_office(name, rules.evidence):
                    s = f.start + text[f.start : f.end].index(name)  # "The British Embassy to ...": a body that sends
                    mentions[(s, s + len(name))] = Mention(TextSpan(doc_key, s, s + len(name), name), "organization", None, None, weight=STRONG)
                continue
            if f.name in PLACE_FIELDS and not overlaps(mentions, f.start, f.end):
                name = text[f.start : f.end].strip(" []")
                place = rules.evidence.places.lookup(name) if name else None
                if place:
                    s = f.start + text[f.start : f.end].index(name)
                    mentions[(s, s + len(name))] = Mention(TextSpan(doc_key, s, s + len(name), name), "country" if place.country else "place", None, None, weight=STRONG)
                continue
            if f.name not in NAME_FIELDS:
                continue
            for m in _FIELD_NAME.finditer(text, f.start, f.end):
                start, end = m.span()
                name = m.group()
                words = [w.rstrip(".").lower() for w in name.split()]
                while words and words[0] in rules.titles:  # "Cde. KOVALEV": the title is not the name
                    start = text.index(name.split()[len(name.split()) - len(words) + 1], start) if len(words) > 1 else end
                    words = words[1:]
                if not words or start >= end or overlaps(mentions, start, end):
                    continue
                if all(w in rules.layout.genre_words or w in rules.layout_words or len(w) < 2 for w in words) or is_office(text[start:end], rules.evidence):
                    continue
                span = TextSpan(doc_key, start, end, text[start:end])
                mentions[(start, end)] = Mention(span, "person", None, gloss_after(text, end), weight=STRONG if line.kind in ("signature", "clerk") else 1)
TYPED_KINDS = ("person", "organization", "unit", "country", "place")


def typed(text: str, mention: Mention, lines, rules: RuleSet) -> Mention:
    """A mention the gazetteer does not know, typed by the evidence around it (evidence.py)."""
    span = mention.span
    before = re.search(r"([A-Za-z][\w.]*)\s+$", text[max(0, span.start - 30) : span.start])
    word = before.group(1).casefold().rstrip(".") if before else None
    title = word if word in rules.titles else None
    if mention.gazetteer_id or mention.kind not in TYPED_KINDS:
        return replace(mention, title=title)
    person_field = any(
        (line.kind, f.name) in PERSON_FIELDS and f.start <= span.start and span.end <= f.end
        for line in lines
        if line.start <= span.start <= line.end
        for f in line.fields
    )
    kind, weight = judge(text, span.start, span.end, mention.kind, rules.evidence, person_field)
    if weight == 0 and kind == "place" and re.fullmatch(r"[A-Z][a-z'’-]+", span.text) and rules.surname_counts.get(span.text.lower()) \
            and not rules.evidence.places.lookup(span.text):
        kind, weight = "person", 1  # "Dulles means to": the surname of people of the period, and no place the world knows
    return replace(mention, kind=kind, weight=weight, title=title)


DETERMINERS = frozenset("no any some these those every each my our your their".split())  # not "All-Union ...", "His Majesty's Government"


def furniture(text: str, mention: Mention, lines, rules: RuleSet) -> bool:
    """A name the layout says is no entity: in a line of marks or file numbers, outside the
    fields of a line that names only in its fields, or made only of layout and genre words."""
    span = mention.span
    words = re.findall(r"[^\W\d_]+", span.text.lower())
    if words and all(w in rules.layout.genre_words or w in rules.layout_words for w in words) and not mention.gazetteer_id:
        return True
    if words and words[0] in rules.layout.citation_words:
        return True  # "Deptel 284 of February 3": a cited telegram, not a body
    if not mention.gazetteer_id and words and all(w.endswith("ism") for w in words):
        return True  # "Marxism-Leninism": a doctrine
    if not mention.gazetteer_id and is_office(span.text, rules.evidence) and (mention.kind in ("person", "organization") or " " not in span.text.strip()):
        return span.text.strip().casefold().rstrip(".") not in rules.titles  # a bare title may stand for a person named with it
    if not mention.gazetteer_id and not rules.evidence.inside["organization"].search(span.text) and re.search(r"\b(?:" + "|".join(("director", "secretary", "minister", "commissar", "chief", "commander")) + r")\s+(?:of|for)\s+(?:the\s+)?$", text[max(0, span.start - 40) : span.start], re.I):
        return True  # "Director of Central Intelligence", "Secretary of State for External Affairs": part of an office's title
    if not mention.gazetteer_id and mention.kind in ("organization", "place", "unit") and is_common_word(span.text, rules.evidence):
        if not rules.evidence.places.lookup(span.text) or span.text.lower() in rules.months:
            return True  # "Government", "Command", "Island": a common word, not a name
    if not mention.gazetteer_id and span.text.strip().lower() in rules.months:
        return True
    if not mention.gazetteer_id and re.match(r"(?:of|for|and|or|to|in|on|at|by|with|from)\s", span.text):
        return True  # "of Foreign Affairs": the tail of a title the model cut ("the Minister of Foreign Affairs")
    if not mention.gazetteer_id and re.fullmatch(r"[A-Z]{1,4}-\d{1,3}[A-Z]?(?:-\d+)?", span.text.strip()):
        return True  # "GAZ-51", "TU-2", "T-34-85": a type of lorry, aircraft or tank
    if re.search(r"(?i)\btranslated\s+from\s+(?:the\s+)?$", text[max(0, span.start - 30) : span.start]):
        return True  # "Translated from the Chinese": a language
    if not mention.gazetteer_id and re.match(r"[a-z]\.\s", span.text) and (is_common_word(span.text[3:].strip(), rules.evidence) or rules.evidence.places.lookup(span.text[3:].strip()) is None):
        return True  # "b. Center", "c. East": a sub-paragraph's letter and a word, no name
    if not mention.gazetteer_id and len(span.text.split()) > 1 and span.text.split()[0].lower() in DETERMINERS:
        return True  # "NO ADDITIONAL ARMY DIVS": a noun phrase of a line in capitals, no name
    if not mention.gazetteer_id and rules.figures and " " not in span.text.strip() and span.text.strip().lower() in rules.figures.items:
        return True  # "FTRS", "DIVS": what a figure counts
    for line in lines:
        if line.start <= span.start < line.end + 1:
            if line.entities == "none":
                return True
            if line.entities == "fields":
                return not any(f.start <= span.start and span.end <= f.end for f in line.fields)
            numbers = [f for f in line.fields if f.name == "number" and f.start < span.end and span.start < f.end]
            return bool(numbers) and text[span.start - 1 : span.start] != "("  # "740.00119 Control (Germany)/8-2448": the file number is no name, its country is
    return False


def adjectives_by_parse(doc: Doc, mentions: dict[tuple[int, int], Mention], rules: RuleSet) -> None:
    """A country's abbreviation modifying a noun ("U.S. policy", "ROK security units", and in a
    title or a line of capitals "U.S. Policy", "U.S. OFFICIALS") is an adjective, not a name of
    the country; "U.S. Government" names the state itself."""
    from wordfreq import zipf_frequency

    starts = {s for s, _ in mentions}
    for (start, end), m in list(mentions.items()):
        if m.kind != "country" or m.adjective or not re.fullmatch(r"[A-Z.]{2,6}", m.span.text):
            continue
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None or span.end >= len(doc):
            continue
        following = doc[span.end]
        if following.text[:1].islower():
            noun = following.pos_ == "NOUN" or (following.pos_ == "ADJ" and span.end + 1 < len(doc) and doc[span.end + 1].pos_ == "NOUN")
        else:  # capitalised: a common noun of English, not a name, not the state's own government
            noun = (
                following.pos_ in ("NOUN", "PROPN")
                and following.idx not in starts
                and following.lower_ not in rules.evidence.government
                and zipf_frequency(following.lower_, "en") >= 3.5
            )
        if noun:
            mentions[(start, end)] = replace(m, adjective=True)


_LETTER_SPACED = re.compile(r"(?<![\w])[A-Za-z](?: [A-Za-z]){2,}(?:  +[A-Za-z](?: [A-Za-z])+)*(?![\w])")


def add_letter_spaced(text: str, doc_key: str, rules: RuleSet, mentions: dict[tuple[int, int], Mention]) -> None:
    """A known name typed with its letters spaced out ("S T A L I N", "M A O  Z E D O N G")."""
    for match in _LETTER_SPACED.finditer(text):
        words = ["".join(w.split(" ")) for w in re.split(r"  +", match.group())]
        entry_id = rules.alias_index.get(normalise_name(" ".join(words)))
        start, end = match.span()
        if entry_id and not overlaps(mentions, start, end):
            mentions[(start, end)] = Mention(TextSpan(doc_key, start, end, match.group()), rules.by_id[entry_id].kind, entry_id)


_BEFORE_GLOSS = re.compile(r"(?P<name>[A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*){0,2}) ?\[$")


def add_glossed_names(text: str, doc_key: str, mentions: dict[tuple[int, int], Mention]) -> None:
    """A capitalised name right before a bracketed name ("KOLYA [KIM CHAEK]") is another name of it."""
    for (start, end), inner in list(mentions.items()):
        opening = text.rfind("[", max(0, start - 2), start + 1)
        if opening < 0 or text.find("]", end, end + 2) < 0:
            continue
        match = _BEFORE_GLOSS.search(text, max(0, opening - 60), opening + 1)
        if not match:
            continue
        s, e = match.span("name")
        if overlaps(mentions, s, e):
            continue
        mentions[(s, e)] = Mention(TextSpan(doc_key, s, e, text[s:e]), inner.kind, None, inner.span.text)


def gloss_inner_names(text: str, mentions: dict[tuple[int, int], Mention]) -> None:
    """A name inside the brackets that gloss another ("URUMCHI [Translator's note: Dihua,
    today's Urumqi]") is another name of the glossed one; a bracket holding nothing but a name
    the model typed otherwise ("Ch'ŏngch'ŏn [Cheongcheon]") is of the glossed one's kind."""
    for (start, end), m in list(mentions.items()):
        bracket = _GLOSS.match(text, end)
        if not bracket:
            continue
        for key in [k for k in mentions if bracket.start(1) <= k[0] and k[1] <= bracket.end(1)]:
            inner = mentions[key]
            whole = text[bracket.start(1) : bracket.end(1)].strip() == inner.span.text
            if inner.gloss is None and inner.kind == m.kind:
                mentions[key] = replace(inner, gloss=m.span.text)
            elif inner.gloss is None and whole and inner.weight == 0 and not inner.gazetteer_id and m.kind in ("place", "person"):
                mentions[key] = replace(inner, gloss=m.span.text, kind=m.kind)  # "Ch'ŏngch'ŏn [Cheongcheon]": the gloss is what it glosses


SMALL_WORDS = frozenset("a an and at by for from in into of on or the to with".split())


def is_title(name: str) -> bool:
    """Most words capitalised, small words aside: 'Beijing and the Korean Crisis' is a title."""
    words = [w for w in re.findall(r"[A-Za-z][\w'’-]*", name) if w.lower() not in SMALL_WORDS]
    return bool(words) and sum(w[0].isupper() for w in words) >= 0.75 * len(words)


def gloss_after(text: str, end: int) -> str | None:
    match = _GLOSS.match(text, end)
    return match.group(1).strip() if match else None


def overlaps(mentions: dict[tuple[int, int], Mention], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in mentions)
