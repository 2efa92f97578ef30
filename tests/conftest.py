"""Shared fixtures: the real pipeline over seeds/ once per session, a store, the app, a client,
and a live server on a free port for tests that need real HTTP clients."""

from __future__ import annotations

import socket
from pathlib import Path

import pyoxigraph as ox
import pytest

from archivekg.build import build, load_pipeline
from archivekg.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def pipeline():
    """The spaCy pipeline with the rule layer, loaded once."""
    return load_pipeline(Settings())


@pytest.fixture(scope="session")
def settings(tmp_path_factory) -> Settings:
    return Settings.from_env({}, store=tmp_path_factory.mktemp("seeds") / "store", timeout=5.0)


@pytest.fixture(scope="session")
def built_store(settings, pipeline) -> Path:
    """The seeds graph, built once by the real pipeline into a real Oxigraph store."""
    report = build(settings, [SEEDS], pipeline)
    assert report.documents == 2 and not report.problems
    return settings.store


@pytest.fixture(scope="session")
def store(built_store) -> ox.Store:
    return ox.Store.read_only(str(built_store.resolve()))


@pytest.fixture(scope="session")
def ask(store):
    """ASK/SELECT over the union of all graphs, with the contract's prefixes."""
    from archivekg.extract.vocab import PREFIXES

    def run(query: str):
        return store.query(query, use_default_graph_as_union=True, prefixes=PREFIXES)

    return run


@pytest.fixture(scope="session")
def app(built_store, settings):
    from archivekg.server import create_app

    app = create_app(settings)
    app.config["TESTING"] = True
    return app


@pytest.fixture()
def client(app):
    return app.test_client()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(app, settings):
    """The app behind the production front (uvicorn, the answer cache) on a free localhost
    port: its base URL."""
    from archivekg.server.front import ServerThread, make_front

    with ServerThread(make_front(app, settings)) as url:
        yield url
