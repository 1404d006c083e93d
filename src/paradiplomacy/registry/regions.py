"""The region registry: a country's regions (sub-national actors), their structural facts and
the territorial scopes of a study (MODEL.md section 1).

A registry is one YAML file; the default is ``data/registries/ru.yaml`` (Russia's federal
subjects). Another country's regions are another file with the same fields: nothing in the code
is specific to Russia.
"""

from __future__ import annotations

from collections import Counter
from functools import cached_property
from pathlib import Path
from typing import Literal

import pandas as pd
import pycountry
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from paradiplomacy.registry.matching import Match, NameIndex
from paradiplomacy.resources import cached_load, data_path, load_yaml

DEFAULT_REGISTRY = "ru"

RegionStatus = Literal["recognised", "disputed"]


def _check_alpha2(codes: list[str]) -> list[str]:
    for code in codes:
        if pycountry.countries.get(alpha_2=code) is None:
            raise ValueError(f"{code!r} is not an ISO 3166-1 alpha-2 code")
    return sorted(set(codes))


class Region(BaseModel):
    """One region of the registry, with its structural facts."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(description="Stable code: ISO 3166-2 where one exists, else a project code")
    iso_code: str | None = Field(None, description="ISO 3166-2 code, if the region has one")
    name_en: str
    name_ru: str
    aliases: list[str] = Field(default_factory=list)
    type: str = Field(description="Constitutional type, e.g. republic, oblast, federal_city")
    federal_district: str
    capital: str
    capital_ru: str | None = None
    okato: str | None = Field(
        None,
        pattern=r"^\d{2}(\d{3})?$",
        description="OKATO code of the subject: 2 digits; 5 for autonomous okrugs within an oblast",
    )
    fips: str | None = Field(None, pattern=r"^[A-Z]{2}[0-9A-Z]{2}$")
    population_2021: int | None = Field(None, ge=0, description="Thousands of residents")
    coastal: bool = False
    land_borders: list[str] = Field(default_factory=list)
    sea_borders: list[str] = Field(default_factory=list)
    arctic_zone: bool = False
    titular_groups: list[str] = Field(default_factory=list)
    kin_states: list[str] = Field(default_factory=list)
    status: RegionStatus = "recognised"
    scopes: list[str]
    note: str | None = None

    _alpha2 = field_validator("land_borders", "sea_borders", "kin_states")(_check_alpha2)

    @field_validator("iso_code")
    @classmethod
    def _iso_exists(cls, value: str | None) -> str | None:
        if value is not None and pycountry.subdivisions.get(code=value) is None:
            raise ValueError(f"{value!r} is not an ISO 3166-2 code known to pycountry")
        return value

    @property
    def is_border(self) -> bool:
        return bool(self.land_borders or self.sea_borders)

    @property
    def neighbours(self) -> list[str]:
        """Foreign states bordering the region by land or sea."""
        return sorted(set(self.land_borders) | set(self.sea_borders))

    def spellings(self) -> list[str]:
        """Every spelling that names this region: codes, names and aliases."""
        values = [self.code, self.iso_code, self.fips, self.name_en, self.name_ru, *self.aliases]
        return [v for v in values if v]


class Scope(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    description: str
    default: bool = False


class RegistryFile(BaseModel):
    """The whole registry file, validated."""

    model_config = ConfigDict(extra="forbid")

    country: str = Field(pattern=r"^[A-Z]{2}$")
    name_en: str
    name_ru: str | None = None
    version: str
    sources: list[str] = Field(min_length=1)
    scopes: dict[str, Scope]
    regions: list[Region]
    ambiguous: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Names that may mean more than one region, with the codes they may mean",
    )

    @model_validator(mode="after")
    def _consistent(self) -> RegistryFile:
        counts = Counter(r.code for r in self.regions)
        dupes = [code for code, n in counts.items() if n > 1]
        if dupes:
            raise ValueError(f"duplicate region codes: {', '.join(sorted(dupes))}")
        defaults = [name for name, scope in self.scopes.items() if scope.default]
        if len(defaults) != 1:
            raise ValueError(f"exactly one scope must be the default, got {defaults or 'none'}")
        for name, codes in self.ambiguous.items():
            unknown = sorted(set(codes) - set(counts))
            if len(set(codes)) < 2 or unknown:
                raise ValueError(
                    f"ambiguous name {name!r} must list two or more region codes"
                    + (f"; unknown: {', '.join(unknown)}" if unknown else "")
                )
        for region in self.regions:
            unknown = set(region.scopes) - set(self.scopes)
            if unknown:
                raise ValueError(f"{region.code}: unknown scopes {sorted(unknown)}")
            if self.country in region.land_borders + region.sea_borders + region.kin_states:
                raise ValueError(f"{region.code}: the home country cannot be a foreign neighbour")
        return self


class RegionRegistry:
    """The regions of one country and their scopes, with name resolution.

    Loading is memoised per file (while it is unchanged); a registry is not to be mutated.

    >>> reg = RegionRegistry.load()
    >>> reg.resolve("Татарстан")
    'RU-TA'
    """

    def __init__(self, spec: RegistryFile, path: Path | None = None) -> None:
        self.spec = spec
        self.path = path
        self._by_code = {r.code: r for r in spec.regions}
        self.index = NameIndex(
            ((r.code, r.spellings()) for r in spec.regions),
            label="region",
            ambiguous=spec.ambiguous,
            types={r.code: r.type for r in spec.regions},
            names={r.code: (r.name_en, r.name_ru) for r in spec.regions},
        )

    @classmethod
    def load(cls, path: str | Path | None = None) -> RegionRegistry:
        """Load a registry file; without ``path``, the default registry shipped in the package."""
        file = Path(path) if path else data_path("registries", f"{DEFAULT_REGISTRY}.yaml")
        return cached_load(cls._read, file)

    @classmethod
    def _read(cls, file: Path) -> RegionRegistry:
        return cls(RegistryFile.model_validate(load_yaml(file)), file)

    @property
    def country(self) -> str:
        """ISO 3166-1 alpha-2 code of the home country."""
        return self.spec.country

    @property
    def version(self) -> str:
        return self.spec.version

    @property
    def default_scope(self) -> str:
        return next(name for name, scope in self.spec.scopes.items() if scope.default)

    @property
    def scopes(self) -> dict[str, Scope]:
        return dict(self.spec.scopes)

    def regions(self, scope: str | None = None) -> list[Region]:
        """Regions in ``scope`` (the default scope when ``None``; ``"all"`` for every entry)."""
        if scope == "all":
            return list(self.spec.regions)
        name = scope or self.default_scope
        if name not in self.spec.scopes:
            known = ", ".join([*self.spec.scopes, "all"])
            raise KeyError(f"unknown scope {name!r}; expected one of: {known}")
        return [r for r in self.spec.regions if name in r.scopes]

    def __len__(self) -> int:
        return len(self.spec.regions)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def __getitem__(self, code: str) -> Region:
        return self._by_code[code]

    def resolve(self, text: str) -> str | None:
        """Region code named by ``text`` (code, ISO code, FIPS, name or alias), or ``None``
        when it names no region or several (see :meth:`lookup` and
        :mod:`paradiplomacy.registry.matching` for how names are matched)."""
        return self.index.get(text)

    def lookup(self, text: str) -> Match:
        """What ``text`` names: one code, the candidates of an ambiguous name, or nothing."""
        return self.index.lookup(text)

    def get(self, text: str) -> Region:
        """The region named by ``text``; ``KeyError`` with suggestions when unknown,
        :class:`AmbiguousLookupError` (a ``KeyError``) with the candidates when ambiguous."""
        return self._by_code[self.index.require(text)]

    @cached_property
    def _frame(self) -> pd.DataFrame:
        rows = []
        for r in self.spec.regions:
            row = r.model_dump()
            for key in ("aliases", "land_borders", "sea_borders", "titular_groups", "kin_states"):
                row[key] = "|".join(row[key])
            row["scopes"] = "|".join(r.scopes)
            rows.append(row)
        return pd.DataFrame(rows).set_index("code", drop=False)

    def to_frame(self, scope: str | None = None) -> pd.DataFrame:
        """Regions in ``scope`` as a DataFrame indexed by code; list fields joined with ``|``."""
        codes = [r.code for r in self.regions(scope)]
        return self._frame.loc[codes].copy()
