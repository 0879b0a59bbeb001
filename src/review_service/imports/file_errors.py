"""Structure errors that refuse a whole import file (issue 10: 422 problem, 413 when too
large; CLI exit 2). Row errors are not these: they reject one child (`Rejection`)."""

from __future__ import annotations

from enum import StrEnum
from typing import BinaryIO


class FileProblem(StrEnum):
    """What is wrong with the file as a whole."""

    NOT_UTF8 = "not-utf8"
    MISSING_COLUMNS = "missing-columns"
    UNKNOWN_COLUMNS = "unknown-columns"
    TOO_LARGE = "too-large"
    NOT_WELL_FORMED = "not-well-formed"
    FORBIDDEN_XML = "forbidden-xml"


class ImportFileError(ValueError):
    """A file the import refuses whole. `file` is the table or upload name, `columns` the
    columns concerned (empty where none apply); the message names both and holds no data
    value from the file. `status` is the HTTP status the problem document should carry."""

    def __init__(
        self, file: str, problem: FileProblem, detail: str, columns: tuple[str, ...] = ()
    ) -> None:
        named = f" (columns: {', '.join(columns)})" if columns else ""
        super().__init__(f"{file}: {detail}{named}")
        self.file = file
        self.problem = problem
        self.columns = columns
        self.detail = detail

    @property
    def status(self) -> int:
        """413 for a file over the size limit, else 422."""
        return 413 if self.problem is FileProblem.TOO_LARGE else 422


class BoundedReader:
    """A binary stream that raises ImportFileError once more than `max_bytes` are read, so an
    oversized upload is refused before it is held, whatever its declared length."""

    def __init__(self, stream: BinaryIO, file: str, max_bytes: int) -> None:
        self._stream = stream
        self._file = file
        self._max_bytes = max_bytes
        self._read = 0

    def read(self, size: int = -1) -> bytes:
        """Read like `BinaryIO.read`, counting."""
        chunk = self._stream.read(size)
        self._read += len(chunk)
        if self._read > self._max_bytes:
            raise ImportFileError(
                self._file,
                FileProblem.TOO_LARGE,
                f"the file is larger than the limit of {self._max_bytes} bytes",
            )
        return chunk
