"""The region and partner registries: facts checked against an independent table and pycountry."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pycountry
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from paradiplomacy.registry import (
    MACRO_REGIONS,
    AmbiguousLookupError,
    AmbiguousNameError,
    NameIndex,
    PartnerRegistry,
    RegionRegistry,
)
from paradiplomacy.text import DESIGNATORS, name_key, romanised
from tests import registry_facts_ru as facts

REGIONS = RegionRegistry.load()


@pytest.fixture(scope="module")
def registry() -> RegionRegistry:
    return RegionRegistry.load()


@pytest.fixture(scope="module")
def partners() -> PartnerRegistry:
    return PartnerRegistry.load()


def test_scopes_have_the_documented_sizes(registry: RegionRegistry) -> None:
    assert len(registry) == 89
    assert registry.default_scope == "study-2021"
    assert len(registry.regions()) == 85
    assert len(registry.regions("study-2021")) == 85
    assert len(registry.regions("iso")) == 83
    assert len(registry.regions("rf-2023")) == 89
    assert len(registry.regions("all")) == 89
    with pytest.raises(KeyError, match="unknown scope 'nope'; expected one of"):
        registry.regions("nope")


def test_codes_are_the_independent_tables_codes(registry: RegionRegistry) -> None:
    assert {r.code for r in registry.regions("all")} == set(facts.TYPE_AND_DISTRICT)


@pytest.mark.parametrize("code", sorted(facts.TYPE_AND_DISTRICT))
def test_type_district_and_borders_match_the_independent_table(
    registry: RegionRegistry, code: str
) -> None:
    region = registry[code]
    assert (region.type, region.federal_district) == facts.TYPE_AND_DISTRICT[code]
    assert set(region.land_borders) == facts.LAND_BORDERS[code]
    if code in facts.SEA_BORDERS:
        assert set(region.sea_borders) == facts.SEA_BORDERS[code]
    assert region.arctic_zone == (code in facts.ARCTIC_ZONE)
    assert (region.type == "federal_city") == (code in facts.FEDERAL_CITIES)
    assert (region.status == "disputed") == (code in facts.DISPUTED)
    if code in facts.POPULATION_2021_THOUSANDS:
        expected = facts.POPULATION_2021_THOUSANDS[code]
        assert region.population_2021 == pytest.approx(expected, rel=0.03)


def test_sea_borders_are_checked_for_every_undisputed_coastal_region(
    registry: RegionRegistry,
) -> None:
    unchecked = [
        r.code
        for r in registry.regions("all")
        if r.sea_borders and r.code not in facts.SEA_BORDERS and r.status != "disputed"
    ]
    assert unchecked == []


def test_every_iso_code_is_in_pycountry_and_every_russian_subdivision_is_listed(
    registry: RegionRegistry,
) -> None:
    iso = {s.code for s in pycountry.subdivisions if s.country_code == "RU"}
    listed = {r.iso_code for r in registry.regions("all") if r.iso_code}
    assert listed == iso
    for region in registry.regions("iso"):
        assert region.iso_code == region.code
        assert pycountry.subdivisions.get(code=region.iso_code) is not None


def test_disputed_entries_are_marked_and_scoped(registry: RegionRegistry) -> None:
    disputed = {r.code for r in registry.regions("all") if r.status == "disputed"}
    assert disputed == {"RU-CR", "RU-SEV", "RU-DPR", "RU-LPR", "RU-ZAP", "RU-KHE"}
    study = {r.code for r in registry.regions("study-2021")}
    assert {"RU-CR", "RU-SEV"} <= study
    assert not {"RU-DPR", "RU-LPR", "RU-ZAP", "RU-KHE"} & study
    assert not disputed & {r.code for r in registry.regions("iso")}


def test_codes_are_unique_and_well_formed(registry: RegionRegistry) -> None:
    regions = registry.regions("all")
    fips = [r.fips for r in regions]
    assert len(set(fips)) == len(fips)
    assert all(f and (f.startswith("RS") or f.startswith("UP")) for f in fips)
    okato = [r.okato for r in regions if r.okato]
    assert len(set(okato)) == len(okato)
    assert registry["RU-TA"].fips == "RS73"
    assert registry["RU-MOW"].fips == "RS48"
    assert registry["RU-SPE"].fips == "RS66"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Татарстан", "RU-TA"),
        ("Republic of Tatarstan", "RU-TA"),
        ("  республика татарстан ", "RU-TA"),
        ("RS73", "RU-TA"),
        ("ru-ta", "RU-TA"),
        ("Приморье", "RU-PRI"),
        ("Primorye", "RU-PRI"),
        ("СПб", "RU-SPE"),
        ("St. Petersburg", "RU-SPE"),
        ("St Petersburg", "RU-SPE"),
        ("Санкт-Петербург", "RU-SPE"),
        ("Орловская область", "RU-ORL"),
        ("Мурманская обл.", "RU-MUR"),
        ("Кемеровская область — Кузбасс", "RU-KEM"),
        ("Ханты-Мансийский автономный округ — Югра", "RU-KHM"),
    ],
)
def test_names_aliases_and_codes_resolve(registry: RegionRegistry, text: str, code: str) -> None:
    assert registry.resolve(text) == code


# Region names as official tables (Rosstat, ministries) and foreign sources spell them: issue 12.
OFFICIAL_SPELLINGS = [
    ("Санкт-Петербург г.", "RU-SPE"),
    ("г. Санкт-Петербург", "RU-SPE"),
    ("Москва г", "RU-MOW"),
    ("Ханты-Мансийский АО — Югра", "RU-KHM"),
    ("Северная Осетия - Алания", "RU-SE"),
    ("Респ. Татарстан", "RU-TA"),
    ("Республика Татарстан (Татарстан)", "RU-TA"),
    ("Питер", "RU-SPE"),
    ("Saint-Petersburg", "RU-SPE"),
    ("Sakha (Yakutia)", "RU-SA"),
    ("Transbaikalia", "RU-ZAB"),
    ("Ямало-Ненецкий АО", "RU-YAN"),
    ("Еврейская авт. обл.", "RU-YEV"),
    ("Еврейская АО", "RU-YEV"),
    ("Чувашская Респ.", "RU-CU"),
    ("Кемеровская обл. - Кузбасс", "RU-KEM"),
    ("Краснодарский кр.", "RU-KDA"),
    ("Tatarstan, Republic of", "RU-TA"),
    ("Moscow obl.", "RU-MOS"),
    ("Moscow Region", "RU-MOS"),
    ("Moscow city", "RU-MOW"),
    ("город федерального значения Севастополь", "RU-SEV"),
    ("Респ. Алтай", "RU-AL"),
    ("Altai Krai", "RU-ALT"),
    ("Rostov", "RU-ROS"),
    # transliterations, matched on romanisation skeletons
    ("Zabaykalskiy kray", "RU-ZAB"),
    ("Orlovskaya obl.", "RU-ORL"),
    ("Orel Oblast", "RU-ORL"),
    ("Khabarovskiy kray", "RU-KHA"),
    ("Stavropolskii krai", "RU-STA"),
    ("Yakutiya", "RU-SA"),
    ("Khakasiya", "RU-KK"),
    ("Sankt-Peterburg g.", "RU-SPE"),
    ("g. Moskva", "RU-MOW"),
    ("Hanty-Mansiyskiy AO - Yugra", "RU-KHM"),
]


@pytest.mark.parametrize(("text", "code"), OFFICIAL_SPELLINGS)
def test_official_table_spellings_resolve(registry: RegionRegistry, text: str, code: str) -> None:
    assert registry.resolve(text) == code
    assert registry.get(text).code == code


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("Altai", ["RU-AL", "RU-ALT"]),
        ("ALTAY", ["RU-AL", "RU-ALT"]),
        ("Алтай", ["RU-AL", "RU-ALT"]),
        ("Leningrad", ["RU-LEN", "RU-SPE"]),
        ("Ленинград", ["RU-LEN", "RU-SPE"]),
    ],
)
def test_ambiguous_region_names_list_their_candidates(
    registry: RegionRegistry, text: str, codes: list[str]
) -> None:
    match = registry.lookup(text)
    assert match.code is None and match.ambiguous
    assert [code for _, code in match.candidates] == codes
    assert registry.resolve(text) is None
    with pytest.raises(AmbiguousLookupError, match=f"region '{text}' is ambiguous: did you mean"):
        registry.get(text)


def test_ambiguous_candidates_are_named_in_the_querys_script(registry: RegionRegistry) -> None:
    with pytest.raises(KeyError) as error:
        registry.get("Altai")
    assert str(error.value) == (
        "region 'Altai' is ambiguous: did you mean 'Altai Republic' (RU-AL) or "
        "'Altai Krai' (RU-ALT)?"
    )
    assert registry.lookup("Алтай").candidates == (
        ("Республика Алтай", "RU-AL"),
        ("Алтайский край", "RU-ALT"),
    )


def test_designators_choose_between_regions_of_one_name(registry: RegionRegistry) -> None:
    assert registry.resolve("Moscow") == "RU-MOW"
    assert registry.resolve("Moscow Oblast") == "RU-MOS"
    assert registry.resolve("обл. Moscow") == "RU-MOS"
    assert registry.resolve("Moscow, city of") == "RU-MOW"
    assert registry.resolve("Altai Republic") == "RU-AL"
    assert registry.resolve("Республика Алтай") == "RU-AL"
    assert registry.resolve("Алтайский край") == "RU-ALT"
    # A designator of the wrong type names nothing: no region "Tatarstan Oblast".
    assert registry.lookup("Tatarstan Oblast").code is None
    assert registry.resolve("г. Татарстан") is None
    # Without "Oblast" the English stem is a city's name; a designator is needed.
    assert registry.resolve("Novosibirsk") is None
    assert registry.resolve("Novosibirsk obl.") == "RU-NVS"
    assert registry.resolve("Oryol") is None
    assert registry.resolve("Орловская обл") == "RU-ORL"


def test_fuzzy_matches_are_suggestions_only(registry: RegionRegistry) -> None:
    for text in (
        "Татарстанн",
        "Tatarstann",
        "Tatarstn",
        "Санкт-Петербурх",
        "Atlantis Oblast",
        "RU-XX",
    ):
        assert registry.resolve(text) is None
    with pytest.raises(KeyError, match=r"unknown region 'Санкт-Петербурх'; did you mean"):
        registry.get("Санкт-Петербурх")


def test_name_key_folds_case_punctuation_order_and_designators() -> None:
    key = name_key("Санкт-Петербург г.")
    assert key == name_key("г. САНКТ ПЕТЕРБУРГ")
    assert key.base == name_key("Санкт-Петербург").base == "петербург санкт"
    assert key.kinds == frozenset({"federal_city"})
    assert name_key("Республика Татарстан (Татарстан)").words == "республика татарстан"
    assert (
        name_key("Ханты-Мансийский АО — Югра").base
        == name_key("Ханты-Мансийский автономный округ — Югра").base
    )
    assert name_key("Orlovskaya oblast'").base == "orlovskaya"
    assert name_key("Korea, Republic of").words == name_key("Republic of Korea").words
    assert name_key("Орёл").words == "орел"
    assert name_key("Tatarstan").kinds is None
    assert name_key("Tatarstan").bare and name_key("Респ. Татарстан").bare
    assert not name_key("Novosibirsk Oblast").bare
    assert romanised("забайкальский") == romanised("zabaykalskiy") == romanised("zabaikalsky")
    assert romanised("орёл") == romanised("oryol") == romanised("orel")
    assert romanised("татарстанн") != romanised("tatarstan")


DECORATION = {
    "federal_city": ["г.", "г", "город", "city"],
    "republic": ["Респ.", "Республика", "Republic"],
    "oblast": ["обл.", "область", "Oblast"],
    "krai": ["край", "кр.", "Krai"],
    "autonomous_okrug": ["АО", "автономный округ"],
    "autonomous_oblast": ["АО", "авт. обл."],
}
SPELLINGS = [
    (spelling, region.code, region.type)
    for region in REGIONS.regions("all")
    for spelling in (region.name_en, region.name_ru, *region.aliases)
]


def _respell(draw: st.DrawFn, text: str) -> str:
    chars = []
    for char in text:
        if char in "её" and draw(st.booleans()):
            char = "ё" if char == "е" else "е"
        chars.append(char.upper() if draw(st.booleans()) else char.lower())
    words = "".join(chars).split(" ")
    gaps = st.sampled_from([" ", "  ", " - ", " — ", "\t"])
    out = words[0]
    for word in words[1:]:
        out += draw(gaps) + word
    return draw(st.sampled_from(["", " ", "  "])) + out + draw(st.sampled_from(["", " ", "\n"]))


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(SPELLINGS), st.data())
def test_any_spelling_respelled_and_decorated_resolves_to_its_region(spelling, data) -> None:
    """Case, ё/е, spacing, dashes between words and a designator of the region's own type
    (before or after the name) never change the region a name resolves to."""
    text, code, kind = spelling
    respelled = _respell(data.draw, text)
    assert REGIONS.resolve(respelled) == code, respelled
    designator = data.draw(st.sampled_from(DECORATION[kind]))
    decorated = (
        f"{designator} {respelled}" if data.draw(st.booleans()) else f"{respelled} {designator}"
    )
    assert REGIONS.resolve(decorated) == code, decorated


def test_every_designator_of_the_decorations_is_known() -> None:
    for designators in DECORATION.values():
        for designator in designators:
            assert name_key(designator).base == "", designator
            assert name_key(designator).kinds is not None
    assert set().union(*DESIGNATORS.values()) == set(DECORATION)


def test_an_ambiguous_name_must_list_known_codes(tmp_path: Path) -> None:
    path = tmp_path / "de.yaml"
    path.write_text(
        textwrap.dedent(
            """
            country: DE
            name_en: Germany
            version: "test"
            sources: ["ISO 3166-2:DE"]
            scopes: {all: {default: true, description: every entry}}
            regions:
              - {code: DE-BY, name_en: Bavaria, name_ru: Бавария, type: land,
                 federal_district: south, capital: Munich, scopes: [all]}
            ambiguous: {"Bayern": [DE-BY, DE-XX]}
            """
        ),
        encoding="utf-8",
    )
    with pytest.raises(ValidationError, match=r"ambiguous name 'Bayern'.*unknown: DE-XX"):
        RegionRegistry.load(path)


def test_yo_and_ye_are_the_same_letter(registry: RegionRegistry) -> None:
    named = [r for r in registry.regions("all") if "ё" in r.name_ru.casefold()]
    for region in named:
        assert registry.resolve(region.name_ru.replace("ё", "е")) == region.code
    assert registry.resolve("Орёл") is None  # a city, not a region


def test_unknown_region_gets_suggestions(registry: RegionRegistry) -> None:
    with pytest.raises(KeyError, match=r"did you mean 'Tatarstan' \(RU-TA\)"):
        registry.get("Tatarstn")


def test_every_alias_names_one_region(registry: RegionRegistry) -> None:
    # NameIndex raises on ambiguity when the registry loads; check a few known pitfalls too.
    assert registry.resolve("Moscow") == "RU-MOW"
    assert registry.resolve("Altai") is None  # ambiguous: RU-AL or RU-ALT
    assert registry.resolve("Altai Krai") == "RU-ALT"
    assert registry.resolve("Altai Republic") == "RU-AL"


def test_ambiguous_spellings_are_rejected() -> None:
    with pytest.raises(AmbiguousNameError, match="region spelling 'ALTAI' names both A and B"):
        NameIndex([("A", ["Altai"]), ("B", ["ALTAI"])], label="region")


def test_leningrad_oblasts_capital_note_cites_the_2023_law(registry: RegionRegistry) -> None:
    region = registry["RU-LEN"]
    assert region.capital == "Gatchina"
    assert region.note is not None
    assert "2023" in region.note
    assert "2021 regional law" not in region.note


def test_a_declared_ambiguous_name_is_no_entrys_own_name() -> None:
    with pytest.raises(AmbiguousNameError, match="ambiguous country name 'Congo' is a name of CG"):
        NameIndex(
            [("CG", ["Congo"]), ("CD", ["DR Congo"])], "country", ambiguous={"Congo": ["CG", "CD"]}
        )
    with pytest.raises(ValueError, match="lists unknown codes"):
        NameIndex([("CG", ["Congo"])], "country", ambiguous={"Kongo": ["CG", "XX"]})


def test_structural_facts_are_foreign_states(registry: RegionRegistry) -> None:
    for region in registry.regions("all"):
        for code in [*region.land_borders, *region.sea_borders, *region.kin_states]:
            assert code != "RU"
            assert pycountry.countries.get(alpha_2=code) is not None


def test_a_registry_file_is_validated(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        textwrap.dedent(
            """
            country: DE
            name_en: Germany
            version: "1"
            sources: [test]
            scopes: {all-states: {default: true, description: x}}
            regions:
              - {code: DE-BY, name_en: Bavaria, name_ru: Бавария, type: state,
                 federal_district: south, capital: Munich, land_borders: [XX],
                 scopes: [all-states]}
            """
        ),
        encoding="utf-8",
    )
    with pytest.raises(ValidationError, match="'XX' is not an ISO 3166-1 alpha-2 code"):
        RegionRegistry.load(bad)


def test_another_countrys_registry_is_just_another_file(tmp_path: Path) -> None:
    path = tmp_path / "de.yaml"
    path.write_text(
        textwrap.dedent(
            """
            country: DE
            name_en: Germany
            version: "test"
            sources: ["ISO 3166-2:DE"]
            scopes:
              west: {default: true, description: two western Länder}
              all: {description: every entry}
            regions:
              - {code: DE-NW, iso_code: DE-NW, name_en: North Rhine-Westphalia,
                 name_ru: Северный Рейн-Вестфалия, aliases: [NRW], type: land,
                 federal_district: west, capital: Düsseldorf, land_borders: [BE, NL],
                 scopes: [west, all]}
              - {code: DE-BY, iso_code: DE-BY, name_en: Bavaria, name_ru: Бавария,
                 aliases: [Bayern], type: land, federal_district: south, capital: Munich,
                 land_borders: [AT, CZ], scopes: [all]}
            """
        ),
        encoding="utf-8",
    )
    german = RegionRegistry.load(path)
    assert german.country == "DE"
    assert [r.code for r in german.regions()] == ["DE-NW"]
    assert german.resolve("Bayern") == "DE-BY"
    assert german.to_frame("all").loc["DE-BY", "land_borders"] == "AT|CZ"


def test_partner_registry_covers_iso_3166_1(partners: PartnerRegistry) -> None:
    table = partners.to_frame()
    assert len(table) == len(pycountry.countries) == 249
    assert set(table["alpha2"]) == {c.alpha_2 for c in pycountry.countries}
    for country in pycountry.countries:
        row = table.loc[country.alpha_2]
        assert row["alpha3"] == country.alpha_3
        assert row["name_en"].strip() and row["name_ru"].strip()
        assert row["macro_region"] in MACRO_REGIONS


@pytest.mark.parametrize(
    ("text", "alpha2"),
    [
        ("DE", "DE"),
        ("deu", "DE"),
        ("Germany", "DE"),
        ("Германия", "DE"),
        ("США", "US"),
        ("United States", "US"),
        ("Великобритания", "GB"),
        ("Южная Корея", "KR"),
        ("КНДР", "KP"),
        ("Китай", "CN"),
        ("Белоруссия", "BY"),
        ("Кот-д'Ивуар", "CI"),
        ("Türkiye", "TR"),
    ],
)
def test_partner_names_resolve(partners: PartnerRegistry, text: str, alpha2: str) -> None:
    assert partners.resolve(text) == alpha2


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("Korea", ["KP", "KR"]),
        ("korea", ["KP", "KR"]),
        ("Корея", ["KP", "KR"]),
        ("Virgin Islands", ["VG", "VI"]),
        ("Виргинские острова", ["VG", "VI"]),
    ],
)
def test_ambiguous_country_names_list_their_candidates(
    partners: PartnerRegistry, text: str, codes: list[str]
) -> None:
    match = partners.lookup(text)
    assert match.code is None
    assert [code for _, code in match.candidates] == codes
    assert partners.resolve(text) is None
    with pytest.raises(AmbiguousLookupError, match=f"country '{text}' is ambiguous"):
        partners.get(text)


@pytest.mark.parametrize(
    ("text", "alpha2"),
    [
        ("South Korea", "KR"),
        ("Korea, Republic of", "KR"),
        ("Republic of Korea", "KR"),
        ("Корея, Республика", "KR"),
        ("North Korea", "KP"),
        ("Korea (North)", "KP"),  # word order does not matter
        ("Congo", "CG"),  # the ISO 3166 short name of the Republic of the Congo
        ("Конго", "CG"),
        ("Congo, Democratic Republic of the", "CD"),
        ("Germany,", "DE"),
        ("United  Kingdom", "GB"),
        ("Viet Nam", "VN"),
    ],
)
def test_country_names_after_normalisation(
    partners: PartnerRegistry, text: str, alpha2: str | None
) -> None:
    assert partners.resolve(text) == alpha2


def test_unknown_country_gets_suggestions(partners: PartnerRegistry) -> None:
    with pytest.raises(KeyError, match=r"unknown country 'Germny'; did you mean 'Germany' \(DE\)"):
        partners.get("Germny")


@pytest.mark.parametrize(
    ("alpha2", "macro"),
    [
        ("DE", "europe"),
        ("EE", "europe"),
        ("KZ", "eurasia_cis"),
        ("UA", "eurasia_cis"),
        ("CN", "asia_pacific"),
        ("MN", "asia_pacific"),
        ("EG", "mena"),
        ("IR", "mena"),
        ("BR", "americas"),
        ("NG", "sub_saharan_africa"),
    ],
)
def test_macro_regions(partners: PartnerRegistry, alpha2: str, macro: str) -> None:
    assert partners.macro_region(alpha2) == macro
