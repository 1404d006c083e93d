"""String ordering as R sorts identifiers (ICU root collation), so orders match COINr.

COINr sorts ``iMeta``, units, aggregation groups, the lineage and the results columns with R's
locale collation; the reference runs use ICU's root collation (COMPOSITE-METHODS.md section 1.1).
For identifier-like strings that means: compare ignoring case first, with
space < punctuation < digits < letters; on a tie ignoring case, the first position where the case
differs decides, lower case first. Missing values sort last and sorting is stable.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

# ICU root order of the ASCII punctuation and symbols (primary weights), space first.
_PUNCTUATION = " _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$"
_RANK: dict[str, int] = {ch: i for i, ch in enumerate(_PUNCTUATION)}
_DIGIT_BASE = len(_PUNCTUATION)
_LETTER_BASE = _DIGIT_BASE + 10


def _primary(ch: str) -> int:
    if ch in _RANK:
        return _RANK[ch]
    if "0" <= ch <= "9":
        return _DIGIT_BASE + ord(ch) - ord("0")
    low = ch.lower()
    if "a" <= low <= "z":
        return _LETTER_BASE + ord(low) - ord("a")
    # Outside ASCII: after the Latin letters, by code point of the case-folded character.
    return _LETTER_BASE + 26 + ord(ch.casefold()[0])


def collation_key(value: Any) -> tuple:
    """A sort key giving R's ICU-collation order; missing values (None, NaN) sort last."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return (1,)
    text = str(value)
    primary = tuple(_primary(ch) for ch in text)
    # Tertiary difference: lower case before upper case at the first differing position.
    tertiary = tuple(1 if ch.isupper() else 0 for ch in text)
    return (0, primary, tertiary)


def collate(values: Iterable[Any]) -> list[Any]:
    """The values sorted in R's collation order (stable, missing last)."""
    return sorted(values, key=collation_key)


def collation_order(values: Sequence[Any]) -> list[int]:
    """Positions that sort ``values`` stably in collation order (R's ``order()``)."""
    return sorted(range(len(values)), key=lambda i: collation_key(values[i]))
