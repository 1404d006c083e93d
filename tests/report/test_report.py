"""The HTML report: sections by id in English and Russian, no external URL, the synthetic banner,
the choropleth's ISO matching with unmatched features listed, partner sections, figures."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from paradiplomacy.assess.assessment import Assessment
from paradiplomacy.ledger.store import Store
from paradiplomacy.report import figures
from paradiplomacy.report.html import figure_html, plotly_template, render_report, write_report
from paradiplomacy.synthetic import fill
from tests.report import figure_sample

FIXTURES = Path(__file__).parent / "fixtures"
GEOJSON = FIXTURES / "regions.geojson"
PARTNERS = ("DE", "JP")
SECTIONS = ["summary", "tile-map", "rankings", "levels", "pillars", "network", "provenance"]


@pytest.fixture(scope="module")
def assessment(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    path = tmp_path_factory.mktemp("report") / "demo.sqlite"
    shutil.copy(template_db, path)
    store = Store(f"sqlite:///{path}")
    fill(store, seed=3, target_records=6000)
    built = Assessment.from_store(store, runs=50, seed=5)
    store.close()
    return built


@pytest.fixture(scope="module")
def report_en(assessment: Assessment) -> str:
    return render_report(assessment, partners=PARTNERS, geojson=GEOJSON, lang="en")


@pytest.fixture(scope="module")
def report_ru(assessment: Assessment) -> str:
    return render_report(assessment, partners=PARTNERS, geojson=GEOJSON, lang="ru")


class Page(HTMLParser):
    """Collects element ids, the URLs a browser would fetch, and the text of sections."""

    FETCHED: ClassVar[dict[str, str]] = {
        "script": "src", "link": "href", "img": "src", "iframe": "src", "source": "src",
        "video": "src", "audio": "src", "embed": "src", "object": "data",
    }  # fmt: skip

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.fetched: list[str] = []
        self.headings: dict[str, str] = {}
        self.styles: list[str] = []
        self._section: str | None = None
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.append(str(values["id"]))
        if tag == "section":
            self._section = values.get("id")
        attribute = self.FETCHED.get(tag)
        if attribute and values.get(attribute):
            self.fetched.append(str(values[attribute]))
        if tag == "link" and values.get("href"):
            self.fetched.append(str(values["href"]))
        if values.get("style"):
            self.styles.append(str(values["style"]))
        self._in = tag

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "h2" and self._section:
            self.headings[self._section] = self.headings.get(self._section, "") + data
        if self._in == "style":
            self.styles.append(data)


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    return page


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_every_section_is_present(lang, report_en, report_ru):
    page = parse(report_en if lang == "en" else report_ru)
    expected = [*SECTIONS, "choropleth", *(f"partner-{p}" for p in PARTNERS)]
    for section in expected:
        assert section in page.ids, section
        assert page.headings[section].strip(), section
    assert len(page.ids) == len(set(page.ids)), "ids are unique"


def test_russian_headings_and_names(report_ru, report_en):
    page = parse(report_ru)
    assert page.headings["summary"].strip() == "Сводка"
    assert page.headings["rankings"].strip() == "Рейтинги с неопределённостью"
    assert "Германия" in page.headings["partner-DE"]
    assert '<html lang="ru">' in report_ru
    assert "Москва" in report_ru and "Summary" not in parse(report_ru).headings.values()
    assert parse(report_en).headings["summary"].strip() == "Summary"
    assert "Germany" in parse(report_en).headings["partner-DE"]


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_no_external_url_a_browser_would_fetch(lang, report_en, report_ru):
    html = report_en if lang == "en" else report_ru
    page = parse(html)
    assert not [u for u in page.fetched if re.match(r"\s*(https?:)?//", u, re.I)]
    assert not any(re.search(r"url\(\s*['\"]?(https?:)?//", s, re.I) for s in page.styles)
    assert not re.search(r"@import\s+url\(\s*['\"]?https?:", html, re.I)
    assert not re.search(r"fetch\(\s*['\"]https?:", html, re.I)
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=['\"]?https?:", html, re.I)


def test_plotlyjs_is_inlined_once(report_en):
    from plotly.offline import get_plotlyjs

    head = get_plotlyjs()[:200]
    assert report_en.count(head) == 1
    assert "Plotly.newPlot" in report_en


def test_synthetic_banner_on_page_and_every_section(assessment, report_en, report_ru):
    assert assessment.synthetic
    assert 'id="synthetic-banner"' in report_en and "SYNTHETIC DATA" in report_en
    assert "SYNTHETIC DATA" in report_ru  # kept in Russian, too
    sections = report_en.count("<section ")
    assert report_en.count('class="section-banner"') == sections


def test_choropleth_matches_by_iso_and_lists_the_unmatched(assessment, report_en):
    regions = assessment.regions_table()
    geojson = json.loads(GEOJSON.read_text(encoding="utf-8"))
    match = figures.match_features(geojson, regions)
    assert match.matched == {"RU-TA": 0, "RU-MOW": 1}
    assert match.unmatched_features == [{"index": 2, "iso": "XX-ZZ", "name": "Nowhere Oblast"}]
    assert len(match.regions_without_feature) == len(regions) - 2
    assert "RU-TA" not in match.regions_without_feature
    spec, again = figures.choropleth(regions, geojson, lang="en")
    fig = go.Figure(spec)
    assert again.matched == match.matched
    assert list(fig.data[0].locations) == ["RU-TA", "RU-MOW"]
    assert fig.layout.geo.visible is False  # no base map to fetch
    section = report_en.split('id="choropleth"', 1)[1].split("</section>", 1)[0]
    table = section.split('id="unmatched-features"', 1)[1].split("</table>", 1)[0]
    assert "XX-ZZ" in table and "Nowhere Oblast" in table
    assert "Regions without a feature (83)" in section


def test_feature_iso_properties_in_order():
    feature = {"properties": {"iso_code": "RU-AD", "shapeISO": " ru-ta "}}
    assert figures.feature_iso(feature) == "RU-TA"
    assert figures.feature_iso({"properties": {"ISO3166-2": "RU-AD"}}) == "RU-AD"
    assert figures.feature_iso({"properties": {"name": "x"}}) is None
    assert figures.feature_iso({}) is None


def test_without_geojson_no_choropleth_and_no_partner(assessment):
    html = render_report(assessment, lang="en")
    ids = parse(html).ids
    assert "choropleth" not in ids
    assert not [i for i in ids if i.startswith("partner-")]
    assert "summary" in ids


def test_partner_sections_have_every_crisis_level(report_en):
    for partner in PARTNERS:
        section = report_en.split(f'id="partner-{partner}"', 1)[1].split("</section>", 1)[0]
        for level, name in enumerate(["normal", "tension", "sanctions", "rupture"]):
            assert f"Crisis level {level}: {name}" in section
        assert "Country totals by crisis level" in section
        assert "P(top 10)" in section
        assert f'id="fig-partner-{partner}"' in section


def test_provenance_section(report_en):
    section = report_en.split('id="provenance"', 1)[1].split("</section>", 1)[0]
    for text in ("indices/iai.yaml", "iai.yaml", "synthetic:", "cut points", "seed", "normalise"):
        assert text in section, text


def test_deterministic_apart_from_the_generated_line(assessment, report_en):
    again = render_report(assessment, partners=PARTNERS, geojson=GEOJSON, lang="en")
    strip = re.compile(r"Generated: [^<]*")
    assert strip.sub("", again) == strip.sub("", report_en)


def test_write_report(assessment, tmp_path):
    path = write_report(assessment, partners=["us"], lang="en", out=tmp_path / "r" / "a.html")
    text = path.read_text(encoding="utf-8")
    assert 'id="partner-US"' in text
    with pytest.raises(ValueError):
        render_report(assessment, lang="de")


def test_escaping_of_names():
    regions = pd.DataFrame(
        {"code": ["X-1"], "name_en": ["<script>alert(1)</script>"], "name_ru": ["x"],
         "iai": [50.0], "iai_rank": [1], "level": [1], "level_name": ["Leader"]}
    )  # fmt: skip
    grid = pd.DataFrame({"code": ["X-1"], "row": [0], "col": [0]})
    fig = figures.tile_map(regions, grid, "iai")
    for html in (figure_html(fig, "x"), go.Figure(fig).to_html(include_plotlyjs=False)):
        assert "<script>alert(1)</script>" not in html
        assert "alert(1)" in html


def test_figures_are_pure_functions_of_tables(assessment):
    regions = assessment.regions_table()
    grid = pd.DataFrame(
        {"code": regions["code"], "row": regions.index // 10, "col": regions.index % 10}
    )
    fig = go.Figure(figures.tile_map(regions.iloc[1:], grid, "level", "ru"))
    assert np.shape(fig.data[0].z) == (9, 10)
    assert figures.missing_tiles(regions, grid.iloc[1:]) == [regions["code"].iloc[0]]
    fig = go.Figure(figures.ranking(regions, "sppi"))
    assert len(fig.data[0].y) == len(regions)
    ties = figures.strongest_ties(assessment.channels.bilateral_intensity(), 25)
    assert len(ties) == 25 and ties["intensity"].is_monotonic_decreasing
    a = figures.network(ties, {}, {}, seed=3)
    b = figures.network(ties, {}, {}, seed=3)
    assert json.dumps(a) == json.dumps(b)
    assert go.Figure(a).to_json() == go.Figure(b).to_json()


def test_figures_unchanged(assessment, sparse_assessment):
    """The figures' data and layout are those of the sample in ``fixtures/figures.json``
    (written by ``tests/report/figure_sample.py`` when they were still built through
    ``plotly.graph_objects``), and plotly reads the dicts as the same figures."""
    expected = json.loads(figure_sample.FIXTURE.read_text(encoding="utf-8"))
    got = figure_sample.sample(assessment, sparse_assessment("twinning"))
    assert sorted(got) == sorted(expected)
    assert [key for key in expected if got[key] != expected[key]] == []
    regions = assessment.regions_table()
    fig = figures.ranking(regions, "iai", "ru")
    assert figure_sample.canonical(go.Figure(fig)) == figure_sample.canonical(fig)


def test_figure_html_writes_the_figure_and_the_template_once(assessment, report_en):
    regions = assessment.regions_table()
    fig = figures.ranking(regions, "iai", "en")
    html = str(figure_html(fig, "fig-x"))
    assert 'id="fig-x"' in html and f"height:{fig['layout']['height']}px" in html
    data = json.loads(html.split('Plotly.newPlot("fig-x", ', 1)[1].split(", Object.assign(")[0])
    assert figure_sample.canonical(data) == figure_sample.canonical(fig["data"])
    assert "<b>" not in html and "\\u003cb\\u003e" in html  # escaped inside the script
    import plotly.io as pio

    assert plotly_template() == pio.templates[pio.templates.default].to_plotly_json()
    assert report_en.count("window.PARADIPLOMACY_PLOTLY_TEMPLATE = ") == 1
    assert report_en.count('"template":') == 0
    assert report_en.count("Plotly.newPlot(") == report_en.count('class="plotly-graph-div"')


def test_network_positions_are_networkx_spring_layout(assessment):
    import networkx as nx

    ties = figures.strongest_ties(assessment.channels.bilateral_intensity(), 60)
    graph = nx.Graph()
    edges = []
    for row in ties.itertuples(index=False):
        edges.append((f"r:{row.region}", f"p:{row.partner}", float(row.intensity)))
        graph.add_edge(*edges[-1][:2], weight=edges[-1][2])
    for seed in (7, 3):
        for a, b, w in edges:
            graph[a][b]["weight"] = round(w, 9)
        expected = nx.spring_layout(graph, seed=seed, weight="weight")
        got = figures.spring_layout(list(graph.nodes), edges, seed=seed)
        assert list(got) == list(expected)
        for node, (x, y) in got.items():
            assert (x, y) == pytest.approx(tuple(expected[node]), abs=1e-12)
