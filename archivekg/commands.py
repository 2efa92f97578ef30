"""What each CLI command does. Each returns the process exit status."""

from __future__ import annotations

import sys
from argparse import Namespace
from pathlib import Path
from urllib.parse import urlsplit

import pyoxigraph as ox

from archivekg import store as stores
from archivekg.settings import Settings

EXIT_OK, EXIT_PROBLEMS, EXIT_ERROR = 0, 1, 2

EXPORT_FORMATS = {
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "turtle": ox.RdfFormat.TURTLE,
    "jsonld": ox.RdfFormat.JSON_LD,
}


def fail(message: str) -> int:
    print(f"archivekg: {message}", file=sys.stderr)
    return EXIT_ERROR


def _user_errors():
    """The exceptions whose message is for the user: printed as one line, no traceback."""
    from archivekg.build import BuildError
    from archivekg.extract.gazetteer import GazetteerError
    from archivekg.extract.nlp import ModelMissingError
    from archivekg.extract.parallel import WorkerError
    from archivekg.incremental import CacheLost
    from archivekg.validate import ValidationError

    return (BuildError, GazetteerError, ModelMissingError, ValidationError, stores.StoreMissingError, WorkerError, CacheLost)


def build(settings: Settings, args: Namespace) -> int:
    from archivekg.build import build as run_build

    paths = args.paths or [Path("seeds")]
    try:
        report = run_build(settings, paths, out=args.out)
    except _user_errors() as err:
        return fail(str(err))
    for problem in report.problems:
        print(f"archivekg: skipped {problem.path}: {problem.reason}", file=sys.stderr)
    reused = report.documents - report.analysed
    print(
        f"built {report.store}: {report.documents} documents, {report.entities} entities, {report.quads} statements"
        + (f"; from the cache: {reused} analysis(es), {report.documents - report.extracted} extraction(s)" if settings.cache and reused else "")
        + (f"; {len(report.problems)} file(s) skipped" if report.problems else ""),
        file=sys.stderr,
    )
    return EXIT_PROBLEMS if report.problems else EXIT_OK


def cache(settings: Settings, args: Namespace) -> int:
    from archivekg.cache import Cache, default_location

    cache = Cache(settings.cache_dir or default_location(settings.store))
    if args.action == "clear":
        try:
            cache.clear()
        except NotADirectoryError as err:
            return fail(str(err))
        print(f"archivekg: removed the cache {cache.root}", file=sys.stderr)
        return EXIT_OK
    info = cache.info()
    print(f"{info.location}: {info.entries} entries, {info.bytes / 1e6:.1f} MB" + ("" if info.location.exists() else " (not made yet)"))
    return EXIT_OK


def serve(settings: Settings, args: Namespace) -> int:
    from archivekg.cli import default_seeds
    from archivekg.server import create_app, front

    problem = port_problem(settings.host, settings.port)
    if problem:
        return fail(problem)
    if not settings.endpoint and not stores.exists(settings.store):
        print(f"archivekg: no store at {settings.store}; building it from {default_seeds()} first", file=sys.stderr)
        status = build(settings, Namespace(paths=[default_seeds()], out=None))
        if status == EXIT_ERROR:
            return status
    if not settings.endpoint:
        try:
            problem = base_iri_problem(settings)
        except _user_errors() as err:
            return fail(str(err))
        if problem:
            return fail(problem)
    try:
        app = create_app(settings)
    except _user_errors() as err:
        return fail(str(err))
    root = urlsplit(settings.base_iri).path  # a base IRI with a path puts the site under it
    print(f"archivekg: serving {settings.endpoint or settings.store} at http://{settings.host}:{settings.port}{root} (SPARQL at {root}sparql)", file=sys.stderr)
    front.run(front.make_front(app, settings, args.threads), settings.host, settings.port)
    return EXIT_OK


def port_problem(host: str, port: int) -> str | None:
    """Why `serve` could not listen on host:port (taken, not an address here, privileged), with
    what to do instead; None if it can. Checked before anything is built or started."""
    import errno
    import socket

    try:
        addresses = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as err:
        return f"cannot listen on {host}: {err.strerror}; give an address of this machine with --host (or ARCHIVEKG_HOST), e.g. 127.0.0.1"
    for family, kind, proto, _, address in addresses:
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
            try:
                probe.bind(address)
            except OSError as err:
                if err.errno == errno.EADDRINUSE:
                    return (f"port {port} on {host} is already in use (another archivekg serve?): stop that server, "
                            f"or choose another port with --port {free_port(host, port)} (or ARCHIVEKG_PORT)")
                if err.errno == errno.EACCES:
                    return f"port {port} needs more privileges than this user has: choose one above 1023 with --port (or ARCHIVEKG_PORT)"
                return f"cannot listen on {host} port {port}: {err.strerror}; give another --host or --port"
    return None


