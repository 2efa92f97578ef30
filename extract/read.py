"""The read stage: the only stage that touches input files.

`read_sources(paths)` finds every `.txt` file under the given files and folders, decodes it
as UTF-8 (with or without a byte-order mark) and returns the good ones as `SourceText` and
the bad ones as `ReadProblem`s with a reason a person can act on. A bad file never stops
the others from being read.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from archivekg.extract.iris import slugify
from archivekg.extract.model import ReadProblem, SourceText

# A larger file is refused, so memory stays bounded: the pipeline holds a whole document's
# analysis at once (measured: a 1 MB text takes ~2 min and ~2.6 GB; a 20 MB one would not
# fit in memory). Archival documents are a few KB; a longer text should be split.
MAX_BYTES = 1_000_000


def find_text_files(paths: Iterable[Path]) -> tuple[list[Path], list[ReadProblem]]:
    """Every `.txt` file under `paths` (files given directly are taken whatever their suffix)."""
    found: list[Path] = []
    problems: list[ReadProblem] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            found.extend(p for p in sorted(path.rglob("*.txt")))
        elif path.exists():
            found.append(path)
        else:
            problems.append(ReadProblem(str(path), "no such file or folder"))
    return found, problems


def decode(data: bytes) -> str:
    """UTF-8 text with a byte-order mark removed; raises ValueError with the reason."""
    if not data.strip():
        raise ValueError("empty file: nothing to extract")
    if b"\x00" in data:
        raise ValueError("binary file (it contains NUL bytes): give a plain-text .txt file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ValueError(
            f"not UTF-8 (byte 0x{data[err.start]:02x} at offset {err.start}): convert it, e.g. `iconv -f latin1 -t utf-8`"
        ) from None
    if not text.strip():
        raise ValueError("empty file: only white space")
    return text


def read_sources(paths: Iterable[Path]) -> tuple[list[SourceText], list[ReadProblem]]:
    files, problems = find_text_files(paths)
    sources: list[SourceText] = []
    used_keys: set[str] = set()
    for path in files:
        try:
            data = read_regular_file(path)
            text = decode(data)
        except OSError as err:
            problems.append(ReadProblem(str(path), f"unreadable: {err.strerror or err}"))
            continue
        except ValueError as err:
            problems.append(ReadProblem(str(path), str(err)))
            continue
        digest = hashlib.sha256(data).hexdigest()
        key = unique_key(slugify(path.stem), digest, used_keys)
        sources.append(SourceText(key=key, path=str(path), text=text, sha256=digest))
    return sources, problems


def read_regular_file(path: Path, limit: int = MAX_BYTES) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; ValueError for anything else.

    The file is opened without blocking (a FIFO named x.txt would otherwise wait forever for a
    writer), its type is checked on the open descriptor (no race with a rename), and at most
    `limit` + 1 bytes are read whatever its size says (a link to /dev/zero, a file still growing).
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    with os.fdopen(fd, "rb") as file:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise ValueError("is a folder, not a file")
        if not stat.S_ISREG(mode):
            kind = "a FIFO" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else "a device"
            raise ValueError(f"not a regular file ({kind}): give a plain-text .txt file")
        data = file.read(limit + 1)
        if len(data) > limit:
            size = max(os.fstat(fd).st_size, len(data))
            raise ValueError(f"too large ({size:,} bytes, at most {limit:,} per document): split it into smaller files")
    return data


def unique_key(slug: str, digest: str, used: set[str]) -> str:
    """The file's slug, or the slug and a piece of its hash when two files share a name."""
    key, n = (slug if slug not in used else f"{slug}-{digest[:8]}"), 2
    while key in used:  # the same bytes under the same name twice
        key, n = f"{slug}-{digest[:8]}-{n}", n + 1
    used.add(key)
    return key
