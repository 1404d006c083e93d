"""Build the partner-country registry ``src/paradiplomacy/data/partners.csv``.

The registry has one row for each of the 249 countries and territories in
ISO 3166-1. A partner reference in the ledger (an agreement, a visit, a trade
mission) is resolved against it, and the analysis groups partners into six
macro-regions.

Sources
-------
* **ISO 3166-1 via pycountry.** ``alpha2``, ``alpha3``, ``numeric`` and
  ``name_en`` (the ISO short name, pycountry ``name``, copied unchanged) come
  from ``pycountry.countries``. Where pycountry has ``common_name`` and
  ``official_name``, both become aliases.
* **Russian names from the iso-codes project.** pycountry ships the gettext
  catalogues of Debian's iso-codes project. ``name_ru`` starts as the Russian
  translation of the ISO short name in the ``iso3166-1`` domain, language
  ``ru``.
* **Hand-written tables in this file.** ``MACRO_REGION_BY_ALPHA2`` (alpha-2
  to macro-region), ``RU_SHORT_NAMES`` (pinned short Russian forms) and
  ``EXTRA_ALIASES`` (common short names and abbreviations in English and
  Russian).

Rules
-----
1. ``name_ru`` is the short common Russian form. If the iso-codes translation
   is a long official form ("Лаосская Народно-Демократическая Республика"),
   an inverted form ("Корея, Республика") or misspelt, ``RU_SHORT_NAMES``
   replaces it and the translation is kept as an alias. If a translation
   contains a comma (a likely inverted form) and no entry covers it, the
   build stops. ``RU_NAMES_WITH_COMMA`` lists the names that really are
   comma-separated lists.
2. ``aliases`` holds, in this order: pycountry ``common_name`` and
   ``official_name``; the replaced iso-codes translation; ``EXTRA_ALIASES``;
   and an ASCII-folded copy of each Latin-script name that has diacritics
   ("Türkiye" -> "Turkiye"). Aliases are deduplicated under the matching key
   (see 3). An alias equal to the row's own ``name_en`` or ``name_ru`` is
   dropped, so consumers should match on ``name_en``, ``name_ru`` and
   ``aliases`` together.
3. Aliases are deduplicated within a row on the *matching key*: Unicode
   case-folded, "ё" replaced with "е", whitespace collapsed. Collisions
   between countries are checked on a stricter *collision key*, which mirrors
   ``paradiplomacy.text.normalise_name`` (what ``PartnerRegistry`` looks names
   up by): the matching key with dashes and apostrophes unified and full
   stops read as spaces. Two countries may never share a collision key across
   ``name_en``, ``name_ru`` and ``aliases``. No name or alias may equal
   another country's alpha-2 or alpha-3 code (case-insensitively). A row's
   own codes are allowed, e.g. "US" and "USA" for the United States.
4. ``macro_region`` comes from ``MACRO_REGION_BY_ALPHA2``. The build stops if
   an ISO code has no entry, if an entry is not an ISO code, or if a value is
   not one of the six ids in ``MACRO_REGIONS``. The reasons for the
   borderline entries are in ``docs/partners.md``.

The output is deterministic: rows are sorted by alpha-2, and alias order
comes only from this file and the pycountry data. The result depends on the
installed pycountry (and its iso-codes data). Regenerate the CSV after
upgrading pycountry. ``--check`` only reports whether the committed file is
up to date.

Usage (from the repository root)::

    .venv/bin/python tools/build_partners.py           # write the CSV
    .venv/bin/python tools/build_partners.py --check   # verify, do not write
"""

from __future__ import annotations

import argparse
import csv
import gettext
import io
import sys
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import pycountry

REPO_ROOT: Final = Path(__file__).resolve().parents[1]
DEFAULT_OUTPUT: Final = REPO_ROOT / "src" / "paradiplomacy" / "data" / "partners.csv"

COLUMNS: Final = (
    "alpha2",
    "alpha3",
    "numeric",
    "name_en",
    "name_ru",
    "macro_region",
    "aliases",
)
ALIAS_SEPARATOR: Final = "|"
EXPECTED_COUNTRY_COUNT: Final = 249

