"""Where the Oxigraph store lives on disk, and how a new build replaces the old one safely.

`--store DIR` names a symbolic link to the current build, `DIR.builds/<id>/`. A build writes
a complete new store beside the old one and then swaps the link in one atomic rename, so a
failed or killed build leaves the previous store intact and servable, and a server reading
the old store keeps reading it until it reopens.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pyoxigraph as ox

KEEP_BUILDS = 2  # the current build and the one before it (readers may still have it open)


class StoreMissingError(FileNotFoundError):
    """No store at the path; the message says how to make one."""


def builds_dir(store: Path) -> Path:
    return store.parent / (store.name + ".builds")


def new_build_dir(store: Path) -> Path:
    directory = builds_dir(store) / f"{time.strftime('%Y%m%dT%H%M%S')}-{time.monotonic_ns()}-{os.getpid()}"
    directory.mkdir(parents=True)
    return directory


def exists(store: Path) -> bool:
    return store.exists() and (store / "CURRENT").exists() if store.is_dir() else False


def swap_in(store: Path, new_build: Path) -> None:
    """Point `store` at `new_build` atomically; old builds beyond KEEP_BUILDS are removed."""
    store.parent.mkdir(parents=True, exist_ok=True)
    complete_marker(new_build).touch()
    if store.exists() and not store.is_symlink():
        if not (store / "CURRENT").exists():
            raise StoreMissingError(f"{store} exists and is not an archivekg store: give another --store (nothing was changed)")
        # a store folder made by hand (or by an older version): keep it as a previous build
        previous = new_build.parent / f"{store.name}-previous-{time.monotonic_ns()}-{os.getpid()}"
        store.rename(previous)
        complete_marker(previous).touch()
    link = store.parent / f".{store.name}.swap-{os.getpid()}"
    if link.is_symlink():
        link.unlink()
    link.symlink_to(os.path.relpath(new_build, store.parent))
    os.replace(link, store)
    prune(store)


def complete_marker(build: Path) -> Path:
    """A file beside a build that says it was completed and swapped in."""
    return beside(build, ".complete")


def beside(build: Path, suffix: str) -> Path:
    """A file kept beside a build folder, about it (removed with it)."""
    return build.parent / (build.name + suffix)


def builder_alive(build: Path) -> bool:
    """Whether the process that is writing `build` (its name ends in the builder's pid) still runs."""
    try:
        os.kill(int(build.name.rsplit("-", 1)[-1]), 0)
    except (ValueError, OverflowError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True


def prune(store: Path) -> None:
    """Keep the current build and the newest complete ones before it; remove the rest, and
    builds left half-written by a killed build (never one a running build is writing)."""
    current = store.resolve()
    builds = sorted((p for p in builds_dir(store).iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime, reverse=True)
    kept = 0
    for build in builds:
        complete = complete_marker(build).exists()
        if build.resolve() == current or (complete and kept < KEEP_BUILDS):
            kept += 1
        elif complete or not builder_alive(build):
            shutil.rmtree(build, ignore_errors=True)
            for path in build.parent.glob(build.name + ".*"):
                path.unlink(missing_ok=True)


def open_read_only(store: Path) -> ox.Store:
    if not exists(store):
        raise StoreMissingError(f"no store at {store}: run `archivekg build` first (or give --store)")
    return ox.Store.read_only(str(store.resolve()))


def current_build_id(store: Path) -> str:
    """Names the build the store points at (changes with every swap): for ETags and reloads.
    Asked on every request, so the usual case (the store is our symlink) is one system call."""
    try:
        return os.path.basename(os.readlink(store))
    except OSError:  # a plain folder, not a symlink
        return store.resolve().name
