"""The Renewals page's URL filter: read, written back, and bad values named and ignored."""

from datetime import date, timedelta

import pytest

from dashboard.domain import clock
from dashboard.domain.renewals.pipeline import HORIZONS, RenewalsFilter, period_label

TODAY = clock.today()


def test_an_empty_query_gives_the_defaults() -> None:
    renewals_filter = RenewalsFilter.from_query({})

    assert renewals_filter == RenewalsFilter()
    assert (renewals_filter.horizon, renewals_filter.region, renewals_filter.account_type, renewals_filter.kind,
            renewals_filter.util_min, renewals_filter.util_max, renewals_filter.text, renewals_filter.period_start,
            renewals_filter.sort, renewals_filter.is_descending, renewals_filter.page,
            renewals_filter.page_size) == ('90', '', '', '', None, None, '', None, 'expiry', False, 1, 25)
    assert renewals_filter.errors == ()
    assert renewals_filter.to_query() == {}


def test_the_horizons_in_order() -> None:
    assert HORIZONS == {'overdue': 'Overdue', '30': '30 days', '60': '60 days', '90': '90 days',
                        '180': '180 days'}
    assert list(HORIZONS) == ['overdue', '30', '60', '90', '180']


def test_a_full_query_is_read() -> None:
    start = TODAY - timedelta(days=TODAY.weekday())
    renewals_filter = RenewalsFilter.from_query({
        'horizon': '30', 'region': 'uk', 'type': 'trial', 'kind': 'on_demand', 'min': '10', 'max': '90',
        'q': '  acme  ', 'from': start.isoformat(), 'to': (start + timedelta(days=6)).isoformat(),
        'sort': 'utilisation', 'desc': '1', 'page': '3', 'size': '50'})

    assert renewals_filter.errors == ()
    assert renewals_filter == RenewalsFilter(
        horizon='30', region='uk', account_type='trial', kind='on_demand', util_min=10, util_max=90, text='acme',
        period_start=start, period_end=start + timedelta(days=6), sort='utilisation', descending=True, page=3,
        page_size=50)


def test_overdue_is_most_recently_expired_first_by_default() -> None:
    overdue = RenewalsFilter.from_query({'horizon': 'overdue'})

    assert overdue.is_descending is True
    assert overdue.to_query() == {'horizon': 'overdue'}
    ascending = RenewalsFilter.from_query({'horizon': 'overdue', 'desc': '0'})
    assert ascending.is_descending is False
    assert ascending.to_query() == {'horizon': 'overdue', 'desc': '0'}
    assert RenewalsFilter.from_query({'horizon': 'overdue', 'sort': 'name'}).is_descending is False


@pytest.mark.parametrize(('query', 'expected', 'error'), [
    ({'horizon': '45'}, {'horizon': '90'}, '"45" is not a renewal horizon'),
    ({'horizon': 'Overdue'}, {'horizon': '90'}, '"Overdue" is not a renewal horizon'),
    ({'region': 'de'}, {'region': ''}, '"de" is not a region'),
    ({'type': 'Trial'}, {'account_type': ''}, '"Trial" is not an account type'),
    ({'kind': 'floppy'}, {'kind': ''}, '"floppy" is not a licence type'),
    ({'min': '101'}, {'util_min': None}, '"101" is not a utilisation'),
    ({'max': '-1'}, {'util_max': None}, '"-1" is not a utilisation'),
    ({'min': '5.5'}, {'util_min': None}, '"5.5" is not a utilisation'),
    ({'min': '80', 'max': '20'}, {'util_min': None, 'util_max': None}, 'lowest utilisation (80 %) is above'),
    ({'from': '2026-13-01', 'to': '2026-12-31'}, {'period_start': None, 'period_end': None}, '"2026-13-01"'),
    ({'from': TODAY.isoformat()}, {'period_start': None}, 'needs both "from" and "to"'),
    ({'from': (TODAY + timedelta(days=9)).isoformat(), 'to': TODAY.isoformat()}, {'period_start': None},
     'is not inside'),
    ({'horizon': 'overdue', 'from': TODAY.isoformat(), 'to': (TODAY + timedelta(days=6)).isoformat()},
     {'period_start': None}, 'not inside the overdue horizon'),
    ({'sort': 'password'}, {'sort': 'expiry'}, '"password" is not a column to sort by'),
    ({'desc': 'yes'}, {'descending': None}, '"yes" is not a sort direction'),
    ({'page': '0'}, {'page': 1}, '"0" is not a valid page'),
    ({'page': '²'}, {'page': 1}, '"²" is not a valid page'),
    ({'size': '1000'}, {'page_size': 25}, '"1000" is not a valid page size'),
])
def test_a_bad_value_is_named_and_its_default_used(query: dict[str, str], expected: dict[str, object],
                                                   error: str) -> None:
    renewals_filter = RenewalsFilter.from_query(query)

    assert len(renewals_filter.errors) == 1, renewals_filter.errors
    assert error in renewals_filter.errors[0]
    for name, value in expected.items():
        assert getattr(renewals_filter, name) == value


