"""The one object the views call to reach the data: `Storage.query()`.

It holds the store (reopened when a new build is swapped in), the query limits, and
turns every store error into a `QueryError` a view can show. Views never touch pyoxigraph
stores directly.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from flask import current_app

from archivekg import store as stores
from archivekg.extract.vocab import PREFIXES
from archivekg.settings import Settings


class QueryError(ValueError):
    """A query the store refused (syntax, or an evaluation error); the message says why."""


@dataclass
class Storage:
    path: Path
    settings: Settings

    def __post_init__(self):
        self._lock = threading.Lock()
        self._store = stores.open_read_only(self.path)
        self._build = stores.current_build_id(self.path)

    @classmethod
    def from_settings(cls, settings: Settings) -> "Storage":
        return cls(settings.store, settings)

    @property
    def build_id(self) -> str:
        return self._build

    def store(self) -> ox.Store:
        """The current store, reopened if a new build has been swapped in since."""
        build = stores.current_build_id(self.path)
        if build != self._build:
            with self._lock:
                if build != self._build:
                    self._store = stores.open_read_only(self.path)
                    self._build = build
        return self._store

    def query(self, text: str, **options):
        options.setdefault("use_default_graph_as_union", True)
        try:
            return self.store().query(text, **options)
        except SyntaxError as err:
            raise QueryError(str(err)) from None
        except OSError as err:
            raise QueryError(f"the query could not be evaluated: {err}") from None

    def prefixes(self) -> dict[str, str]:
        return dict(PREFIXES)


def get_storage() -> Storage:
    return current_app.extensions["archivekg.storage"]
