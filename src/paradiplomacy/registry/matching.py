"""Resolve names, codes and aliases typed by people to registry codes.

Lookups go through :func:`paradiplomacy.text.normalise_name`, so they are case-insensitive and
``ё``/``е``-insensitive. Unknown names get "did you mean" suggestions from RapidFuzz
(``WRatio`` similarity, 0-100).
"""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz import fuzz, process

from paradiplomacy.text import normalise_name


class AmbiguousNameError(ValueError):
    """Two registry entries claim the same name or alias."""


class NameIndex:
    """Map every spelling of an entry (code, names, aliases) to the entry's canonical code."""

    def __init__(self, entries: Iterable[tuple[str, Iterable[str]]], label: str) -> None:
        self.label = label
        self._keys: dict[str, str] = {}
        self._display: dict[str, str] = {}
        for code, spellings in entries:
            for spelling in spellings:
                if spelling is None or not str(spelling).strip():
                    continue
                key = normalise_name(spelling)
                owner = self._keys.setdefault(key, code)
                if owner != code:
                    raise AmbiguousNameError(
                        f"{label} spelling {spelling!r} names both {owner} and {code}"
                    )
                self._display.setdefault(key, str(spelling))
        self._choices = list(self._keys)

    def __contains__(self, text: object) -> bool:
        return normalise_name(str(text)) in self._keys

    def get(self, text: str) -> str | None:
        """Canonical code for ``text``, or ``None`` when nothing matches exactly."""
        return self._keys.get(normalise_name(text))

    def suggest(self, text: str, limit: int = 3, cutoff: float = 70.0) -> list[tuple[str, str]]:
        """Up to ``limit`` ``(spelling, code)`` pairs close to ``text``, best first."""
        key = normalise_name(text)
        if not key:
            return []
        hits = process.extract(
            key, self._choices, scorer=fuzz.WRatio, limit=limit * 4, score_cutoff=cutoff
        )
        seen: dict[str, str] = {}
        for choice, _score, _ in hits:
            if len(choice) <= 3 < len(key):
                continue  # a short code is no useful suggestion for a mistyped name
            code = self._keys[choice]
            if code not in seen:
                seen[code] = self._display[choice]
            if len(seen) == limit:
                break
        return [(spelling, code) for code, spelling in seen.items()]
