"""Parse FIRMS text (CSV) into string columns with exact 1-based line numbers.

pyarrow.csv reads every column as a string (validation comes after, vectorised);
single-threaded parsing makes :class:`pyarrow.csv.InvalidRow` carry its record
number, and rows with the wrong number of fields are handed back rather than
failing the file. Blank lines are skipped by pyarrow, so the record -> line map
is rebuilt from the newline positions. Quoting is off: FIRMS never quotes, and
a stray quote then fails validation visibly instead of swallowing lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from truceline.errors import NotFirmsError
from truceline.sensors.base import QUARANTINE_SCHEMA

__all__ = ["ParsedText", "parse_text", "read_header"]

#: Longest slice of a bad row kept in the quarantine ``value``.
_MAX_ROW_TEXT = 200
_LINE_END = re.compile(rb"\r\n|\n|\r|$")
_NEWLINE = 10
_CR = 13


@dataclass(frozen=True)
class ParsedText:
    """Rows of one text source, as strings, with their line numbers."""

    names: list[str]  # header names as written
    table: pa.Table  # one string column per header name (positional names c0, c1, ...)
    lines: np.ndarray  # int64, 1-based line of each table row
    invalid: pa.Table  # QUARANTINE_SCHEMA rows for records with the wrong field count
    rows_read: int  # data records seen (good shape or not)


def _clean_utf8(data: bytes) -> bytes:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="replace").encode("utf-8")
    return data


def read_header(data: bytes, display: str) -> tuple[list[str], int, int]:
    """Header names, the header's 1-based line number, and the offset after it."""
    offset, line = 0, 1
    for match in _LINE_END.finditer(data):
        text = data[offset : match.start()]
        if text.strip():
            names = text.decode("utf-8", errors="replace").lstrip("\ufeff").split(",")
            return [n.strip() for n in names], line, match.end()
        offset, line = match.end(), line + 1
        if offset >= len(data):
            break
    raise NotFirmsError(f"{display}: file is empty; expected a FIRMS CSV header line")


def _nonempty_lines(body: pa.Buffer, first_line: int) -> np.ndarray:
    """1-based line numbers of the non-blank lines of ``body``.

    Lines end in LF, CRLF or a lone CR, as pyarrow.csv reads them.
    """
    arr = np.frombuffer(body, dtype=np.uint8)
    is_cr = arr == _CR
    lone_cr = is_cr.copy()
    lone_cr[:-1] &= arr[1:] != _NEWLINE
    ends = np.flatnonzero((arr == _NEWLINE) | lone_cr)
    starts = np.concatenate(([0], ends + 1))
    ends = np.concatenate((ends, [arr.size]))
    lengths = ends - starts
    crlf = np.zeros(lengths.shape, dtype=bool)
    nonzero = (lengths > 0) & (ends < arr.size)
    crlf[nonzero] = (arr[ends[nonzero]] == _NEWLINE) & is_cr[ends[nonzero] - 1]
    keep = (lengths - crlf) > 0
    return np.flatnonzero(keep).astype(np.int64) + first_line


def parse_text(data: bytes, display: str) -> ParsedText:
    """Parse a FIRMS text file into string columns, quarantining misshapen rows."""
    data = _clean_utf8(data)
    names, header_line, offset = read_header(data, display)
    body = pa.py_buffer(data).slice(offset)
    positional = [f"c{i}" for i in range(len(names))]
    bad: list[tuple[int, str]] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        bad.append((row.number, row.text or ""))
        return "skip"

    lines = _nonempty_lines(body, header_line + 1)
    if lines.size == 0:  # header only: a valid file with no rows
        empty = pa.table({c: pa.array([], pa.string()) for c in positional})
        return ParsedText(names, empty, lines, QUARANTINE_SCHEMA.empty_table(), 0)
    table = pacsv.read_csv(
        body,
        read_options=pacsv.ReadOptions(
            column_names=positional, use_threads=False, block_size=1 << 24
        ),
        parse_options=pacsv.ParseOptions(quote_char=False, invalid_row_handler=on_invalid),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(positional, pa.string()),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    if lines.size != table.num_rows + len(bad):  # pragma: no cover - defensive
        raise NotFirmsError(
            f"{display}: cannot map rows to lines ({lines.size} lines, "
            f"{table.num_rows + len(bad)} records); is the file line-delimited CSV?"
        )
    bad_index = np.array([number - 1 for number, _ in bad], dtype=np.int64)
    good = np.ones(lines.size, dtype=bool)
    good[bad_index] = False
    invalid = pa.table(
        {
            "file": pa.array([display] * len(bad), pa.string()),
            "line": pa.array(lines[bad_index], pa.int64()),
            "field": pa.array(["(row)"] * len(bad), pa.string()),
            "value": pa.array([text[:_MAX_ROW_TEXT] for _, text in bad], pa.string()),
            "reason": pa.array(["field_count"] * len(bad), pa.string()),
        },
        schema=QUARANTINE_SCHEMA,
    )
    return ParsedText(names, table, lines[good], invalid, int(lines.size))
