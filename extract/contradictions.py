"""Where two sources disagree: claims that cannot both hold.

Two claims contradict each other when
- they state the same proposition (same agent and action, destinations equal or one unknown),
- with opposite polarity,
- both are positions (decided, ordered, requested, proposed, planned), not assessments or reports,
- and they are stated in two different texts that present themselves as the SAME message:
  a sender in common, the same day sent (or written), and recipients in common where both
  texts name any (the published version of a telegram often names none).

Different days are a change of position over time, not a contradiction. Each contradiction
gets a node that says why: the two sources, the message they share, the opposing quotes.
"""

from __future__ import annotations

from dataclasses import dataclass

from archivekg.extract.model import Claim, Contradiction, DateValue, DocumentExtraction, Entity

POSITIONS = {"decided", "ordered", "requested", "proposed", "planned"}
MESSAGE_KINDS = {"telegram", "letter", "message"}


@dataclass(frozen=True)
class Presentation:
    """What a text presents itself as: who sent it to whom, when."""

    key: str
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
                f"the {'message' if part.kind == 'message' else part.kind} quoted in {where}",
                frozenset(part.author_keys),
                frozenset(part.recipient_keys),
                day_of(part.date_sent),
                part.kind == "message",
            )
    return found


def opposed(a: Claim, b: Claim) -> bool:
    if a.polarity == b.polarity or not a.proposition or not b.proposition:
        return False
    if a.modality not in POSITIONS or b.modality not in POSITIONS:
        return False
    agent_a, action_a, target_a = a.proposition.split("|")
    agent_b, action_b, target_b = b.proposition.split("|")
    return agent_a == agent_b and action_a == action_b and (target_a == target_b or not target_a or not target_b)


def find_contradictions(documents: list[DocumentExtraction], entities: dict[str, Entity] | None = None) -> list[Contradiction]:
    entities = entities or {}
    where = presentations(documents)
    claims = sorted((c for d in documents for c in d.claims), key=lambda c: c.key)
    found = []
    for i, a in enumerate(claims):
        for b in claims[i + 1 :]:
            pa, pb = where.get(a.stated_in), where.get(b.stated_in)
            if pa and pb and opposed(a, b) and pa.same_message(pb):
                shared = pb if pb.is_message and not pa.is_message else pa
                found.append(Contradiction(f"{a.key}--{b.key}", (a.key, b.key), explain(a, b, pa, pb, entities), shared.key))
    return found


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