def test_every_bad_value_is_listed_and_the_good_ones_kept() -> None:
    renewals_filter = RenewalsFilter.from_query({'horizon': 'x', 'region': 'eu', 'type': 'y', 'kind': 'z',
                                                 'min': 'lots', 'q': 'keep', 'size': '7'})

    assert len(renewals_filter.errors) == 5
    assert renewals_filter == RenewalsFilter(region='eu', text='keep')


def test_free_text_is_cut_to_200_characters() -> None:
    assert RenewalsFilter.from_query({'q': 'x' * 500}).text == 'x' * 200


@pytest.mark.parametrize('renewals_filter', [
    RenewalsFilter(),
    RenewalsFilter(horizon='overdue'),
    RenewalsFilter(horizon='overdue', descending=False, sort='days_left'),
    RenewalsFilter(horizon='180', region='us', account_type='expired', kind='managed_agent', util_min=0,
                   util_max=100, text='50% off_now', sort='contact', descending=True, page=4, page_size=100),
    RenewalsFilter(horizon='30', period_start=TODAY, period_end=TODAY + timedelta(days=3), page_size=10),
])
def test_to_query_round_trips(renewals_filter: RenewalsFilter) -> None:
    query = renewals_filter.to_query()

    assert all(isinstance(value, str) and value for value in query.values())
    again = RenewalsFilter.from_query(query)
    assert again.errors == ()
    assert again.to_query() == query
    assert (again.horizon, again.region, again.account_type, again.kind, again.util_min, again.util_max, again.text,
            again.period_start, again.period_end, again.sort, again.is_descending, again.page, again.page_size) == (
        renewals_filter.horizon, renewals_filter.region, renewals_filter.account_type, renewals_filter.kind,
        renewals_filter.util_min, renewals_filter.util_max, renewals_filter.text, renewals_filter.period_start,
        renewals_filter.period_end, renewals_filter.sort, renewals_filter.is_descending, renewals_filter.page,
        renewals_filter.page_size)


def test_to_query_leaves_out_defaults_and_writes_the_rest() -> None:
    renewals_filter = RenewalsFilter(horizon='30', region='eu', util_max=50, sort='name', page=2)

    assert renewals_filter.to_query() == {'horizon': '30', 'region': 'eu', 'max': '50', 'sort': 'name', 'page': '2'}


@pytest.mark.parametrize(('start', 'end', 'label'), [
    (date(2026, 12, 7), date(2026, 12, 13), 'Week of 7 Dec 2026'),
    (date(2026, 12, 1), date(2026, 12, 31), 'December 2026'),
    (date(2027, 2, 1), date(2027, 2, 28), 'February 2027'),
    (date(2026, 12, 8), date(2026, 12, 14), '8 Dec 2026 – 14 Dec 2026'),
])
def test_a_period_is_named_as_people_say_it(start: date, end: date, label: str) -> None:
    assert period_label(start, end) == label


@pytest.mark.parametrize(('today', 'horizon', 'start', 'end'), [
    (date(2026, 11, 27), '60', date(2026, 12, 1), date(2026, 12, 31)),  # 34 days to the month's end
    (date(2026, 12, 1), '90', date(2027, 1, 1), date(2027, 1, 31)),  # 61 days: past the 60-day horizon
    (date(2027, 1, 31), '30', date(2027, 2, 1), date(2027, 2, 28)),
    (date(2027, 12, 15), '60', date(2028, 1, 1), date(2028, 1, 31)),
])
def test_next_month_is_the_next_calendar_month_in_the_shortest_horizon_that_holds_it(today, horizon, start, end):
    narrowed = RenewalsFilter(horizon='overdue', region='uk', page=4).next_month(today)
    assert narrowed == RenewalsFilter(horizon=horizon, region='uk', period_start=start, period_end=end)
    assert RenewalsFilter.from_query(narrowed.to_query(), today=today) == narrowed
