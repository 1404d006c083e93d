"""Why a region is in its class: the indicators and the records behind it (MODEL.md section 4).

**Indicator contributions.** With arithmetic aggregation, a unit's index score is
``sum_i w_i x_i`` over indicators ``i``, where ``x_i`` is the normalised value and ``w_i`` the
indicator's effective weight (its share of the index through the hierarchy, COINr's
``get_eff_wts``). So ``contribution_i = x_i * w_i`` splits the score exactly; with other
aggregations or imputed gaps it is a first-order account. Each contribution is compared with the
median contribution of all units, ``difference_i = contribution_i - median_u(x_ui * w_i)``: the
indicators with the largest absolute differences are what sets the region apart from the
typical one, up (positive) or down (negative).

**Records.** The evidence shown is the region's own records, most reliable first (confidence,
then most recent date or year, then uid), at most one per partner country and instrument so that
the list shows breadth, optionally restricted to given instruments.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from paradiplomacy.composite.coin import Coin
from paradiplomacy.composite.primitives import rank_min_rows


def ordinal(n: int) -> str:
    """``1st``, ``2nd``, ``3rd``, ``4th``, ``11th``, ``21st``..."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def indicator_contributions(coin: Coin, code: str) -> pd.DataFrame:
    """Each indicator's part in unit ``code``'s index score, sorted by ``|difference|``.

    Columns: ``indicator``, ``name`` (iName), ``parent`` (its level-2 group), ``raw`` (the value
    in its unit: after any denominator, before imputation and the rest of the pipeline; NaN if
    missing), ``unit`` (iMeta's Unit), ``value`` (normalised),
    ``rank`` (1 = best raw value among the units with one, in the indicator's direction: the
    region's standing before imputation, winsorising and normalisation; values equal to 9
    decimals are tied and share the best rank), ``tied`` (units with the region's raw value,
    itself included), ``n_units`` (units with a raw value), ``weight``
    (effective weight), ``contribution = value x weight``, ``median_contribution`` (median over
    units of their contributions), ``difference = contribution - median_contribution``. Ties in
    ``|difference|`` keep the framework's indicator order.
    """
    fw = coin.framework
    norm = coin.stage("Normalised")
    if code not in norm.index:
        raise KeyError(f"unit {code!r} is not in the coin")
    indicators = [i for i in fw.indicators if i in norm.columns]
    values = norm[indicators].to_numpy(dtype=np.float64)
    weights = coin.effective_weights().reindex(indicators).to_numpy(dtype=np.float64)
    contrib = values * weights[None, :]
    row = norm.index.get_loc(code)
    with np.errstate(all="ignore"):
        median = np.nanmedian(np.where(np.isnan(contrib), np.nan, contrib), axis=0)
    meta = fw.index_meta.set_index("iCode")
    # the values in the indicator's unit: after any denominator, before imputation
    raw_stage = coin.stages.get("Denominated", coin.stages.get("Raw"))
    raws = (
        raw_stage.loc[:, indicators].reindex(norm.index).to_numpy(dtype=np.float64)
        if raw_stage is not None
        else values
    )
    raw = raws[row] if raw_stage is not None else np.full(len(indicators), np.nan)
    # ranks compare the raw values (not winsorised or normalised ones) in the indicator's
    # direction; values equal to 9 decimals are tied (the same evidence summed in another
    # order, one record at a time or grouped by the database, differs in the last bits)
    direction = meta["Direction"].reindex(indicators).fillna(1.0).to_numpy(dtype=np.float64)
    keyed = np.round(raws, 9) * direction[None, :]
    ranks = rank_min_rows(-keyed.T)[:, row]
    own = keyed[row]
    tied = np.array(
        [int(np.sum(keyed[:, j] == own[j])) if np.isfinite(own[j]) else 0
         for j in range(len(indicators))]
    )  # fmt: skip
    units = (
        meta["Unit"].reindex(indicators).fillna("").astype(str).to_numpy()
        if "Unit" in meta.columns
        else np.full(len(indicators), "", dtype=object)
    )
    parents = [fw.parents.get(i) or "" for i in indicators]
    names = meta["iName"].reindex(indicators).fillna("").astype(str).to_numpy()
    out = pd.DataFrame(
        {
            "indicator": indicators,
            "name": names,
            "parent": parents,
            "raw": raw,
            "unit": units,
            "value": values[row],
            "rank": ranks,
            "tied": tied,
            "n_units": (~np.isnan(raws)).sum(axis=0),
            "weight": weights,
            "contribution": contrib[row],
            "median_contribution": median,
        }
    )
    out["difference"] = out["contribution"] - out["median_contribution"]
    order = np.argsort(-np.abs(out["difference"].fillna(0.0).to_numpy()), kind="stable")
    return out.iloc[order].reset_index(drop=True)


