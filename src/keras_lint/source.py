"""Source files as bytes on disk and as text in memory, converted without loss.

A fix must write back exactly what it read, except for the edits: same encoding, same BOM,
same line endings, same permissions. Everything here is about that promise.
"""

from __future__ import annotations

import bisect
import codecs
import io
import os
import re
import stat
import tempfile
import tokenize
from dataclasses import dataclass

# A file that never mentions Keras cannot contain a Keras bug: every way to import it
# (keras, tensorflow.keras, tf.keras, tf_keras) spells this word.
PREFILTER_BYTES = b"keras"
PREFILTER_TEXT = "keras"


class SourceDecodeError(Exception):
    """The bytes are not Python source text (bad coding cookie or undecodable bytes)."""

    def __init__(self, message: str, row: int = 1, column: int = 1):
        super().__init__(message)
        self.message = message
        self.row = row
        self.column = column


@dataclass(frozen=True)
class SourceText:
    text: str  # decoded, without BOM
    encoding: str  # the codec name to encode back with (never "utf-8-sig")
    bom: bool

    def encode(self, text: str | None = None) -> bytes:
        data = (self.text if text is None else text).encode(self.encoding)
        return codecs.BOM_UTF8 + data if self.bom else data


def decode_source(data: bytes) -> SourceText:
    """Decode Python source bytes the way the interpreter does (PEP 263 + BOM)."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        raise SourceDecodeError(f"cannot determine the file's encoding: {exc}") from None
    bom = encoding == "utf-8-sig"
    if bom:
        encoding = "utf-8"
        data = data[len(codecs.BOM_UTF8) :]
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        row = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise SourceDecodeError(
            f"the file is not valid {encoding}: byte 0x{data[exc.start]:02x} cannot be decoded "
            "(declare its encoding with a '# -*- coding: ... -*-' line or re-save it as UTF-8)",
            row,
            column,
        ) from None
    except LookupError:
        raise SourceDecodeError(f"unknown encoding {encoding!r}") from None
    return SourceText(text=text, encoding=encoding, bom=bom)


_NEWLINE = re.compile(r"\r\n|\r|\n")


def newline_of(text: str) -> str:
    """The file's first line ending, used for any line we insert."""
    match = _NEWLINE.search(text)
    return match.group() if match else "\n"


class LineIndex:
    """Converts offsets in a text to (row, column) and back. Rows and columns are 1-based
    and count code points, as LibCST does; \\r\\n, \\r and \\n all end a line."""

    def __init__(self, text: str):
        self.text = text
        starts = [0]
        starts.extend(m.end() for m in _NEWLINE.finditer(text))
        self.line_starts = starts

    def position(self, offset: int) -> tuple[int, int]:
        row = bisect.bisect_right(self.line_starts, offset)
        return row, offset - self.line_starts[row - 1] + 1

    def offset(self, row: int, column: int) -> int:
        return self.line_starts[row - 1] + column - 1

    def line_span(self, row: int) -> tuple[int, int]:
        """Offsets of the start of `row` and of the start of the next row."""
        start = self.line_starts[row - 1]
        end = self.line_starts[row] if row < len(self.line_starts) else len(self.text)
        return start, end


def write_atomic(path: str, data: bytes) -> None:
    """Write `data` to `path` through a temporary file and a rename, keeping permissions.

    A crash or a full disk leaves either the old file or the new one, never half of each.
    """
    directory = os.path.dirname(os.path.abspath(path))
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        mode = None
    fd, tmp = tempfile.mkstemp(prefix=".keras-lint-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
