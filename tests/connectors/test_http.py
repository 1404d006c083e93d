"""The HTTP client: retries with backoff, one clear error, the cache; no network (respx)."""

from __future__ import annotations

import json

import httpx
import pytest
import respx

from paradiplomacy.connectors.http import USER_AGENT, FetchError, HttpClient, cache_key

URL = "https://example.org/data"


@respx.mock
def test_retries_then_succeeds_and_keeps_the_response(tmp_path):
    route = respx.get(URL).mock(
        side_effect=[
            httpx.Response(503),
            httpx.ConnectTimeout("slow"),
            httpx.Response(200, text="ok"),
        ]
    )
    waits = []
    client = HttpClient(retries=3, backoff=0.5, cache=tmp_path, sleep=waits.append)
    assert client.get(URL, {"q": "x"}) == b"ok"
    assert route.call_count == 3
    assert waits == [0.5, 1.0]  # doubled each time
    assert route.calls[0].request.headers["User-Agent"] == USER_AGENT
    key = cache_key(URL, {"q": "x"})
    assert (tmp_path / key).read_bytes() == b"ok"
    meta = json.loads((tmp_path / f"{key}.json").read_text())
    assert meta["url"] == URL and meta["params"] == {"q": "x"} and meta["status"] == 200


@respx.mock
def test_gives_up_with_one_clear_message():
    respx.get(URL).mock(return_value=httpx.Response(502))
    client = HttpClient(retries=2, sleep=lambda _s: None)
    with pytest.raises(FetchError) as info:
        client.get(URL)
    message = str(info.value)
    assert message.startswith(f"could not fetch {URL}: HTTP 502 Bad Gateway (3 attempts)")
    assert "nothing was written" in message and "\n" not in message


@respx.mock
def test_client_errors_are_not_retried_and_retry_after_is_honoured():
    route = respx.get(URL).mock(return_value=httpx.Response(404))
    with pytest.raises(FetchError, match="HTTP 404 Not Found \\(1 attempt\\)"):
        HttpClient(sleep=lambda _s: None).get(URL)
    assert route.call_count == 1
    respx.get(URL).mock(
        side_effect=[httpx.Response(429, headers={"Retry-After": "7"}), httpx.Response(200)]
    )
    waits = []
    HttpClient(sleep=waits.append).get(URL)
    assert waits == [7.0]
