"""paradiplomacy: measure, classify and explain the international activity of a country's regions.

The data flow is one-way: ``registry`` (regions, partners, scopes) -> ``ledger`` (activity records,
statistics, imports) -> later stages (indicators, composite indices, assessment, reports).
"""

from __future__ import annotations

__all__ = ["__version__"]


def __getattr__(name: str) -> str:
    """``__version__``, read from the installed package's metadata on first use: importing
    :mod:`importlib.metadata` costs about 50 ms, which ``paradiplomacy --help`` does not pay."""
    if name != "__version__":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        value = version("paradiplomacy")
    except PackageNotFoundError:  # running from a source tree without installation
        value = "0.0.0+unknown"
    globals()["__version__"] = value
    return value