def free_port(host: str, after: int) -> int:
    """A port above `after` that nothing listens on now (to suggest), else one the system picks."""
    import socket

    for candidate in range(after + 1, min(after + 50, 65_536)):
        with socket.socket() as probe:
            try:
                probe.bind((host, candidate))
                return candidate
            except OSError:
                continue
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def base_iri_problem(settings: Settings) -> str | None:
    """A store built under one base IRI served under another answers 404 for every /id/
    page: say so, and how to make them agree. None when they do (or the store cannot tell)."""
    from archivekg.extract.iris import IriMinter

    expected = IriMinter(settings.base_iri).build().value  # the build's own node, {base}id/build/latest
    suffix = expected[len(settings.base_iri) :]
    store = stores.open_read_only(settings.store)
    try:
        if store.query(f"ASK {{ GRAPH ?g {{ <{expected}> ?p ?o }} }}"):
            return None
        rows = list(store.query(f'SELECT ?b WHERE {{ GRAPH ?g {{ ?b a <http://www.w3.org/ns/prov#Activity> }} FILTER(STRENDS(STR(?b), "/{suffix}")) }} LIMIT 1'))
    finally:
        del store
    if not rows:
        return None  # not a store archivekg built: nothing to compare
    built_base = rows[0]["b"].value[: -len(suffix)]
    return (f"the store at {settings.store} was built with base IRI {built_base}, not {settings.base_iri}: "
            f"every /id/ page would be a 404. Serve it with --base-iri {built_base} (or ARCHIVEKG_BASE_IRI), or rebuild it "
            f"with `archivekg build --base-iri {settings.base_iri} --store {settings.store} FOLDER...` (every folder of the corpus)")


def export(settings: Settings, args: Namespace) -> int:
    try:
        store = stores.open_read_only(settings.store)
    except stores.StoreMissingError as err:
        return fail(str(err))
    data = export_bytes(store, EXPORT_FORMATS[args.format])
    if args.output:
        args.output.write_bytes(data)
    else:
        sys.stdout.buffer.write(data)
    return EXIT_OK


def export_bytes(store: ox.Store, fmt: ox.RdfFormat) -> bytes:
    """The whole dataset; formats without named graphs get the union of all graphs."""
    if fmt.supports_datasets:
        data = store.dump(format=fmt)
        if fmt == ox.RdfFormat.N_QUADS:  # a stable order, so two builds compare byte for byte
            data = b"".join(sorted(data.splitlines(keepends=True)))
        return data
    triples = {ox.Triple(q.subject, q.predicate, q.object) for q in store}
    return ox.serialize(sorted(triples, key=str), format=fmt, prefixes=_prefixes())


def _prefixes() -> dict[str, str]:
    from archivekg.extract.vocab import PREFIXES

    return PREFIXES


def query(settings: Settings, args: Namespace) -> int:
    from archivekg.query import list_queries, print_results, read_query_text

    if args.list:
        for name, title in list_queries():
            print(f"{name:40} {title}")
        return EXIT_OK
    try:
        text = read_query_text(args.query, args.file)
        store = stores.open_read_only(settings.store)
    except (ValueError, OSError) as err:
        return fail(str(err))
    try:
        results = store.query(text, use_default_graph_as_union=True, prefixes=_prefixes())
    except SyntaxError as err:
        return fail(f"the query is not valid SPARQL: {err}")
    print_results(results, args.format, sys.stdout)
    return EXIT_OK


def validate(settings: Settings, args: Namespace) -> int:
    from archivekg.validate import ValidationError, check_store

    try:
        warnings = check_store(stores.open_read_only(settings.store))
    except (ValidationError, stores.StoreMissingError) as err:
        return fail(str(err))
    for warning in warnings or ():
        print(f"archivekg: warning: {warning}", file=sys.stderr)
    print("the store conforms to the shapes" + (f" ({len(warnings)} warning(s))" if warnings else ""), file=sys.stderr)
    return EXIT_OK


def link(settings: Settings, args: Namespace) -> int:
    from archivekg.linking import run_link

    try:
        return run_link(settings, args)
    except _user_errors() as err:
        return fail(str(err))


def push(settings: Settings, args: Namespace) -> int:
    from archivekg.push import run_push

    try:
        return run_push(settings, args)
    except _user_errors() as err:
        return fail(str(err))
