"""The report, the Excel export and the CLI on sparse ledgers (tests/sparse_ledgers.py): they
work, say what the evidence covers, show "insufficient evidence" (not "Low", not a zero), show
channels without evidence as such, and never mislabel synthetic data as real or the reverse."""

from __future__ import annotations

import html as html_lib
import re
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from paradiplomacy import i18n
from paradiplomacy.assess import coverage_view as evidence
from paradiplomacy.registry.tilegrid import load_tilegrid
from paradiplomacy.report import figures
from paradiplomacy.report.excel import SYNTHETIC_NOTICE, export_assessment
from paradiplomacy.report.html import render_report
from tests import sparse_ledgers

KINDS = sparse_ledgers.KINDS
PARTNER = sparse_ledgers.PARTNER
CYRILLIC = re.compile(r"[А-Яа-яЁё]")


def _text(html: str) -> str:
    """The visible text of a page, unescaped, without scripts."""
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", html)))


def _part(html: str, element_id: str, end: str = "</section>") -> str:
    return html.split(f'id="{element_id}"', 1)[1].split(end, 1)[0]


@pytest.fixture(scope="module")
def reports(sparse_assessment) -> dict[tuple[str, str], str]:
    return {
        (kind, lang): render_report(sparse_assessment(kind), partners=[PARTNER], lang=lang)
        for kind in KINDS
        for lang in ("en", "ru")
    }


@pytest.mark.parametrize("kind", KINDS)
def test_first_screen_says_what_the_evidence_covers(kind, sparse_assessment, reports):
    a = sparse_assessment(kind)
    page = reports[(kind, "en")]
    notice = _part(page, "coverage-notice", "</div>\n<nav")
    # before the contents and the first section: the first screen
    assert page.index('id="coverage-notice"') < page.index('id="contents"')
    text = _text(notice)
    assert a.data_label() in text
    covered = _text(_part(notice, "instruments-covered", "</p>"))
    not_covered = _text(_part(notice, "instruments-not-covered", "</p>"))
    for inst in a.coverage.covered:
        assert evidence.instrument_label(a, inst, "en") in covered
    for inst in a.coverage.not_covered:
        assert evidence.instrument_label(a, inst, "en") in not_covered
    assert f"({len(a.coverage.not_covered)})" in not_covered
    left_out = [
        (code, r.code, r.reason)
        for code, item in a.coverage.indices.items()
        for r in item.indicators[~item.indicators["used"]].itertuples()
    ]
    if left_out:
        table = _part(notice, "indicators-left-out", "</table>")
        assert table.count("<tr>") == len(left_out) + 1  # and the header
        for _index, code, reason in left_out:
            assert code in table and reason in html_lib.unescape(table)
    else:
        assert 'id="indicators-left-out"' not in notice


@pytest.mark.parametrize("kind", KINDS)
def test_insufficient_evidence_is_a_class_of_its_own(kind, sparse_assessment, reports):
    a = sparse_assessment(kind)
    table = a.regions_table()
    short = table["evidence"] == "insufficient"
    # one region's records: the others have zero activity of the covered instruments, which
    # is evidence (of zero), so only there no region is short of evidence
    assert bool(short.any()) is (kind != "region")
    assert table.loc[short, "level"].isna().all() and table.loc[~short, "level"].notna().all()
    assert (table["coverage"] < a.configs["classification"].min_coverage).equals(short)
    page = reports[(kind, "en")]
    counts = _part(page, "levels-count", "</table>")
    assert re.search(rf"<td>Insufficient evidence</td><td>{int(short.sum())}</td>", counts)
    low = int((table["level"] == len(a.configs["classification"].levels)).sum())
    assert re.search(rf"<td>\d\. Low</td><td>{low}</td>", counts)
    note = f"{int(short.sum())} of {len(table)} regions are classed Insufficient"
    assert (note in _text(_part(page, "tile-map"))) is bool(short.any())
    ru = reports[(kind, "ru")]
    assert "Недостаточно данных" in _text(_part(ru, "levels-count", "</table>"))


