"""paradiplomacy: measure, classify and explain the international activity of a country's regions.

The data flow is one-way: ``registry`` (regions, partners, scopes) -> ``ledger`` (activity records,
statistics, imports) -> later stages (indicators, composite indices, assessment, reports).
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("paradiplomacy")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
