"""Where two sources disagree: claims that cannot both hold.

Two claims contradict each other when they state the same proposition (the same agent and action;
for troop movements destinations equal or one unknown, otherwise the same object), with opposite
polarity, both taking a position (decided, ordered, requested, proposed, planned), not assessing or
reporting, about the same moment, and
- they are stated in two texts that present themselves as the SAME message (a sender in common, the
  same day, recipients in common where both name any: two versions of one telegram); or
- they are stated in two different documents: two sources give the same party's position on the
  same decision both ways ("the Soviet Government had agreed to the exchange" / "had not agreed").

Claims within one document (a change of position inside one message), on different days, or about
different moments ("refrain now" vs "employ them next year") are a change of position over time, not
a contradiction. Each contradiction gets a node that says why: the two sources, the message they
share where there is one, the opposing quotes.
"""

from __future__ import annotations

from dataclasses import dataclass

from archivekg.extract.model import MESSAGE_KINDS, Claim, Contradiction, DateValue, DocumentExtraction, Entity

POSITIONS = {"decided", "ordered", "requested", "proposed", "planned"}


@dataclass(frozen=True)
class Presentation:
    """What a text presents itself as: who sent it to whom, when."""

    key: str
    document: str  # the document the text is, or is part of
    name: str
    senders: frozenset[str]
    recipients: frozenset[str]
    day: str | None
    is_message: bool

    def same_message(self, other: Presentation) -> bool:
        if self.key == other.key or not self.day or self.day != other.day:
            return False
        if not self.senders & other.senders:
            return False
        return not (self.recipients and other.recipients) or bool(self.recipients & other.recipients)


def day_of(date: DateValue | None) -> str | None:
    return date.value[:10] if date and date.value and date.datatype in ("date", "dateTime") else None


def presentations(documents: list[DocumentExtraction]) -> dict[str, Presentation]:
    found = {}
    for extraction in documents:
        record = extraction.record
        found[record.key] = Presentation(
            record.key,
            record.key,
            f"“{record.title}”" if record.title else f"document {', '.join(record.identifiers) or record.key}",
            frozenset(record.author_keys + record.sender_keys),
            frozenset(record.recipient_keys),
            day_of(record.date_sent or record.date_created),
            record.kind in MESSAGE_KINDS,
        )
        for part in record.parts:
            where = f"document {record.identifiers[0]}" if record.identifiers else found[record.key].name
            found[part.key] = Presentation(
                part.key,
                record.key,
                f"the {'message' if part.kind == 'message' else part.kind} quoted in {where}",
                frozenset(part.author_keys),
                frozenset(part.recipient_keys),
                day_of(part.date_sent),
                part.kind == "message",
            )
    return found


def position(claim: Claim) -> tuple[str, str, str] | None:
    """(agent, action, target) of a claim that takes a position, else None."""
    if not claim.proposition or claim.modality not in POSITIONS:
        return None
    agent, action, target = claim.proposition.split("|")
    return agent, action, target


def same_moment(a: Claim, b: Claim) -> bool:
    """Claims about different times (now vs "next year") are a change over time, not a dispute.

    ISO lexical forms nest by prefix: "1951" holds "1951-03", which holds "1951-03-02".
    """
    if not (a.date and a.date.value and b.date and b.date.value):
        return True
    x, y = a.date.value[:10], b.date.value[:10]
    return x.startswith(y) or y.startswith(x)


def opposed(a: Claim, b: Claim) -> bool:
    pa, pb = position(a), position(b)
    if pa is None or pb is None or a.polarity == b.polarity or pa[:2] != pb[:2]:
        return False
    if pa[2].startswith("to:") and pb[2].startswith("to:"):
        same_target = pa[2] == pb[2] or "to:" in (pa[2], pb[2])  # "send troops" and "send troops to Korea"
    else:
        same_target = pa[2] == pb[2] and pa[2] != "of:"  # "agreed to the exchange of prisoners", not any agreement
    return same_target and same_moment(a, b)


def find_contradictions(documents: list[DocumentExtraction], entities: dict[str, Entity] | None = None) -> list[Contradiction]:
    entities = entities or {}
    where = presentations(documents)
    # only claims about the same agent and action can contradict: compare within those groups
    groups: dict[tuple[str, str], list[Claim]] = {}
    for claim in sorted((c for d in documents for c in d.claims), key=lambda c: c.key):
        if (found_position := position(claim)) is not None and found_position[0]:
            groups.setdefault(found_position[:2], []).append(claim)
    found = []
    for claims in groups.values():
        for i, a in enumerate(claims):
            for b in claims[i + 1 :]:
                pa, pb = where.get(a.stated_in), where.get(b.stated_in)
                if not (pa and pb and opposed(a, b)):
                    continue
                if pa.same_message(pb):
                    shared = pb if pb.is_message and not pa.is_message else pa
                    found.append(Contradiction(f"{a.key}--{b.key}", (a.key, b.key), explain(a, b, pa, pb, entities), shared.key))
                elif pa.document != pb.document:
                    found.append(Contradiction(f"{a.key}--{b.key}", (a.key, b.key), explain_position(a, b, pa, pb, entities)))
    return sorted(found, key=lambda c: c.key)


def explain_position(a: Claim, b: Claim, pa: Presentation, pb: Presentation, entities: dict[str, Entity]) -> str:
    agent = a.proposition.split("|")[0]
    name = entities[agent].label if agent in entities else agent
    return (
        f"{pa.name} and {pb.name} give {name}'s position both ways: "
        f"the first says “{a.span.text}” ({a.polarity}), the second says “{b.span.text}” ({b.polarity})."
    )


def explain(a: Claim, b: Claim, pa: Presentation, pb: Presentation, entities: dict[str, Entity]) -> str:
    def names(keys: frozenset[str]) -> str:
        return " and ".join(sorted(entities[k].label if k in entities else k for k in keys)) or "an unnamed recipient"

    sender = names(pa.senders & pb.senders)
    recipients = names(pa.recipients | pb.recipients)
    return (
        f"{pa.name} and {pb.name} both present themselves as the message of {sender} to {recipients} "
        f"of {pa.day}, but they disagree: the first says “{a.span.text}” ({a.polarity}), "
        f"the second says “{b.span.text}” ({b.polarity})."
    )
