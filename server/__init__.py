"""The web server: an app factory with one blueprint per URL family.

    /sparql            SPARQL 1.1 Protocol endpoint     (server/sparql.py)
    /id/<kind>/<slug>  linked-data pages                (server/pages.py)
    /, /search, /disputes  home, search, disputes       (server/home.py, search.py, pages.py)
    /documents, /entities/<kind>  lists to page through (server/lists.py)
    /.well-known/void, /download/dataset.nq  VoID, dump (server/void.py)
    /ontology          the ontology, documented          (server/ontology.py)

Under a base IRI with a path (`https://example.org/archive/`) all of these are served under
that path (`/archive/sparql`, ...), as a proxy forwarding `/archive/` expects: see `BasePath`.
"""

from __future__ import annotations

from flask import Flask

from archivekg.server.storage import Storage
from archivekg.settings import Settings


def create_app(settings: Settings | None = None, storage: Storage | None = None) -> Flask:
    settings = settings or Settings.from_env()
    app = Flask(__name__)
    app.config["SETTINGS"] = settings
    app.extensions["archivekg.storage"] = storage or storage_for(settings)

    from archivekg.server import home, lists, ontology, pages, search, sparql, urls, void

    app.register_blueprint(sparql.blueprint)
    app.register_blueprint(home.blueprint)
    app.register_blueprint(pages.blueprint)
    app.register_blueprint(search.blueprint)
    app.register_blueprint(lists.blueprint)
    app.register_blueprint(void.blueprint)
    app.register_blueprint(ontology.blueprint)
    app.context_processor(lambda: {"urls": urls})  # templates build every link with urls.py
    from archivekg.server.titles import counted

    app.add_template_filter(counted)

    from archivekg.server import http

    http.init_app(app)  # CORS and gzip for every response
    root = urls.root_of(settings.base_iri)
    if root:
        app.wsgi_app = BasePath(app.wsgi_app, root)
    return app


def storage_for(settings: Settings):
    """The embedded store, or a remote SPARQL endpoint when `settings.endpoint` is set."""
    if settings.endpoint:
        from archivekg.server.remote import RemoteStorage

        return RemoteStorage.from_settings(settings)
    return Storage.from_settings(settings)


class BasePath:
    """Serves the app under `root` (the base IRI's path, e.g. `/archive`): a request for
    `/archive/sparql` reaches the app as `/sparql` with `SCRIPT_NAME=/archive`, so Flask's own
    URLs carry the prefix too. `/` redirects to `/archive/`; any other path outside the root
    is a 404 that says where the site is."""

    def __init__(self, app, root: str):
        self.app, self.root = app, root

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "") or "/"
        if path == self.root or path.startswith(self.root + "/"):
            environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + self.root
            environ["PATH_INFO"] = path[len(self.root) :] or "/"
            return self.app(environ, start_response)
        if path == "/":
            start_response("302 Found", [("Location", self.root + "/"), ("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", "0")])
            return [b""]
        body = (f"this server publishes its pages under {self.root}/ (the path of its base IRI): "
                f"try {self.root}{path}\n").encode("utf-8", "replace")
        start_response("404 Not Found", [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))])
        return [body]
