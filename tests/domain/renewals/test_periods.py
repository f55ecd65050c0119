"""The Renewals chart's figures: accounts and licences per week or month and licence type."""

from datetime import date, timedelta

import pytest
from sqlmodel import Session

from dashboard.domain import clock
from dashboard.domain.renewals.periods import chart_periods
from dashboard.domain.renewals.pipeline import RenewalsFilter, renewals_by_period
from tests.factories import actor, make_organisation, make_pool, make_user

TODAY = clock.today()
MONDAY = TODAY - timedelta(days=TODAY.weekday())


@pytest.fixture
def sales(session: Session):
    return actor(make_user(session, None, 'sales'))


def periods(session: Session, who, **query: str):
    return renewals_by_period(session=session, actor=who, renewals_filter=RenewalsFilter.from_query(query))


def test_up_to_90_days_the_periods_are_weeks_from_monday() -> None:
    weeks = chart_periods('30', date(2026, 11, 27))  # a Friday

    assert weeks[0] == (date(2026, 11, 23), date(2026, 11, 29))
    assert weeks[-1] == (date(2026, 12, 21), date(2026, 12, 27))  # holds 27 Dec, the 30th day
    assert len(weeks) == 5
    assert all(end - start == timedelta(days=6) and start.weekday() == 0 for start, end in weeks)
    assert len(chart_periods('90', date(2026, 11, 27))) == 14


def test_for_180_days_the_periods_are_months() -> None:
    assert chart_periods('180', date(2026, 11, 27)) == [
        (date(2026, 11, 1), date(2026, 11, 30)), (date(2026, 12, 1), date(2026, 12, 31)),
        (date(2027, 1, 1), date(2027, 1, 31)), (date(2027, 2, 1), date(2027, 2, 28)),
        (date(2027, 3, 1), date(2027, 3, 31)), (date(2027, 4, 1), date(2027, 4, 30)),
        (date(2027, 5, 1), date(2027, 5, 31))]


def test_overdue_is_the_last_twelve_months_and_one_period_before() -> None:
    months = chart_periods('overdue', date(2026, 11, 27))

    assert months[0] == (None, date(2025, 11, 30))
    assert months[1] == (date(2025, 12, 1), date(2025, 12, 31))
    assert months[-1] == (date(2026, 11, 1), date(2026, 11, 30))
    assert len(months) == 13
    assert chart_periods('overdue', date(2026, 12, 1))[-1] == (date(2026, 11, 1), date(2026, 11, 30))


def test_accounts_and_licences_per_week_and_licence_type(session: Session, sales) -> None:
    both = make_organisation(session, name='Both kinds')
    make_pool(session, both, 'managed_agent', total=100, expiry_date=MONDAY + timedelta(days=7))
    make_pool(session, both, 'on_demand', total=5, in_use=1, expiry_date=MONDAY + timedelta(days=13))
    other = make_organisation(session)
    make_pool(session, other, 'managed_agent', total=40, expiry_date=MONDAY + timedelta(days=8))
    make_pool(session, make_organisation(session), 'on_demand', total=3, in_use=0, expiry_date=TODAY)

    shown = periods(session, sales, horizon='30')

    assert [period.start for period in shown] == [MONDAY + timedelta(weeks=n) for n in range(len(shown))]
    this_week, next_week = shown[0], shown[1]
    assert (this_week.accounts, this_week.licences) == (1, 3)
    assert this_week.accounts_by_kind == {'managed_agent': 0, 'on_demand': 1}
    assert next_week.label == f'Week of {next_week.start.day} {next_week.start:%b %Y}'
    assert next_week.accounts == 2  # 'Both kinds' once, though both of its licence types renew that week
    assert next_week.accounts_by_kind == {'managed_agent': 2, 'on_demand': 1}
    assert next_week.licences_by_kind == {'managed_agent': 140, 'on_demand': 5}
    assert next_week.licences == 145
    assert all(period.accounts == 0 and period.licences == 0 for period in shown[2:])


def test_months_for_180_days(session: Session, sales) -> None:
    for n in (1, 2, 100, 180, 181):
        make_pool(session, make_organisation(session), total=10, in_use=0, expiry_date=TODAY + timedelta(days=n))

    shown = periods(session, sales, horizon='180')

    assert [period.start for period in shown] == [start for start, _ in chart_periods('180', TODAY)]
    assert sum(period.accounts for period in shown) == 4
    assert sum(period.licences for period in shown) == 40
    by_month = {period.start: period.accounts for period in shown}
    assert by_month[(TODAY + timedelta(days=100)).replace(day=1)] >= 1
    assert shown[0].label == f'{TODAY:%B %Y}'


def test_every_filter_counts_but_the_period(session: Session, sales) -> None:
    make_pool(session, make_organisation(session, region='eu'), total=10, in_use=0,
              expiry_date=TODAY + timedelta(days=3))
    make_pool(session, make_organisation(session, region='uk'), total=20, in_use=0,
              expiry_date=TODAY + timedelta(days=20))
    make_pool(session, make_organisation(session, region='uk', name='Findme'), 'on_demand', total=30, in_use=30,
              expiry_date=TODAY + timedelta(days=20))
    week = {'from': MONDAY.isoformat(), 'to': (MONDAY + timedelta(days=6)).isoformat()}

    def total(**query: str) -> int:
        return sum(period.licences for period in periods(session, sales, horizon='30', **query))

    assert total() == 60
    assert total(region='uk') == 50
    assert total(kind='on_demand') == 30
    assert total(min='90') == 30
    assert total(q='findme') == 30
    assert total(**week) == 60  # the chosen bar filters the table, not the chart
    assert total(region='eu', kind='on_demand') == 0


def test_overdue_pools_by_month_with_older_ones_together(session: Session, sales) -> None:
    long_ago = TODAY - timedelta(days=800)
    make_pool(session, make_organisation(session), total=7, in_use=0, expiry_date=long_ago)
    make_pool(session, make_organisation(session), total=9, in_use=0, expiry_date=TODAY - timedelta(days=1))

    shown = periods(session, sales, horizon='overdue')

    assert shown[0].start == long_ago and shown[0].licences == 7
    assert shown[-1].licences == 9 and shown[-1].start == (TODAY - timedelta(days=1)).replace(day=1)
    assert len(shown) == 13


def test_overdue_without_old_pools_has_no_period_before_the_twelve_months(session: Session, sales) -> None:
    make_pool(session, make_organisation(session), total=9, in_use=0, expiry_date=TODAY - timedelta(days=1))

    assert len(periods(session, sales, horizon='overdue')) == 12
