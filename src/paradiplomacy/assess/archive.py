"""The stored assessment's payload: a ZIP archive whose every member is checked as it is read.

The archive (stored, not compressed) holds a ``manifest.json``, one Parquet file per table and
one ``.npy`` per array. The manifest lists the SHA-256 of every other member (``members``); the
ledger row keeps the SHA-256 of the manifest. A reader checks the manifest against the row, and
each member against the manifest when it reads it, so a reader that needs a few members (a
scenario) reads and hashes those alone, and a damaged byte in any member it uses is detected:
:class:`DamagedPayload`. Arrays are read with ``allow_pickle=False``: nothing in a payload is
executable. NumPy and pandas are imported when a member of theirs is read or written.
"""

from __future__ import annotations

import hashlib
import io
import json
import struct
import zipfile
from typing import IO, Any

from .. import strictjson

MANIFEST = "manifest.json"


class DamagedPayload(ValueError):
    """A member of a stored payload does not have the digest it was written with."""


_HEADER = struct.Struct("<4s2B4HL2L2H")
"""A ZIP local file header (30 bytes): signature, versions, flags, method, time, date, CRC-32,
sizes, name and extra lengths."""
_SIGNATURE = b"PK\x03\x04"


class Writer:
    """Writes members and records their digests; :meth:`finish` writes the archive with the
    manifest first, then the members named by ``first`` (in that order), then the others, and
    the manifest gives each member's offset after the manifest (``offsets``): a reader of a
    few members at the start of a large payload reads only those bytes (an SQLite blob is a
    chain of pages: reaching its end means reading all of it)."""

    def __init__(self) -> None:
        self.meta: dict[str, Any] = {}
        self.digests: dict[str, str] = {}
        self.members: dict[str, bytes] = {}

    def member(self, name: str, data: bytes) -> None:
        self.members[name] = data
        self.digests[name] = hashlib.sha256(data).hexdigest()

    def frame(self, name: str, frame: Any) -> None:
        import pandas as pd

        is_series = isinstance(frame, pd.Series)
        table = frame.to_frame(name="__series__") if is_series else frame
        labels = list(table.columns)
        out = table.copy(deep=False)
        out.columns = [f"c{i}" for i in range(len(labels))]
        data = io.BytesIO()
        out.to_parquet(data, index=True)
        self.member(f"{name}.parquet", data.getvalue())
        self.meta[name] = {
            "columns": [label(c) for c in labels],
            "series": is_series,
            "series_name": label(frame.name) if is_series else None,
            "attrs": jsonable(frame.attrs),
        }

    def array(self, name: str, value: Any) -> None:
        import numpy as np

        data = io.BytesIO()
        np.save(data, np.asarray(value), allow_pickle=False)
        self.member(f"{name}.npy", data.getvalue())

    def finish(self, manifest: dict[str, Any], first: tuple[str, ...] = ()) -> tuple[bytes, str]:
        """The payload and the SHA-256 of its manifest (the ledger row's ``sha256``);
        ``first``: member names or name prefixes (ending in ``/``) to put first, in order."""

        def rank(name: str) -> int:
            for n, start in enumerate(first):
                if name == start or (start.endswith("/") and name.startswith(start)):
                    return n
            return len(first)

        order = sorted(self.members, key=lambda name: (rank(name), name))
        offsets, position = {}, 0
        for name in order:  # ZIP_STORED, no extra field: header + name + data
            offsets[name] = position
            position += _HEADER.size + len(name.encode("utf-8")) + len(self.members[name])
        manifest = {**manifest, "frames": self.meta, "members": self.digests, "offsets": offsets}
        data = strictjson.dumps(manifest, sort_keys=True).encode()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
            archive.writestr(MANIFEST, data)
            start = buffer.tell()
            for name in order:
                if buffer.tell() - start != offsets[name]:
                    raise AssertionError(f"unexpected ZIP layout at {name}")
                archive.writestr(name, self.members[name])
        return buffer.getvalue(), hashlib.sha256(data).hexdigest()


class Reader:
    """Reads members of a payload (bytes, or a seekable file such as an SQLite blob), each
    checked against the manifest, the manifest against ``digest`` (the row's)."""

    def __init__(self, payload: bytes | IO[bytes], digest: str | None) -> None:
        source = io.BytesIO(payload) if isinstance(payload, (bytes, bytearray)) else payload
        self.zip = zipfile.ZipFile(source)
        raw = self.zip.read(MANIFEST)
        if digest is not None and hashlib.sha256(raw).hexdigest() != digest:
            raise DamagedPayload("the manifest does not match the stored SHA-256")
        self.manifest: dict[str, Any] = json.loads(raw)
        self.meta: dict[str, Any] = self.manifest.get("frames", {})
        self.digests: dict[str, str] = self.manifest.get("members", {})
        self.verified: set[str] = set()

    def has(self, member: str) -> bool:
        return member in self.digests

    def member(self, name: str) -> bytes:
        expected = self.digests.get(name)
        if expected is None:
            raise DamagedPayload(f"{name} is not among the payload's members")
        try:
            data = self.zip.read(name)
        except zipfile.BadZipFile as error:  # its CRC-32 (checked by zipfile) fails first
            raise DamagedPayload(f"{name} does not match its CRC-32 ({error})") from None
        if hashlib.sha256(data).hexdigest() != expected:
            raise DamagedPayload(f"{name} does not match its SHA-256")
        self.verified.add(name)
        return data

    def frame(self, name: str) -> Any:
        import pandas as pd

        meta = self.meta[name]
        table = pd.read_parquet(io.BytesIO(self.member(f"{name}.parquet")))
        table.columns = [unlabel(c) for c in meta["columns"]]
        if meta["series"]:
            table = table.iloc[:, 0].rename(unlabel(meta["series_name"]))
        table.attrs = dict(meta["attrs"] or {})
        return table

    copy_arrays = True
    """Whether arrays are writable copies (a whole assessment) or read-only views of the member
    bytes (:class:`HeadReader`: a scenario only reads them)."""

    def array(self, name: str) -> Any:
        return load_array(self.member(f"{name}.npy"), writable=self.copy_arrays)

    def check_all(self) -> None:
        """Read and check every member not read yet (a reader of the whole assessment)."""
        for name in self.digests:
            if name not in self.verified:
                self.member(name)


