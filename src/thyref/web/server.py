"""The ASGI application factory that ``thyref serve`` runs (settings from the environment).

A factory, not a module-level app: importing this module creates no database.
"""

import gc

from fastapi import FastAPI

from thyref.web import WebSettings, create_app


def app() -> FastAPI:
    application = create_app(WebSettings())
    # Everything loaded so far (modules, rules, templates) lives as long as the process:
    # move it out of the collector's reach, and collect the young generation less often.
    # Each request makes a few thousand short-lived objects; the default threshold (700)
    # paused for a full young-generation scan several times per request.
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)
    return application
