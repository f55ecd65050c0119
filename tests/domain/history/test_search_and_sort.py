"""The Licence history list's free-text search and sorting by column."""


import pytest
from sqlmodel import Session

from dashboard.domain.history.query import HistoryFilter, list_history
from dashboard.domain.models import Organisation
from dashboard.ui.format import history_row
from tests.domain.history.conftest import at, listed
from tests.factories import make_history


@pytest.mark.parametrize(('text', 'expected'), [
    ('renewal', ['note']),
    ('RENEWAL', ['note']),
    ('abe ADM', ['actor']),
    ('2027-03', ['new value']),
    ('2026-12', ['old value']),
    ('nothing like it', []),
])
def test_free_text_searches_note_actor_and_values_in_any_case(session: Session, organisation: Organisation,
                                                              customer, text: str, expected: list[str]) -> None:
    make_history(session, organisation, occurred_at=at(1), note='Annual Renewal', actor='Zoe')
    make_history(session, organisation, occurred_at=at(2), actor='Abe Admin')
    make_history(session, organisation, occurred_at=at(3), action='expiry_changed', old_value='2025-01-01',
                 new_value='2027-03-05', actor='Zoe')
    make_history(session, organisation, occurred_at=at(4), action='expiry_changed', old_value='2026-12-31',
                 new_value='2028-01-01', actor='Zoe')
    which = {at(1): 'note', at(2): 'actor', at(3): 'new value', at(4): 'old value'}

    rows, count = list_history(session=session, actor=customer, organisation_id=organisation.id,
                               history_filter=HistoryFilter(text=text))

    assert sorted(which[row.occurred_at] for row in rows) == expected
    assert count == len(expected)


@pytest.mark.parametrize(('text', 'expected'), [
    ('50%', ['50% discount']),
    ('%', ['50% discount']),
    ('a_b', ['a_b']),
    ('_', ['a_b']),
    ('\\', ['back\\slash']),
])
def test_percent_underscore_and_backslash_are_literal(session: Session, organisation: Organisation, customer,
                                                      text: str, expected: list[str]) -> None:
    for n, note in enumerate(['50% discount', '500 discount', 'a_b', 'axb', 'back\\slash', 'plain']):
        make_history(session, organisation, occurred_at=at(1 + n), note=note)

    assert listed(session, customer, organisation, q=text)[0] == expected


@pytest.mark.parametrize(('sort', 'descending', 'expected'), [
    ('action', False, ['trial_converted', 'expiry_changed', 'licences_increased', 'other']),
    ('action', True, ['other', 'licences_increased', 'expiry_changed', 'trial_converted']),
    ('kind', False, ['Managed Agent', 'On-demand']),
    ('kind', True, ['On-demand', 'Managed Agent']),
    ('actor', False, ['Alice', 'Bob', 'Carol']),
    ('actor', True, ['Carol', 'Bob', 'Alice']),
    ('date', False, ['1', '2', '3']),
    ('date', True, ['3', '2', '1']),
])
def test_sort_by_column(session: Session, organisation: Organisation, customer, sort: str, descending: bool,
                        expected: list[str]) -> None:
    make_history(session, organisation, occurred_at=at(1), action='other', kind='on_demand', actor='Bob', note='1')
    make_history(session, organisation, occurred_at=at(2), action='expiry_changed', kind='managed_agent',
                 actor='Carol', note='2')
    make_history(session, organisation, occurred_at=at(3), action='licences_increased', kind='on_demand',
                 actor='Alice', note='3')
    if sort == 'action':  # sorted by its label, "Converted to paid", not by the stored value
        make_history(session, organisation, occurred_at=at(4), action='trial_converted', kind='on_demand',
                     actor='Bob', note='4')
    query = {'sort': sort, 'desc': '1' if descending else '0'}

    rows, _ = list_history(session=session, actor=customer, organisation_id=organisation.id,
                           history_filter=HistoryFilter.from_query(query))

    column = {'action': lambda r: r.action, 'kind': lambda r: history_row(r)['kind'], 'actor': lambda r: r.actor,
              'date': lambda r: r.note}[sort]
    assert list(dict.fromkeys(column(row) for row in rows)) == expected


def test_within_a_sorted_column_rows_are_newest_first(session: Session, organisation: Organisation,
                                                      customer) -> None:
    for day in (2, 5, 1):
        make_history(session, organisation, occurred_at=at(day), kind='on_demand', note=f'on demand {day}')
    make_history(session, organisation, occurred_at=at(3), kind='managed_agent', note='managed 3')

    assert listed(session, customer, organisation, sort='kind', desc='0')[0] == [
        'managed 3', 'on demand 5', 'on demand 2', 'on demand 1']


def test_paging_a_sorted_list_neither_skips_nor_repeats_rows(session: Session, organisation: Organisation,
                                                             customer) -> None:
    for n in range(25):
        make_history(session, organisation, occurred_at=at(1 + n % 3), actor=['Bob', 'Alice'][n % 2], note=str(n))

    pages = [listed(session, customer, organisation, sort='actor', size='10', page=str(page))[0]
             for page in (1, 2, 3)]

    assert sorted(int(note) for page in pages for note in page) == list(range(25))
