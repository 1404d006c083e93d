"""Resolve names, codes and aliases typed by people to registry codes.

A name is looked up in five tiers; the first tier that knows it decides:

1. exact: :func:`paradiplomacy.text.normalise_name` of a code, name or alias (case, ``ё``/``е``,
   dashes, full stops and spacing do not matter);
2. words: :func:`paradiplomacy.text.name_key` ``words`` of a code, name or alias, or of a name
   the registry declares ambiguous (punctuation, brackets and word order do not matter either:
   "г. Москва" = "Москва г", "Sakha (Yakutia)" = "Yakutia Sakha");
3. parts: the words of a part of a name or alias, split at a spaced dash, a bracket or a comma
   ("Югра" of "Ханты-Мансийский автономный округ — Югра", "Korea" of "Korea, Republic of");
4. base (only for an index built with ``types``, i.e. regions): the ``base`` of the name, without
   its designators ("Респ.", "г.", "АО", "обл.", "край", "Oblast"...), among the entries whose
   type the query's designators allow ("Moscow obl." is Moscow Oblast, "Москва г" the city). A
   query without designators matches only the bases of spellings whose designators can be
   dropped (:data:`paradiplomacy.text.DROPPABLE`: "Sakha (Yakutia)" is the Republic of Sakha
   (Yakutia)), so a city's name ("Novosibirsk", "Орёл") is not taken for its oblast;
5. romanised (regions only): as 4, on the :func:`paradiplomacy.text.romanised` skeletons of the
   base's words, so that transliterations match each other and the Russian name
   ("Zabaikalsky Krai", "Orlovskaya obl.", "Khabarovskiy kray", "Yakutiya").

A key that names one entry resolves to it; a key that names several is *ambiguous*: it resolves
to nothing, and :meth:`NameIndex.lookup` lists the candidates. Unknown names get "did you mean"
suggestions from RapidFuzz (``WRatio`` similarity, 0-100): a fuzzy match is only ever a
suggestion, never a resolution.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from paradiplomacy.text import NameKey, name_key, normalise_name, romanised

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_PARTS = re.compile(r"\s[-‐‑‒–—―]\s|[()\[\],;/]")


class AmbiguousNameError(ValueError):
    """Two registry entries claim the same name or alias."""


class AmbiguousLookupError(KeyError):
    """A name typed by someone names more than one registry entry."""

    def __init__(self, message: str, text: str, candidates: list[tuple[str, str]]) -> None:
        super().__init__(message)
        self.text = text
        self.candidates = candidates

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class Match:
    """What a name resolves to: one ``code``, or several ``candidates`` (ambiguous), or none."""

    text: str
    code: str | None = None
    candidates: tuple[tuple[str, str], ...] = field(default=())
    """``(display name, code)`` of every entry an ambiguous name may mean."""

    @property
    def ambiguous(self) -> bool:
        return len(self.candidates) > 1


def format_candidates(pairs: Sequence[tuple[str, str]]) -> str:
    """``'Altai Republic' (RU-AL) or 'Altai Krai' (RU-ALT)``."""
    return " or ".join(
        f"{spelling!r} ({code})" if spelling != code else repr(code) for spelling, code in pairs
    )


def _romanised(base: str) -> str:
    return " ".join(sorted({romanised(word) for word in base.split()} - {""}))


def _parts(spelling: str) -> list[str]:
    pieces = [p.strip() for p in _PARTS.split(spelling)]
    pieces = [p for p in pieces if p]
    return pieces if len(pieces) > 1 else []


class NameIndex:
    """Map every spelling of an entry (code, names, aliases) to the entry's canonical code.

    ``entries`` gives each code with its spellings. ``names`` gives each code's display names
    (shown in messages, the Cyrillic one to a Cyrillic query); without it, the first two
    spellings that are not the code. ``ambiguous`` maps a name to the codes it may mean.
    ``types`` (code -> type) turns on tiers 4 and 5, where designators filter candidates.
    """

    def __init__(
        self,
        entries: Iterable[tuple[str, Iterable[str]]],
        label: str,
        *,
        ambiguous: Mapping[str, Iterable[str]] | None = None,
        types: Mapping[str, str] | None = None,
        names: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        self.label = label
        self._keys: dict[str, str] = {}
        self._display: dict[str, str] = {}
        self._names: dict[str, list[str]] = {c: list(n) for c, n in (names or {}).items()}
        given = set(self._names)
        self._types = dict(types) if types is not None else None
        self._words: dict[str, set[str]] = {}
        self._parts: dict[str, set[str]] = {}
        self._base: dict[str, set[str]] = {}
        self._bare: dict[str, set[str]] = {}
        self._rbase: dict[str, set[str]] = {}
        self._rbare: dict[str, set[str]] = {}
        for code, spellings in entries:
            names = self._names.setdefault(code, [])
            for spelling in spellings:
                if spelling is None or not str(spelling).strip():
                    continue
                spelling = str(spelling)
                key = normalise_name(spelling)
                owner = self._keys.setdefault(key, code)
                if owner != code:
                    raise AmbiguousNameError(
                        f"{label} spelling {spelling!r} names both {owner} and {code}"
                    )
                self._display.setdefault(key, spelling)
                if code not in given and spelling != code and len(names) < 2:
                    names.append(spelling)
                keys = name_key(spelling)
                self._words.setdefault(keys.words, set()).add(code)
                self._add_base(keys, code)
                for part in _parts(spelling):
                    part_keys = name_key(part)
                    if part_keys.base:  # not a bare designator ("Adygeya, Respublika")
                        self._parts.setdefault(part_keys.words, set()).add(code)
                        self._add_base(part_keys, code)
        for name, codes in (ambiguous or {}).items():
            unknown = [c for c in codes if c not in self._names]
            if unknown:
                raise ValueError(f"ambiguous {label} name {name!r} lists unknown codes {unknown}")
            if normalise_name(name) in self._keys:
                owner = self._keys[normalise_name(name)]
                raise AmbiguousNameError(f"ambiguous {label} name {name!r} is a name of {owner}")
            self._words.setdefault(name_key(name).words, set()).update(codes)
        self._words.pop("", None)
        self._parts.pop("", None)
        self._base.pop("", None)
        self._bare.pop("", None)
        self._rbase.pop("", None)
        self._rbare.pop("", None)
        self._choices = list(self._keys)
        self._cache: dict[str, Match] = {}

    def _add_base(self, keys: NameKey, code: str) -> None:
        if self._types is None:
            return
        roman = _romanised(keys.base)
        self._base.setdefault(keys.base, set()).add(code)
        self._rbase.setdefault(roman, set()).add(code)
        if keys.bare:
            self._bare.setdefault(keys.base, set()).add(code)
            self._rbare.setdefault(roman, set()).add(code)

    def __contains__(self, text: object) -> bool:
        return self.get(str(text)) is not None

    def get(self, text: str) -> str | None:
        """Canonical code for ``text``, or ``None`` when it names no entry or several."""
        return self.lookup(text).code

    def lookup(self, text: str) -> Match:
        """Resolve ``text`` through the tiers (see the module): one code, candidates or none."""
        text = str(text)
        hit = self._cache.get(text)
        if hit is None:
            hit = self._lookup(text)
            if len(self._cache) < 100_000:
                self._cache[text] = hit
        return hit

    def _lookup(self, text: str) -> Match:
        code = self._keys.get(normalise_name(text))
        if code is not None:
            return Match(text, code)
        keys = name_key(text)
        for table in (self._words, self._parts):
            codes = table.get(keys.words)
            if codes:
                return self._match(text, codes)
        if self._types is not None:
            if keys.kinds is None:  # only names whose designators can be dropped
                plain, roman = self._bare, self._rbare
            else:
                plain, roman = self._base, self._rbase
            for table, key in ((plain, keys.base), (roman, _romanised(keys.base))):
                codes = table.get(key, set())
                if keys.kinds is not None:
                    codes = {c for c in codes if self._types.get(c) in keys.kinds}
                if codes:
                    return self._match(text, codes)
        return Match(text)

    def _match(self, text: str, codes: set[str]) -> Match:
        if len(codes) == 1:
            return Match(text, next(iter(codes)))
        return Match(text, None, tuple((self.display(c, text), c) for c in sorted(codes)))

    def display(self, code: str, query: str = "") -> str:
        """The name to show for ``code``: its Cyrillic name to a Cyrillic ``query``."""
        names = self._names.get(code) or [code]
        cyrillic = bool(_CYRILLIC.search(query))
        for name in names:
            if bool(_CYRILLIC.search(name)) == cyrillic:
                return name
        return names[0]

    def require(self, text: str) -> str:
        """The code ``text`` names; :class:`AmbiguousLookupError` when it names several, and
        ``KeyError`` with suggestions when it names none."""
        match = self.lookup(text)
        if match.code is not None:
            return match.code
        if match.ambiguous:
            raise AmbiguousLookupError(
                f"{self.label} {text!r} is ambiguous: did you mean "
                f"{format_candidates(match.candidates)}?",
                text,
                list(match.candidates),
            )
        hints = self.suggest(text)
        hint = f"; did you mean {format_candidates(hints)}?" if hints else ""
        raise KeyError(f"unknown {self.label} {text!r}{hint}")

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
