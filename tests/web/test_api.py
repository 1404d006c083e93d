"""The JSON API: every endpoint's status, schema and answers; a malformed request per parameter."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from paradiplomacy.web import create_app
from paradiplomacy.web.api import (
    CoverageAnswer,
    Methods,
    PartnerDetail,
    PartnerList,
    RecordPage,
    RegionChannels,
    RegionDetail,
    RegionList,
    ScenarioAnswer,
)

ENDPOINTS = {
    "/api/regions": RegionList,
    "/api/regions/RU-TA": RegionDetail,
    "/api/regions/RU-TA/records": RecordPage,
    "/api/regions/RU-TA/channels": RegionChannels,
    "/api/partners": PartnerList,
    "/api/partners/TR": PartnerDetail,
    "/api/scenario?partner=DE&level=2": ScenarioAnswer,
    "/api/methods": Methods,
    "/api/coverage": CoverageAnswer,
}


@pytest.mark.parametrize("url", list(ENDPOINTS))
def test_every_endpoint_answers_its_schema_in_both_languages(client, url):
    for lang in ("en", "ru"):
        sep = "&" if "?" in url else "?"
        response = client.get(f"{url}{sep}lang={lang}")
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("application/json")
        body = ENDPOINTS[url].model_validate(response.json())
        assert body.meta.synthetic is True and body.meta.notice.startswith("SYNTHETIC DATA")
        assert body.meta.lang == lang


def test_openapi_describes_every_endpoint_with_its_response_model(client):
    schema = client.get("/openapi.json").json()
    paths = schema["paths"]
    expected = {
        "/api/regions", "/api/regions/{code}", "/api/regions/{code}/records",
        "/api/regions/{code}/channels", "/api/partners", "/api/partners/{alpha2}",
        "/api/scenario", "/api/methods", "/api/coverage",
    }  # fmt: skip
    assert set(paths) == expected  # pages are not in the schema
    for path in expected:
        ok = paths[path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        assert "$ref" in ok
    schemas = set(schema["components"]["schemas"])
    assert {"RegionList", "ScenarioAnswer", "EvidenceRecord"} <= schemas


def test_regions_match_the_assessment(client, web_assessment):
    table = web_assessment.regions_table()
    body = client.get("/api/regions").json()
    assert body["count"] == len(table) == len(body["regions"])
    first = body["regions"][0]
    row = table.iloc[0]
    assert first["code"] == row["code"] and first["name"] == row["name_en"]
    assert first["iai"] == pytest.approx(row["iai"])
    assert first["iai_rank_q5"] <= first["iai_rank_q95"]
    assert sum(first["probabilities"]) == pytest.approx(1.0)
    assert [r["code"] for r in body["regions"]] == list(table["code"])
    ru = client.get("/api/regions?lang=ru").json()["regions"][0]
    assert ru["name"] == row["name_ru"]
    tiles = {(r["tile"]["row"], r["tile"]["col"]) for r in body["regions"]}
    assert len(tiles) == len(table)  # one tile per region, no overlap


def test_region_filters(client, web_assessment):
    table = web_assessment.regions_table()
    districts = web_assessment.regions["federal_district"]
    level = int(table["level"].iloc[0])
    body = client.get(f"/api/regions?level={level}").json()
    assert body["count"] == int((table["level"] == level).sum())
    assert {r["level"] for r in body["regions"]} == {level}
    district = str(districts.iloc[0])
    body = client.get(f"/api/regions?district={district}").json()
    assert body["count"] == int((districts == district).sum())
    assert {r["federal_district"] for r in body["regions"]} == {district}
    balance = str(table["balance"].iloc[0])
    orientation = str(table["orientation"].iloc[0])
    body = client.get("/api/regions", params={"balance": balance, "orientation": orientation})
    expected = ((table["balance"] == balance) & (table["orientation"] == orientation)).sum()
    assert body.json()["count"] == int(expected) >= 1


def test_region_detail_explains_the_class(client, top_region, web_assessment):
    body = client.get(f"/api/regions/{top_region}").json()
    explained = web_assessment.explain(top_region)
    assert body["region"]["code"] == top_region
    assert body["explanation"]["text"] == explained["text"]
    assert len(body["explanation"]["indicators"]) == len(explained["indicators"])
    assert all(r["source"].startswith("synthetic:") for r in body["explanation"]["records"])
    pillars = web_assessment.coins["IAI"].framework.codes_at(2)
    assert [p["pillar"] for p in body["pillars"]] == list(pillars)
    aggregated = web_assessment.coins["IAI"].aggregated
    for p in body["pillars"]:
        assert p["score"] == pytest.approx(aggregated.loc[top_region, p["pillar"]])
    assert body["n_records"] == int((web_assessment.ledger_records()["region"] == top_region).sum())
    # lower case codes are accepted
    assert client.get(f"/api/regions/{top_region.lower()}").status_code == 200


def test_records_are_paged_with_their_sources(client, top_region, web_assessment):
    n = int((web_assessment.ledger_records()["region"] == top_region).sum())
    first = client.get(f"/api/regions/{top_region}/records?per_page=7").json()
    second = client.get(f"/api/regions/{top_region}/records?per_page=7&page=2").json()
    assert first["total"] == second["total"] == n and first["pages"] == -(-n // 7)
    assert len(first["records"]) == 7 and second["page"] == 2
    uids = [r["uid"] for r in first["records"] + second["records"]]
    assert len(set(uids)) == 14
    assert all(r["source"] and r["instrument_label"] for r in first["records"])
    last = client.get(f"/api/regions/{top_region}/records?per_page=7&page={first['pages']}")
    assert last.status_code == 200 and 1 <= len(last.json()["records"]) <= 7


def test_channels_of_a_region_and_regions_of_a_partner(client, web_assessment):
    body = client.get("/api/regions/RU-TA/channels").json()
    view = web_assessment.region_view("RU-TA")
    assert [p["partner"] for p in body["partners"]] == list(view["partner"])
    assert body["channels"] == list(web_assessment.channels.channels)
    assert body["partners"][0]["intensity"] == pytest.approx(view["intensity"].iloc[0])
    partner = client.get("/api/partners/tr?lang=ru").json()
    view = web_assessment.partner_view("TR")
    assert partner["partner"]["alpha2"] == "TR" and partner["partner"]["name"] == "Турция"
    assert [r["code"] for r in partner["regions"]] == list(view["region"])
    assert partner["partner"]["n_regions"] == len(view)


def test_partners_list(client, web_assessment):
    body = client.get("/api/partners").json()
    assert body["count"] == len(web_assessment.partners)
    assert body["partners"][0]["n_regions"] >= body["partners"][-1]["n_regions"]


def test_scenario_answer_matches_the_assessment(client, web_assessment):
    url = "/api/scenario?partner=DE&level=2&close=trade&close=media"
    body = client.get(url).json()
    result = web_assessment.scenario("DE", 2, closed_instruments=("media", "trade"))
    assert body["closed"] == ["media", "trade"]
    assert body["partner_name"] == "Germany" and body["level"] == 2
    assert body["totals"]["total"] == pytest.approx(result.summary["total"])
    assert [r["code"] for r in body["capacity"]] == list(result.capacity["code"])
    assert body["capacity"][0]["capacity"] == pytest.approx(result.capacity["capacity"].iloc[0])
    assert len(body["frameworks"]) == len(result.frameworks)
    # cached: the same answer again
    assert client.get(url).json() == body
    other = client.get("/api/scenario?partner=DE&level=0").json()
    assert other["totals"]["total"] >= body["totals"]["total"]


def test_methods(client, web_assessment):
    body = client.get("/api/methods").json()
    assert body["configuration"]["runs"] == web_assessment.runs
    cut_points = body["configuration"]["cut_points"]  # the finite, inner cut points
    assert cut_points == sorted(cut_points) and len(cut_points) == 3
    assert body["configuration"]["cut_points"] == [
        float(e) for e in web_assessment.edges if abs(e) != float("inf")
    ]
    assert body["provenance"]["records"] == len(web_assessment.ledger_records())
    assert body["versions"]["paradiplomacy"]
    titles = " ".join(r["title"] for r in body["references"])
    assert "MODEL.md" in titles and "OECD" in titles and "COINr" in titles
    assert "Saltelli" in titles


@pytest.mark.parametrize(
    "url",
    ["/api/regions/XX-NOPE", "/api/regions/XX-NOPE/records", "/api/regions/XX-NOPE/channels"],
)
def test_unknown_region_is_404_naming_it(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "XX-NOPE" in response.json()["detail"]


@pytest.mark.parametrize("url", ["/api/partners/ZZ", "/api/scenario?partner=ZZ&level=1"])
def test_unknown_partner_is_404_naming_it(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "'ZZ'" in response.json()["detail"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/regions?lang=fr",
        "/api/regions?level=0",
        "/api/regions?level=x",
        "/api/regions?district=atlantis",
        "/api/regions?balance=sideways",
        "/api/regions?orientation=inwards",
        "/api/regions/RU-TA?lang=de",
        "/api/regions/RU-TA/records?page=0",
        "/api/regions/RU-TA/records?page=abc",
        "/api/regions/RU-TA/records?page=100000",
        "/api/regions/RU-TA/records?per_page=0",
        "/api/regions/RU-TA/records?per_page=100000",
        "/api/regions/RU-TA/records?lang=xx",
        "/api/regions/RU-TA/channels?lang=xx",
        "/api/partners?lang=xx",
        "/api/partners/TR?lang=xx",
        "/api/scenario?partner=DE",
        "/api/scenario?level=2",
        "/api/scenario?partner=DE&level=4",
        "/api/scenario?partner=DE&level=-1",
        "/api/scenario?partner=DE&level=two",
        "/api/scenario?partner=DE&level=2&close=teleportation",
        "/api/scenario?partner=DE&level=2&lang=xx",
        "/api/methods?lang=xx",
    ],
)
def test_malformed_requests_are_422(client, url):
    response = client.get(url)
    assert response.status_code == 422, response.text
    assert response.json()["detail"]
    assert "Traceback" not in response.text


def test_server_errors_are_a_plain_message(web_assessment):
    app = create_app(web_assessment, cache=False)

    def boom() -> None:
        raise RuntimeError("secret internal detail")

    app.add_api_route("/api/boom", boom)
    app.add_api_route("/boom", boom)
    client = TestClient(app, raise_server_exceptions=False)
    for url in ("/api/boom", "/boom"):
        response = client.get(url)
        assert response.status_code == 500
        assert "secret" not in response.text and "Traceback" not in response.text
    assert client.get("/api/boom").json()["detail"].startswith("internal server error")


def test_read_only(client):
    assert client.post("/api/regions").status_code == 405
    assert client.delete("/api/regions/RU-TA").status_code == 405
