"""The dashboard and its API on sparse ledgers (tests/sparse_ledgers.py): every endpoint
answers, JSON has no NaN, coverage is shown on the first screen and the methods page,
"insufficient evidence" regions are shown so, channels without evidence are "no evidence"."""

from __future__ import annotations

import html as html_lib
import json
import math
import re

import numpy as np
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
from tests import sparse_ledgers

KINDS = sparse_ledgers.KINDS
PARTNER = sparse_ledgers.PARTNER


@pytest.fixture(scope="module")
def clients(sparse_assessment) -> dict[str, TestClient]:
    return {
        kind: TestClient(create_app(sparse_assessment(kind)), raise_server_exceptions=False)
        for kind in KINDS
    }


def _region(a, evidence: str | None = None) -> str:
    """A region with records (and with the given evidence class, when asked)."""
    table = a.regions_table()
    if evidence is not None and (table["evidence"] == evidence).any():
        table = table[table["evidence"] == evidence]
    with_records = table[table["code"].isin(set(a.ledger_records()["region"]))]
    return str((with_records if len(with_records) else table)["code"].iloc[0])


def _endpoints(a) -> dict[str, type]:
    code = _region(a)
    return {
        "/api/regions": RegionList,
        f"/api/regions/{code}": RegionDetail,
        f"/api/regions/{code}/records": RecordPage,
        f"/api/regions/{code}/channels": RegionChannels,
        "/api/partners": PartnerList,
        f"/api/partners/{PARTNER}": PartnerDetail,
        f"/api/scenario?partner={PARTNER}&level=2": ScenarioAnswer,
        f"/api/scenario?partner={PARTNER}&level=3&close=twinning": ScenarioAnswer,
        "/api/scenario?partner=US&level=0": ScenarioAnswer,
        "/api/methods": Methods,
        "/api/coverage": CoverageAnswer,
    }


def _no_nan(text: str) -> None:
    def refuse(constant: str) -> None:
        raise AssertionError(f"{constant} in the JSON")

    json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize("kind", KINDS)
def test_every_endpoint_answers_with_coverage_and_no_nan(kind, clients, sparse_assessment):
    a = sparse_assessment(kind)
    client = clients[kind]
    for url, model in _endpoints(a).items():
        for lang in ("en", "ru"):
            sep = "&" if "?" in url else "?"
            response = client.get(f"{url}{sep}lang={lang}")
            assert response.status_code == 200, (url, response.text[:300])
            _no_nan(response.text)
            body = model.model_validate(response.json())
            assert body.meta.synthetic is a.synthetic
            assert bool(body.meta.notice) is a.synthetic
            if lang == "en":
                assert body.meta.data_label == a.data_label()
            else:
                assert body.meta.data_label.startswith(
                    "синтетические данные" if a.synthetic else "реальные открытые данные"
                )


@pytest.mark.parametrize("kind", KINDS)
def test_bad_requests_answer_4xx_with_a_message(kind, clients):
    client = clients[kind]
    for url, status in [
        ("/api/regions/XX-NOPE", 404),
        ("/api/partners/QQ", 404),
        ("/api/scenario?partner=QQ&level=1", 404),
        ("/api/scenario?partner=CN&level=9", 422),
        ("/api/scenario?partner=CN&level=1&close=nothing", 422),
        ("/api/regions?level=7", 422),
    ]:
        response = client.get(url)
        assert response.status_code == status, url
        assert response.json()["detail"]


@pytest.mark.parametrize("kind", KINDS)
def test_overview_and_assessment_endpoints_carry_the_coverage(kind, clients, sparse_assessment):
    a = sparse_assessment(kind)
    table = a.regions_table()
    short = sorted(table.loc[table["evidence"] == "insufficient", "code"])
    for url in ("/api/regions", "/api/methods", "/api/coverage"):
        coverage = clients[kind].get(url).json()["coverage"]
        assert coverage["label"] == a.data_label()
        assert [c["instrument"] for c in coverage["covered"]] == a.coverage.covered
        assert [c["instrument"] for c in coverage["not_covered"]] == a.coverage.not_covered
        assert sorted(coverage["insufficient"]) == short
        left = {(i["index"], i["code"]) for i in coverage["left_out"]}
        expected = {
            (code, str(r.code))
            for code, item in a.coverage.indices.items()
            for r in item.indicators[~item.indicators["used"]].itertuples()
        }
        assert left == expected and all(i["reason"] for i in coverage["left_out"])
        assert coverage["docs"] == "docs/coverage.md"
    detail = clients[kind].get("/api/methods").json()["coverage_detail"]
    assert detail["instruments_not_covered"] == a.coverage.not_covered
    assert set(detail["indices"]) == set(a.coverage.indices)


