"""The partner registry: every ISO 3166-1 country with English and Russian names and the
macro-region used for geographic orientation (MODEL.md sections 1 and 4).

Shipped as ``data/partners.csv``, built by ``tools/build_partners.py`` from pycountry (ISO 3166-1
and its Russian translation) and a documented macro-region table (``docs/partners.md``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from paradiplomacy.registry.matching import Match, NameIndex
from paradiplomacy.resources import cached_load, data_path

MACRO_REGIONS: dict[str, tuple[str, str]] = {
    "europe": ("Europe", "Европа"),
    "eurasia_cis": ("Eurasia/CIS", "Евразия/СНГ"),
    "asia_pacific": ("Asia-Pacific", "Азиатско-Тихоокеанский регион"),
    "mena": ("Middle East and North Africa", "Ближний Восток и Северная Африка"),
    "americas": ("Americas", "Америка"),
    "sub_saharan_africa": ("Sub-Saharan Africa", "Африка южнее Сахары"),
}
"""Macro-region id -> (English label, Russian label)."""

AMBIGUOUS_NAMES: dict[str, tuple[str, ...]] = {
    "Korea": ("KR", "KP"),
    "Корея": ("KR", "KP"),
    "Virgin Islands": ("VG", "VI"),
    "Виргинские острова": ("VG", "VI"),
}
"""Names that may mean more than one country (docs/partners.md): asked about, never guessed.
"Congo" and "Конго" stay the Republic of the Congo (CG): they are its ISO 3166 short names."""

_COLUMNS = ["alpha2", "alpha3", "numeric", "name_en", "name_ru", "macro_region", "aliases"]


class PartnerRegistry:
    """Foreign partner countries, resolvable by ISO alpha-2, alpha-3 or any name or alias."""

    def __init__(
        self,
        table: pd.DataFrame,
        path: Path | None = None,
        ambiguous: dict[str, tuple[str, ...]] | None = None,
    ) -> None:
        missing = set(_COLUMNS) - set(table.columns)
        if missing:
            raise ValueError(f"partner registry lacks columns: {sorted(missing)}")
        unknown = set(table["macro_region"]) - set(MACRO_REGIONS)
        if unknown:
            raise ValueError(f"partner registry has unknown macro-regions: {sorted(unknown)}")
        if table["alpha2"].duplicated().any():
            raise ValueError("partner registry has duplicate alpha2 codes")
        self.path = path
        self.table = table.set_index("alpha2", drop=False).sort_index()
        self.index = NameIndex(
            (
                (row.alpha2, [row.alpha2, row.alpha3, row.name_en, row.name_ru, *row.aliases])
                for row in self.table.assign(aliases=self.table["aliases"].map(_split))
                .loc[:, ["alpha2", "alpha3", "name_en", "name_ru", "aliases"]]
                .itertuples(index=False)
            ),
            label="country",
            ambiguous={
                name: codes
                for name, codes in (AMBIGUOUS_NAMES if ambiguous is None else ambiguous).items()
                if all(code in self.table.index for code in codes)
            },
            names={
                row.alpha2: (row.name_en, row.name_ru)
                for row in self.table.loc[:, ["alpha2", "name_en", "name_ru"]].itertuples()
            },
        )

    @classmethod
    def load(cls, path: str | Path | None = None) -> PartnerRegistry:
        """Load a partner table (CSV); without ``path``, the one shipped in the package."""
        file = Path(path) if path else data_path("partners.csv")
        return cached_load(cls._read, file)

    @classmethod
    def _read(cls, file: Path) -> PartnerRegistry:
        table = pd.read_csv(file, dtype=str, keep_default_na=False, encoding="utf-8")
        return cls(table, file)

    def __len__(self) -> int:
        return len(self.table)

    def __contains__(self, alpha2: object) -> bool:
        return alpha2 in self.table.index

    def resolve(self, text: str) -> str | None:
        """ISO alpha-2 code named by ``text``, or ``None`` when it names no country or several."""
        return self.index.get(text)

    def lookup(self, text: str) -> Match:
        """What ``text`` names: one code, the candidates of an ambiguous name, or nothing."""
        return self.index.lookup(text)

    def get(self, text: str) -> str:
        """The alpha-2 code ``text`` names; ``KeyError`` with suggestions when unknown,
        :class:`AmbiguousLookupError` (a ``KeyError``) with the candidates when ambiguous."""
        return self.index.require(text)

    def name(self, alpha2: str, lang: str = "en") -> str:
        return str(self.table.at[alpha2, f"name_{lang}"])

    def macro_region(self, alpha2: str) -> str:
        return str(self.table.at[alpha2, "macro_region"])

    def to_frame(self) -> pd.DataFrame:
        """The partner table indexed by alpha-2 code."""
        return self.table.copy()


def _split(value: str) -> list[str]:
    return [part for part in str(value).split("|") if part]
