"""Text normalisation shared by every module that matches names typed by people.

Matching is Unicode-normalised (NFC, so decomposed "й" matches "й"), case-insensitive, treats
``ё`` as ``е``, ignores surrounding and repeated
whitespace, unifies dashes and apostrophes, and ignores full stops ("обл." and "обл" match,
so do "St. Petersburg" and "St Petersburg").
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

_DASHES = str.maketrans({"‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-"})
_QUOTES = str.maketrans(
    {"’": "'", "ʼ": "'", "`": "'", "´": "'", "«": '"', "»": '"', "“": '"', "”": '"'}
)
_SPACES = re.compile(r"\s+")


def normalise_name(value: str) -> str:
    """Return the matching key of a name: casefolded, ``ё``->``е``, dashes and spaces unified."""
    text = unicodedata.normalize("NFC", str(value))
    text = text.translate(_DASHES).translate(_QUOTES).casefold().replace("ё", "е")
    text = _SPACES.sub(" ", text.replace(".", " ")).strip()
    return text.replace(" -", "-").replace("- ", "-")


def normalise_series(values: pd.Series) -> pd.Series:
    """Vectorised :func:`normalise_name` over the distinct values of a series."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    keys = pd.Index([normalise_name(u) for u in uniques], dtype=object)
    return pd.Series(keys.take(codes), index=values.index, dtype=object)
