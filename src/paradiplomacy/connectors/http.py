"""The network side of every connector: one careful HTTP client.

httpx with a timeout, bounded retries with exponential backoff (on timeouts, connection errors,
HTTP 429 and 5xx, honouring ``Retry-After``), a descriptive User-Agent, an optional cache
directory that keeps every raw response, and one clear :class:`FetchError` when it gives up.
Tests never reach the network: they replay saved responses (``--from-file``) or mock the
transport (respx).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from .. import __version__

USER_AGENT = (
    f"paradiplomacy/{__version__} (open-source research software on the international activity "
    "of regions; python-httpx)"
)
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})


class FetchError(RuntimeError):
    """A download that failed for good; the message says what, where and why, in one line."""


@dataclass
class HttpClient:
    """GET with timeouts, retries, backoff and a cache of raw responses.

    Args:
        timeout: seconds for connect and read.
        retries: extra attempts after the first (so ``retries + 1`` in all).
        backoff: seconds before the first retry; doubled each time (capped at ``max_wait``).
        cache: a directory that keeps each raw response body (named by the SHA-256 of the
            request) with a ``.json`` beside it holding the URL, parameters, status and time.
        transport: an httpx transport (tests pass a mock one).
        sleep: how to wait between attempts (tests pass a no-op).
    """

    timeout: float = 30.0
    retries: int = 3
    backoff: float = 1.0
    max_wait: float = 30.0
    cache: Path | None = None
    transport: httpx.BaseTransport | None = None
    sleep: Callable[[float], None] = time.sleep
    headers: dict[str, str] = field(default_factory=dict)

    def _client(self) -> httpx.Client:
        return httpx.Client(
            timeout=httpx.Timeout(self.timeout),
            headers={"User-Agent": USER_AGENT, **self.headers},
            follow_redirects=True,
            transport=self.transport,
        )

    def get(self, url: str, params: Mapping[str, Any] | None = None) -> bytes:
        """The body of ``GET url?params``; raises :class:`FetchError` after the last attempt."""
        return self.request("GET", url, params=params)

    def post(self, url: str, data: Mapping[str, Any]) -> bytes:
        """The body of ``POST url`` with form ``data`` (a value may be a list of values)."""
        return self.request("POST", url, data=data)

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        data: Mapping[str, Any] | None = None,
    ) -> bytes:
        """The body of one request, with the retry policy of the class docstring."""
        last = ""
        attempt = 0
        with self._client() as client:
            for attempt in range(self.retries + 1):
                wait = min(self.backoff * 2**attempt, self.max_wait)
                try:
                    response = client.request(method, url, params=params, data=data)
                except httpx.TimeoutException:
                    last = f"timed out after {self.timeout:g} s"
                except httpx.TransportError as exc:
                    last = f"connection failed ({type(exc).__name__}: {exc})"
                else:
                    if response.status_code < 400:
                        self._keep(url, {**(params or {}), **(data or {})}, response)
                        return response.content
                    last = f"HTTP {response.status_code} {response.reason_phrase}"
                    if response.status_code not in RETRY_STATUS:
                        break
                    retry_after = response.headers.get("Retry-After", "")
                    if retry_after.isdigit():
                        wait = min(float(retry_after), self.max_wait)
                if attempt < self.retries:
                    self.sleep(wait)
        tries = attempt + 1
        raise FetchError(
            f"could not fetch {url}: {last} ({tries} attempt{'s' if tries > 1 else ''}); "
            "nothing was written. Check the network, or replay a saved response with --from-file"
        )

    def _keep(self, url: str, params: Mapping[str, Any] | None, response: httpx.Response) -> None:
        if self.cache is None:
            return
        self.cache.mkdir(parents=True, exist_ok=True)
        key = cache_key(url, params)
        (self.cache / key).write_bytes(response.content)
        meta = {
            "url": url,
            "params": dict(params or {}),
            "status": response.status_code,
            "content_type": response.headers.get("Content-Type", ""),
            "retrieved": retrieved_now(),
        }
        (self.cache / f"{key}.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")


def cache_key(url: str, params: Mapping[str, Any] | None = None) -> str:
    """The file name a response is kept under: SHA-256 of the URL and sorted parameters."""
    text = url + "?" + json.dumps(dict(params or {}), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def file_time(path: Path) -> str:
    """A file's modification time, UTC ISO 8601 (the retrieval time of a replayed response)."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(path.stat().st_mtime))


def retrieved_now() -> str:
    """The retrieval time, UTC, ISO 8601 to the second."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
