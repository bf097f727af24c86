"""Open a data file as text, whatever it is packed in: plain CSV, gzip, or a zip holding one
CSV (Binance's public data downloads). Read errors become `DataError`s naming the file."""

from __future__ import annotations

import gzip
import io
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from bot.backtest.errors import DataError

__all__ = ["open_text"]

_GZIP_MAGIC = b"\x1f\x8b"
_ZIP_MAGIC = b"PK\x03\x04"
_BUFFER = 1 << 20  # big reads: gzip's own small ones dominate the parse time otherwise


@contextmanager
def open_text(path: Path) -> Iterator[IO[str]]:
    """A text stream over `path` (decompressed as needed); `DataError` when it is missing,
    a directory, not UTF-8, or a damaged archive."""
    try:
        raw = _open_binary(path)
    except FileNotFoundError:
        raise DataError(path, None, "no such file") from None
    except IsADirectoryError:
        raise DataError(path, None, "is a directory, not a CSV file") from None
    except (zipfile.BadZipFile, OSError) as exc:
        raise DataError(path, None, f"cannot be opened ({exc})") from None
    try:
        with io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as text:  # BOM: Excel
            yield text
    except UnicodeDecodeError:
        raise DataError(path, None, "is not UTF-8 text (is it a CSV file?)") from None
    except (EOFError, zlib.error, gzip.BadGzipFile, zipfile.BadZipFile) as exc:
        raise DataError(path, None, f"is a damaged archive ({exc or 'truncated'})") from None


def _open_binary(path: Path) -> IO[bytes]:
    with path.open("rb") as probe:
        magic = probe.read(4)
    if magic.startswith(_GZIP_MAGIC):
        return io.BufferedReader(gzip.GzipFile(path, "rb"), _BUFFER)
    if magic == _ZIP_MAGIC:
        return _zip_member(path)
    return open(path, "rb", buffering=_BUFFER)  # closed with the text wrapper


def _zip_member(path: Path) -> IO[bytes]:
    with zipfile.ZipFile(path) as archive:  # the open member keeps the file open
        members = [m for m in archive.namelist() if not m.endswith("/")]
        if len(members) != 1:
            raise DataError(
                path, None, f"a zip must hold exactly one CSV file, it holds {len(members)}"
            )
        return archive.open(members[0])
