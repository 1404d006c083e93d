"""The synthetic generator: an invented activity ledger and invented regional statistics.

**Everything this module produces is invented.** The records are random draws from the simple
model below, shaped by a few real structural facts of the registry (population, type, borders,
Arctic zone, kin states). They are for demonstrations, tests and benchmarks. They are not
evidence and must never be cited as fact. Every record and every statistic carries the source
``synthetic:<GENERATOR_VERSION>`` (:data:`SOURCE`) so that it can never be mistaken for, or
mixed unnoticed with, real evidence.

Generative model
================

Indices: region ``r`` (every registry entry, sorted by code), partner country ``p`` (every
partner registry entry except the home country, sorted by alpha-2), instrument ``i`` (taxonomy
ids, sorted) and year ``y`` in ``start_year..end_year``. All randomness comes from one
``numpy.random.default_rng(seed)``, drawn in a fixed order.

1. Region intensity (size class on a log scale, type, random effect)::

       I_r = exp(SIZE_ELASTICITY * ln(pop_r / 1000)) * TYPE_INTENSITY[type_r] * e_r
       e_r ~ LogNormal(0, REGION_SIGMA)

   ``pop_r`` is the 2021 population in thousands; a region without one uses the median of the
   known populations (:data:`FALLBACK_POPULATION` when none is known). Federal cities get a
   large boost (``TYPE_INTENSITY["federal_city"]``). Disputed regions are multiplied by
   :data:`DISPUTED_INTENSITY`.

2. Pair weight (gravity-like)::

       W_rp = (I_r * A_rp + B_rp) * G_p * D_rp * u_rp,      u_rp ~ LogNormal(0, PAIR_SIGMA)
       A_rp = 1 + LAND_BORDER_BONUS * land_rp + SEA_BORDER_BONUS * sea_rp + KIN_BONUS * kin_rp
                + ARCTIC_BONUS * arctic_rp + FAR_EAST_BONUS * far_east_rp
                + DISTRICT_MACRO_AFFINITY[district_r, macro_region_p]
       B_rp = LAND_BORDER_BASE * land_rp + SEA_BORDER_BASE * sea_rp

   where ``land_rp`` / ``sea_rp`` are 1 if ``p`` borders ``r`` by land / sea, ``kin_rp`` if
   ``p`` is a kin state of ``r``, ``arctic_rp`` if ``r`` is in the Arctic zone and ``p`` is in
   :data:`ARCTIC_STATES`, ``far_east_rp`` if ``r`` is coastal, in :data:`FAR_EAST_DISTRICTS`
   and ``p`` is in :data:`FAR_EAST_PARTNERS`; else 0. ``B_rp`` is cross-border activity that
   does not depend on the region's size. ``G_p`` is a fixed, documented partner attractiveness
   (:data:`PARTNER_WEIGHTS`: big economies and neighbours high; :data:`DEFAULT_PARTNER_WEIGHT`
   for other states; dependent territories in :data:`MINOR_TERRITORIES` near zero).
   ``D_rp`` is :data:`DISPUTED_SHOCK_PARTNER_FACTOR` for a disputed region and a shock
   partner, else 1 (disputed regions have few Western partners).

3. Instrument mix: ``M_rpi = BASE_MIX[i] * TYPE_MIX[type_r][i] * prod_k PAIR_MIX[k][i]`` over
   the pair's structural ties ``k`` (border, kin, arctic, far_east), normalised to shares
   ``m_rpi = M_rpi / sum_i M_rpi``. Republics lean to diaspora and culture, federal cities to
   state-like instruments, education and science, kin ties to diaspora and culture, borders to
   trade and cross-border projects, the Arctic to science and associations of regions.

4. Time::

       T_ry = exp(g_r * (y - start_year)),          g_r ~ Normal(TREND_MEAN, TREND_SD)
       S_py = shock_factor                           if p is a shock partner and y >= shock_year
            = 1 + PIVOT_GAIN * min(1, (y - shock_year + 1) / PIVOT_RAMP_YEARS)
                                                     if p is a pivot partner and y >= shock_year
            = 1                                      otherwise
       C_iy = COVID_EVENT_FACTORS[y] for event instruments, COVID_TOURISM_FACTORS[y] for tourism
       a_ry = 1 if y >= the region's first active year else 0

   A disputed region is active from :data:`DISPUTED_ACTIVE_FROM` (Crimea and Sevastopol 2014),
   else from :data:`DISPUTED_DEFAULT_ACTIVE_FROM` (2022); recognised regions from ``start_year``.

5. Expected activity ``lambda_rpiy = c * W_rp * m_rpi * T_ry * S_py * C_iy * a_ry``, where the
   scale ``c`` is solved (Newton's method) so that the expected number of rows equals
   ``target_records``. Event instruments (every instrument not in :data:`ANNUAL_UNITS`) form a
   Poisson process: ``N ~ Poisson(sum lambda)`` events are spread over the cells in proportion to
   ``lambda``, one row each (magnitude 1, unit ``count``, a uniformly random date in the year).
   Annual instruments (trade, investment, education, tourism) give at most one row per cell,
   present with probability ``1 - exp(-lambda)``, with magnitude::

       MAGNITUDE_SCALE[i] * W_rp * (M_rpi / BASE_MIX[i]) * T_ry * S_py * C_iy * v,
       v ~ LogNormal(0, MAG_SIGMA)

   in the instrument's unit (million USD, thousand arrivals, students), independent of ``c``.

6. Status: ``active`` by default; tie-like instruments (:data:`TIE_INSTRUMENTS`) are
   ``terminated`` with probability :data:`BASELINE_TERMINATION`; non-annual rows with a shock
   partner from ``shock_year`` on are ``suspended`` / ``terminated`` with probabilities
   :data:`SHOCK_STATUS_PROBS`; non-annual rows in ``end_year`` are ``planned`` with probability
   :data:`PLANNED_SHARE_LAST_YEAR`. Confidence is uniform in [0.8, 1] for annual rows and in
   [0.5, 1] for events, rounded to 2 decimals. ``partner_name`` is an invented label such as
   ``"Partner city 3 (synthetic)"`` for the instruments in :data:`PARTNER_NAME_LABELS`, else
   ``""``; ``note`` says ``"suspended after 2022 (synthetic)"``, ``"ended after 2022
   (synthetic)"`` or ``"planned (synthetic)"`` for shocked and planned rows, else ``""``. Rows
   identical in every column but magnitude are merged (magnitudes summed), so no two rows are
   identical (checked before returning).

7. Statistics (long form; per region and active year): ``population`` (thousand persons) =
   ``pop_r * (1 + h_r) ** (y - 2021)`` with ``h_r ~ Normal(POPULATION_TREND_MEAN,
   POPULATION_TREND_SD)`` (+ :data:`FEDERAL_CITY_POPULATION_TREND` for federal cities);
   ``grp`` (billion RUB) = population x GRP per capita (``GRP_PER_CAPITA_2021`` thousand RUB
   x type factor x random effect, growing :data:`GRP_NOMINAL_GROWTH` a year);
   ``foreign_students`` (persons),
   ``foreign_tourist_arrivals`` (thousand arrivals) and ``trade_turnover`` (million USD) =
   the sum of the matching ledger magnitudes x a coverage factor in [1.2, 1.8] (the ledger is
   incomplete evidence) + a population-proportional floor (:data:`STATISTIC_FLOORS`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from paradiplomacy.ledger.importer import import_frame
from paradiplomacy.ledger.store import Store
from paradiplomacy.ledger.taxonomy import STATUSES, Taxonomy
from paradiplomacy.ledger.validation import RECORD_FIELDS, STATS_LONG
from paradiplomacy.registry.partners import PartnerRegistry
from paradiplomacy.registry.regions import Region, RegionRegistry

GENERATOR_VERSION: str = "1.0"
"""Version of the generative model; changes whenever the same seed would give different data."""

SOURCE: str = f"synthetic:{GENERATOR_VERSION}"
"""The source of every synthetic record and statistic."""

RECORD_COLUMNS: tuple[str, ...] = RECORD_FIELDS
STATISTIC_COLUMNS: tuple[str, ...] = STATS_LONG

STATISTIC_UNITS: dict[str, str] = {
    "population": "thousand persons",
    "grp": "billion RUB",
    "foreign_students": "persons",
    "foreign_tourist_arrivals": "thousand arrivals",
    "trade_turnover": "million USD",
}
"""Statistics indicators and their units."""

# --- partners -------------------------------------------------------------------------------

EU_MEMBERS: tuple[str, ...] = (
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
    "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
)  # fmt: skip
"""The 27 member states of the European Union (since 2020)."""

DEFAULT_SHOCK_PARTNERS: tuple[str, ...] = tuple(
    sorted(
        {
            *EU_MEMBERS,
            *("GB", "US", "CA", "NO", "CH", "IS", "LI"),
            *("JP", "KR", "AU", "NZ", "TW", "SG"),
            "UA",
        }
    )
)
"""Partners hit by the shock by default: the EU-27, the United Kingdom, the United States,
Canada, Norway, Switzerland, Iceland, Liechtenstein, Japan, the Republic of Korea, Australia,
New Zealand, Taiwan and Singapore (the states that adopted sanctions in 2022), plus Ukraine
(regional ties ruptured in 2022)."""

PIVOT_PARTNERS: tuple[str, ...] = tuple(
    sorted(
        {
            *("CN", "IN", "TR", "AE", "IR", "SA"),
            *("AM", "AZ", "BY", "KG", "KZ", "TJ", "TM", "UZ"),
            *("DZ", "EG", "LY", "MA", "SD", "TN"),
        }
    )
)
"""Partners whose activity rises after the shock: China, India, Turkey, the UAE, Iran and Saudi
Arabia; the CIS states Armenia, Azerbaijan, Belarus, Kyrgyzstan, Kazakhstan, Tajikistan,
Turkmenistan and Uzbekistan; North Africa. Every partner in :data:`PIVOT_MACRO_REGIONS` too."""

PIVOT_MACRO_REGIONS: tuple[str, ...] = ("sub_saharan_africa",)
PIVOT_GAIN: float = 0.6
"""Activity with pivot partners rises to ``1 + PIVOT_GAIN`` of trend..."""
PIVOT_RAMP_YEARS: int = 2
"""...over this many years from ``shock_year``."""

PARTNER_WEIGHTS: dict[str, float] = {
    # Largest partners of Russian regions: big economies, neighbours, CIS allies
    "CN": 10.0, "DE": 8.0, "BY": 7.0, "KZ": 7.0, "US": 6.0, "IT": 5.0, "FR": 5.0,
    "TR": 5.0, "UA": 5.0, "JP": 4.0, "KR": 4.0, "IN": 4.0, "GB": 4.0, "FI": 4.0, "UZ": 4.0,
    # Large or close partners
    "NL": 3.0, "PL": 3.0, "AM": 3.0, "AZ": 3.0, "KG": 3.0, "TJ": 2.5, "MN": 2.0, "CZ": 2.0,
    "AT": 2.0, "ES": 2.0, "CH": 2.0, "RS": 2.0, "VN": 2.0, "AE": 2.0, "IR": 2.0,
    # Medium partners
    "SE": 1.5, "NO": 1.5, "BE": 1.5, "IL": 1.5, "EG": 1.5, "BR": 1.5, "LT": 1.5, "LV": 1.5,
    "EE": 1.5, "HU": 1.5, "GR": 1.2, "BG": 1.2, "CA": 1.2, "MD": 1.2, "GE": 1.2, "DK": 1.0,
    "SA": 1.0, "TM": 1.0, "SK": 1.0, "CY": 1.0, "TH": 1.0,
    # Smaller partners
    "AU": 0.8, "SI": 0.8, "RO": 0.8, "ID": 0.8, "SG": 0.8, "CU": 0.8, "ZA": 0.8, "HK": 0.8,
    "HR": 0.6, "PT": 0.6, "MY": 0.6, "AR": 0.6, "MX": 0.6, "VE": 0.6, "DZ": 0.6, "PK": 0.6,
    "IE": 0.5, "NG": 0.5, "SY": 0.5, "KP": 0.4, "ET": 0.4, "MA": 0.4, "IQ": 0.4, "BD": 0.4,
    "LK": 0.4, "TW": 0.4, "LA": 0.4, "MM": 0.4, "PH": 0.4, "QA": 0.4, "BA": 0.4, "ME": 0.4,
    "CL": 0.4, "LU": 0.3, "MT": 0.3, "IS": 0.3, "TN": 0.3, "NZ": 0.3, "AF": 0.3, "KH": 0.3,
    "KW": 0.3, "JO": 0.3, "LB": 0.3, "MK": 0.3, "AO": 0.3, "TZ": 0.3, "KE": 0.3, "PE": 0.3,
    "CO": 0.3, "NI": 0.3, "LY": 0.3, "SD": 0.3, "AL": 0.2,
}  # fmt: skip
"""Fixed attractiveness ``G_p`` of partner countries (relative, gravity-like). An invented but
plausible ranking: large economies, neighbours and CIS allies high. Not a measurement."""

DEFAULT_PARTNER_WEIGHT: float = 0.15
"""``G_p`` of a state not listed in :data:`PARTNER_WEIGHTS`."""

MINOR_TERRITORY_WEIGHT: float = 0.005
MINOR_TERRITORIES: frozenset[str] = frozenset({
    "AI", "AQ", "AS", "AW", "AX", "BL", "BM", "BQ", "BV", "CC", "CK", "CW", "CX", "EH", "FK",
    "FO", "GF", "GG", "GI", "GL", "GP", "GS", "GU", "HM", "IM", "IO", "JE", "KY", "MF", "MO",
    "MP", "MQ", "MS", "NC", "NF", "NU", "PF", "PM", "PN", "PR", "RE", "SH", "SJ", "SX", "TC",
    "TF", "TK", "UM", "VG", "VI", "WF", "YT",
})  # fmt: skip
"""Dependent territories and uninhabited areas: ``G_p`` = :data:`MINOR_TERRITORY_WEIGHT`."""

ARCTIC_STATES: tuple[str, ...] = ("CA", "DK", "FI", "IS", "NO", "SE", "US")
"""Members of the Arctic Council other than Russia."""

FAR_EAST_DISTRICTS: tuple[str, ...] = ("far_eastern",)
FAR_EAST_PARTNERS: tuple[str, ...] = (
    "CN",
    "ID",
    "JP",
    "KP",
    "KR",
    "MY",
    "PH",
    "SG",
    "TH",
    "US",
    "VN",
)
"""Partners across the Pacific coast of the Far East (coastal regions of
:data:`FAR_EAST_DISTRICTS` get :data:`FAR_EAST_BONUS` with them)."""

# --- regions --------------------------------------------------------------------------------

SIZE_ELASTICITY: float = 0.7
TYPE_INTENSITY: dict[str, float] = {
    "federal_city": 3.0,
    "republic": 1.15,
    "krai": 1.05,
    "oblast": 1.0,
    "autonomous_okrug": 0.9,
    "autonomous_oblast": 0.8,
}
"""Intensity factor by region type (1.0 for a type not listed)."""
REGION_SIGMA: float = 0.25
PAIR_SIGMA: float = 0.4
FALLBACK_POPULATION: float = 1000.0
"""Population (thousands) of a region without one when the registry knows no population."""

LAND_BORDER_BONUS: float = 6.0
SEA_BORDER_BONUS: float = 2.0
LAND_BORDER_BASE: float = 2.0
SEA_BORDER_BASE: float = 1.0
"""Size-independent border activity (in units of region intensity): even a small border region
keeps cross-border ties."""
KIN_BONUS: float = 4.0
ARCTIC_BONUS: float = 2.0
FAR_EAST_BONUS: float = 2.5
DISTRICT_MACRO_AFFINITY: dict[tuple[str, str], float] = {
    ("far_eastern", "asia_pacific"): 1.0,
    ("siberian", "asia_pacific"): 0.5,
    ("northwestern", "europe"): 0.8,
    ("central", "europe"): 0.3,
    ("north_caucasian", "mena"): 0.8,
    ("southern", "mena"): 0.3,
    ("volga", "eurasia_cis"): 0.3,
    ("ural", "eurasia_cis"): 0.5,
    ("siberian", "eurasia_cis"): 0.5,
}
"""Extra affinity of a federal district with a partner macro-region."""

DISPUTED_ACTIVE_FROM: dict[str, int] = {"RU-CR": 2014, "RU-SEV": 2014}
DISPUTED_DEFAULT_ACTIVE_FROM: int = 2022
"""First year with records for a disputed region not in :data:`DISPUTED_ACTIVE_FROM`."""
DISPUTED_INTENSITY: float = 0.5
DISPUTED_SHOCK_PARTNER_FACTOR: float = 0.02

# --- instruments ----------------------------------------------------------------------------

ANNUAL_UNITS: dict[str, str] = {
    "trade": "million USD",
    "investment": "million USD",
    "education": "students",
    "tourism": "thousand arrivals",
}
"""Annual (year-only, valued) instruments and their units; every other instrument is an event
or tie counted with unit ``count`` and dated."""

MAGNITUDE_SCALE: dict[str, float] = {
    "trade": 10.0,
    "investment": 2.0,
    "education": 5.0,
    "tourism": 0.5,
}
MAG_SIGMA: float = 0.35

BASE_MIX: dict[str, float] = {
    "agreement": 0.05,
    "official_visit": 0.12,
    "representation_abroad": 0.01,
    "consulate_hosted": 0.01,
    "association_membership": 0.015,
    "intergovernmental_commission": 0.02,
    "trade": 0.12,
    "investment": 0.04,
    "business_mission": 0.10,
    "twinning": 0.03,
    "cultural_event": 0.14,
    "diaspora": 0.04,
    "ngo_project": 0.05,
    "humanitarian_aid": 0.02,
    "education": 0.06,
    "science": 0.06,
    "tourism": 0.06,
    "sport_event": 0.04,
    "media": 0.04,
}
"""Base share of each instrument (an instrument not listed: :data:`DEFAULT_MIX`)."""
DEFAULT_MIX: float = 0.03

TYPE_MIX: dict[str, dict[str, float]] = {
    "republic": {
        "diaspora": 2.5,
        "cultural_event": 1.5,
        "twinning": 1.2,
        "media": 1.2,
        "agreement": 1.2,
    },
    "federal_city": {
        "agreement": 1.5,
        "official_visit": 1.5,
        "representation_abroad": 3.0,
        "consulate_hosted": 4.0,
        "intergovernmental_commission": 1.5,
        "education": 2.5,
        "science": 2.0,
        "sport_event": 2.0,
        "media": 2.0,
        "tourism": 2.0,
        "diaspora": 0.6,
    },
    "krai": {"trade": 1.2, "business_mission": 1.2, "investment": 1.2},
    "oblast": {"trade": 1.2, "business_mission": 1.2, "investment": 1.2},
    "autonomous_okrug": {"trade": 1.3, "science": 1.2, "diaspora": 1.2, "cultural_event": 0.8},
}
"""Instrument-mix multipliers by region type."""

PAIR_MIX: dict[str, dict[str, float]] = {
    "border": {
        "trade": 2.0,
        "business_mission": 1.5,
        "ngo_project": 3.0,
        "tourism": 2.0,
        "agreement": 1.5,
    },
    "kin": {"diaspora": 12.0, "cultural_event": 3.0, "education": 1.5, "twinning": 1.5},
    "arctic": {"science": 3.0, "association_membership": 4.0, "ngo_project": 1.5},
    "far_east": {"trade": 1.5, "tourism": 1.5, "business_mission": 1.5},
}
"""Instrument-mix multipliers by structural tie between region and partner."""

TIE_INSTRUMENTS: tuple[str, ...] = (
    "agreement",
    "association_membership",
    "consulate_hosted",
    "intergovernmental_commission",
    "representation_abroad",
    "twinning",
)
BASELINE_TERMINATION: float = 0.02
SHOCK_STATUS_PROBS: dict[str, float] = {"suspended": 0.3, "terminated": 0.15}
PLANNED_SHARE_LAST_YEAR: float = 0.2

PARTNER_NAME_LABELS: dict[str, str] = {
    "twinning": "Partner city",
    "agreement": "Partner region",
    "association_membership": "Association of regions",
    "ngo_project": "NGO",
    "science": "University",
    "cultural_event": "Cultural centre",
}
"""Invented partner labels, e.g. ``"Partner city 3 (synthetic)"``; other instruments: ``""``."""
PARTNER_NAME_VARIANTS: int = 5

# --- time -----------------------------------------------------------------------------------

TREND_MEAN: float = 0.03
TREND_SD: float = 0.015
COVID_EVENT_FACTORS: dict[int, float] = {2020: 0.5, 2021: 0.75}
COVID_TOURISM_FACTORS: dict[int, float] = {2020: 0.15, 2021: 0.35}

# --- statistics -----------------------------------------------------------------------------

POPULATION_BASE_YEAR: int = 2021
POPULATION_TREND_MEAN: float = -0.004
POPULATION_TREND_SD: float = 0.005
FEDERAL_CITY_POPULATION_TREND: float = 0.006
GRP_PER_CAPITA_2021: float = 450.0
"""Thousand RUB per person (before type factor and random effect)."""
GRP_TYPE_FACTOR: dict[str, float] = {"federal_city": 2.2, "autonomous_okrug": 3.0}
GRP_NOMINAL_GROWTH: float = 0.07
STATISTIC_FLOORS: dict[str, float] = {
    "foreign_students": 0.3,  # persons per thousand residents
    "foreign_tourist_arrivals": 0.01,  # thousand arrivals per thousand residents
    "trade_turnover": 0.05,  # million USD per thousand residents
}
COVERAGE_RANGE: tuple[float, float] = (1.2, 1.8)
STATISTIC_FROM_LEDGER: dict[str, str] = {
    "foreign_students": "education",
    "foreign_tourist_arrivals": "tourism",
    "trade_turnover": "trade",
}


@dataclass(frozen=True, eq=False)
class SyntheticLedger:
    """An invented ledger and invented statistics, with the seed and parameters that made them."""

    records: pd.DataFrame
    """Columns :data:`RECORD_COLUMNS`; every ``source`` is :data:`SOURCE`."""
    statistics: pd.DataFrame
    """Long form, columns :data:`STATISTIC_COLUMNS`; every ``source`` is :data:`SOURCE`."""
    seed: int
    params: dict[str, Any]
    """Every parameter used, for provenance."""


def partner_weight(alpha2: str) -> float:
    """The fixed attractiveness ``G_p`` of a partner country."""
    if alpha2 in PARTNER_WEIGHTS:
        return PARTNER_WEIGHTS[alpha2]
    if alpha2 in MINOR_TERRITORIES:
        return MINOR_TERRITORY_WEIGHT
    return DEFAULT_PARTNER_WEIGHT


def active_from(region: Region, start_year: int) -> int:
    """First year in which the generator gives ``region`` records and statistics."""
    if region.status == "disputed":
        return max(start_year, DISPUTED_ACTIVE_FROM.get(region.code, DISPUTED_DEFAULT_ACTIVE_FROM))
    return start_year


def generate(
    regions: RegionRegistry,
    partners: PartnerRegistry,
    taxonomy: Taxonomy,
    *,
    seed: int = 42,
    start_year: int = 2012,
    end_year: int = 2024,
    target_records: int = 50_000,
    shock_year: int = 2022,
    shock_partners: Collection[str] | None = None,
    shock_factor: float = 0.25,
) -> SyntheticLedger:
    """Generate a synthetic (invented) activity ledger and statistics; see the module docstring.

    Same inputs and ``seed`` give identical frames. ``shock_partners`` defaults to
    :data:`DEFAULT_SHOCK_PARTNERS` (codes absent from ``partners`` are ignored then); explicit
    codes must all be in ``partners``.
    """
    if end_year < start_year:
        raise ValueError(f"end_year {end_year} is before start_year {start_year}")
    if target_records <= 0:
        raise ValueError("target_records must be positive")
    if shock_factor < 0:
        raise ValueError("shock_factor must be >= 0")
    rng = np.random.default_rng(seed)
    home = regions.country

    # --- tables: regions, partners, instruments, years ------------------------------------
    region_list = sorted(regions.regions("all"), key=lambda r: r.code)
    if not region_list:
        raise ValueError("the region registry is empty")
    frame = partners.to_frame().reset_index(drop=True)
    frame = frame[frame["alpha2"] != home].sort_values("alpha2", kind="mergesort")
    pcodes = frame["alpha2"].to_numpy(dtype=object)
    pmacro = frame["macro_region"].to_numpy(dtype=object)
    if len(pcodes) == 0:
        raise ValueError("the partner registry has no foreign partner")
    pindex = {code: k for k, code in enumerate(pcodes)}

    if shock_partners is None:
        shock_set = sorted(c for c in DEFAULT_SHOCK_PARTNERS if c in pindex)
    else:
        shock_set = sorted({str(c) for c in shock_partners})
        unknown = [c for c in shock_set if c not in pindex]
        if unknown:
            raise ValueError(
                f"shock partners not in the partner registry (or the home country): {unknown}"
            )
    pivot_set = sorted(
        {c for c in PIVOT_PARTNERS if c in pindex}
        | {c for c, m in zip(pcodes, pmacro, strict=True) if m in PIVOT_MACRO_REGIONS}
    )
    pivot_set = [c for c in pivot_set if c not in set(shock_set)]

    instruments = sorted(taxonomy.instruments)
    annual_ids = [i for i in instruments if i in ANNUAL_UNITS]
    event_ids = [i for i in instruments if i not in ANNUAL_UNITS]
    order = event_ids + annual_ids  # events first, then annual instruments
    n_ev = len(event_ids)
    years = np.arange(start_year, end_year + 1)
    nR, nP, nI, nY = len(region_list), len(pcodes), len(order), len(years)

    # --- 1. region intensity --------------------------------------------------------------
    known = [r.population_2021 for r in region_list if r.population_2021]
    fallback = float(np.median(known)) if known else FALLBACK_POPULATION
    pop = np.array([float(r.population_2021 or fallback) for r in region_list])
    types = [r.type for r in region_list]
    disputed = np.array([r.status == "disputed" for r in region_list])
    region_effect = rng.lognormal(0.0, REGION_SIGMA, nR)
    intensity = (
        np.exp(SIZE_ELASTICITY * np.log(np.maximum(pop, 1.0) / 1000.0))
        * np.array([TYPE_INTENSITY.get(t, 1.0) for t in types])
        * np.where(disputed, DISPUTED_INTENSITY, 1.0)
        * region_effect
    )
    first_year = np.array([active_from(r, start_year) for r in region_list])
    active = (years[None, :] >= first_year[:, None]).astype(float)  # (R, Y)

    # --- 2. pair weights ------------------------------------------------------------------
    gp = np.array([partner_weight(c) for c in pcodes])
    is_shock = np.zeros(nP, bool)
    is_shock[[pindex[c] for c in shock_set]] = True
    is_pivot = np.zeros(nP, bool)
    is_pivot[[pindex[c] for c in pivot_set]] = True

    def ties(codes_of: Callable[[Region], Collection[str]]) -> np.ndarray:
        out = np.zeros((nR, nP), bool)
        for k, region in enumerate(region_list):
            for code in sorted(codes_of(region)):
                if code in pindex:
                    out[k, pindex[code]] = True
        return out

    land = ties(lambda r: r.land_borders)
    sea = ties(lambda r: r.sea_borders)
    kin = ties(lambda r: r.kin_states)
    arctic = ties(lambda r: ARCTIC_STATES if r.arctic_zone else ())
    far_east = ties(
        lambda r: (
            FAR_EAST_PARTNERS if r.coastal and r.federal_district in FAR_EAST_DISTRICTS else ()
        )
    )
    district_macro = np.zeros((nR, nP))
    for k, region in enumerate(region_list):
        for j, macro in enumerate(pmacro):
            district_macro[k, j] = DISTRICT_MACRO_AFFINITY.get((region.federal_district, macro), 0)
    affinity = (
        1.0
        + LAND_BORDER_BONUS * land
        + SEA_BORDER_BONUS * sea
        + KIN_BONUS * kin
        + ARCTIC_BONUS * arctic
        + FAR_EAST_BONUS * far_east
        + district_macro
    )
    dispute_factor = np.where(
        disputed[:, None] & is_shock[None, :], DISPUTED_SHOCK_PARTNER_FACTOR, 1.0
    )
    pair_effect = rng.lognormal(0.0, PAIR_SIGMA, (nR, nP))
    border_base = LAND_BORDER_BASE * land + SEA_BORDER_BASE * sea
    weight = (
        (intensity[:, None] * affinity + border_base) * gp[None, :] * dispute_factor * pair_effect
    )  # (R, P)

    # --- 3. instrument mix ----------------------------------------------------------------
    base = np.array([BASE_MIX.get(i, DEFAULT_MIX) for i in order])
    type_mix = np.array([[TYPE_MIX.get(t, {}).get(i, 1.0) for i in order] for t in types])
    mix_raw = np.broadcast_to((base[None, :] * type_mix)[:, None, :], (nR, nP, nI)).copy()
    for name, tie in (
        ("border", land | sea),
        ("kin", kin),
        ("arctic", arctic),
        ("far_east", far_east),
    ):
        mult = np.array([PAIR_MIX[name].get(i, 1.0) for i in order])
        mix_raw *= np.where(tie[:, :, None], mult[None, None, :], 1.0)
    mix = mix_raw / mix_raw.sum(axis=2, keepdims=True)  # (R, P, I)

    # --- 4. time --------------------------------------------------------------------------
    growth = rng.normal(TREND_MEAN, TREND_SD, nR)
    trend = np.exp(growth[:, None] * (years - start_year)[None, :]) * active  # (R, Y)
    after = years >= shock_year
    ramp = np.minimum(1.0, (years - shock_year + 1) / PIVOT_RAMP_YEARS)
    shock = np.ones((nP, nY))
    shock[np.ix_(is_shock, after)] = shock_factor
    shock[np.ix_(is_pivot, after)] = 1.0 + PIVOT_GAIN * ramp[after][None, :]
    covid = np.ones((nI, nY))
    for y, f in COVID_EVENT_FACTORS.items():
        covid[:n_ev, years == y] = f
    if "tourism" in order:
        for y, f in COVID_TOURISM_FACTORS.items():
            covid[order.index("tourism"), years == y] = f

    # --- 5. expected activity and draws ---------------------------------------------------
    # lam[r, p, i, y] before the scale c
    lam = (weight[:, :, None] * mix)[:, :, :, None] * trend[:, None, None, :]
    lam *= shock[None, :, None, :]
    lam *= covid[None, None, :, :]
    lam_ev = lam[:, :, :n_ev, :]
    lam_an = lam[:, :, n_ev:, :]
    scale = _solve_scale(float(lam_ev.sum()), lam_an[lam_an > 0], float(target_records))

    # events: a Poisson process spread over the cells in proportion to lambda
    cdf = np.cumsum(lam_ev, axis=None)
    event_total = float(cdf[-1]) if cdf.size else 0.0
    n_events = int(rng.poisson(scale * event_total))
    cell = np.searchsorted(cdf, rng.random(n_events) * event_total, side="right")
    cell = np.minimum(cell, max(cdf.size - 1, 0))
    er, ep, ei, ey = np.unravel_index(np.sort(cell), lam_ev.shape)
    # annual instruments: present with probability 1 - exp(-c * lambda)
    present = rng.random(lam_an.shape) < -np.expm1(-scale * lam_an)
    ar, ap, ai, ay = np.nonzero(present)
    ai = ai + n_ev

    r_idx = np.concatenate([er, ar])
    p_idx = np.concatenate([ep, ap])
    i_idx = np.concatenate([ei, ai])
    y_idx = np.concatenate([ey, ay])
    n = len(r_idx)
    is_annual = i_idx >= n_ev
    yr = years[y_idx]

    # magnitudes
    mag_scale = np.array([MAGNITUDE_SCALE.get(i, 1.0) for i in order])
    an_mag = (
        mag_scale[ai]
        * weight[ar, ap]
        * (mix_raw[ar, ap, ai] / base[ai])
        * trend[ar, ay]
        * shock[ap, ay]
        * covid[ai, ay]
        * rng.lognormal(0.0, MAG_SIGMA, len(ar))
    )
    students = np.array([i == "education" for i in order])[ai]
    an_mag = np.where(students, np.maximum(np.round(an_mag), 1.0), np.maximum(an_mag, 0.01))
    an_mag = np.round(an_mag, 2)
    magnitude = np.concatenate([np.ones(len(er)), an_mag])
    units = np.array(["count"] * n_ev + [ANNUAL_UNITS[i] for i in annual_ids], dtype=object)

    # dates: uniform day of the year for events (day offset -1: no date, annual instruments)
    y0 = (yr - 1970).astype("datetime64[Y]").astype("datetime64[D]")
    y1 = (yr - 1969).astype("datetime64[Y]").astype("datetime64[D]")
    ndays = (y1 - y0).astype(np.int64)
    day = np.where(is_annual, -1, np.floor(rng.random(n) * ndays).astype(np.int64))

    # status
    status_ids = {s: k for k, s in enumerate(STATUSES)}
    status = np.full(n, status_ids["active"])
    is_tie = np.isin(i_idx, [order.index(i) for i in TIE_INSTRUMENTS if i in order])
    u_base, u_shock, u_plan = rng.random(n), rng.random(n), rng.random(n)
    status[is_tie & (u_base < BASELINE_TERMINATION)] = status_ids["terminated"]
    shocked = ~is_annual & is_shock[p_idx] & (yr >= shock_year)
    p_susp = SHOCK_STATUS_PROBS["suspended"]
    p_term = p_susp + SHOCK_STATUS_PROBS["terminated"]
    status[shocked & (u_shock < p_susp)] = status_ids["suspended"]
    status[shocked & (u_shock >= p_susp) & (u_shock < p_term)] = status_ids["terminated"]
    planned = (
        ~is_annual
        & (yr == end_year)
        & (status == status_ids["active"])
        & (u_plan < PLANNED_SHARE_LAST_YEAR)
    )
    status[planned] = status_ids["planned"]

    # partner-name variant (0: no name) and confidence in hundredths
    labels = np.array([PARTNER_NAME_LABELS.get(i, "") for i in order], dtype=object)
    has_label = labels[i_idx] != ""
    variant = np.where(has_label, rng.integers(1, PARTNER_NAME_VARIANTS + 1, n), 0)
    conf = np.where(is_annual, rng.uniform(0.8, 1.0, n), rng.uniform(0.5, 1.0, n))
    conf100 = np.clip(np.round(conf * 100).astype(np.int64), 50, 100)

    # sort, and merge rows that agree on every column but magnitude (the note follows from
    # partner, year, instrument and status, so these integer keys identify a row)
    inst_rank = np.argsort(np.argsort(np.array(order, dtype=object)))
    keys = (conf100, variant, status, day, inst_rank[i_idx], p_idx, yr, r_idx)  # last = primary
    perm = np.lexsort(keys)
    sorted_keys = np.stack([k[perm] for k in keys])
    new_row = np.ones(n, bool)
    new_row[1:] = (sorted_keys[:, 1:] != sorted_keys[:, :-1]).any(axis=0)
    first = perm[new_row]
    group = np.cumsum(new_row) - 1
    magnitude = np.bincount(group, weights=magnitude[perm], minlength=len(first))
    r_idx, p_idx, i_idx, yr = r_idx[first], p_idx[first], i_idx[first], yr[first]
    day, status, variant, conf100 = day[first], status[first], variant[first], conf100[first]
    shocked, planned, is_annual = shocked[first], planned[first], is_annual[first]
    y0 = y0[first]
    n = len(first)

    date_str = np.full(n, "", dtype=object)
    dated = day >= 0
    date_str[dated] = np.datetime_as_string(y0[dated] + day[dated], unit="D").astype(object)
    note = np.full(n, "", dtype=object)
    note[shocked & (status == status_ids["suspended"])] = (
        f"suspended after {shock_year} (synthetic)"
    )
    note[shocked & (status == status_ids["terminated"])] = f"ended after {shock_year} (synthetic)"
    note[planned] = "planned (synthetic)"
    named = variant > 0
    partner_name = np.full(n, "", dtype=object)
    partner_name[named] = (
        labels[i_idx[named]] + " " + variant[named].astype(str).astype(object) + " (synthetic)"
    )

    records = pd.DataFrame(
        {
            "region": np.array([r.code for r in region_list], dtype=object)[r_idx],
            "partner_country": pcodes[p_idx],
            "partner_name": partner_name,
            "instrument": np.array(order, dtype=object)[i_idx],
            "date": date_str,
            "year": yr.astype(np.int64),
            "status": np.array(STATUSES, dtype=object)[status],
            "magnitude": magnitude.astype(float),
            "unit": units[i_idx],
            "source": SOURCE,
            "confidence": conf100 / 100.0,
            "note": note,
        },
        columns=list(RECORD_COLUMNS),
    )
    # a real importer rejects duplicate rows: make sure there are none
    if records.duplicated().any():  # pragma: no cover - guaranteed by the merge above
        raise AssertionError("synthetic ledger has duplicate rows")

    statistics = _statistics(
        rng, region_list, pop, types, years, first_year, records, [r.code for r in region_list]
    )

    params: dict[str, Any] = {
        "generator_version": GENERATOR_VERSION,
        "source": SOURCE,
        "seed": seed,
        "start_year": start_year,
        "end_year": end_year,
        "target_records": target_records,
        "shock_year": shock_year,
        "shock_partners": list(shock_set),
        "shock_factor": shock_factor,
        "pivot_partners": list(pivot_set),
        "pivot_gain": PIVOT_GAIN,
        "pivot_ramp_years": PIVOT_RAMP_YEARS,
        "home_country": home,
        "region_registry_version": regions.version,
        "taxonomy_version": taxonomy.version,
        "n_regions": nR,
        "n_partners": nP,
        "instruments": list(order),
        "annual_instruments": dict(ANNUAL_UNITS),
        "fallback_population": fallback,
        "region_active_from": {
            r.code: int(f) for r, f in zip(region_list, first_year, strict=True)
        },
        "intensity_scale": scale,
        "size_elasticity": SIZE_ELASTICITY,
        "type_intensity": dict(TYPE_INTENSITY),
        "bonuses": {
            "land_border": LAND_BORDER_BONUS,
            "sea_border": SEA_BORDER_BONUS,
            "kin": KIN_BONUS,
            "arctic": ARCTIC_BONUS,
            "far_east": FAR_EAST_BONUS,
        },
        "disputed_intensity": DISPUTED_INTENSITY,
        "disputed_shock_partner_factor": DISPUTED_SHOCK_PARTNER_FACTOR,
        "covid_event_factors": dict(COVID_EVENT_FACTORS),
        "covid_tourism_factors": dict(COVID_TOURISM_FACTORS),
        "trend": {"mean": TREND_MEAN, "sd": TREND_SD},
        "sigmas": {"region": REGION_SIGMA, "pair": PAIR_SIGMA, "magnitude": MAG_SIGMA},
        "shock_status_probs": dict(SHOCK_STATUS_PROBS),
        "baseline_termination": BASELINE_TERMINATION,
        "planned_share_last_year": PLANNED_SHARE_LAST_YEAR,
        "n_records": len(records),
        "n_statistics": len(statistics),
    }
    return SyntheticLedger(records=records, statistics=statistics, seed=seed, params=params)


def _solve_scale(event_total: float, annual: np.ndarray, target: float) -> float:
    """Scale ``c`` with ``c * event_total + sum(1 - exp(-c * annual)) = target`` (Newton).

    The left side is concave and increasing in ``c``; starting left of the root, Newton's
    iterates increase monotonically to it.
    """
    total = event_total + float(annual.sum())
    if total <= 0:
        raise ValueError("no activity is possible with these registries and years")
    if event_total <= 0 and target >= annual.size:
        raise ValueError("target_records exceeds the number of possible annual rows")
    c = target / total
    for _ in range(50):
        decay = np.exp(-c * annual)
        f = c * event_total + float(annual.size - decay.sum()) - target
        slope = event_total + float((annual * decay).sum())
        step = f / slope
        c -= step
        if abs(step) <= 1e-10 * c:
            break
    return float(c)


def _statistics(
    rng: np.random.Generator,
    region_list: list[Region],
    pop: np.ndarray,
    types: list[str],
    years: np.ndarray,
    first_year: np.ndarray,
    records: pd.DataFrame,
    codes: list[str],
) -> pd.DataFrame:
    nR, nY = len(region_list), len(years)
    federal_city = np.array([t == "federal_city" for t in types])
    pop_growth = rng.normal(POPULATION_TREND_MEAN, POPULATION_TREND_SD, nR)
    pop_growth += np.where(federal_city, FEDERAL_CITY_POPULATION_TREND, 0.0)
    population = pop[:, None] * (1.0 + pop_growth[:, None]) ** (years - POPULATION_BASE_YEAR)

    grp_pc = (
        GRP_PER_CAPITA_2021
        * np.array([GRP_TYPE_FACTOR.get(t, 1.0) for t in types])
        * rng.lognormal(0.0, 0.25, nR)
    )
    grp_pc_y = (
        grp_pc[:, None]
        * (1.0 + GRP_NOMINAL_GROWTH) ** (years - POPULATION_BASE_YEAR)[None, :]
        * rng.lognormal(0.0, 0.03, (nR, nY))
    )
    values: dict[str, np.ndarray] = {
        "population": np.round(population, 1),
        "grp": np.round(population * grp_pc_y / 1000.0, 1),
    }

    region_pos = pd.Index(codes).get_indexer(records["region"])
    year_pos = records["year"].to_numpy() - years[0]
    flat = region_pos * nY + year_pos
    magnitude = records["magnitude"].to_numpy()
    for indicator in sorted(STATISTIC_FROM_LEDGER):
        instrument = STATISTIC_FROM_LEDGER[indicator]
        mask = (records["instrument"] == instrument).to_numpy()
        ledger = np.bincount(flat[mask], weights=magnitude[mask], minlength=nR * nY)
        coverage = rng.uniform(*COVERAGE_RANGE, nR)
        floor = STATISTIC_FLOORS[indicator] * population * rng.lognormal(0.0, 0.3, (nR, nY))
        value = ledger.reshape(nR, nY) * coverage[:, None] + floor
        values[indicator] = (
            np.round(value) if indicator == "foreign_students" else np.round(value, 2)
        )

    keep = (years[None, :] >= first_year[:, None]).ravel()
    region_col = np.repeat(np.array(codes, dtype=object), nY)[keep]
    year_col = np.tile(years, nR)[keep].astype(np.int64)
    parts = [
        pd.DataFrame(
            {
                "region": region_col,
                "year": year_col,
                "indicator": indicator,
                "value": values[indicator].ravel()[keep].astype(float),
                "unit": STATISTIC_UNITS[indicator],
                "source": SOURCE,
            }
        )
        for indicator in sorted(STATISTIC_UNITS)
    ]
    stats = pd.concat(parts, ignore_index=True)
    return stats.sort_values(["region", "year", "indicator"], kind="mergesort").reset_index(
        drop=True
    )


def fill(store: Store, *, seed: int = 42, target_records: int = 50_000) -> SyntheticLedger:
    """Generate a synthetic ledger for ``store``'s registries and import it, records then
    statistics, through the validated import (batches ``synthetic-records``/``-stats``)."""
    ledger = generate(
        store.regions, store.partners, store.taxonomy, seed=seed, target_records=target_records
    )
    import_frame(store, ledger.records, "records", name="synthetic-records")
    import_frame(store, ledger.statistics, "stats", name="synthetic-stats")
    return ledger
