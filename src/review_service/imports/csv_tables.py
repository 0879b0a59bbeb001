"""Streaming readers of the three SSDA903 CSV tables (API.md "Wave 2").

UTF-8, with or without a byte-order mark, LF or CRLF line ends. The whole file is refused
(`ImportFileError`) when it is not UTF-8, lacks a column, has one the table does not define, or
exceeds the size limit; a row with the wrong number of values is a row error of its child.
Rows are yielded one at a time as they are decoded: nothing here holds a file in memory.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from review_service.domain.dfe_records import (
    EpisodeRow,
    HeaderRow,
    Rejection,
    ReviewRow,
    SourceRow,
)
from review_service.imports.file_errors import BoundedReader, FileProblem, ImportFileError

# One authority's files; a county with five years of history is a few MB (issue 10 bench).
DEFAULT_MAX_FILE_BYTES = 64 * 1024 * 1024
_CHUNK_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True)
class TableSpec:
    """A DfE table: the name reports use and its columns in order."""

    name: str
    columns: tuple[str, ...]


HEADER = TableSpec("HEADER", ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"))
EPISODES = TableSpec(
    "EPISODES",
    (
        "CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
        "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN",
    ),
)  # fmt: skip
REVIEWS = TableSpec("REVIEWS", ("CHILD", "DOB", "REVIEW", "REVIEW_CODE"))


def _lines(stream: BinaryIO, file: str, max_bytes: int) -> Iterator[str]:
    """Decoded lines (ends kept, for the csv module) of a UTF-8 stream, BOM dropped."""
    reader = BoundedReader(stream, file, max_bytes)
    decoder = codecs.getincrementaldecoder("utf-8-sig")(errors="strict")
    pending = ""
    while True:
        chunk = reader.read(_CHUNK_BYTES)
        try:
            pending += decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError:
            raise ImportFileError(file, FileProblem.NOT_UTF8, "the file is not UTF-8") from None
        *complete, pending = pending.split("\n")
        for line in complete:
            yield line + "\n"
        if not chunk:
            break
    if pending:
        yield pending


def _column_positions(spec: TableSpec, header: list[str]) -> list[int]:
    names = [name.strip().upper() for name in header]
    missing = tuple(column for column in spec.columns if column not in names)
    if missing:
        detail = "the file has no header row" if not header else "columns are missing"
        raise ImportFileError(spec.name, FileProblem.MISSING_COLUMNS, detail, missing)
    unknown = tuple(name for name in names if name not in spec.columns)
    repeated = tuple(sorted({name for name in names if names.count(name) > 1}))
    if unknown or repeated:
        detail = f"columns {spec.name} does not define" if unknown else "columns are repeated"
        raise ImportFileError(spec.name, FileProblem.UNKNOWN_COLUMNS, detail, unknown or repeated)
    return [names.index(column) for column in spec.columns]


def read_table(
    spec: TableSpec, stream: BinaryIO, max_bytes: int = DEFAULT_MAX_FILE_BYTES
) -> Iterator[tuple[SourceRow, tuple[str, ...]] | Rejection]:
    """The data rows of one table, values in `spec.columns` order, or a Rejection for a row
    whose number of values does not match the header (its child taken from the first value).
    Blank lines are skipped but counted, so `row` is the line's number after the header."""
    records: Iterable[list[str]] = csv.reader(_lines(stream, spec.name, max_bytes))
    iterator = iter(records)
    try:
        header = next(iterator, [])
        positions = _column_positions(spec, header)
        for number, values in enumerate(iterator, start=1):
            if not any(value.strip() for value in values):
                continue
            source = SourceRow(spec.name, number)
            if len(values) != len(header):
                child = values[positions[0]].strip() if len(values) > positions[0] else None
                reason = f"the row has {len(values)} values; the header has {len(header)}"
                yield Rejection(spec.name, number, child or None, None, reason)
                continue
            yield source, tuple(values[position] for position in positions)
    except csv.Error:
        raise ImportFileError(
            spec.name, FileProblem.NOT_WELL_FORMED, "the file is not well-formed CSV"
        ) from None


def header_rows(
    stream: BinaryIO, max_bytes: int = DEFAULT_MAX_FILE_BYTES
) -> Iterator[HeaderRow | Rejection]:
    """HEADER rows (CHILD and DOB are what the review clock reads)."""
    for item in read_table(HEADER, stream, max_bytes):
        if isinstance(item, Rejection):
            yield item
            continue
        source, values = item
        yield HeaderRow(source, values[0].strip(), values[2])


def episode_rows(
    stream: BinaryIO, max_bytes: int = DEFAULT_MAX_FILE_BYTES
) -> Iterator[EpisodeRow | Rejection]:
    """EPISODES rows."""
    for item in read_table(EPISODES, stream, max_bytes):
        if isinstance(item, Rejection):
            yield item
            continue
        source, v = item
        yield EpisodeRow(source, v[0].strip(), v[1], v[2], v[3], v[7], v[8])


def review_rows(
    stream: BinaryIO, max_bytes: int = DEFAULT_MAX_FILE_BYTES
) -> Iterator[ReviewRow | Rejection]:
    """REVIEWS rows."""
    for item in read_table(REVIEWS, stream, max_bytes):
        if isinstance(item, Rejection):
            yield item
            continue
        source, values = item
        yield ReviewRow(source, values[0].strip(), values[1], values[2], values[3])