class HeadReader(Reader):
    """A :class:`Reader` of a payload in a seekable file that reads the manifest from the
    start and each member at its offset (``offsets`` of the manifest), never the ZIP's central
    directory at the end: the bytes read are those of the members read. Its arrays are
    read-only."""

    copy_arrays = False

    def __init__(self, source: IO[bytes], digest: str | None) -> None:
        self.source = source
        name, raw, end = self._local(0)
        if name != MANIFEST:
            raise DamagedPayload("the payload does not start with its manifest")
        if digest is not None and hashlib.sha256(raw).hexdigest() != digest:
            raise DamagedPayload("the manifest does not match the stored SHA-256")
        self.base = end
        self.manifest = json.loads(raw)
        self.meta = self.manifest.get("frames", {})
        self.digests = self.manifest.get("members", {})
        self.offsets: dict[str, int] = self.manifest.get("offsets", {})
        self.verified = set()

    def _local(self, offset: int) -> tuple[str, bytes, int]:
        self.source.seek(offset)
        head = self.source.read(_HEADER.size)
        if len(head) != _HEADER.size:
            raise DamagedPayload("a member's header is cut short")
        fields = _HEADER.unpack(head)
        if fields[0] != _SIGNATURE or fields[4] != zipfile.ZIP_STORED:
            raise DamagedPayload("a member's header is not a stored ZIP member")
        size, name_length, extra_length = fields[8], fields[10], fields[11]
        name = self.source.read(name_length).decode("utf-8")
        if extra_length:
            self.source.read(extra_length)
        data = self.source.read(size)
        if len(data) != size:
            raise DamagedPayload(f"{name} is cut short")
        return name, data, offset + _HEADER.size + name_length + extra_length + size

    def member(self, name: str) -> bytes:
        expected = self.digests.get(name)
        if expected is None or name not in self.offsets:
            raise DamagedPayload(f"{name} is not among the payload's members")
        found, data, _ = self._local(self.base + self.offsets[name])
        if found != name or hashlib.sha256(data).hexdigest() != expected:
            raise DamagedPayload(f"{name} does not match its SHA-256")
        return data


class BlobFile(io.RawIOBase):
    """A read-only, seekable file over an ``sqlite3.Blob`` (what :class:`zipfile.ZipFile`
    needs to read members where they lie, without reading the whole payload)."""

    def __init__(self, blob: Any) -> None:
        self.blob = blob

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        self.blob.seek(offset, whence)
        return self.blob.tell()

    def tell(self) -> int:
        return self.blob.tell()

    def read(self, size: int = -1) -> bytes:
        return self.blob.read(size if size is not None and size >= 0 else -1)

    def readinto(self, buffer: Any) -> int:
        data = self.blob.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        try:
            self.blob.close()
        finally:
            super().close()


def load_array(data: bytes, writable: bool = True) -> Any:
    """An ``.npy`` file's array, as ``np.load(..., allow_pickle=False)`` gives it (objects
    refused), from its header and the bytes (``np.load`` of a file-like reads in chunks, three
    times slower): a writable copy, or with ``writable=False`` a read-only view of ``data``."""
    import numpy as np
    from numpy.lib import format as npy

    source = io.BytesIO(data)
    version = npy.read_magic(source)
    if version == (1, 0):
        shape, fortran, dtype = npy.read_array_header_1_0(source)
    elif version == (2, 0):
        shape, fortran, dtype = npy.read_array_header_2_0(source)
    else:
        return np.load(io.BytesIO(data), allow_pickle=False)
    if dtype.hasobject:
        raise ValueError("an array of Python objects in a stored payload (not read)")
    count = 1
    for n in shape:
        count *= n
    flat = np.frombuffer(data, dtype=dtype, count=count, offset=source.tell())
    array = flat.reshape(shape, order="F" if fortran else "C")
    return array.copy(order="K") if writable else array


def label(value: Any) -> Any:
    """A column label as JSON: ints stay ints (the uncertainty runs), the rest strings."""
    if isinstance(value, int) and not isinstance(value, bool):
        return {"int": int(value)}
    if type(value).__module__ == "numpy" and hasattr(value, "dtype") and value.dtype.kind in "iu":
        return {"int": int(value)}
    return None if value is None else str(value)


def unlabel(value: Any) -> Any:
    return value["int"] if isinstance(value, dict) else value


def jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))
