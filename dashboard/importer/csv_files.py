"""Reading one CSV file: UTF-8 with an optional byte-order mark, a header naming the columns, then the records."""

import codecs
import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from dashboard.importer.problems import Problems

OTHER_SEPARATORS = {';': 'semicolons', '\t': 'tabs'}


@dataclass(frozen=True)
class FileLayout:
    """The columns a file may have, in any order; any other column is an error."""

    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


def read_records(
    *, path: Path, layout: FileLayout, problems: Problems, on_progress: Callable[[int], None] | None = None
) -> Iterator[tuple[int, dict[str, str]]]:
    """Each record as {column: value} with the line it starts on, counting the header as line 1.

    The line is the physical line of the file, as an editor shows it: a quoted value spanning several lines moves
    the records after it down. Problems with the file as a whole (not UTF-8, a bad header, broken quoting) and
    records with the wrong number of fields are added to `problems`; blank lines are skipped.
    `on_progress` is called with the number of bytes read so far.
    """
    with path.open('rb') as file:
        lines = _Lines(file)
        reader = csv.reader(lines, strict=True)
        next_start = 1
        try:
            columns = _columns(next(reader, None), layout=layout, problems=problems)
            if columns is None:
                return
            next_start = reader.line_num + 1
            for record in reader:
                line, next_start = next_start, reader.line_num + 1
                if on_progress:
                    on_progress(lines.bytes_read)
                if not record:
                    continue
                if len(record) != len(columns):
                    problems.add(
                        layout.name,
                        line,
                        f'expected {len(columns)} fields, one per column in the header, but found {len(record)}',
                    )
                    continue
                yield line, dict(zip(columns, record, strict=True))
        except UnicodeDecodeError as error:
            byte = error.object[error.start]
            message = f'the file is not UTF-8 text (byte 0x{byte:02X} cannot be read); save it as UTF-8 and retry'
            problems.add(layout.name, lines.number, message)
        except csv.Error as error:
            problems.add(layout.name, next_start, f'the CSV cannot be read from here on: {error}')


def _columns(header: list[str] | None, *, layout: FileLayout, problems: Problems) -> list[str] | None:
    """The header's column names, or None when the header is unusable (its problems are added)."""
    if header is None:
        problems.add(
            layout.name, 1, f'the file is empty; the first line must name the columns: {", ".join(layout.columns)}'
        )
        return None
    columns = [name.strip().lower() for name in header]
    for separator, name in OTHER_SEPARATORS.items():
        if len(columns) == 1 and separator in columns[0]:
            problems.add(layout.name, 1, f'the values are separated by {name}; separate them with commas')
            return None
    found_before = problems.count
    for position, name in enumerate(columns, start=1):
        if not name:
            problems.add(layout.name, 1, f'column {position} has no name')
        elif name not in layout.columns:
            problems.add(layout.name, 1, f"unknown column '{name}'; the columns are {', '.join(layout.columns)}")
        elif columns.index(name) != position - 1:
            problems.add(layout.name, 1, f"column '{name}' appears more than once")
    for name in layout.required:
        if name not in columns:
            problems.add(layout.name, 1, f"the required column '{name}' is missing")
    return None if problems.count > found_before else columns


class _Lines:
    """The file's lines, decoded one by one so that a byte that is not UTF-8 is found on its own line."""

    def __init__(self, file: BinaryIO) -> None:
        self.file = file
        self.number = 0
        self.bytes_read = 0

    def __iter__(self) -> Iterator[str]:
        for raw in self.file:
            self.number += 1
            self.bytes_read += len(raw)
            if self.number == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8) :]
            yield raw.decode('utf-8')