EUROPE: Final = "europe"
EURASIA_CIS: Final = "eurasia_cis"
ASIA_PACIFIC: Final = "asia_pacific"
MENA: Final = "mena"
AMERICAS: Final = "americas"
SUB_SAHARAN_AFRICA: Final = "sub_saharan_africa"
MACRO_REGIONS: Final = (
    EUROPE,
    EURASIA_CIS,
    ASIA_PACIFIC,
    MENA,
    AMERICAS,
    SUB_SAHARAN_AFRICA,
)

# Macro-region of every ISO 3166-1 code. docs/partners.md gives the reasons.
# Dependencies and uninhabited territories follow their own geography (their
# UN M49 region), not their administering power.
MACRO_REGION_BY_ALPHA2: Final[dict[str, str]] = {
    # --- eurasia_cis: post-Soviet states except the Baltic states ---------
    "AM": EURASIA_CIS,
    "AZ": EURASIA_CIS,
    "BY": EURASIA_CIS,
    "GE": EURASIA_CIS,  # left the CIS in 2009; kept as a post-Soviet neighbour
    "KG": EURASIA_CIS,
    "KZ": EURASIA_CIS,
    "MD": EURASIA_CIS,  # post-Soviet neighbour, whatever its CIS status
    "RU": EURASIA_CIS,  # the default home country; kept for other homes
    "TJ": EURASIA_CIS,
    "TM": EURASIA_CIS,  # CIS associate member
    "UA": EURASIA_CIS,  # post-Soviet neighbour, whatever its CIS status
    "UZ": EURASIA_CIS,
    # --- europe: rest of geographic Europe, Cyprus, Turkey, dependencies --
    "AD": EUROPE,
    "AL": EUROPE,
    "AT": EUROPE,
    "AX": EUROPE,  # Åland (Finland)
    "BA": EUROPE,
    "BE": EUROPE,
    "BG": EUROPE,
    "CH": EUROPE,
    "CY": EUROPE,  # geographically West Asia; EU member
    "CZ": EUROPE,
    "DE": EUROPE,
    "DK": EUROPE,
    "EE": EUROPE,  # Baltic state: EU/NATO, not CIS
    "ES": EUROPE,
    "FI": EUROPE,
    "FO": EUROPE,  # Faroe Islands (Denmark)
    "FR": EUROPE,
    "GB": EUROPE,
    "GG": EUROPE,  # Guernsey (Crown dependency)
    "GI": EUROPE,  # Gibraltar (UK)
    "GR": EUROPE,
    "HR": EUROPE,
    "HU": EUROPE,
    "IE": EUROPE,
    "IM": EUROPE,  # Isle of Man (Crown dependency)
    "IS": EUROPE,
    "IT": EUROPE,
    "JE": EUROPE,  # Jersey (Crown dependency)
    "LI": EUROPE,
    "LT": EUROPE,  # Baltic state
    "LU": EUROPE,
    "LV": EUROPE,  # Baltic state
    "MC": EUROPE,
    "ME": EUROPE,
    "MK": EUROPE,
    "MT": EUROPE,
    "NL": EUROPE,
    "NO": EUROPE,
    "PL": EUROPE,
    "PT": EUROPE,
    "RO": EUROPE,
    "RS": EUROPE,
    "SE": EUROPE,
    "SI": EUROPE,
    "SJ": EUROPE,  # Svalbard and Jan Mayen (Norway)
    "SK": EUROPE,
    "SM": EUROPE,
    "TR": EUROPE,  # Council of Europe, EU candidate, EU customs union
    "VA": EUROPE,
    # --- asia_pacific: East, South-East, South Asia, Oceania --------------
    "AF": ASIA_PACIFIC,  # UN M49 Southern Asia
    "AS": ASIA_PACIFIC,  # American Samoa (US)
    "AU": ASIA_PACIFIC,
    "BD": ASIA_PACIFIC,
    "BN": ASIA_PACIFIC,
    "BT": ASIA_PACIFIC,
    "CC": ASIA_PACIFIC,  # Cocos (Keeling) Islands (Australia)
    "CK": ASIA_PACIFIC,  # Cook Islands (New Zealand)
    "CN": ASIA_PACIFIC,
    "CX": ASIA_PACIFIC,  # Christmas Island (Australia)
    "FJ": ASIA_PACIFIC,
    "FM": ASIA_PACIFIC,
    "GU": ASIA_PACIFIC,  # Guam (US)
    "HK": ASIA_PACIFIC,  # own ISO code; a separate partner from CN
    "HM": ASIA_PACIFIC,  # Heard and McDonald (Australia); M49 Oceania
    "ID": ASIA_PACIFIC,
    "IN": ASIA_PACIFIC,
    "JP": ASIA_PACIFIC,
    "KH": ASIA_PACIFIC,
    "KI": ASIA_PACIFIC,
    "KP": ASIA_PACIFIC,
    "KR": ASIA_PACIFIC,
    "LA": ASIA_PACIFIC,
    "LK": ASIA_PACIFIC,
    "MH": ASIA_PACIFIC,
    "MM": ASIA_PACIFIC,
    "MN": ASIA_PACIFIC,  # never in the USSR; not CIS
    "MO": ASIA_PACIFIC,  # own ISO code; a separate partner from CN
    "MP": ASIA_PACIFIC,  # Northern Mariana Islands (US)
    "MV": ASIA_PACIFIC,
    "MY": ASIA_PACIFIC,
    "NC": ASIA_PACIFIC,  # New Caledonia (France)
    "NF": ASIA_PACIFIC,  # Norfolk Island (Australia)
    "NP": ASIA_PACIFIC,
    "NR": ASIA_PACIFIC,
    "NU": ASIA_PACIFIC,  # Niue (New Zealand)
    "NZ": ASIA_PACIFIC,
    "PF": ASIA_PACIFIC,  # French Polynesia (France)
    "PG": ASIA_PACIFIC,
    "PH": ASIA_PACIFIC,
    "PK": ASIA_PACIFIC,
    "PN": ASIA_PACIFIC,  # Pitcairn (UK)
    "PW": ASIA_PACIFIC,
    "SB": ASIA_PACIFIC,
    "SG": ASIA_PACIFIC,
    "TH": ASIA_PACIFIC,
    "TK": ASIA_PACIFIC,  # Tokelau (New Zealand)
    "TL": ASIA_PACIFIC,
    "TO": ASIA_PACIFIC,
    "TV": ASIA_PACIFIC,
    "TW": ASIA_PACIFIC,  # own ISO code; a separate partner from CN
    "UM": ASIA_PACIFIC,  # US Minor Outlying Islands: mostly Pacific atolls
    "VN": ASIA_PACIFIC,
    "VU": ASIA_PACIFIC,
    "WF": ASIA_PACIFIC,  # Wallis and Futuna (France)
    "WS": ASIA_PACIFIC,
    # --- mena: North Africa, Middle East, Iran, Israel ---------------------
    "AE": MENA,
    "BH": MENA,
    "DZ": MENA,
    "EG": MENA,
    "EH": MENA,  # Western Sahara
    "IL": MENA,
    "IQ": MENA,
    "IR": MENA,
    "JO": MENA,
    "KW": MENA,
    "LB": MENA,
    "LY": MENA,
    "MA": MENA,
    "MR": MENA,  # Arab League, Arab Maghreb Union
    "OM": MENA,
    "PS": MENA,
    "QA": MENA,
    "SA": MENA,
    "SD": MENA,  # Arab League; UN M49 Northern Africa
    "SY": MENA,
    "TN": MENA,
    "YE": MENA,
    # --- americas: North, Central, South America, Caribbean, Antarctic ----
    "AG": AMERICAS,
    "AI": AMERICAS,  # Anguilla (UK)
    "AQ": AMERICAS,  # Antarctica: by convention, see docs/partners.md
    "AR": AMERICAS,
    "AW": AMERICAS,  # Aruba (Netherlands)
    "BB": AMERICAS,
    "BL": AMERICAS,  # Saint Barthélemy (France)
    "BM": AMERICAS,  # Bermuda (UK)
    "BO": AMERICAS,
    "BQ": AMERICAS,  # Caribbean Netherlands
    "BR": AMERICAS,
    "BS": AMERICAS,
    "BV": AMERICAS,  # Bouvet Island (Norway); M49 South America
    "BZ": AMERICAS,
    "CA": AMERICAS,
    "CL": AMERICAS,
    "CO": AMERICAS,
    "CR": AMERICAS,
    "CU": AMERICAS,
    "CW": AMERICAS,  # Curaçao (Netherlands)
    "DM": AMERICAS,
    "DO": AMERICAS,
    "EC": AMERICAS,
    "FK": AMERICAS,  # Falkland Islands (UK)
    "GD": AMERICAS,
    "GF": AMERICAS,  # French Guiana (France)
    "GL": AMERICAS,  # Greenland (Denmark): geographically North America
    "GP": AMERICAS,  # Guadeloupe (France)
    "GS": AMERICAS,  # South Georgia and South Sandwich Is. (UK)
    "GT": AMERICAS,
    "GY": AMERICAS,
    "HN": AMERICAS,
    "HT": AMERICAS,
    "JM": AMERICAS,
    "KN": AMERICAS,
    "KY": AMERICAS,  # Cayman Islands (UK)
    "LC": AMERICAS,
    "MF": AMERICAS,  # Saint Martin (France)
    "MQ": AMERICAS,  # Martinique (France)
    "MS": AMERICAS,  # Montserrat (UK)
    "MX": AMERICAS,
    "NI": AMERICAS,
    "PA": AMERICAS,
    "PE": AMERICAS,
    "PM": AMERICAS,  # Saint Pierre and Miquelon (France)
    "PR": AMERICAS,  # Puerto Rico (US)
    "PY": AMERICAS,
    "SR": AMERICAS,
    "SV": AMERICAS,
    "SX": AMERICAS,  # Sint Maarten (Netherlands)
    "TC": AMERICAS,  # Turks and Caicos Islands (UK)
    "TT": AMERICAS,
    "US": AMERICAS,
    "UY": AMERICAS,
    "VC": AMERICAS,
    "VE": AMERICAS,
    "VG": AMERICAS,  # British Virgin Islands (UK)
    "VI": AMERICAS,  # US Virgin Islands (US)
    # --- sub_saharan_africa: the rest of Africa and its islands -----------
    "AO": SUB_SAHARAN_AFRICA,
    "BF": SUB_SAHARAN_AFRICA,
    "BI": SUB_SAHARAN_AFRICA,
    "BJ": SUB_SAHARAN_AFRICA,
    "BW": SUB_SAHARAN_AFRICA,
    "CD": SUB_SAHARAN_AFRICA,
    "CF": SUB_SAHARAN_AFRICA,
    "CG": SUB_SAHARAN_AFRICA,
    "CI": SUB_SAHARAN_AFRICA,
    "CM": SUB_SAHARAN_AFRICA,
    "CV": SUB_SAHARAN_AFRICA,
    "DJ": SUB_SAHARAN_AFRICA,  # Arab League, but Horn of Africa
    "ER": SUB_SAHARAN_AFRICA,
    "ET": SUB_SAHARAN_AFRICA,
    "GA": SUB_SAHARAN_AFRICA,
    "GH": SUB_SAHARAN_AFRICA,
    "GM": SUB_SAHARAN_AFRICA,
    "GN": SUB_SAHARAN_AFRICA,
    "GQ": SUB_SAHARAN_AFRICA,
    "GW": SUB_SAHARAN_AFRICA,
    "IO": SUB_SAHARAN_AFRICA,  # Chagos (UK); M49 Eastern Africa
    "KE": SUB_SAHARAN_AFRICA,
    "KM": SUB_SAHARAN_AFRICA,  # Arab League, but an Indian Ocean island state
    "LR": SUB_SAHARAN_AFRICA,
    "LS": SUB_SAHARAN_AFRICA,
    "MG": SUB_SAHARAN_AFRICA,
    "ML": SUB_SAHARAN_AFRICA,
    "MU": SUB_SAHARAN_AFRICA,
    "MW": SUB_SAHARAN_AFRICA,
    "MZ": SUB_SAHARAN_AFRICA,
    "NA": SUB_SAHARAN_AFRICA,
    "NE": SUB_SAHARAN_AFRICA,
    "NG": SUB_SAHARAN_AFRICA,
    "RE": SUB_SAHARAN_AFRICA,  # Réunion (France)
    "RW": SUB_SAHARAN_AFRICA,
    "SC": SUB_SAHARAN_AFRICA,
    "SH": SUB_SAHARAN_AFRICA,  # St Helena, Ascension, Tristan da Cunha (UK)
    "SL": SUB_SAHARAN_AFRICA,
    "SN": SUB_SAHARAN_AFRICA,
    "SO": SUB_SAHARAN_AFRICA,  # Arab League, but Horn of Africa
    "SS": SUB_SAHARAN_AFRICA,
    "ST": SUB_SAHARAN_AFRICA,
    "SZ": SUB_SAHARAN_AFRICA,
    "TD": SUB_SAHARAN_AFRICA,
    "TF": SUB_SAHARAN_AFRICA,  # French Southern Territories; M49 Eastern Africa
    "TG": SUB_SAHARAN_AFRICA,
    "TZ": SUB_SAHARAN_AFRICA,
    "UG": SUB_SAHARAN_AFRICA,
    "YT": SUB_SAHARAN_AFRICA,  # Mayotte (France)
    "ZA": SUB_SAHARAN_AFRICA,
    "ZM": SUB_SAHARAN_AFRICA,
    "ZW": SUB_SAHARAN_AFRICA,
}