@pytest.mark.parametrize("kind", KINDS)
def test_tile_map_draws_insufficient_evidence_hatched_in_the_legend(kind, sparse_assessment):
    a = sparse_assessment(kind)
    regions = a.regions_table()
    grid = load_tilegrid().to_frame(a.scope)
    short = set(regions.loc[regions["evidence"] == "insufficient", "code"]) & set(grid["code"])
    assert bool(short) is (kind != "region")
    names = [lv.label_en for lv in a.configs["classification"].levels]
    for colour in ("level", "iai"):
        fig = go.Figure(figures.tile_map(regions, grid, colour, "en", names))
        hatch = [t for t in fig.data if t.name == "Insufficient evidence"]
        assert len(hatch) == 1 and hatch[0].showlegend
        assert hatch[0].fillpattern.shape == "/"
        corners = [x for x in hatch[0].x if x is not None]
        assert len(corners) == 5 * len(short)  # a closed square per region
    level = go.Figure(figures.tile_map(regions, grid, "level", "en", names))
    scale = [c for _, c in level.data[0].colorscale]
    low = figures.LEVEL_COLOURS[len(a.configs["classification"].levels) - 1]
    assert scale[-1] == figures.INSUFFICIENT_COLOUR != low
    assert {t.name for t in level.data if t.name} >= {"4. Low", "Insufficient evidence"}
    # without the names given, the levels are still all there (named from the table or
    # numbered), however few regions got one
    again = go.Figure(figures.tile_map(regions, grid, "level", "en"))
    entries = [t.name for t in again.data if t.name and t.name[0].isdigit()]
    assert len(entries) == len(names)


@pytest.mark.parametrize("kind", KINDS)
def test_synthetic_and_real_are_never_mixed_up(kind, sparse_assessment, reports):
    a = sparse_assessment(kind)
    en, ru = reports[(kind, "en")], reports[(kind, "ru")]
    if kind == "real":
        assert not a.synthetic and a.origin == "real"
        for page in (en, ru):
            assert "SYNTHETIC" not in page and "synthetic-banner" not in page
            assert "синтетическ" not in _text(page).lower()
        assert "real public data, incomplete: 1 of 19 instruments covered" in _text(en)
        assert "реальные открытые данные, неполные" in _text(ru)
    else:
        assert a.synthetic
        assert 'id="synthetic-banner"' in en and "SYNTHETIC DATA" in ru
        assert "real public data" not in _text(en)
        assert "реальные открытые данные" not in _text(ru)
        assert a.data_label().startswith("synthetic data (invented, not evidence)")


@pytest.mark.parametrize("kind", KINDS)
def test_partner_section_names_the_channels_without_evidence(kind, sparse_assessment, reports):
    a = sparse_assessment(kind)
    unseen = a.channels.no_evidence(PARTNER)
    section = _text(_part(reports[(kind, "en")], f"partner-{PARTNER}"))
    if unseen:
        line = section.split("Channels without evidence toward this partner:", 1)[1]
        for channel in unseen:
            assert i18n.t(f"channel.{channel}", "en") in line.split("(", 1)[0]
    else:
        assert "Channels without evidence" not in section


@pytest.mark.parametrize("kind", KINDS)
def test_configuration_section_explains_coverage_and_screening(kind, sparse_assessment, reports):
    a = sparse_assessment(kind)
    section = _part(reports[(kind, "en")], "provenance")
    text = _text(section)
    assert "Missing is not zero" in text and "docs/coverage.md" in text
    minimum = a.configs["classification"].min_coverage
    assert f"Least IAI coverage for a level {minimum:.0%}" in text
    rows = _part(section, "coverage-indicators", "</table>").count("<tr>") - 1
    assert rows == sum(len(c.indicators) for c in a.coverage.indices.values())
    ru = _text(_part(reports[(kind, "ru")], "provenance"))
    assert "Отсутствие данных — не ноль" in ru and "docs/coverage.md" in ru


