"""Leave one component out: how much the ranking depends on each component (COINr remove_elements).

For every component at a level, the index is rebuilt without it and each unit's rank is compared
with the nominal rank. An indicator (level 1) is excluded from the framework (an aggregate left
without children goes too); a component at a higher level gets weight zero, so its siblings share
its weight. The summary is the mean absolute rank change over the units.
"""

from __future__ import annotations

import pandas as pd

from .audit import rank_shifts
from .coin import Coin, build
from .errors import CompositeError


def leave_one_out(coin: Coin, level: int = 1) -> pd.DataFrame:
    """Rank shifts when each component at ``level`` is removed (see the module docstring).

    Returns one row per removed component: ``Removed``, ``Level``, ``MeanAbsRankChange``, then
    one column per unit with its shift (nominal rank minus rank without the component; positive
    means the unit ranks higher without it).
    """
    table = rank_shifts(coin.scores(coin.framework.top_codes[0]), _alternatives(coin, level))
    table.insert(0, "Level", level)
    return table.reset_index()


def _alternatives(coin: Coin, level: int) -> dict[str, pd.Series]:
    fw = coin.framework
    if not 1 <= level < fw.max_level:
        raise CompositeError(f"leave one out: level: expected 1 to {fw.max_level - 1}, got {level}")
    top = fw.top_codes[0]
    nominal = coin.scores(top)
    alternatives: dict[str, pd.Series] = {}
    for code in fw.codes_at(level):
        if level == 1:
            reduced = fw.exclude([code])
            if top not in set(reduced.index_meta["iCode"]):
                continue
            alternative = build(reduced, coin.pipeline)
        else:
            siblings = fw.children(fw.parents[code])
            if len(siblings) < 2:
                continue
            alternative = coin.rebuild({"aggregate": {"weights": {code: 0.0}}})
        alternatives[code] = alternative.scores(top).reindex(nominal.index)
    return alternatives