# Pinned short common Russian forms. These replace long official, inverted
# or misspelt iso-codes translations; the replaced translation becomes an
# alias. Some entries match the current translation and only pin it against
# later iso-codes changes (e.g. "Корея, Республика" -> "Республика Корея").
RU_SHORT_NAMES: Final[dict[str, str]] = {
    "AS": "Американское Самоа",  # iso-codes: "Американские Самоа"
    "BN": "Бруней",  # iso-codes: "Бруней Даруссалам"
    "BO": "Боливия",
    "CD": "Демократическая Республика Конго",
    "CF": "Центральноафриканская Республика",  # "Центрально-африканская республика"
    "CZ": "Чехия",
    "DO": "Доминиканская Республика",  # iso-codes: "Доминиканская республика"
    "FK": "Фолклендские острова",  # iso-codes: "Фолклендские (Мальвинские) острова"
    "FM": "Микронезия",  # iso-codes: "Федеративные Штаты Микронезии"
    "GB": "Великобритания",  # iso-codes: "Соединённое Королевство"
    "IR": "Иран",
    "KP": "КНДР",  # iso-codes: "Корейская Народно-Демократическая Республика"
    "KR": "Республика Корея",
    "LA": "Лаос",  # iso-codes: "Лаосская Народно-Демократическая Республика"
    "MD": "Молдова",  # iso-codes: "Республика Молдова"
    "MF": "Сен-Мартен",  # iso-codes: "Сен-Мартен (Франция)"
    "MK": "Северная Македония",
    "MP": "Северные Марианские острова",  # iso-codes: "Острова северной Марианы"
    "PS": "Палестина",
    "RU": "Россия",  # iso-codes: "Российская Федерация"
    "SX": "Синт-Мартен",  # iso-codes: "Синт-Мартен (голландская часть)"
    "SY": "Сирия",  # iso-codes: "Сирийская Арабская Республика"
    "TR": "Турция",
    "TW": "Тайвань",  # iso-codes: "Китайская провинция Тайвань"
    "TZ": "Танзания",
    "UM": "Внешние малые острова США",  # iso-codes wording is garbled
    "US": "США",  # iso-codes: "Соединённые штаты"
    "VA": "Ватикан",  # iso-codes: "Государство-город Ватикан"
    "VE": "Венесуэла",  # iso-codes: "Боливарианская Республика Венесуэла"
    "VG": "Британские Виргинские острова",  # "Виргинские острова (Британия)"
    "VI": "Американские Виргинские острова",  # "Виргинские острова (США)"
    "WF": "Уоллис и Футуна",  # iso-codes: "Уоллес и Футана"
}

