"""The web application: FastAPI + Jinja2 + HTMX pages, the JSON API, the patient page.

from thyref.web import create_app, WebSettings
app = create_app(WebSettings(database_url="sqlite:///./var/thyref.db"))
"""

from thyref.web.app import create_app
from thyref.web.settings import WebSettings

__all__ = ["WebSettings", "create_app"]
