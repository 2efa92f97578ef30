"""Validation of a graph against `ontology/shapes.ttl` (SHACL). First version: no shapes yet."""

from __future__ import annotations

import pyoxigraph as ox


def check_store(store: ox.Store) -> None:
    """Raise ValidationError listing every violation; return quietly when the graph conforms."""
    return None


class ValidationError(ValueError):
    """The graph breaks the shapes; the message lists each violation in plain words."""