# Russian names where a comma is part of the name, not an inverted form.
RU_NAMES_WITH_COMMA: Final[frozenset[str]] = frozenset({"BQ", "SH"})

# Common short names, abbreviations and historical names (English, Russian).
# Entries equal to name_en or name_ru under the matching key are dropped.
EXTRA_ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "AE": ("UAE", "U.A.E.", "Emirates", "ОАЭ", "Эмираты"),
    "AQ": ("Антарктида",),
    "AX": ("Åland", "Аланды"),
    "BA": ("Bosnia", "Bosnia-Herzegovina", "BiH", "Босния"),
    "BL": ("Saint-Barthélemy", "St. Barts", "Сен-Бартелеми"),
    "BN": ("Brunei", "Бруней-Даруссалам"),
    "BO": ("Bolivia", "Боливия", "Многонациональное Государство Боливия"),
    "BQ": ("Caribbean Netherlands", "Карибские Нидерланды"),
    "BS": ("The Bahamas", "Багамские острова"),
    "BY": ("Belarus", "Белоруссия", "Беларусь", "Республика Беларусь"),
    "CC": ("Cocos Islands", "Keeling Islands"),
    "CD": (
        "DR Congo",
        "DRC",
        "Democratic Republic of the Congo",
        "Congo-Kinshasa",
        "ДР Конго",
        "ДРК",
        "Конго-Киншаса",
    ),
    "CF": ("CAR", "ЦАР"),
    "CG": ("Congo-Brazzaville", "Республика Конго", "Конго-Браззавиль"),
    "CI": (
        "Ivory Coast",
        "Côte d’Ivoire",
        "Кот-д’Ивуар",
        "Кот-д'Ивуар",
        "Берег Слоновой Кости",
    ),
    "CN": ("China", "PRC", "Mainland China", "Китай", "КНР", "Китайская Народная Республика"),
    "CV": ("Cape Verde", "Острова Зелёного Мыса"),
    "CZ": ("Czechia", "Czech Republic", "Чехия", "Чешская Республика"),
    "DE": ("ФРГ", "Федеративная Республика Германия"),
    "FK": ("Falklands", "Malvinas", "Мальвинские острова"),
    "FM": ("Micronesia",),
    "GB": (
        "UK",
        "U.K.",
        "Great Britain",
        "Britain",
        "England",
        "Великобритания",
        "Британия",
        "Англия",
        "Соединённое Королевство",
        "Соединённое Королевство Великобритании и Северной Ирландии",
    ),
    "GM": ("The Gambia",),
    "GS": ("South Georgia", "Южная Георгия"),
    "HK": ("Hongkong", "Сянган"),
    "HM": ("Heard and McDonald Islands", "Острова Херд и Макдональд"),
    "IE": ("Republic of Ireland", "Éire"),
    "IO": ("Chagos Archipelago", "Chagos Islands", "Архипелаг Чагос"),
    "IR": ("Iran", "Persia", "Иран", "Исламская Республика Иран", "Иран, Исламская Республика"),
    "KG": (
        "Kyrgyzstan",
        "Kirghizia",
        "Киргизия",
        "Кыргызстан",
        "Киргизская Республика",
        "Кыргызская Республика",
    ),
    "KP": (
        "North Korea",
        "DPRK",
        "D.P.R.K.",
        "КНДР",
        "Северная Корея",
        "Корейская Народно-Демократическая Республика",
    ),
    "KR": (
        "South Korea",
        "Republic of Korea",
        "Республика Корея",
        "Южная Корея",
        "Корея, Республика",
    ),
    "LA": ("Laos", "Lao PDR", "Лаос", "Лаосская Народно-Демократическая Республика"),
    "MD": ("Moldova", "Moldavia", "Молдавия", "Молдова", "Республика Молдова"),
    "MF": ("Saint-Martin",),
    "MK": (
        "Macedonia",
        "North Macedonia",
        "Former Yugoslav Republic of Macedonia",
        "FYROM",
        "Северная Македония",
        "Македония",
        "Республика Северная Македония",
        "Бывшая югославская Республика Македония",
    ),
    "MM": ("Burma", "Myanmar", "Мьянма", "Бирма"),
    "MO": ("Macau", "Аомэнь"),
    "NL": ("Holland", "The Netherlands", "Нидерланды", "Голландия"),
    "PG": ("Папуа-Новая Гвинея",),
    "PN": ("Pitcairn Islands", "Острова Питкэрн"),
    "PS": ("Palestine", "State of Palestine", "Палестина", "Государство Палестина"),
    "RU": ("Russia", "Russian Federation", "Россия", "РФ", "Российская Федерация"),
    "SH": ("Saint Helena", "Остров Святой Елены", "Святая Елена"),
    "SJ": ("Svalbard", "Шпицберген"),
    "ST": ("São Tomé and Príncipe",),
    "SX": ("Sint Maarten",),
    "SY": ("Syria", "Сирия", "Сирийская Арабская Республика"),
    "SZ": ("Eswatini", "Swaziland", "Эсватини", "Свазиленд"),
    "TF": (
        "French Southern and Antarctic Lands",
        "Французские Южные и Антарктические территории",
    ),
    "TL": ("East Timor", "Восточный Тимор", "Тимор-Лесте"),
    "TR": ("Turkey", "Türkiye", "Турция", "Турецкая Республика"),
    "TW": ("Taiwan", "Chinese Taipei", "Тайвань", "Китайский Тайбэй"),
    "TZ": ("Tanzania", "Танзания", "Объединённая Республика Танзания"),
    "UM": ("U.S. Minor Outlying Islands",),
    "US": (
        "USA",
        "U.S.",
        "U.S.A.",
        "US",
        "United States",
        "United States of America",
        "America",
        "США",
        "Соединённые Штаты",
        "Соединённые Штаты Америки",
        "Америка",
    ),
    "VA": ("Vatican", "Vatican City", "Holy See", "Ватикан", "Святой Престол"),
    "VE": ("Venezuela", "Венесуэла"),
    "VG": ("BVI",),
    "VI": ("US Virgin Islands", "U.S. Virgin Islands", "USVI", "Виргинские острова США"),
    "VN": ("Vietnam", "Viet Nam", "Вьетнам", "Социалистическая Республика Вьетнам"),
    "ZA": ("ЮАР", "Южно-Африканская Республика"),
}


