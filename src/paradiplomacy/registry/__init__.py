"""Registries: a country's regions and scopes, and the foreign partner countries."""

from paradiplomacy.registry.matching import AmbiguousNameError, NameIndex
from paradiplomacy.registry.partners import MACRO_REGIONS, PartnerRegistry
from paradiplomacy.registry.regions import Region, RegionRegistry, RegistryFile

__all__ = [
    "MACRO_REGIONS",
    "AmbiguousNameError",
    "NameIndex",
    "PartnerRegistry",
    "Region",
    "RegionRegistry",
    "RegistryFile",
]
