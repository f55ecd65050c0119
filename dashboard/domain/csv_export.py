"""CSV files that are safe to open in a spreadsheet: the one writer of every export.

A spreadsheet program runs a cell that starts with `=`, `+`, `-` or `@` (or a tab or a line break before one) as a
formula, so a name like `=HYPERLINK("http://evil", "x")` would run on the reader's computer. As OWASP's CSV injection
guidance says, every text cell is wrapped in double quotes (a double quote inside is doubled, so that no separator or
quote in a name can start a new cell) and a text cell that starts with one of those characters gets a single quote
in front; real numbers stay numbers.
"""

import csv
import io
import math
import re
from collections.abc import Iterable, Iterator, Sequence

# The ASCII triggers, NUL, and the full-width forms that some spreadsheet programs also read as formula signs.
FORMULA_STARTS = frozenset('=+-@\t\r\n\0\uff1d\uff0b\uff0d\uff20')
_PLAIN_NUMBER = re.compile(r'[+-]?[0-9]+(\.[0-9]+)?')

Cell = str | int | float


def spreadsheet_cell(value: object) -> Cell:
    """A value as one cell: a finite number as itself, None as empty, anything else as text that cannot run."""
    if value is None:
        return ''
    if isinstance(value, bool):
        return 'Yes' if value else 'No'
    if isinstance(value, int) or (isinstance(value, float) and math.isfinite(value)):
        return value
    text = str(value)
    if text.lstrip(' ')[:1] in FORMULA_STARTS and not _PLAIN_NUMBER.fullmatch(text):
        return f"'{text}"
    return text


def csv_text(header: Sequence[str], batches: Iterable[Iterable[Sequence[object]]]) -> Iterator[str]:
    """The header, then each batch of rows as one chunk of CSV text: streamed, never the whole file in memory."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC)  # text quoted, numbers bare
    writer.writerow([spreadsheet_cell(name) for name in header])
    for batch in batches:
        writer.writerows([spreadsheet_cell(value) for value in row] for row in batch)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()