def top_records(
    records: pd.DataFrame,
    code: str,
    top_n: int = 5,
    instruments: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The region's records shown as evidence (module docstring): by confidence, date, uid;
    one per (partner country, instrument). Columns: uid, date, year, partner_country,
    partner_name, instrument, status, source, confidence."""
    recs = records[records["region"] == code]
    if instruments is not None:
        recs = recs[recs["instrument"].isin(list(instruments))]
    when = pd.to_datetime(recs["date"], errors="coerce")
    fallback = pd.to_datetime(recs["year"].astype("Int64").astype(str) + "-01-01", errors="coerce")
    ordered = recs.assign(_when=when.fillna(fallback)).sort_values(
        ["confidence", "_when", "uid"], ascending=[False, False, True], na_position="last"
    )
    ordered = ordered.drop_duplicates(["partner_country", "instrument"]).head(top_n)
    cols = ["uid", "date", "year", "partner_country", "partner_name", "instrument", "status",
            "source", "confidence"]  # fmt: skip
    return ordered[[c for c in cols if c in ordered.columns]].reset_index(drop=True)


def _clean(value: Any) -> Any:
    """JSON-friendly scalars (NaN and NA to None, NumPy to Python)."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, np.generic):
        return _clean(value.item())
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _phrase(row: Mapping[str, Any]) -> str:
    """``Name (value unit, [joint ]Nth of M)``: the raw value with its unit and the region's
    standing on it; without a raw value (imputed), the normalised value."""
    name = str(row["name"] or row["indicator"])
    raw = row["raw"]
    unit = str(row.get("unit") or "")
    if raw is not None and np.isfinite(raw):
        shown = f"{raw:,.0f}" if abs(raw) >= 100 else f"{raw:.3g}"
        shown = f"{shown} {unit}" if unit else shown
    else:
        shown = f"{row['value']:.1f} normalised (no raw value)"
    rank = row["rank"]
    where = ""
    if rank is not None and np.isfinite(rank):
        joint = "joint " if int(row.get("tied") or 1) > 1 else ""
        where = f", {joint}{ordinal(int(rank))} of {int(row['n_units'])}"
    return f"{name} ({shown}{where})"


def explain_class(
    code: str,
    classification_row: Mapping[str, Any] | pd.Series,
    contributions: pd.DataFrame,
    records: pd.DataFrame,
    top_n: int = 5,
    instruments: Sequence[str] | None = None,
) -> dict[str, Any]:
    """A short explanation of region ``code``'s class.

    ``classification_row``: the region's row of :func:`.classification.classify`;
    ``contributions``: :func:`indicator_contributions`; ``records``: ledger records (usually the
    profile's window). Returns a dict: ``code``, ``level``, ``level_name``, ``probability`` (of
    the nominal level, None without runs), ``text`` (English, e.g. "Leader with probability
    0.82. Above the median region: Partner countries (34, 1st of 85), ..."), ``indicators`` (the
    ``top_n`` rows of ``contributions`` by ``|difference|`` as dicts) and ``records`` (the
    ``top_n`` records of :func:`top_records`). Guard notes are appended to the text.
    """
    row = dict(classification_row)
    level = _clean(row.get("level"))
    name = row.get("level_name") or "Unclassified"
    p = _clean(row.get("p_nominal"))
    notes = row.get("guard_notes") or ""
    if row.get("evidence") == "insufficient":
        head = f"{name}: {notes}" if notes else str(name)
        notes = ""
    elif level is None:
        head = f"{code}: no IAI score, so no level"
    elif p is None:
        head = f"{name} (nominal level {level}; no uncertainty runs)"
    else:
        head = f"{name} with probability {p:.2f}"
        likeliest = _clean(row.get("most_probable_level"))
        if row.get("borderline") and likeliest is not None:
            p_likeliest = _clean(row.get(f"p_level_{likeliest}"))
            shown = f" ({p_likeliest:.2f})" if p_likeliest is not None else ""
            head += f", borderline: level {likeliest} is more probable{shown}"
    top = contributions.head(top_n)
    above = [_phrase(r) for r in top.to_dict("records") if r["difference"] > 0]
    below = [_phrase(r) for r in top.to_dict("records") if r["difference"] < 0]
    parts = [head]
    if above:
        parts.append("above the median region: " + ", ".join(above))
    if below:
        parts.append("below the median region: " + ", ".join(below))
    detail = "; ".join(parts[1:])
    text = parts[0] + (". " + detail[0].upper() + detail[1:] if detail else "")
    if notes:
        text += f". Guards: {notes}"
    text += "."
    evidence = top_records(records, code, top_n, instruments)
    return {
        "code": code,
        "level": level,
        "level_name": name,
        "probability": p,
        "text": text,
        "indicators": [{k: _clean(v) for k, v in r.items()} for r in top.to_dict("records")],
        "records": [{k: _clean(v) for k, v in r.items()} for r in evidence.to_dict("records")],
    }
