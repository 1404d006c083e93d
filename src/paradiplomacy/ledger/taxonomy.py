"""The taxonomy of instruments: each instrument's nature (state or non-state) and channel.

Configuration, not code: the default is ``data/taxonomy.yaml`` (MODEL.md section 2), validated
by :class:`Taxonomy`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from paradiplomacy.ledger.constants import STATUSES as STATUSES  # re-exported
from paradiplomacy.registry.matching import NameIndex
from paradiplomacy.resources import cached_load, data_path, load_yaml


class Channel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    label_en: str
    label_ru: str


class Instrument(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    nature: Literal["state", "non-state"]
    channel: str
    label_en: str
    label_ru: str
    description: str = ""


class Taxonomy(BaseModel):
    """Instrument types with their nature and channel."""

    model_config = ConfigDict(extra="forbid")

    version: str
    channels: dict[str, Channel] = Field(min_length=1)
    instruments: dict[str, Instrument] = Field(min_length=1)

    @model_validator(mode="after")
    def _channels_known(self) -> Taxonomy:
        for name, instrument in self.instruments.items():
            if instrument.channel not in self.channels:
                raise ValueError(f"instrument {name!r}: unknown channel {instrument.channel!r}")
        return self

    @classmethod
    def load(cls, path: str | Path | None = None) -> Taxonomy:
        """Load a taxonomy file; without ``path``, the default shipped in the package."""
        return cached_load(cls._read, Path(path) if path else data_path("taxonomy.yaml"))

    @classmethod
    def _read(cls, file: Path) -> Taxonomy:
        return cls.model_validate(load_yaml(file))

    def index(self) -> NameIndex:
        """Instrument names resolvable by id or English/Russian label."""
        return NameIndex(
            (
                (k, [k, k.replace("_", " "), v.label_en, v.label_ru])
                for k, v in self.instruments.items()
            ),
            label="instrument",
        )

    def nature(self, instrument: str) -> str:
        return self.instruments[instrument].nature

    def channel(self, instrument: str) -> str:
        return self.instruments[instrument].channel
