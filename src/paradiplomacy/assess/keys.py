"""What makes a stored assessment: its configuration files and the key that names it.

Light on purpose (the standard library only): the ``scenario`` command computes the key of the
stored assessment before it decides whether it needs pandas at all
(:mod:`paradiplomacy.assess.quick`). :mod:`paradiplomacy.assess.stored` computes the same key
with the same functions, so the two can never disagree.

The key is the SHA-256 of: the digest of the parameters (year, scope as asked, runs, seed,
configuration directory, ledger URL), the ledger revision, the bytes of every configuration
file used, the bytes of the region and partner registry files, and the versions of the payload
format, paradiplomacy, NumPy, pandas, SciPy and pyarrow (docs/stored.md).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ..resources import data_path

FORMAT = 2
"""Version of the payload's layout; a change makes every stored assessment stale.
2: per-member SHA-256 digests in the manifest (the row's ``sha256`` is the manifest's), the
scenario section (arrays and parsed parameters a scenario needs), registry files by bytes."""

CONFIG_FILES = {
    "indicators": "indicators.yaml",
    "iai": "indices/iai.yaml",
    "sppi": "indices/sppi.yaml",
    "classification": "assess/classification.yaml",
    "channels": "assess/channels.yaml",
    "frameworks": "assess/frameworks.yaml",
    "availability": "scenarios/availability.yaml",
}
"""Configuration files by role, relative to the package data or to a ``--config`` directory."""

SOFTWARE = ("paradiplomacy", "numpy", "pandas", "scipy", "pyarrow")
"""Packages whose versions are part of the key."""

DEFAULT_REGISTRY_FILES = (("registries", "ru.yaml"), ("partners.csv",))
"""The shipped region and partner registries (``RegionRegistry.load()``,
``PartnerRegistry.load()``)."""


def config_paths(config_dir: str | Path | None = None) -> dict[str, Path]:
    """The configuration file for each role: from ``config_dir`` when it has it, else shipped."""
    paths = {}
    for role, relative in CONFIG_FILES.items():
        own = Path(config_dir) / relative if config_dir else None
        if own is not None and own.exists():
            paths[role] = own
        else:
            paths[role] = data_path(relative)
    if config_dir is not None and not Path(config_dir).is_dir():
        raise FileNotFoundError(f"--config: {config_dir} is not a directory")
    return paths


def _normal(name: str) -> str:
    return name.lower().replace("-", "_").replace(".", "_")


def software(fmt: int = FORMAT, names: Iterable[str] = SOFTWARE) -> dict[str, str]:
    """``{package: version}`` of ``names`` and ``format``: the first ``*.dist-info`` of each on
    ``sys.path`` (what :func:`importlib.metadata.version` finds, without importing that module
    and the e-mail parser it needs: 0.1 s of a command's start)."""
    wanted = {_normal(n): n for n in names}
    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            listing = os.listdir(entry or ".")
        except OSError:
            continue
        for item in listing:
            if not item.endswith(".dist-info"):
                continue
            name = _normal(item[: -len(".dist-info")].split("-", 1)[0])
            if name in wanted and wanted[name] not in found:
                version = _metadata_version(Path(entry or ".") / item / "METADATA")
                if version is not None:
                    found[wanted[name]] = version
        if len(found) == len(wanted):
            break
    missing = [n for n in wanted.values() if n not in found]
    if missing:  # not installed as a wheel: ask importlib.metadata
        from importlib.metadata import PackageNotFoundError, version

        for name in missing:
            try:
                found[name] = version(name)
            except PackageNotFoundError:
                found[name] = "unknown"
    return {**{n: found[n] for n in wanted.values()}, "format": str(fmt)}


def _metadata_version(path: Path) -> str | None:
    try:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("Version:"):
                    return line.split(":", 1)[1].strip()
                if not line.strip():
                    break
    except OSError:
        return None
    return None


def default_registry_paths() -> tuple[Path, Path]:
    """The shipped region and partner registry files."""
    regions, partners = DEFAULT_REGISTRY_FILES
    return data_path(*regions), data_path(*partners)


def files_digest(paths: Iterable[Path]) -> str:
    """SHA-256 of the bytes of ``paths``, each prefixed by its length."""
    h = hashlib.sha256()
    for path in paths:
        data = Path(path).read_bytes()
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def parameters_digest(
    *,
    year: int | None,
    scope: str | None,
    runs: int | None,
    seed: int | None,
    config_dir: str | Path | None,
    url: str,
) -> str:
    """SHA-256 of the parameters alone (to recognise a stale row of the same question). The
    scope is as asked (None: the registry's default scope, which the registry's bytes fix)."""
    params = {
        "year": year,
        "scope": scope,
        "runs": runs,
        "seed": seed,
        "config_dir": str(Path(config_dir).resolve()) if config_dir else None,
        "ledger": url,
    }
    return hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()


def key(
    parameters: str,
    revision: str,
    paths: Mapping[str, Path],
    registry: str,
    versions: Mapping[str, Any],
) -> str:
    """The stored assessment's key (see the module docstring)."""
    h = hashlib.sha256(parameters.encode())
    h.update(revision.encode())
    for role in sorted(paths):
        h.update(role.encode())
        h.update(Path(paths[role]).read_bytes())
    h.update(registry.encode())
    h.update(json.dumps(dict(versions), sort_keys=True).encode())
    return h.hexdigest()