class RegistryError(RuntimeError):
    """The registry inputs are inconsistent; the message lists every problem."""


@dataclass(frozen=True, slots=True)
class Partner:
    """One row of ``partners.csv``."""

    alpha2: str
    alpha3: str
    numeric: str
    name_en: str
    name_ru: str
    macro_region: str
    aliases: tuple[str, ...]

    def as_row(self) -> tuple[str, ...]:
        return (
            self.alpha2,
            self.alpha3,
            self.numeric,
            self.name_en,
            self.name_ru,
            self.macro_region,
            ALIAS_SEPARATOR.join(self.aliases),
        )


_DASHES: Final = str.maketrans(dict.fromkeys("‐‑‒–—―", "-"))
_APOSTROPHES: Final = str.maketrans(dict.fromkeys("’ʼ`´", "'"))


def match_key(name: str) -> str:
    """Key for deduplicating a row's aliases: case-folded, ё -> е, spaces collapsed."""
    return " ".join(name.casefold().replace("ё", "е").split())


def collision_key(name: str) -> str:
    """Key for cross-country checks; as strict as ``paradiplomacy.text.normalise_name``.

    On top of :func:`match_key`, dashes and apostrophes are unified, full stops
    count as spaces, and spaces around hyphens are dropped.
    """
    text = match_key(name.translate(_DASHES).translate(_APOSTROPHES).replace(".", " "))
    return text.replace(" -", "-").replace("- ", "-")


