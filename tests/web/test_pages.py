"""The HTML pages: status, key elements, language switch, synthetic banner, validation."""

from __future__ import annotations

import re

import pytest

PAGES = ["/", "/region/RU-TA", "/partner/TR", "/scenario", "/methods"]


@pytest.mark.parametrize("url", PAGES)
def test_every_page_has_banner_language_links_and_no_external_url(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert 'id="synthetic-banner"' in html and "SYNTHETIC DATA" in html
    assert 'id="lang-ru"' in html and 'id="lang-en"' in html
    assert re.search(r'id="lang-ru" href="\?[^"]*lang=ru"', html)
    assert not re.search(r'(src|href)="(https?:)?//', html)  # nothing fetched from elsewhere


@pytest.mark.parametrize("url", PAGES)
def test_russian_pages_keep_the_language_in_links(client, url):
    sep = "&" if "?" in url else "?"
    html = client.get(f"{url}{sep}lang=ru").text
    assert '<html lang="ru">' in html
    assert "СИНТЕТИЧЕСКИЕ ДАННЫЕ" in html
    internal = re.findall(r'href="(/(?:region|partner|scenario|methods)[^"]*)"', html)
    assert internal and all("lang=ru" in link for link in internal)


def test_overview_tiles_rankings_and_filters(client, web_assessment):
    table = web_assessment.regions_table()
    html = client.get("/").text
    tiles = re.findall(r'<a class="tile[^"]*" data-code="([^"]+)" href="/region/\1"', html)
    assert sorted(tiles) == sorted(table["code"])
    assert 'id="rankings"' in html and 'id="filters"' in html
    for name in ("level", "district", "balance", "orientation"):
        assert f'name="{name}"' in html
    assert table["name_en"].iloc[0] in html
    q5, q95 = table["iai_rank_q5"].iloc[0], table["iai_rank_q95"].iloc[0]
    assert f"{q5:.0f}–{q95:.0f}" in html
    ru = client.get("/?lang=ru").text
    assert "<h1>Обзор</h1>" in ru and table["name_ru"].iloc[0] in ru


def test_overview_filters_by_query_parameters(client, web_assessment):
    table = web_assessment.regions_table()
    level = int(table["level"].iloc[0])
    html = client.get(f"/?level={level}").text
    rows = re.findall(r'<tr data-code="[^"]+" data-level="(\d)"[^>]*?( hidden)?>', html)
    assert len(rows) == len(table)
    shown = [lvl for lvl, hidden in rows if not hidden]
    assert shown and set(shown) == {str(level)}
    assert len(shown) == int((table["level"] == level).sum())
    assert client.get("/?district=atlantis").status_code == 422
    assert client.get("/?level=7").status_code == 422


def test_region_page(client, web_assessment):
    explained = web_assessment.explain("RU-TA")
    html = client.get("/region/RU-TA?per_page=5").text
    assert "<h1>Republic of Tatarstan <small>RU-TA</small></h1>" in html
    assert 'id="level-probabilities"' in html and 'id="pillars"' in html
    assert 'id="partners"' in html and 'id="records-table"' in html
    assert explained["text"].split(":")[0] in html
    assert html.count("synthetic:1.0") >= 5
    assert 'rel="next" href="/region/RU-TA?page=2&amp;per_page=5"' in html
    page2 = client.get("/region/RU-TA?per_page=5&page=2").text
    assert 'rel="prev"' in page2
    ru = client.get("/region/RU-TA?lang=ru").text
    assert "Республика Татарстан" in ru


def test_partner_page(client, web_assessment):
    view = web_assessment.partner_view("TR")
    html = client.get("/partner/TR").text
    assert f"<h1>{web_assessment.partners.loc['TR', 'name_en']} <small>TR</small>" in html
    rows = re.findall(r'<tr data-code="([^"]+)">', html)
    assert rows == list(view["region"])


def test_scenario_page_renders_a_first_answer(client):
    html = client.get("/scenario?partner=US&level=3&close=trade").text
    assert 'id="scenario-table"' in html and 'id="scenario-form"' in html
    assert 'id="frameworks-table"' in html and 'id="scenario-totals"' in html
    assert 'value="trade" checked' in html
    assert 'value="US" selected' in html and 'value="3" selected' in html


def test_methods_page(client, web_assessment):
    html = client.get("/methods").text
    for text in ("MODEL.md", "OECD", "COINr", "Saltelli", "SHA-256"):
        assert text in html
    assert str(web_assessment.runs) in html


@pytest.mark.parametrize(
    ("url", "status", "text"),
    [
        ("/region/XX-NOPE", 404, "XX-NOPE"),
        ("/partner/ZZ", 404, "ZZ"),
        ("/scenario?partner=ZZ", 404, "ZZ"),
        ("/scenario?partner=DE&level=9", 422, "level"),
        ("/region/RU-TA?page=0", 422, "page"),
        ("/?lang=fr", 422, "lang"),
        ("/no/such/page", 404, "Not Found"),
    ],
)
def test_page_errors_are_html_without_traces(client, url, status, text):
    response = client.get(url)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert text in response.text and "Traceback" not in response.text


def test_static_files_are_served(client):
    assert client.get("/static/app.js").status_code == 200
    assert client.get("/static/style.css").status_code == 200


def test_no_cdn_documentation_pages(client):
    # FastAPI's /docs and /redoc load scripts from a CDN; the dashboard must work offline.
    assert client.get("/docs").status_code == 404
    assert client.get("/redoc").status_code == 404
    assert client.get("/openapi.json").status_code == 200