@pytest.mark.parametrize("kind", KINDS)
def test_regions_without_enough_evidence_have_no_level(kind, clients, sparse_assessment):
    a = sparse_assessment(kind)
    body = clients[kind].get("/api/regions?lang=ru").json()
    assert body["count"] == len(a.regions)
    for region in body["regions"]:
        short = region["evidence"] == "insufficient"
        assert (region["level"] is None) is short
        assert (region["level_name"] == "Недостаточно данных") is short
        if short:
            assert region["coverage"] < a.configs["classification"].min_coverage
            assert all(p is None for p in region["probabilities"])
        assert 0.0 <= region["coverage"] <= 1.0


@pytest.mark.parametrize("kind", KINDS)
def test_channels_without_evidence_are_null_not_zero(kind, clients, sparse_assessment):
    a = sparse_assessment(kind)
    client = clients[kind]
    unseen = a.channels.no_evidence(PARTNER)
    partner = client.get(f"/api/partners/{PARTNER}").json()
    assert partner["channels_without_evidence"] == unseen
    for row in partner["regions"]:
        assert row["no_evidence"] == unseen
        assert [k for k, v in row["channels"].items() if v is None] == unseen
    code = _region(a)
    view = a.region_view(code).set_index("partner")
    body = client.get(f"/api/regions/{code}/channels").json()
    assert len(body["partners"]) == len(view)
    for row in body["partners"]:
        expected = view.loc[row["partner"]]
        for channel, value in row["channels"].items():
            if value is None:
                assert math.isnan(expected[channel]) and channel in row["no_evidence"]
            else:
                assert value == pytest.approx(float(expected[channel]))
    scenario = client.get(f"/api/scenario?partner={PARTNER}&level=2").json()
    result = a.scenario(PARTNER, 2)
    assert scenario["channels_without_evidence"] == result.summary["channels_without_evidence"]
    assert scenario["instruments_not_covered"] == a.coverage.not_covered
    for row in scenario["capacity"]:
        nulls = [k for k, v in row["contributions"].items() if v is None]
        assert nulls == scenario["channels_without_evidence"]


# --- pages ------------------------------------------------------------------------------------


def _text(html: str) -> str:
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", html)))


@pytest.mark.parametrize("kind", KINDS)
def test_overview_first_screen_map_and_rankings(kind, clients, sparse_assessment):
    a = sparse_assessment(kind)
    table = a.regions_table()
    short = set(table.loc[table["evidence"] == "insufficient", "code"])
    html = clients[kind].get("/").text
    notice = html.split('id="coverage-notice"', 1)[1].split("</section>", 1)[0]
    assert html.index('id="coverage-notice"') < html.index('id="filters"')  # first screen
    assert a.data_label() in _text(notice)
    assert f"Instruments not covered ({len(a.coverage.not_covered)})" in _text(notice)
    for reason in {
        str(r)
        for item in a.coverage.indices.values()
        for r in item.indicators.loc[~item.indicators["used"], "reason"]
    }:
        assert reason in _text(notice)
    tiles = re.findall(r'<a class="tile([^"]*)" data-code="([^"]+)"', html)
    assert {code for cls, code in tiles if "insufficient" in cls} == short
    legend = _text(html.split('id="tile-legend"', 1)[1].split("</p>", 1)[0])
    assert "Insufficient evidence" in legend and "4 Low" in legend
    assert 'class="swatch insufficient"' in html.split('id="tile-legend"', 1)[1]
    rows = re.findall(r'<tr data-code="([^"]+)" data-level="([^"]*)" data-evidence="(\w+)"', html)
    assert len(rows) == len(table)
    assert {code for code, level, ev in rows if level == ""} == short
    assert {code for code, level, ev in rows if ev == "insufficient"} == short
    rankings = html.split('id="rankings"', 1)[1]
    assert "<th" in rankings and "Coverage</th>" in rankings
    first = table.iloc[0]
    assert f"{100 * first['coverage']:.0f}%" in rankings.split(f'data-code="{first["code"]}"')[1]
    ru = clients[kind].get("/?lang=ru").text
    assert "Что охватывают данные" in ru and "Недостаточно данных" in ru
    assert ("SYNTHETIC" in html) is a.synthetic and ("СИНТЕТИЧЕСКИЕ" in ru) is a.synthetic


