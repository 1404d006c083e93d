"""EMISS connector: the SDMX parser, OKATO matching, skip reasons, the POST request; no network."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs

import httpx
import pytest
import respx

from paradiplomacy.connectors import emiss
from paradiplomacy.connectors.base import land
from paradiplomacy.connectors.http import USER_AGENT, FetchError, HttpClient

FIXTURES = Path(__file__).parent / "fixtures" / "emiss"
LIFE = FIXTURES / "indicator_31293.xml"
BY_SEX = FIXTURES / "indicator_33459_by_sex.xml"
NAME = "Ожидаемая продолжительность жизни при рождении"


def _fetch(ledger, indicator, **kwargs):
    return emiss.fetch(indicator, regions=ledger.regions, **kwargs)


def test_statistics_from_the_sdmx_message_and_every_skip_reason(ledger):
    fetched = _fetch(ledger, "31293", from_file=LIFE)
    assert fetched.kind == "stats" and fetched.rows_read == 11
    assert dict(fetched.skipped) == {
        emiss.SKIP_NOT_REGION: 3,  # the federation (2 years) and a federal district
        emiss.SKIP_UNKNOWN_OKATO: 1,  # Tyumen Oblast without its autonomous okrugs
        emiss.SKIP_BAD_YEAR: 1,
        emiss.SKIP_NO_VALUE: 1,
        emiss.SKIP_NO_UNIT: 1,
    }
    frame = fetched.frame
    assert list(zip(frame["region"], frame["year"], frame["value"], strict=True)) == [
        ("RU-TA", 2019, 74.83),
        ("RU-TA", 2020, 72.9),
        ("RU-MOW", 2019, 78.36),
        ("RU-KHM", 2019, 73.12),  # a 5-digit OKATO code (autonomous okrug)
    ]
    assert set(frame["indicator"]) == {NAME}  # the name from the message's Description
    assert set(frame["unit"]) == {"лет"}
    assert set(frame["source"]) == {"EMISS (fedstat.ru) indicator 31293"}


def test_name_option_and_default_name(ledger):
    named = _fetch(ledger, "31293", from_file=LIFE, name="life_expectancy")
    assert set(named.frame["indicator"]) == {"life_expectancy"}
    unnamed = _fetch(ledger, "33459", from_file=BY_SEX)
    assert set(unnamed.frame["indicator"]) == {"emiss_33459 [Мужчины]", "emiss_33459 [Женщины]"}


def test_periods_dimensions_and_selection(ledger):
    annual = _fetch(ledger, "33459", from_file=BY_SEX)
    assert dict(annual.skipped) == {emiss.SKIP_PERIOD: 2}
    assert sorted(annual.frame["value"]) == [1_812_345, 2_081_000]  # spaces in numbers
    january = _fetch(ledger, "33459", from_file=BY_SEX, period="январь")
    assert sorted(january.frame["value"]) == [151_000, 173_400]
    men = _fetch(ledger, "33459", from_file=BY_SEX, select={"S_GRUP_2": "1"})
    assert list(men.frame["indicator"]) == ["emiss_33459"]  # no varying dimension left
    assert men.skipped[emiss.SKIP_NOT_SELECTED] == 2
    with pytest.raises(emiss.EmissError, match="no dimension 'sex'"):
        _fetch(ledger, "33459", from_file=BY_SEX, select={"sex": "1"})


def test_okato_matching(ledger):
    two, five = emiss.okato_index(ledger.regions)
    assert emiss.match_okato("92000000000", two, five) == ("RU-TA", None)
    assert emiss.match_okato("11000000000", two, five) == ("RU-ARK", None)
    assert emiss.match_okato("11100000000", two, five) == ("RU-NEN", None)
    assert emiss.match_okato("643", two, five) == (None, emiss.SKIP_NOT_REGION)
    assert emiss.match_okato("030", two, five) == (None, emiss.SKIP_NOT_REGION)
    district = "Дальневосточный федеральный округ"
    assert emiss.match_okato("30000000000", two, five, district)[1] == emiss.SKIP_NOT_REGION
    assert emiss.match_okato("71001000000", two, five) == (None, emiss.SKIP_UNKNOWN_OKATO)


def test_landing_twice_adds_nothing_and_new_values_supersede(ledger, tmp_path):
    fetched = _fetch(ledger, "31293", from_file=LIFE)
    dry = land(ledger, fetched, dry_run=True)
    assert dry.ok and dry.rows_added == 4 and ledger.counts()["statistics"] == 0
    assert land(ledger, fetched).rows_added == 4
    assert land(ledger, _fetch(ledger, "31293", from_file=LIFE)).rows_added == 0
    revised = tmp_path / "revised.xml"
    revised.write_bytes(LIFE.read_bytes().replace(b'value="74,83"', b'value="74,9"'))
    report = land(ledger, _fetch(ledger, "31293", from_file=revised))
    assert report.rows_added == 1 and report.rows_superseding == 1
    assert ledger.counts()["statistics"] == 5


@respx.mock
def test_network_path_posts_the_indicator(ledger, tmp_path):
    route = respx.post(emiss.DATA_URL).mock(
        return_value=httpx.Response(200, content=LIFE.read_bytes())
    )
    client = HttpClient(cache=tmp_path / "cache", sleep=lambda _s: None)
    fetched = _fetch(ledger, "31293", client=client, filters=["0_31293", "3_2019"])
    assert len(fetched.frame) == 4
    request = route.calls[0].request
    assert request.method == "POST" and request.headers["User-Agent"] == USER_AGENT
    assert request.headers["Referer"] == "https://www.fedstat.ru/indicator/31293"
    form = parse_qs(request.content.decode())
    assert form == {"id": ["31293"], "selectedFilterIds": ["0_31293", "3_2019"]}
    assert len(list((tmp_path / "cache").iterdir())) == 2


@respx.mock
def test_a_failed_request_raises_one_clear_error_and_writes_nothing(ledger):
    route = respx.post(emiss.DATA_URL).mock(side_effect=httpx.ConnectError("refused"))
    with pytest.raises(FetchError) as info:
        _fetch(ledger, "31293", client=HttpClient(retries=2, sleep=lambda _s: None))
    message = str(info.value)
    assert "connection failed" in message and "(3 attempts)" in message and "\n" not in message
    assert route.call_count == 3
    assert ledger.counts()["statistics"] == 0 and ledger.counts()["batches"] == 0


def test_bad_messages_are_refused(ledger, tmp_path):
    html = tmp_path / "page.html"
    html.write_text("<html><body>Service unavailable</body></html>")
    with pytest.raises(emiss.EmissError, match="GenericData"):
        _fetch(ledger, "31293", from_file=html)
    broken = tmp_path / "broken.xml"
    broken.write_text("<GenericData")
    with pytest.raises(emiss.EmissError, match="unreadable XML"):
        _fetch(ledger, "31293", from_file=broken)
    with pytest.raises(ValueError, match="is a number"):
        _fetch(ledger, "abc", from_file=LIFE)
