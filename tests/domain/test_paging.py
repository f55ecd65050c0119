"""Paging as every list paged by the database shares it: the count, the last page, the sort a table asks for."""

import pytest

from dashboard.domain.history.query import HistoryFilter
from dashboard.domain.organisations.listing import OrganisationsFilter
from dashboard.domain.paging import MAX_TEXT, counted, last_page, search_text
from dashboard.domain.renewals.filter import RenewalsFilter
from dashboard.domain.url_query import QueryReader


def never() -> int:
    raise AssertionError('counted again')


def test_a_first_page_that_is_not_full_is_not_counted_again() -> None:
    assert counted(['a', 'b'], offset=0, page_size=25, count=never) == (['a', 'b'], 2)
    assert counted([], offset=0, page_size=25, count=never) == ([], 0)


@pytest.mark.parametrize(('rows', 'offset'), [(['a'] * 25, 0), (['a'], 25), ([], 50)])
def test_a_full_page_or_a_later_one_is_counted(rows: list[str], offset: int) -> None:
    assert counted(rows, offset=offset, page_size=25, count=lambda: 99) == (rows, 99)


@pytest.mark.parametrize(('count', 'expected'), [(0, 1), (1, 1), (25, 1), (26, 2), (100, 4)])
def test_the_last_page(count: int, expected: int) -> None:
    assert last_page(count, 25) == expected


@pytest.mark.parametrize('paged', [RenewalsFilter(horizon='overdue'), HistoryFilter(), OrganisationsFilter()])
def test_a_table_asking_for_no_sort_gets_the_natural_order(paged) -> None:
    resorted = paged.sorted_by('name', True).sorted_by(None, False)
    assert (resorted.sort, resorted.descending) == (paged.sort, paged.descending)


def test_the_offset_and_the_query_of_a_page() -> None:
    assert HistoryFilter(page=3, page_size=10).offset == 20
    assert OrganisationsFilter(page=3, page_size=10).paging_query() == {'page': '3', 'size': '10'}
    assert OrganisationsFilter().paging_query() == {'page': '', 'size': ''}


@pytest.mark.parametrize(('query', 'paging', 'error'), [
    ({}, (1, 25), None), ({'page': '4', 'size': '100'}, (4, 100), None),
    ({'page': '0'}, (1, 25), '"0" is not a valid page.'),
    ({'page': '1000000000'}, (1, 25), '"1000000000" is not a valid page.'),
    ({'size': '7'}, (1, 25), '"7" is not a valid page size (10, 25, 50 or 100).')])
def test_the_page_and_its_size_from_a_link(query: dict[str, str], paging: tuple[int, int], error: str | None) -> None:
    read = QueryReader(query)
    assert read.paging() == paging
    assert read.errors == ([error] if error else [])


def test_a_search_is_trimmed_and_cut() -> None:
    assert search_text('  acme  ') == 'acme'
    assert search_text('x' * (MAX_TEXT + 50)) == 'x' * MAX_TEXT
    assert search_text(None) == search_text(['a list']) == ''