@pytest.mark.parametrize("kind", KINDS)
def test_every_reason_is_translated(kind, sparse_assessment):
    a = sparse_assessment(kind)
    reasons = [
        str(r)
        for item in a.coverage.indices.values()
        for r in [*item.indicators["reason"], *item.aggregates["reason"]]
        if r
    ]
    for reason in reasons:
        ru = evidence.reason_label(reason, "ru")
        assert ru != reason and CYRILLIC.search(ru), reason
        assert evidence.reason_label(reason, "en") == reason
    view = evidence.coverage_view(a, "ru")
    assert view["label"] == evidence.data_label(a, "ru") and CYRILLIC.search(view["label"])
    assert evidence.data_label(a, "en") == a.data_label()
    assert f"{len(a.coverage.covered)} из {len(a.coverage.instruments)}" in view["label"]


# --- Excel ---------------------------------------------------------------------------------


def _sheet(path: Path, name: str, synthetic: bool) -> pd.DataFrame:
    return pd.read_excel(path, sheet_name=name, skiprows=1 if synthetic else 0)


@pytest.mark.parametrize("kind", KINDS)
def test_export_assessment_on_a_sparse_ledger(kind, sparse_assessment, tmp_path):
    a = sparse_assessment(kind)
    path = export_assessment(a, tmp_path / f"{kind}.xlsx", partners=[PARTNER])
    book = load_workbook(path, read_only=True)
    readme = [r[0] for r in book["README"].iter_rows(values_only=True)]
    assert f"coverage: {a.data_label()}" in readme
    assert any(str(line).startswith("Missing is not zero") for line in readme)
    assert (SYNTHETIC_NOTICE in readme) is a.synthetic
    if not a.synthetic:
        for name in book.sheetnames:
            first = next(book[name].iter_rows(values_only=True))
            assert "SYNTHETIC" not in str(first), name
    regions = _sheet(path, "regions", a.synthetic)
    short = regions["evidence"] == "insufficient"
    assert short.sum() == (a.regions_table()["evidence"] == "insufficient").sum()
    assert regions.loc[short, "level"].isna().all()  # an empty cell, never 0 or "Low"
    assert (regions.loc[short, "level_name"] == "Insufficient evidence").all()
    indicators = _sheet(path, "coverage_indicators", a.synthetic)
    left = indicators[~indicators["used"].astype(bool)]
    assert left["reason"].notna().all() and (left["weight_used"] == 0).all()
    for index, group in indicators.groupby("index"):
        assert group["weight_full"].sum() == pytest.approx(1.0), index
        used = group.loc[group["used"].astype(bool), "weight_used"]
        assert used.sum() == pytest.approx(1.0) if len(used) else True
    instruments = _sheet(path, "coverage_instruments", a.synthetic)
    assert list(instruments.loc[instruments["covered"].astype(bool), "instrument"]) == (
        a.coverage.covered
    )
    totals = _sheet(path, f"scenario_{PARTNER}_totals", a.synthetic)
    unseen = "|".join(a.channels.no_evidence(PARTNER))
    assert list(totals["channels_without_evidence"].astype(object).fillna("")) == [unseen] * 4
    columns = _sheet(path, "columns", a.synthetic)
    described = columns[(columns["sheet"] == "regions") & (columns["column"] == "evidence")]
    assert "insufficient" in described["description"].iloc[0]


# --- the command line ------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["twinning", "real"])
def test_cli_report_and_export_on_a_sparse_ledger(kind, template_db, tmp_path):
    from paradiplomacy.cli import app

    db = sparse_ledgers.build_ledger(kind, template_db, tmp_path)
    out = tmp_path / "report.html"
    runner = CliRunner()
    common = ["--db", str(db), "--runs", "10"]
    result = runner.invoke(app, ["report", *common, "--partners", "CN", "--out", str(out)])
    assert result.exit_code == 0, (result.output, result.exception)
    assert "cannot convert" not in result.output
    page = out.read_text(encoding="utf-8")
    assert 'id="coverage-notice"' in page and "Insufficient evidence" in page
    assert ("SYNTHETIC DATA" in page) is (kind != "real")
    xlsx = tmp_path / "assessment.xlsx"
    result = runner.invoke(app, ["export", "assessment", *common, "--to", str(xlsx)])
    assert result.exit_code == 0, (result.output, result.exception)
    assert "coverage_indicators" in load_workbook(xlsx, read_only=True).sheetnames
