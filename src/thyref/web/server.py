"""The ASGI application factory that ``thyref serve`` runs (settings from the environment).

A factory, not a module-level app: importing this module creates no database.
"""

import gc
from typing import Any

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


def log_config(level: str = "INFO") -> dict[str, Any]:
    """Logging of every worker process (uvicorn applies it in each one it starts).

    One line per request from ``thyref.web`` (method, route template, status, duration:
    never a path value, query or body), and uvicorn's own start and error lines, all with
    the time and the worker's process id. Uvicorn's access log stays off: it prints paths.
    """
    line = "%(asctime)s %(levelname)s [%(process)d] %(name)s %(message)s"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"plain": {"format": line}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "plain",
                "stream": "ext://sys.stderr",
            }
        },
        "loggers": {
            "thyref": {"handlers": ["stderr"], "level": level, "propagate": False},
            "uvicorn": {"handlers": ["stderr"], "level": level, "propagate": False},
            "uvicorn.error": {"level": level},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
    }
