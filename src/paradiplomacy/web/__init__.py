"""The web dashboard (issue 5): a read-only FastAPI app over a built assessment.

``create_app(assessment)`` makes the app (HTML pages, ``/api/...`` JSON described by the OpenAPI
schema, ``/static/...``); ``serve(assessment_or_db, host, port)`` runs it with uvicorn.
"""

from .app import create_app, serve
from .board import Dashboard

__all__ = ["Dashboard", "create_app", "serve"]
