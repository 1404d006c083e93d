"""The descriptive profile of every region (MODEL.md section 4).

Three parts, each from the data:

* **Instrument balance**: the state-like share of the region's activity, ``state_share = (number
  of records whose instrument is of state nature) / (number of records)``, over the profile's
  window and statuses. ``institutional`` when ``state_share > institutional_above`` (0.6),
  ``societal`` when ``state_share < societal_below`` (0.4), else ``balanced``; ``none`` without
  records.
* **Geographic orientation**: the shares ``s_m`` of the region's activity with partners in each
  macro-region ``m`` (records, or distinct partner countries with ``shares_of:
  partner_countries``), the dominant macro-region (largest share; ties go to the first in
  :data:`paradiplomacy.registry.MACRO_REGIONS` order) and the Herfindahl-Hirschman index
  ``HHI = sum_m s_m^2`` (Herfindahl, O. C. (1950) *Concentration in the steel industry*;
  Hirschman, A. O. (1964) The paternity of an index, *AER* 54(5):761). With six macro-regions
  ``HHI`` runs from 1/6 (even spread) to 1 (one macro-region). ``focused on <macro-region>``
  when ``HHI >= focused_hhi`` (0.5: e.g. one macro-region with 0.7 of the activity and the rest
  spread evenly gives 0.49 + 5 x 0.06^2 = 0.508), else ``diversified``; ``no recorded activity``
  without records. Records whose partner country has no macro-region in the partner registry
  count in ``n_records`` and the balance but not in the shares.
* **Structural type** from the region registry, a '|'-joined list in this order: ``border``
  (a foreign country across a land border, or a sea border when ``border_includes_sea``),
  ``coastal``, ``arctic`` (Arctic zone), ``kin_state_republic`` (a republic whose titular group
  has a kin state abroad), ``federal_city``.

The window is the ``window_years`` calendar years up to and including the assessment year
(``year - window_years + 1 <= record year <= year``); only records with a status in
``statuses`` count (default active and suspended: planned ties have not happened yet and
terminated ones have ended).
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

from paradiplomacy.ledger.taxonomy import Taxonomy
from paradiplomacy.registry import MACRO_REGIONS

STRUCTURAL_TYPES: tuple[str, ...] = (
    "border",
    "coastal",
    "arctic",
    "kin_state_republic",
    "federal_city",
)
"""Structural types in the order they are listed."""


class ProfileConfig(BaseModel):
    """Profile rules (the ``profile:`` section of ``classification.yaml``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    window_years: int = Field(default=5, ge=1)
    statuses: tuple[Literal["planned", "active", "suspended", "terminated"], ...] = Field(
        default=("active", "suspended"), min_length=1
    )
    institutional_above: float = Field(default=0.6, ge=0.0, le=1.0)
    societal_below: float = Field(default=0.4, ge=0.0, le=1.0)
    focused_hhi: float = Field(default=0.5, ge=0.0, le=1.0)
    shares_of: Literal["records", "partner_countries"] = "records"
    border_includes_sea: bool = True

    @model_validator(mode="after")
    def _check(self) -> ProfileConfig:
        if self.societal_below > self.institutional_above:
            raise ValueError(
                f"societal_below ({self.societal_below}) must not exceed institutional_above "
                f"({self.institutional_above})"
            )
        if len(set(self.statuses)) != len(self.statuses):
            raise ValueError(f"statuses must be unique; got {list(self.statuses)}")
        return self


def _frame(obj: Any, what: str) -> pd.DataFrame:
    if isinstance(obj, pd.DataFrame):
        return obj
    if hasattr(obj, "to_frame"):
        return obj.to_frame()
    raise TypeError(f"{what}: expected a DataFrame or a registry; got {type(obj).__name__}")


def structural_types(regions: pd.DataFrame, border_includes_sea: bool = True) -> pd.Series:
    """The '|'-joined structural types of each region (index: region code)."""
    reg = regions.set_index("code", drop=False) if "code" in regions.columns else regions

    def filled(col: str) -> pd.Series:
        return reg[col].fillna("").astype(str).str.strip().ne("")

    border = filled("land_borders")
    if border_includes_sea:
        border |= filled("sea_borders")
    flags = pd.DataFrame(
        {
            "border": border,
            "coastal": reg["coastal"].fillna(False).astype(bool),
            "arctic": reg["arctic_zone"].fillna(False).astype(bool),
            "kin_state_republic": reg["type"].eq("republic") & filled("kin_states"),
            "federal_city": reg["type"].eq("federal_city"),
        }
    )
    names = np.array(STRUCTURAL_TYPES, dtype=object)
    matrix = flags.to_numpy(dtype=bool)
    text = ["|".join(names[row]) for row in matrix]  # one per region, not per record
    return pd.Series(text, index=reg.index, name="structural_type")


def profile(
    records: pd.DataFrame,
    regions: Any,
    partners: Any,
    taxonomy: Taxonomy,
    year: int,
    config: ProfileConfig | None = None,
) -> pd.DataFrame:
    """The profile of every region of ``regions``, in its order, for the assessment ``year``.

    ``records``: ledger records (columns region, partner_country, instrument, year, status);
    ``regions``: a :class:`RegionRegistry` or its ``to_frame(scope)``; ``partners``: a
    :class:`PartnerRegistry` or its ``to_frame()`` (indexed by alpha-2, with ``macro_region``).

    Columns: ``code``, ``n_records``, ``state_share``, ``balance``, ``share_<macro-region>`` (one
    per macro-region, summing to 1 over records with a known macro-region, 0 without activity),
    ``dominant_macro_region`` (key, "" without activity), ``hhi``, ``orientation``,
    ``n_partner_countries``, ``n_macro_regions`` (macro-regions with a share above 0),
    ``structural_type``. Formulas in the module docstring.
    """
    cfg = config or ProfileConfig()
    reg = _frame(regions, "regions")
    codes = pd.Index(reg["code"] if "code" in reg.columns else reg.index, name="code")
    part = _frame(partners, "partners")
    macro_of = part["macro_region"]
    nature = pd.Series({k: v.nature for k, v in taxonomy.instruments.items()})

    first = int(year) - cfg.window_years + 1
    keep = (
        records["region"].isin(codes)
        & records["year"].between(first, int(year))
        & records["status"].isin(cfg.statuses)
    )
    recs = records.loc[keep]
    # a record cube (paradiplomacy.ledger.aggregates) holds n records per row
    weight = recs["n"].to_numpy(dtype=np.int64) if "n" in recs.columns else np.ones(len(recs), int)
    region = recs["region"].to_numpy()
    partner = recs["partner_country"].to_numpy()
    state = recs["instrument"].map(nature).eq("state").to_numpy()
    macro = recs["partner_country"].map(macro_of)

    def per_region(mask: np.ndarray) -> pd.Series:
        total = pd.Series(weight[mask]).groupby(region[mask]).sum()
        return total.reindex(codes, fill_value=0).astype(np.int64)

    n_records = per_region(np.ones(len(recs), dtype=bool))
    n_state = per_region(state)
    with np.errstate(invalid="ignore", divide="ignore"):
        state_share = np.where(n_records > 0, n_state / n_records.where(n_records > 0), np.nan)
    balance = np.select(
        [n_records.to_numpy() == 0, state_share > cfg.institutional_above,
         state_share < cfg.societal_below],
        ["none", "institutional", "societal"],
        default="balanced",
    )  # fmt: skip

    known = pd.DataFrame({"region": region, "partner": partner, "macro": macro.to_numpy(),
                          "n": weight})  # fmt: skip
    known = known[known["macro"].isin(list(MACRO_REGIONS))]
    if cfg.shares_of == "partner_countries":
        known = known.drop_duplicates(["region", "partner"]).assign(n=1)
    counts = np.zeros((len(codes), len(MACRO_REGIONS)))
    if len(known):
        r_ = codes.get_indexer(known["region"].to_numpy())
        m_ = pd.Index(list(MACRO_REGIONS)).get_indexer(known["macro"].to_numpy())
        np.add.at(counts, (r_, m_), known["n"].to_numpy(dtype=np.float64))
    totals = counts.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = np.where(totals[:, None] > 0, counts / totals[:, None], 0.0)
    active = totals > 0
    hhi = np.where(active, (shares**2).sum(axis=1), np.nan)
    keys = np.array(list(MACRO_REGIONS), dtype=object)
    dominant = np.where(active, keys[np.argmax(shares, axis=1)], "")
    names_en = {k: v[0] for k, v in MACRO_REGIONS.items()}
    focused = active & (hhi >= cfg.focused_hhi)
    orientation = np.where(
        ~active,
        np.where(n_records.to_numpy() > 0, "no partner macro-region known", "no recorded activity"),
        np.where(
            focused,
            np.char.add("focused on ", pd.Series(dominant).map(names_en).fillna("").to_numpy(str)),
            "diversified",
        ),
    )
    n_partners = (
        pd.DataFrame({"region": region, "partner": partner})
        .drop_duplicates()
        .groupby("region")
        .size()
        .reindex(codes, fill_value=0)
    )

    out = pd.DataFrame({"code": codes.to_numpy(), "n_records": n_records.to_numpy()})
    out["state_share"] = state_share
    out["balance"] = balance
    for j, key in enumerate(MACRO_REGIONS):
        out[f"share_{key}"] = shares[:, j]
    out["dominant_macro_region"] = dominant
    out["hhi"] = hhi
    out["orientation"] = orientation
    out["n_partner_countries"] = n_partners.to_numpy()
    out["n_macro_regions"] = (counts > 0).sum(axis=1)
    out["structural_type"] = (
        structural_types(reg, cfg.border_includes_sea).reindex(codes).fillna("").to_numpy()
    )
    return out
