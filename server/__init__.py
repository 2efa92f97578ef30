"""The web server: an app factory with one blueprint per URL family.

    /sparql            SPARQL 1.1 Protocol endpoint     (server/sparql.py)
    /id/<kind>/<slug>  linked-data pages                (server/pages.py)
    /, /search, /disputes  home, search, disputes       (server/home.py, search.py, pages.py)
    /.well-known/void, /download/dataset.nq  VoID, dump (server/void.py)
    /ontology          the ontology, documented          (server/ontology.py)
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

    from archivekg.server import home, ontology, pages, search, sparql, void

    app.register_blueprint(sparql.blueprint)
    app.register_blueprint(home.blueprint)
    app.register_blueprint(pages.blueprint)
    app.register_blueprint(search.blueprint)
    app.register_blueprint(void.blueprint)
    app.register_blueprint(ontology.blueprint)

    from archivekg.server import http

    http.init_app(app)  # CORS and gzip for every response
    return app


def storage_for(settings: Settings):
    """The embedded store, or a remote SPARQL endpoint when `settings.endpoint` is set."""
    if settings.endpoint:
        from archivekg.server.remote import RemoteStorage

        return RemoteStorage.from_settings(settings)
    return Storage.from_settings(settings)
