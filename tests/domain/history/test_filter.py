"""The Licence history tab's URL filter: HistoryFilter.from_query and to_query."""

from datetime import date

import pytest

from dashboard.domain.history.query import HistoryFilter
from dashboard.domain.models import HistoryAction, LicenceKind


def test_an_empty_query_gives_the_defaults() -> None:
    history_filter = HistoryFilter.from_query({})

    assert history_filter == HistoryFilter()
    assert (history_filter.date_from, history_filter.date_to, history_filter.actions, history_filter.kind,
            history_filter.text, history_filter.sort, history_filter.descending, history_filter.page,
            history_filter.page_size) == (None, None, (), None, '', 'date', True, 1, 25)
    assert history_filter.errors == ()
    assert history_filter.to_query() == {}


def test_a_full_query_is_read() -> None:
    history_filter = HistoryFilter.from_query({
        'from': '2026-01-01', 'to': '2026-01-31', 'actions': 'licences_increased,expiry_changed,licences_increased',
        'kind': 'on_demand', 'q': '  renewal  ', 'sort': 'actor', 'desc': '0', 'page': '3', 'size': '50'})

    assert history_filter.errors == ()
    assert history_filter == HistoryFilter(
        date_from=date(2026, 1, 1), date_to=date(2026, 1, 31),
        actions=(HistoryAction.LICENCES_INCREASED, HistoryAction.EXPIRY_CHANGED), kind=LicenceKind.ON_DEMAND,
        text='renewal', sort='actor', descending=False, page=3, page_size=50)


def test_the_same_day_as_start_and_end_is_allowed() -> None:
    history_filter = HistoryFilter.from_query({'from': '2026-01-31', 'to': '2026-01-31'})

    assert (history_filter.date_from, history_filter.date_to, history_filter.errors) == (
        date(2026, 1, 31), date(2026, 1, 31), ())


@pytest.mark.parametrize(('query', 'expected', 'error'), [
    ({'from': '2026-13-01'}, {'date_from': None}, '"2026-13-01" is not a date'),
    ({'to': 'yesterday'}, {'date_to': None}, '"yesterday" is not a date'),
    ({'from': '31/01/2026', 'to': '2026-02-01'}, {'date_from': None, 'date_to': date(2026, 2, 1)}, '"31/01/2026"'),
    ({'from': '2026-02-01', 'to': '2026-01-01'}, {'date_from': None, 'date_to': None},
     'start date is after the end date'),
    ({'actions': 'licences_increased,bogus'}, {'actions': (HistoryAction.LICENCES_INCREASED,)},
     '"bogus" is not a licence history action'),
    ({'actions': 'Licences increased'}, {'actions': ()}, '"Licences increased" is not a licence history action'),
    ({'kind': 'floppy'}, {'kind': None}, '"floppy" is not a licence type'),
    ({'kind': 'Managed Agent'}, {'kind': None}, '"Managed Agent" is not a licence type'),
    ({'sort': 'password'}, {'sort': 'date'}, '"password" is not a column to sort by'),
    ({'sort': 'occurred_at'}, {'sort': 'date'}, '"occurred_at" is not a column to sort by'),
    ({'page': '0'}, {'page': 1}, '"0" is not a valid page'),
    ({'page': 'abc'}, {'page': 1}, '"abc" is not a valid page'),
    ({'page': '-2'}, {'page': 1}, '"-2" is not a valid page'),
    ({'page': '1.5'}, {'page': 1}, '"1.5" is not a valid page'),
    ({'page': '²'}, {'page': 1}, '"²" is not a valid page'),
    ({'page': '99999999999999999999'}, {'page': 1}, 'is not a valid page'),
    ({'size': '7'}, {'page_size': 25}, '"7" is not a valid page size'),
    ({'size': '0'}, {'page_size': 25}, '"0" is not a valid page size'),
    ({'size': 'all'}, {'page_size': 25}, '"all" is not a valid page size'),
    ({'size': '1000000'}, {'page_size': 25}, '"1000000" is not a valid page size'),
])
def test_a_bad_value_is_named_and_its_default_used(query: dict[str, str], expected: dict[str, object],
                                                   error: str) -> None:
    history_filter = HistoryFilter.from_query(query)

    assert len(history_filter.errors) == 1
    assert error in history_filter.errors[0]
    for name, value in expected.items():
        assert getattr(history_filter, name) == value


def test_every_bad_value_is_listed_and_the_good_ones_kept() -> None:
    history_filter = HistoryFilter.from_query({'from': 'x', 'to': '2026-01-31', 'actions': 'other,nope',
                                               'kind': 'y', 'sort': 'z', 'page': '0', 'size': '7', 'q': 'keep'})

    assert len(history_filter.errors) == 6
    assert history_filter == HistoryFilter(date_to=date(2026, 1, 31), actions=(HistoryAction.OTHER,), text='keep')


def test_free_text_is_cut_to_200_characters() -> None:
    assert HistoryFilter.from_query({'q': 'x' * 500}).text == 'x' * 200


@pytest.mark.parametrize('history_filter', [
    HistoryFilter(),
    HistoryFilter(date_from=date(2026, 1, 1)),
    HistoryFilter(date_to=date(2026, 2, 28), text='50% off_now'),
    HistoryFilter(date_from=date(2026, 1, 1), date_to=date(2026, 1, 1),
                  actions=(HistoryAction.TRIAL_CONVERTED, HistoryAction.OTHER), kind=LicenceKind.MANAGED_AGENT,
                  text='Admin Team', sort='kind', descending=False, page=4, page_size=100),
    HistoryFilter(sort='action', page_size=10),
])
def test_to_query_round_trips(history_filter: HistoryFilter) -> None:
    query = history_filter.to_query()

    assert all(isinstance(value, str) and value for value in query.values())
    again = HistoryFilter.from_query(query)
    assert again == history_filter
    assert again.errors == ()


def test_to_query_leaves_out_defaults_and_writes_the_rest() -> None:
    history_filter = HistoryFilter(date_from=date(2026, 1, 1), actions=(HistoryAction.EXPIRY_CHANGED,
                                   HistoryAction.OTHER), kind=LicenceKind.ON_DEMAND, descending=False, page=2)

    assert history_filter.to_query() == {'from': '2026-01-01', 'actions': 'expiry_changed,other', 'kind': 'on_demand',
                                         'desc': '0', 'page': '2'}