def has_cyrillic(text: str) -> bool:
    return any("\u0400" <= char <= "\u04ff" for char in text)


def ascii_fold(text: str) -> str:
    """Strip combining marks from a Latin-script name ("Côte" -> "Cote")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def russian_translator() -> gettext.NullTranslations:
    try:
        return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ru"])
    except OSError as exc:
        raise RegistryError(f"pycountry has no Russian iso3166-1 catalogue: {exc}") from exc


def check_tables(iso_codes: set[str]) -> list[str]:
    """Check the hand-written tables against the ISO code list."""
    errors: list[str] = []
    mapped = set(MACRO_REGION_BY_ALPHA2)
    for code in sorted(iso_codes - mapped):
        errors.append(f"{code}: ISO 3166-1 code without a macro-region")
    for code in sorted(mapped - iso_codes):
        errors.append(f"{code}: macro-region entry for an unknown code")
    for code, region in sorted(MACRO_REGION_BY_ALPHA2.items()):
        if region not in MACRO_REGIONS:
            errors.append(f"{code}: unknown macro-region {region!r}")
    for table_name, table in (
        ("RU_SHORT_NAMES", RU_SHORT_NAMES),
        ("EXTRA_ALIASES", EXTRA_ALIASES),
        ("RU_NAMES_WITH_COMMA", RU_NAMES_WITH_COMMA),
    ):
        for code in sorted(set(table) - iso_codes):
            errors.append(f"{code}: {table_name} entry for an unknown code")
    return errors


def build_aliases(
    code: str, name_en: str, name_ru: str, candidates: list[str]
) -> tuple[tuple[str, ...], list[str]]:
    """Validate and deduplicate alias candidates, then add ASCII-folded Latin variants."""
    errors: list[str] = []
    valid: list[str] = []
    for alias in candidates:
        if not alias or alias != alias.strip() or "\n" in alias:
            errors.append(f"{code}: malformed alias {alias!r}")
        elif ALIAS_SEPARATOR in alias:
            errors.append(f"{code}: alias {alias!r} contains {ALIAS_SEPARATOR!r}")
        else:
            valid.append(alias)
    folded = [ascii_fold(name) for name in (name_en, *valid) if not has_cyrillic(name)]
    seen = {match_key(name_en), match_key(name_ru)}
    aliases: list[str] = []
    for alias in (*valid, *folded):
        key = match_key(alias)
        if key not in seen:
            seen.add(key)
            aliases.append(alias)
    return tuple(aliases), errors


def build_partners() -> list[Partner]:
    """Build every registry row; raise RegistryError listing all problems."""
    countries = sorted(pycountry.countries, key=lambda country: country.alpha_2)
    if len(countries) != EXPECTED_COUNTRY_COUNT:
        raise RegistryError(
            f"pycountry lists {len(countries)} countries, expected "
            f"{EXPECTED_COUNTRY_COUNT}; review the hand-written tables"
        )
    errors = check_tables({country.alpha_2 for country in countries})
    translator = russian_translator()

    partners: list[Partner] = []
    for country in countries:
        code = country.alpha_2
        name_en = country.name
        iso_ru = translator.gettext(name_en)
        if iso_ru == name_en or not has_cyrillic(iso_ru):
            errors.append(f"{code}: no Russian translation for {name_en!r}")
        name_ru = RU_SHORT_NAMES.get(code, iso_ru)
        if "," in name_ru and code not in RU_NAMES_WITH_COMMA:
            errors.append(
                f"{code}: Russian name {name_ru!r} looks inverted; "
                "add a short form to RU_SHORT_NAMES"
            )
        candidates = [
            name
            for name in (
                getattr(country, "common_name", None),
                getattr(country, "official_name", None),
                iso_ru if name_ru != iso_ru else None,
            )
            if name
        ]
        candidates.extend(EXTRA_ALIASES.get(code, ()))
        aliases, alias_errors = build_aliases(code, name_en, name_ru, candidates)
        errors.extend(alias_errors)
        partners.append(
            Partner(
                alpha2=code,
                alpha3=country.alpha_3,
                numeric=country.numeric,
                name_en=name_en,
                name_ru=name_ru,
                macro_region=MACRO_REGION_BY_ALPHA2.get(code, ""),
                aliases=aliases,
            )
        )

    errors.extend(check_collisions(partners))
    if errors:
        raise RegistryError("\n".join(errors))
    return partners


def check_collisions(partners: list[Partner]) -> list[str]:
    """Names must be unique across countries and must not shadow ISO codes."""
    errors: list[str] = []
    owners: dict[str, set[str]] = defaultdict(set)
    spellings: dict[str, set[str]] = defaultdict(set)
    for partner in partners:
        for name in (partner.name_en, partner.name_ru, *partner.aliases):
            key = collision_key(name)
            owners[key].add(partner.alpha2)
            spellings[key].add(name)
    for key, codes in sorted(owners.items()):
        if len(codes) > 1:
            errors.append(f"name collision {sorted(spellings[key])} between {sorted(codes)}")

    code_owner: dict[str, str] = {}
    for partner in partners:
        code_owner[partner.alpha2.casefold()] = partner.alpha2
        code_owner[partner.alpha3.casefold()] = partner.alpha2
    for partner in partners:
        for name in (partner.name_en, partner.name_ru, *partner.aliases):
            owner = code_owner.get(collision_key(name))
            if owner is not None and owner != partner.alpha2:
                errors.append(f"{partner.alpha2}: name {name!r} is an ISO code of {owner}")
    return errors


def render_csv(partners: list[Partner]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(partner.as_row() for partner in partners)
    return buffer.getvalue()


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--output",
        type=Path,
        default=DEFAULT_OUTPUT,
        help="CSV path (default: %(default)s)",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="do not write; exit 1 if the CSV on disk differs from a fresh build",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        partners = build_partners()
    except RegistryError as exc:
        print(f"build_partners: registry inputs are inconsistent:\n{exc}", file=sys.stderr)
        return 1
    content = render_csv(partners)
    output: Path = args.output

    if args.check:
        current = output.read_text(encoding="utf-8") if output.exists() else None
        if current != content:
            print(f"{output} is out of date; run tools/build_partners.py", file=sys.stderr)
            return 1
        print(f"{output} is up to date ({len(partners)} rows)")
        return 0

    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(content, encoding="utf-8", newline="")
    counts = Counter(partner.macro_region for partner in partners)
    print(f"wrote {len(partners)} rows to {output}")
    for region in MACRO_REGIONS:
        print(f"  {region:<20} {counts[region]:>3}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
