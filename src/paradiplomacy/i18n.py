"""Labels of the report and the dashboard in English and Russian (``data/i18n.yaml``), and the
names of regions and partner countries in either language.

>>> t("overview", "ru")
'Обзор'
>>> t("level.leader", "en")
'Leader'

Keys are flat; dotted prefixes (``level.``, ``crisis.``, ``channel.``, ``framework.``,
``balance.``, ``orientation.``, ``structural.``, ``macro.``, ``district.``, ``status.``) label the
values the assessment writes; the YAML file's header lists them. :func:`t` raises ``KeyError``
for an unknown key, so a typo in a template fails a test rather than showing the key.
"""

from __future__ import annotations

import math
import string
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from paradiplomacy.resources import data_path, load_yaml

LANGUAGES: tuple[str, ...] = ("en", "ru")
"""The languages of every label, the first being the default."""

DEFAULT_LANGUAGE = LANGUAGES[0]


def check_lang(lang: str) -> str:
    """``lang`` if it is one of :data:`LANGUAGES`, else ``ValueError`` naming the allowed ones."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of: {', '.join(LANGUAGES)}")
    return lang


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def validate_labels(table: Any, source: str = "labels") -> dict[str, dict[str, str]]:
    """Check a parsed labels file: a mapping of every language in :data:`LANGUAGES` to a
    mapping of the same keys to non-empty strings with the same ``{fields}``. Returns it as
    plain dicts; ``ValueError`` naming ``source`` and the offending keys otherwise."""
    if not isinstance(table, Mapping):
        raise ValueError(f"{source}: expected a mapping of languages to labels")
    unknown = sorted(set(table) - set(LANGUAGES))
    missing = [lang for lang in LANGUAGES if lang not in table]
    if unknown or missing:
        raise ValueError(
            f"{source}: languages must be exactly {', '.join(LANGUAGES)}"
            f" (missing: {', '.join(missing) or 'none'}; unknown: {', '.join(unknown) or 'none'})"
        )
    out: dict[str, dict[str, str]] = {}
    for lang in LANGUAGES:
        labels = table[lang]
        if not isinstance(labels, Mapping):
            raise ValueError(f"{source}: {lang}: expected a mapping of keys to labels")
        bad = sorted(
            str(key) for key, value in labels.items() if not isinstance(value, str) or not value
        )
        if bad:
            raise ValueError(f"{source}: {lang}: empty or non-text labels: {', '.join(bad)}")
        out[lang] = {str(key): value.strip() for key, value in labels.items()}
    reference, *others = LANGUAGES
    for lang in others:
        only_ref = sorted(set(out[reference]) - set(out[lang]))
        only_lang = sorted(set(out[lang]) - set(out[reference]))
        if only_ref or only_lang:
            raise ValueError(
                f"{source}: the languages have different keys"
                f" (only in {reference}: {', '.join(only_ref) or 'none'};"
                f" only in {lang}: {', '.join(only_lang) or 'none'})"
            )
        differ = sorted(
            key for key in out[reference] if _fields(out[reference][key]) != _fields(out[lang][key])
        )
        if differ:
            raise ValueError(
                f"{source}: {{fields}} differ between {reference} and {lang}: {', '.join(differ)}"
            )
    return out


@lru_cache(maxsize=4)
def _load(path: Path) -> dict[str, Mapping[str, str]]:
    table = validate_labels(load_yaml(path), str(path))
    return {lang: MappingProxyType(labels) for lang, labels in table.items()}


def labels_path() -> Path:
    """The labels file shipped in the package."""
    return data_path("i18n.yaml")


def labels(lang: str) -> Mapping[str, str]:
    """Every label in ``lang`` (read-only, loaded once); ``ValueError`` for another language."""
    return _load(labels_path())[check_lang(lang)]


def t(key: str, lang: str = DEFAULT_LANGUAGE, /, **fields: Any) -> str:
    """The label ``key`` in ``lang``, its ``{fields}`` filled from keyword arguments.

    ``KeyError`` naming the key for an unknown key; ``ValueError`` for an unknown language.
    """
    table = labels(lang)
    try:
        text = table[key]
    except KeyError:
        raise KeyError(f"no label {key!r} in {labels_path().name}") from None
    return text.format(**fields) if fields else text


def _value(entry: Any, field: str) -> Any:
    if isinstance(entry, Mapping):
        return entry.get(field)
    import pandas as pd  # here, not at import: the dashboard starts without pandas

    if isinstance(entry, pd.Series):
        return entry.get(field)
    return getattr(entry, field, None)


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).strip()
    return text or None


def region_name(entry: Any, lang: str = DEFAULT_LANGUAGE) -> str:
    """The name of a region in ``lang``.

    ``entry`` is anything with ``name_en`` and ``name_ru``: a registry
    :class:`~paradiplomacy.registry.Region`, a row of ``RegionRegistry.to_frame()`` or of an
    assessment table (a ``pandas.Series``, a mapping or an ``itertuples`` row). A missing or
    empty Russian name falls back to the English one, and a missing English name to ``code``.
    """
    lang = check_lang(lang)
    name = _text(_value(entry, f"name_{lang}"))
    name = name or _text(_value(entry, "name_en")) or _text(_value(entry, "code"))
    if name is None:
        raise ValueError(f"no name_en, name_ru or code in {entry!r}")
    return name


def country_name(partners: Any, alpha2: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """The name of partner country ``alpha2`` in ``lang``.

    ``partners`` is a :class:`~paradiplomacy.registry.PartnerRegistry` or a partner table (a
    DataFrame with ``name_en`` and ``name_ru``, indexed by alpha-2 code or with an ``alpha2``
    column). ``KeyError`` naming the code when the country is not there; a missing Russian name
    falls back to the English one.
    """
    import pandas as pd

    lang = check_lang(lang)
    table = partners.table if hasattr(partners, "table") else partners
    if not isinstance(table, pd.DataFrame):
        raise TypeError("partners must be a PartnerRegistry or a DataFrame of partner countries")
    if alpha2 in table.index:
        found = table.loc[[alpha2]]
    elif "alpha2" in table.columns:
        found = table[table["alpha2"] == alpha2]
    else:
        found = table.iloc[0:0]
    if found.empty:
        raise KeyError(f"unknown partner country {alpha2!r}")
    row = found.iloc[0]
    name = _text(row.get(f"name_{lang}")) or _text(row.get("name_en"))
    return name or alpha2


def _macro_regions() -> dict[str, tuple[str, ...]]:
    """Macro-region id -> its labels in every language, from the ``macro.`` labels (the same
    ids and names as ``registry.partners.MACRO_REGIONS``; a test checks it)."""
    prefix = "macro."
    return {
        key.removeprefix(prefix): tuple(labels(lang)[key] for lang in LANGUAGES)
        for key in labels(DEFAULT_LANGUAGE)
        if key.startswith(prefix)
    }


def orientation_label(value: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """A region's geographic orientation as the assessment writes it (``diversified``,
    ``focused on Europe``, ``no recorded activity``...) in ``lang``; other text unchanged."""
    check_lang(lang)
    text = (value or "").strip()
    fixed = {
        "diversified": "orientation.diversified",
        "no recorded activity": "orientation.no_activity",
        "no partner macro-region known": "orientation.no_macro_region",
    }
    if text in fixed:
        return t(fixed[text], lang)
    prefix = "focused on "
    if text.startswith(prefix):
        name = text[len(prefix) :]
        key = next((k for k, names in _macro_regions().items() if name in (k, *names)), None)
        if key is not None:
            return t("orientation.focused_on", lang, macro_region=t(f"macro.{key}", lang))
    return text


def structural_label(value: str, lang: str = DEFAULT_LANGUAGE, sep: str = ", ") -> str:
    """A region's ``|``-joined structural types (``border|coastal``) in ``lang``, joined by
    ``sep``; an unknown type is kept as it is."""
    check_lang(lang)
    table = labels(lang)
    parts = [p.strip() for p in (value or "").split("|") if p.strip()]
    return sep.join(table.get(f"structural.{p}", p) for p in parts)
