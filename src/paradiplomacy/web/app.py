"""The dashboard application: the FastAPI factory over a built assessment.

:func:`create_app` makes the read-only FastAPI app from the JSON API (:mod:`.api`) and the HTML
pages (:mod:`.pages`) over a :class:`~paradiplomacy.web.board.Dashboard`; :func:`serve` runs it
with uvicorn (on 127.0.0.1 unless told otherwise).
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from . import api, pages
from .board import STATIC, Dashboard, NotFound

if TYPE_CHECKING:
    from ..assess.assessment import Assessment

log = logging.getLogger("paradiplomacy.web")


class ResponseCache:
    """ASGI middleware keeping successful GET answers by URL (path and query string).

    The dashboard is read-only over an immutable assessment, so the same URL always gets the
    same answer; the cache is bounded by ``max_bytes`` (oldest entries go first) and skips
    ``/static`` (served from files) and answers over ``max_item`` bytes.
    """

    def __init__(self, app: Any, max_bytes: int = 64 << 20, max_item: int = 4 << 20) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.max_item = max_item
        self.entries: dict[bytes, tuple[dict[str, Any], bytes]] = {}
        self.size = 0
        self.hits = 0
        self.misses = 0

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "GET"
            or scope["path"].startswith("/static")
        ):
            await self.app(scope, receive, send)
            return
        key = scope["path"].encode() + b"?" + scope.get("query_string", b"")
        found = self.entries.get(key)
        if found is not None:
            self.hits += 1
            start, body = found
            await send(start)
            await send({"type": "http.response.body", "body": body})
            return
        self.misses += 1
        started: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def capture(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                started.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body") and started.get("status") == 200:
                    self.store(key, started, b"".join(chunks))
            await send(message)

        await self.app(scope, receive, capture)

    def store(self, key: bytes, start: dict[str, Any], body: bytes) -> None:
        if len(body) > self.max_item:
            return
        previous = self.entries.pop(key, None)  # two concurrent misses of one URL
        if previous is not None:
            self.size -= len(previous[1])
        self.entries[key] = (dict(start), body)
        self.size += len(body)
        while self.size > self.max_bytes and self.entries:
            _start, old_body = self.entries.pop(next(iter(self.entries)))
            self.size -= len(old_body)


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api")


def create_app(assessment: Assessment | Dashboard, cache: bool = True) -> FastAPI:
    """The read-only dashboard app for a built assessment: HTML pages, ``/api/...`` JSON routes
    (described by the OpenAPI schema at ``/openapi.json``) and ``/static/...``. FastAPI's
    ``/docs`` and ``/redoc`` pages are off: they load their scripts from a CDN, and the
    dashboard works without a network.

    With ``cache`` (the default) successful GET answers are kept by URL (:class:`ResponseCache`).
    """
    board = assessment if isinstance(assessment, Dashboard) else Dashboard(assessment)
    app = FastAPI(
        title="paradiplomacy dashboard",
        description=(
            "International activity and soft-power potential of regions (MODEL.md sections 3-7)"
            ": read-only JSON API behind every number on the dashboard's pages."
        ),
        version=board.version,
        docs_url=None,
        redoc_url=None,
    )
    app.state.dashboard = board
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/healthz", include_in_schema=False, response_class=PlainTextResponse)
    def healthz() -> str:
        """A trivial answer: the server is up (and a baseline for benchmarks)."""
        return "ok"

    app.include_router(api.router)
    app.include_router(pages.router)
    if cache:
        app.add_middleware(ResponseCache)

    @app.exception_handler(NotFound)
    async def not_found(request: Request, error: NotFound) -> Response:
        message = str(error.args[0]) if error.args else "not found"
        if _wants_json(request):
            return JSONResponse({"detail": message}, status_code=404)
        return pages.error_page(request, 404, message)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> Response:
        details = [
            {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": e.get("type")}
            for e in error.errors()
        ]
        if _wants_json(request):
            return JSONResponse({"detail": details}, status_code=422)
        text = "; ".join(f"{'.'.join(map(str, d['loc']))}: {d['msg']}" for d in details)
        return pages.error_page(request, 422, text)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        if _wants_json(request) or request.url.path.startswith("/static"):
            return JSONResponse({"detail": error.detail}, status_code=error.status_code)
        return pages.error_page(request, error.status_code, str(error.detail))

    @app.exception_handler(Exception)
    async def server_error(request: Request, error: Exception) -> Response:
        log.exception("error answering %s %s", request.method, request.url.path)
        message = "internal server error; the server log has the details"
        if _wants_json(request):
            return JSONResponse({"detail": message}, status_code=500)
        return HTMLResponse(f"<!doctype html><title>500</title><p>{message}</p>", 500)

    return app


def load_assessment(source: Assessment | str | Path, runs: int | None = None) -> Assessment:
    """An assessment as given, or the stored (else built and stored) assessment of a ledger
    (a path or SQLAlchemy URL; :mod:`paradiplomacy.assess.stored`)."""
    if not isinstance(source, (str, Path)):
        return source
    from ..assess.stored import load_or_build
    from ..ledger.store import Store

    return load_or_build(Store(source), runs=runs)[0]


DEFAULT_WORKERS = max(1, min(2, os.cpu_count() or 1))
"""Worker processes of ``serve`` by default: 2 where there are two cores or more."""


def serve_board(
    board: Dashboard,
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    workers: int = 1,
    log_level: str = "warning",
    ready: Callable[[], None] | None = None,
) -> None:
    """Serve ``board`` with uvicorn until interrupted, in ``workers`` processes.

    The app is made once, here; with several workers the listening socket is opened here and
    the process forks after it (copy-on-write: every worker shares the prepared dashboard, and
    none reads or imports anything again). Each worker then loads the assessment for crisis
    scenarios in the background (:meth:`Dashboard.load_in_background`). A worker that dies is
    replaced; Ctrl+C or SIGTERM stops them all. ``ready`` is called once the socket listens.
    """
    import socket

    import uvicorn

    app = create_app(board)
    config = uvicorn.Config(app, host=host, port=port, log_level=log_level, access_log=False)
    config.load()  # here, once: the workers inherit the loaded protocol and event loop
    if workers <= 1:
        board.load_in_background()
        if ready is not None:
            ready()
        uvicorn.Server(config).run()
        return
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    board.close_connections()  # each worker opens its own database connections
    if ready is not None:
        ready()

    def start() -> int:
        pid = os.fork()
        if pid == 0:  # the worker
            code = 0
            try:
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                board.load_in_background()
                uvicorn.Server(config).run(sockets=[sock])
            except BaseException:
                log.exception("dashboard worker failed")
                code = 1
            finally:
                os._exit(code)
        return pid

    children = {start() for _ in range(workers)}
    stopping = False

    def stop(_signum: int, _frame: Any) -> None:
        nonlocal stopping
        stopping = True
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)

    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        while children:
            try:
                pid, _status = os.wait()
            except ChildProcessError:
                break
            except InterruptedError:  # pragma: no cover - PEP 475 retries
                continue
            children.discard(pid)
            if not stopping:
                log.warning("dashboard worker %d stopped; starting another", pid)
                children.add(start())
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        sock.close()


def serve(
    source: Assessment | str | Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    runs: int | None = None,
    workers: int = 1,
    log_level: str = "info",
) -> None:
    """Serve the dashboard of an assessment, or of a ledger (from its stored dashboard
    snapshot, else its stored or newly built assessment: :mod:`.snapshot`) until interrupted.

    Args:
        source: a built assessment, or the ledger (file path or SQLAlchemy URL).
        host, port: where to listen; 127.0.0.1 unless told otherwise.
        runs: uncertainty runs when building (default: the configuration's).
        workers: worker processes (:func:`serve_board`).
        log_level: uvicorn's log level.
    """
    if isinstance(source, (str, Path)):
        from ..ledger.store import resolve_url
        from .snapshot import prepare

        board = prepare(resolve_url(source), runs=runs).board
    else:
        board = Dashboard(source)
    serve_board(board, host, port, workers=workers, log_level=log_level)
