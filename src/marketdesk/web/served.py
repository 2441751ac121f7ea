"""The app factory of `marketdesk serve --workers N`: each worker process builds its own Desk
(its own database connections) from the settings the parent process names in its environment.

uvicorn's supervisor starts the workers afresh (spawn), so the app is named by import string
and made in the worker: a Desk, a SQLite connection or a PostgreSQL pool never crosses a fork.
"""

from __future__ import annotations

import os
from dataclasses import replace

from starlette.applications import Starlette

from marketdesk.app.desk import Desk
from marketdesk.config import load_settings
from marketdesk.web.app import create_app

__all__ = ["DB_VAR", "EDITION_VAR", "app"]

DB_VAR = "MARKETDESK_SERVE_DB"
EDITION_VAR = "MARKETDESK_SERVE_EDITION"


def app() -> Starlette:
    """The desk's app in this worker, for the database and edition the parent served."""
    settings = load_settings(os.environ[DB_VAR])
    edition = os.environ.get(EDITION_VAR)
    if edition:
        settings = replace(settings, edition=edition)
    return create_app(Desk(settings, create=False), close_desk=True)