@pytest.mark.parametrize("kind", KINDS)
def test_region_partner_and_scenario_pages_show_no_evidence(kind, clients, sparse_assessment):
    a = sparse_assessment(kind)
    client = clients[kind]
    code = _region(a, "insufficient")
    page = client.get(f"/region/{code}").text
    row = a.regions_table().set_index("code").loc[code]
    if row["evidence"] == "insufficient":
        assert 'id="insufficient-note"' in page
        assert "Insufficient evidence" in _text(page.split('id="class"', 1)[1])
    else:
        assert 'id="insufficient-note"' not in page
    assert f"{100 * row['coverage']:.0f}%" in page.split('id="region-coverage"', 1)[1][:200]
    view = a.region_view(code)
    blanks = int(view[list(a.channels.channels)].isna().to_numpy()[:30].sum())
    assert page.split('id="partners"', 1)[1].count('class="no-evidence"') == blanks
    unseen = a.channels.no_evidence(PARTNER)
    partner = client.get(f"/partner/{PARTNER}").text
    n_rows = len(a.partner_view(PARTNER))
    assert partner.count('class="no-evidence"') == n_rows * len(unseen)
    assert ('id="partner-no-evidence"' in partner) is bool(unseen)
    scenario = client.get(f"/scenario?partner={PARTNER}&level=2").text
    notice = _text(scenario.split('id="scenario-coverage"', 1)[1].split("</div>", 1)[0])
    assert a.data_label() in notice
    for channel in unseen:
        label = {"political": "Political", "education": "Education and science"}.get(channel)
        if label:
            assert label in notice
    cells = scenario.split('id="scenario-table"', 1)[1].count('class="no-evidence"')
    assert cells == len(a.regions) * len(unseen)


@pytest.mark.parametrize("kind", KINDS)
def test_methods_page_explains_coverage_and_screening(kind, clients, sparse_assessment):
    a = sparse_assessment(kind)
    html = clients[kind].get("/methods").text
    section = html.split('id="coverage"', 1)[1].split("</section>", 1)[0]
    text = _text(section)
    assert "Missing is not zero" in text and "docs/coverage.md" in text
    assert a.data_label() in text
    rows = section.split('id="coverage-indicators"', 1)[1].split("</table>", 1)[0]
    left = rows.count('class="left-out"')
    assert left == sum(int((~c.indicators["used"]).sum()) for c in a.coverage.indices.values())
    instruments = section.split('id="coverage-instruments"', 1)[1].split("</table>", 1)[0]
    assert instruments.count("data-instrument=") == len(a.coverage.instruments)
    ru = _text(clients[kind].get("/methods?lang=ru").text)
    assert "Отсутствие данных — не ноль" in ru


def test_real_sparse_ledger_is_never_called_synthetic(clients, sparse_assessment):
    a = sparse_assessment("real")
    assert not a.synthetic
    client = clients["real"]
    code = _region(a)
    for url in ("/", f"/region/{code}", f"/partner/{PARTNER}", "/scenario", "/methods"):
        for lang in ("en", "ru"):
            html = client.get(f"{url}?lang={lang}").text
            assert "SYNTHETIC" not in html and "synthetic-banner" not in html, url
            assert "синтетическ" not in html.lower(), url
    assert "real public data, incomplete" in client.get("/").text
    assert np.isnan(a.regions_table()["level"].astype(float)).all()
