"""The build cache: what the per-document stages made, on disk, so a build only redoes what changed.

An entry is one file named by the sha256 of everything its value depends on (see `archivekg.
incremental` for the keys), so an entry is never stale: a changed input is another name.
The one exception is a stage-2 trace (kind "trace"): under the key of a document's inputs, the
records of what its extractions read of the entity table, newest first; a hint that names
entries, replaced as a whole, never trusted for content.
Entries are written to a temporary file and renamed into place (`os.replace`), so a build
killed at any moment leaves either the whole entry or none; an entry that cannot be read
(a disk error, a file edited by hand) is a miss, never an error. The cache lives beside the
store (`var/store.cache` for `--store var/store`) or where ARCHIVEKG_CACHE says;
`archivekg cache clear` empties it, `archivekg build --no-cache` neither reads nor keeps it.

Entries are pickles, read only from this folder: keep it as private as the store.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

MAGIC = b"archivekg-cache-1\n"  # a file that does not start with this is not an entry


def default_location(store: Path) -> Path:
    return store.parent / (store.name + ".cache")


def digest(*parts: str | bytes) -> str:
    """sha256 over the parts, each length-prefixed (so ("ab", "c") and ("a", "bc") differ)."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


@dataclass(frozen=True)
class CacheInfo:
    location: Path
    entries: int
    bytes: int


class Cache:
    """Content-addressed entries under `root/KIND/ab/KEY`."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def path(self, kind: str, key: str) -> Path:
        return self.root / kind / key[:2] / key

    def get(self, kind: str, key: str):
        """The value stored under `key`, or None if there is none (or it cannot be read)."""
        try:
            data = self.path(kind, key).read_bytes()
        except OSError:
            return None
        if not data.startswith(MAGIC):
            return None
        try:
            return pickle.loads(memoryview(data)[len(MAGIC) :])
        except Exception:  # noqa: BLE001 - a damaged entry is a miss, and is made again
            return None

    def put(self, kind: str, key: str, value) -> None:
        target = self.path(kind, key)
        target.parent.mkdir(parents=True, exist_ok=True)
        data = MAGIC + pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(data)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def info(self) -> CacheInfo:
        entries = size = 0
        if self.root.is_dir():
            for path in self.root.rglob("*"):
                if path.is_file() and not path.name.startswith("."):
                    entries += 1
                    size += path.stat().st_size
        return CacheInfo(self.root, entries, size)

    def clear(self) -> None:
        if self.root.is_symlink() or self.root.is_file():
            raise NotADirectoryError(f"{self.root} is not a cache folder: remove it yourself, or set ARCHIVEKG_CACHE elsewhere")
        shutil.rmtree(self.root, ignore_errors=True)


class TemporaryCache(Cache):
    """Where a `--no-cache` build keeps its analyses while it runs (removed when it ends). Its
    name ends in the builder's pid, like a build folder's, so a killed build's is pruned."""

    def __init__(self, beside: Path):
        root = Path(beside) / f".nocache-{time.monotonic_ns()}-{os.getpid()}"
        root.mkdir(parents=True)
        super().__init__(root)

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
