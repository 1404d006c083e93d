"""Registries: a country's regions and scopes, and the foreign partner countries."""

from paradiplomacy.registry.matching import (
    AmbiguousLookupError,
    AmbiguousNameError,
    Match,
    NameIndex,
)
from paradiplomacy.registry.partners import MACRO_REGIONS, PartnerRegistry
from paradiplomacy.registry.regions import Region, RegionRegistry, RegistryFile

__all__ = [
    "MACRO_REGIONS",
    "AmbiguousLookupError",
    "AmbiguousNameError",
    "Match",
    "NameIndex",
    "PartnerRegistry",
    "Region",
    "RegionRegistry",
    "RegistryFile",
]
