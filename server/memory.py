"""What the server keeps for the build it serves: the front's answers (`front.AnswerCache`:
query results and pages, the only cache of either).

Values are kept for one build at a time: the first look with another build's name drops the
rest (nothing made from an old build can be served again), and a value made from a build
that is no longer the one served is not kept. Within a build the least recently used go
first once there are more than `max_entries` values or more than `max_bytes`; a value over
`max_entry_bytes` is never kept. Thread-safe: the lock is held only to read or change the table.
"""

from __future__ import annotations

import threading
from collections import OrderedDict


class BuildMemory:
    def __init__(self, max_entries: int | None, max_bytes: int, max_entry_bytes: int):
        self.max_entries, self.max_bytes, self.max_entry_bytes = max_entries, max_bytes, max_entry_bytes
        self._entries: OrderedDict[tuple, tuple[object, int]] = OrderedDict()
        self._bytes = 0
        self._build: str | None = None
        self._lock = threading.Lock()
        self.hits = 0

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def get(self, build: str, key: tuple):
        """The value kept for `key` in `build`, or None; looking with a new build's name drops the old."""
        with self._lock:
            if build != self._build:
                self._entries.clear()
                self._bytes, self._build = 0, build
            kept = self._entries.get(key)
            if kept is None:
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return kept[0]

    def put(self, build: str, key: tuple, value, size: int) -> None:
        if size > self.max_entry_bytes or self.max_entries is not None and self.max_entries <= 0:
            return
        with self._lock:
            if build != self._build:
                return  # made from a build that is no longer served
            old = self._entries.pop(key, None)
            self._bytes += size - (old[1] if old else 0)
            self._entries[key] = (value, size)
            while self._entries and (self._bytes > self.max_bytes or self.max_entries is not None and len(self._entries) > self.max_entries):
                _, (_, dropped) = self._entries.popitem(last=False)
                self._bytes -= dropped
