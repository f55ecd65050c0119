"""The one CSV writer of every export: no text cell can run as a formula in a spreadsheet; numbers stay numbers."""

import csv
import io

import pytest

from dashboard.domain.csv_export import csv_text, spreadsheet_cell


@pytest.mark.parametrize(('value', 'cell'), [
    ('=HYPERLINK("http://evil","x")', '\'=HYPERLINK("http://evil","x")'),
    ('@SUM(1+1)', "'@SUM(1+1)"),
    ('+1+cmd', "'+1+cmd"),
    ('-2+3', "'-2+3"),
    ('\t=1', "'\t=1"),
    ('\r=1', "'\r=1"),
    ('  =1', "'  =1"),
    ('\uff1d1+1', "'\uff1d1+1"),  # a full-width equals sign
    ('Acme Ltd', 'Acme Ltd'),
    ('a=b', 'a=b'),
    ('-5', '-5'),  # a number written as text is still just a number
    ('+44', '+44'),
    ('', ''),
    (None, ''),
    (True, 'Yes'),
    (-5, -5),
    (0, 0),
    (2.5, 2.5),
    (float('nan'), "nan"),
])
def test_a_cell_is_text_that_cannot_run_or_a_number(value: object, cell: object) -> None:
    assert spreadsheet_cell(value) == cell


def test_text_is_quoted_with_its_quotes_doubled_and_numbers_are_bare() -> None:
    text = ''.join(csv_text(['Name', 'Total'], [[['=1+2";=1+2', -3], ['Acme, "Ltd"', 12]]]))

    assert text == '"Name","Total"\r\n"\'=1+2"";=1+2",-3\r\n"Acme, ""Ltd""",12\r\n'
    assert list(csv.reader(io.StringIO(text))) == [['Name', 'Total'], ['\'=1+2";=1+2', '-3'], ['Acme, "Ltd"', '12']]


def test_each_batch_is_one_chunk_and_an_empty_export_is_its_header() -> None:
    assert list(csv_text(['A'], [[[1], [2]], [[3]]])) == ['"A"\r\n1\r\n2\r\n', '3\r\n']
    assert list(csv_text(['A'], [])) == ['"A"\r\n']
