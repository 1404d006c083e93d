"""Synthetic demo data: an invented activity ledger and invented regional statistics
(:mod:`.generator` documents the generative model and holds its parameters).

**Everything this package produces is invented**, and labelled so: every record and statistic
has the source :data:`SOURCE` (``synthetic:<GENERATOR_VERSION>``). It feeds the ledger (it
imports ``ledger`` and ``registry``); nothing in ``ledger`` or ``registry`` imports it.
"""

from paradiplomacy.synthetic.generator import (
    DEFAULT_SHOCK_PARTNERS,
    GENERATOR_VERSION,
    RECORD_COLUMNS,
    SOURCE,
    STATISTIC_COLUMNS,
    STATISTIC_UNITS,
    SyntheticLedger,
    active_from,
    fill,
    generate,
    partner_weight,
)

__all__ = [
    "DEFAULT_SHOCK_PARTNERS",
    "GENERATOR_VERSION",
    "RECORD_COLUMNS",
    "SOURCE",
    "STATISTIC_COLUMNS",
    "STATISTIC_UNITS",
    "SyntheticLedger",
    "active_from",
    "fill",
    "generate",
    "partner_weight",
]
