"""The ASGI application factory that ``thyref serve`` runs (settings from the environment).

A factory, not a module-level app: importing this module creates no database.
"""

from fastapi import FastAPI

from thyref.web import WebSettings, create_app


def app() -> FastAPI:
    return create_app(WebSettings())
