"""Text normalisation shared by every module that matches names typed by people.

Matching is Unicode-normalised (NFC, so decomposed "й" matches "й"), case-insensitive, treats
``ё`` as ``е``, ignores surrounding and repeated
whitespace, unifies dashes and apostrophes, and ignores full stops ("обл." and "обл" match,
so do "St. Petersburg" and "St Petersburg").

Place names go further through :func:`name_key`, which also folds punctuation and word order and
sets designators ("г.", "Респ.", "АО", "обл.", "край", "Republic of"...) apart from the name.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

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


_APOSTROPHES = re.compile(r"'")
_NON_WORD = re.compile(r"[\W_]+")

STOP_WORDS = frozenset({"of", "the", "and", "и"})
"""Words dropped from every place-name key (``Republic of Korea`` = ``Korea Republic``)."""

DESIGNATORS: dict[str, frozenset[str]] = {
    # federal cities
    "г": frozenset({"federal_city"}),
    "гор": frozenset({"federal_city"}),
    "город": frozenset({"federal_city"}),
    "город федерального значения": frozenset({"federal_city"}),
    "city": frozenset({"federal_city"}),
    "federal city": frozenset({"federal_city"}),
    "gorod": frozenset({"federal_city"}),
    "g": frozenset({"federal_city"}),
    # republics
    "респ": frozenset({"republic"}),
    "республика": frozenset({"republic"}),
    "rep": frozenset({"republic"}),
    "resp": frozenset({"republic"}),
    "republic": frozenset({"republic"}),
    "respublika": frozenset({"republic"}),
    # oblasts (an autonomous oblast is an oblast too)
    "обл": frozenset({"oblast", "autonomous_oblast"}),
    "область": frozenset({"oblast", "autonomous_oblast"}),
    "oblast": frozenset({"oblast", "autonomous_oblast"}),
    "obl": frozenset({"oblast", "autonomous_oblast"}),
    "province": frozenset({"oblast", "autonomous_oblast"}),
    # krais
    "край": frozenset({"krai"}),
    "кр": frozenset({"krai"}),
    "krai": frozenset({"krai"}),
    "kray": frozenset({"krai"}),
    "territory": frozenset({"krai"}),
    # autonomous okrugs and the autonomous oblast ("АО" is either)
    "ао": frozenset({"autonomous_okrug", "autonomous_oblast"}),
    "ao": frozenset({"autonomous_okrug", "autonomous_oblast"}),
    "автономный округ": frozenset({"autonomous_okrug"}),
    "авт округ": frozenset({"autonomous_okrug"}),
    "авт окр": frozenset({"autonomous_okrug"}),
    "округ": frozenset({"autonomous_okrug"}),
    "autonomous okrug": frozenset({"autonomous_okrug"}),
    "autonomous district": frozenset({"autonomous_okrug"}),
    "avtonomnyy okrug": frozenset({"autonomous_okrug"}),
    "okrug": frozenset({"autonomous_okrug"}),
    "автономная область": frozenset({"autonomous_oblast"}),
    "авт обл": frozenset({"autonomous_oblast"}),
    "autonomous oblast": frozenset({"autonomous_oblast"}),
    "autonomous region": frozenset({"autonomous_oblast"}),
    "avtonomnaya oblast": frozenset({"autonomous_oblast"}),
    # any region that is not a city
    "region": frozenset({"republic", "oblast", "krai", "autonomous_okrug", "autonomous_oblast"}),
    "регион": frozenset({"republic", "oblast", "krai", "autonomous_okrug", "autonomous_oblast"}),
}
"""Designators of a region's type, after :func:`name_tokens` (so "г." is ``г``, "Респ." is
``респ``, "oblast'" is ``oblast``), each with the registry ``type`` values it can stand for.
Phrases of two or more words are matched before single words."""

DROPPABLE = frozenset(
    {"г", "гор", "город", "город федерального значения", "city", "federal city", "gorod", "g"}
    | {"респ", "республика", "rep", "resp", "republic", "respublika"}
)
"""Designators without which a name is still the region's name ("Tatarstan", "Moscow"). Without
"Oblast", "Krai" or "АО" a name is a city's ("Novosibirsk") or an adjective ("Новосибирская"),
so such a name matches without its designator only if the query has a designator too."""

_PHRASES = sorted((tuple(d.split()) for d in DESIGNATORS), key=len, reverse=True)


def name_tokens(value: str) -> list[str]:
    """The words of a name: :func:`normalise_name`, apostrophes dropped ("oblast'" = "oblast"),
    every other run of punctuation (dashes, commas, brackets, slashes, quotes) a word break."""
    text = _APOSTROPHES.sub("", normalise_name(value))
    return _NON_WORD.sub(" ", text).split()


class NameKey(NamedTuple):
    """The keys of a place name; see :func:`name_key`."""

    words: str
    base: str
    kinds: frozenset[str] | None
    bare: bool


def name_key(value: str) -> NameKey:
    """The matching keys of a place name, for registries of regions and countries.

    * ``words``: the distinct words of :func:`name_tokens` without :data:`STOP_WORDS`, sorted
      (so word order, repeated words, case, ``ё``/``е``, punctuation and dashes do not matter:
      "Республика Татарстан (Татарстан)" = "Татарстан, Республика");
    * ``base``: the same without the :data:`DESIGNATORS` ("г.", "город", "Респ.",
      "Республика", "АО", "автономный округ", "обл.", "область", "край", "Republic",
      "Oblast", "Krai", "Region"...): "Санкт-Петербург г." and "г. Санкт-Петербург" have the
      base of "Санкт-Петербург";
    * ``kinds``: the region types the name's designators allow (any of them: "Luhansk Oblast
      Респ." allows oblasts and republics), or ``None`` when the name has no designator;
    * ``bare``: true when every designator of the name is in :data:`DROPPABLE` (or there is
      none): the ``base`` is then a name of the region by itself.
    """
    tokens = [t for t in name_tokens(value) if t not in STOP_WORDS]
    words = " ".join(sorted(set(tokens)))
    kept: list[str] = []
    kinds: frozenset[str] | None = None
    bare = True
    i = 0
    while i < len(tokens):
        for phrase in _PHRASES:
            if tuple(tokens[i : i + len(phrase)]) == phrase:
                designator = " ".join(phrase)
                allowed = DESIGNATORS[designator]
                bare = bare and designator in DROPPABLE
                kinds = allowed if kinds is None else kinds | allowed
                i += len(phrase)
                break
        else:
            kept.append(tokens[i])
            i += 1
    return NameKey(words, " ".join(sorted(set(kept))), kinds, bare)


_LATIN = "a b v g d e yo zh z i y k l m n o p r s t u f kh ts ch sh shch _ y _ e yu ya"
_CYRILLIC_TO_LATIN = str.maketrans(
    dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя", _LATIN.replace("_", "").split(" "), strict=True))
)
_ROMANISATION_FOLDS = (
    ("shch", "sh"),
    ("sch", "sh"),
    ("yo", "e"),
    ("ye", "e"),
    ("yu", "u"),
    ("ya", "a"),
    ("ia", "a"),
    ("iy", "i"),
    ("kh", "h"),
    ("x", "ks"),
    ("j", "i"),
    ("y", "i"),
    ("ii", "i"),
)
_NOT_LATIN = re.compile(r"[^a-z0-9]")


def romanised(word: str) -> str:
    """The romanisation skeleton of one word of a name (from :func:`name_tokens`).

    Cyrillic letters become Latin (a simple scheme); variants of romanisation are folded
    (``yo``/``ye``/``e``, ``ya``/``ia``/``a``, ``iy``/``ii``/``y``/``i``, ``kh``/``h``,
    ``shch``/``sch``/``sh``, ``j``/``i``, ``x``/``ks``); accents and other signs are dropped,
    digits kept. Doubled letters are kept: "Татарстанн" is a typo, which only a suggestion may
    correct. "Zabaykalskiy", "Zabaikalsky" and "Забайкальский" give one skeleton; so do "Oryol",
    "Orel" and "Орёл"."""
    text = unicodedata.normalize("NFKD", word.translate(_CYRILLIC_TO_LATIN))
    text = text.encode("ascii", "ignore").decode()
    for old, new in _ROMANISATION_FOLDS:
        text = text.replace(old, new)
    return _NOT_LATIN.sub("", text)


def normalise_series(values: pd.Series) -> pd.Series:
    """Vectorised :func:`normalise_name` over the distinct values of a series."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    keys = pd.Index([normalise_name(u) for u in uniques], dtype=object)
    return pd.Series(keys.take(codes), index=values.index, dtype=object)
