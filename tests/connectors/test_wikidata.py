"""Wikidata connector: the SPARQL request, the parser, skip reasons, landing; no network."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import respx

from paradiplomacy.connectors import wikidata
from paradiplomacy.connectors.base import land
from paradiplomacy.connectors.http import USER_AGENT, FetchError, HttpClient

FIXTURES = Path(__file__).parent / "fixtures" / "wikidata"
TWINNING = FIXTURES / "twinning.json"
CONSULATES = FIXTURES / "consulates.json"


def _fetch(ledger, kind, **kwargs):
    return wikidata.fetch(kind, regions=ledger.regions, partners=ledger.partners, **kwargs)


def test_twinning_records_and_every_skip_reason(ledger):
    fetched = _fetch(ledger, "twinning", from_file=TWINNING)
    assert fetched.kind == "records" and fetched.connector == "wikidata-twinning"
    assert fetched.rows_read == 9
    assert dict(fetched.skipped) == {
        wikidata.SKIP_MISSING: 1,
        wikidata.SKIP_REGION: 1,
        wikidata.SKIP_HOME: 1,
        wikidata.SKIP_COUNTRY: 1,
        wikidata.SKIP_DUPLICATE: 1,
    }
    frame = fetched.frame.set_index("partner_name")
    assert list(frame.index) == ["Braunschweig", "Istanbul", "Milan", "Bavaria"]
    kazan = frame.loc["Braunschweig"]
    assert (kazan.region, kazan.partner_country, kazan.instrument) == ("RU-TA", "DE", "twinning")
    assert kazan.year == 1988 and kazan.status == "active" and kazan.confidence == 0.8
    assert kazan.source == "http://www.wikidata.org/entity/Q900"
    assert kazan.note == "Wikidata: Kazan (Q900) twinned with Braunschweig (Q2773)"
    retrieved_year = int(fetched.retrieved[:4])
    assert frame.loc["Istanbul"].year == retrieved_year  # no start time: the retrieval year
    assert frame.loc["Milan"].status == "terminated" and frame.loc["Milan"].year == 1967
    assert frame.loc["Bavaria"].region == "RU-TA"  # the region itself is twinned


def test_consulates_records(ledger):
    fetched = _fetch(ledger, "consulates", from_file=CONSULATES)
    frame = fetched.frame
    assert set(frame["instrument"]) == {"consulate_hosted"}
    assert list(zip(frame["region"], frame["partner_country"], strict=True)) == [
        ("RU-TA", "TR"),
        ("RU-SVE", "DE"),
        ("RU-SPE", "FI"),
    ]
    assert list(frame["status"]) == ["active", "active", "terminated"]
    assert dict(fetched.skipped) == {wikidata.SKIP_HOME: 1}


def test_landing_twice_adds_nothing_and_dry_run_writes_nothing(ledger):
    fetched = _fetch(ledger, "twinning", from_file=TWINNING)
    dry = land(ledger, fetched, dry_run=True)
    assert dry.ok and dry.rows_added == 4 and ledger.counts()["records"] == 0
    first = land(ledger, fetched)
    assert first.ok and first.rows_added == 4
    again = land(ledger, _fetch(ledger, "twinning", from_file=TWINNING))
    assert again.ok and again.rows_added == 0
    assert ledger.counts()["records"] == 4
    records = ledger.records()
    assert set(records["source"]) == {
        "http://www.wikidata.org/entity/Q900",
        "http://www.wikidata.org/entity/Q656",
        "http://www.wikidata.org/entity/Q5481",
    }


@respx.mock
def test_network_path_sends_the_query_and_keeps_the_response(ledger, tmp_path):
    route = respx.get(wikidata.ENDPOINT).mock(
        return_value=httpx.Response(200, content=TWINNING.read_bytes())
    )
    client = HttpClient(cache=tmp_path / "cache", sleep=lambda _s: None)
    fetched = _fetch(ledger, "twinning", client=client)
    assert len(fetched.frame) == 4 and fetched.origin == wikidata.ENDPOINT
    request = route.calls[0].request
    assert request.headers["User-Agent"] == USER_AGENT
    assert request.headers["Accept"] == wikidata.ACCEPT
    params = parse_qs(urlsplit(str(request.url)).query)
    assert params["format"] == ["json"]
    query = params["query"][0]
    assert "wdt:P300 ?regionIso" in query and "ps:P190 ?partner" in query
    assert '"RU-TA"' in query and '"RU-SPE"' in query
    assert "?item ?itemLabel ?regionIso ?partner ?partnerLabel ?countryIso" in query
    assert len(list((tmp_path / "cache").iterdir())) == 2  # the body and its metadata


@respx.mock
def test_consulates_query_uses_the_operator_country(ledger):
    route = respx.get(wikidata.ENDPOINT).mock(
        return_value=httpx.Response(200, content=CONSULATES.read_bytes())
    )
    _fetch(ledger, "consulates", client=HttpClient(sleep=lambda _s: None))
    query = parse_qs(urlsplit(str(route.calls[0].request.url)).query)["query"][0]
    assert f"wd:{wikidata.CONSULATE}" in query and "wdt:P137 ?operator" in query


@respx.mock
def test_a_failed_request_raises_one_clear_error_and_writes_nothing(ledger):
    respx.get(wikidata.ENDPOINT).mock(return_value=httpx.Response(503))
    with pytest.raises(FetchError) as info:
        _fetch(ledger, "twinning", client=HttpClient(retries=1, sleep=lambda _s: None))
    assert "HTTP 503" in str(info.value) and "nothing was written" in str(info.value)
    assert ledger.counts()["records"] == 0 and ledger.counts()["batches"] == 0


def test_a_response_that_is_not_sparql_results_is_refused(ledger, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"error": "timeout"}))
    with pytest.raises(wikidata.WikidataError, match="SPARQL JSON results"):
        _fetch(ledger, "twinning", from_file=bad)
    partial = tmp_path / "partial.json"
    partial.write_text(json.dumps({"head": {"vars": ["item"]}, "results": {"bindings": []}}))
    with pytest.raises(wikidata.WikidataError, match="lack the variable"):
        _fetch(ledger, "consulates", from_file=partial)
