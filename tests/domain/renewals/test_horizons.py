"""Which pools each Renewals horizon holds, and a row as the table shows it."""


import pytest
from sqlmodel import Session

from dashboard.domain.organisations.account_types import AccountType
from dashboard.domain.renewals.pipeline import (
    RenewalsFilter,
    list_renewals,
)
from dashboard.ui.format import renewal_row
from tests.domain.renewals.conftest import days, listed, names, pool
from tests.factories import make_deletion_request, make_organisation, make_pool, make_user


@pytest.fixture
def boundaries(session: Session) -> None:
    for n in (-400, -1, 0, 30, 31, 60, 61, 90, 91, 180, 181):
        pool(session, n, name=f'in {n}')


@pytest.mark.parametrize(('horizon', 'expected'), [
    ('overdue', ['in -1', 'in -400']),
    ('30', ['in 0', 'in 30']),
    ('60', ['in 0', 'in 30', 'in 31', 'in 60']),
    ('90', ['in 0', 'in 30', 'in 31', 'in 60', 'in 61', 'in 90']),
    ('180', ['in 0', 'in 30', 'in 31', 'in 60', 'in 61', 'in 90', 'in 91', 'in 180']),
])
def test_each_horizon_holds_today_to_its_last_day(session: Session, sales, boundaries, horizon: str,
                                                  expected: list[str]) -> None:
    assert listed(session, sales, horizon=horizon) == (expected, len(expected))


def test_the_default_horizon_is_90_days(session: Session, sales, boundaries) -> None:
    assert names(session, sales) == names(session, sales, horizon='90')


def test_a_row_has_every_column(session: Session, sales) -> None:
    organisation = make_organisation(session, name='Acme Ltd', serial_number='ACME-1', region='uk', plan='trial',
                                     subscription_end=days(40))
    contact = make_user(session, organisation, 'global_admin', full_name='Carol Contact')
    organisation.main_contact_id = contact.id
    session.add(organisation)
    session.commit()
    make_pool(session, organisation, 'on_demand', total=8, in_use=7, expiry_date=days(12))
    make_deletion_request(session, organisation)

    [row], count = list_renewals(session=session, actor=sales, renewals_filter=RenewalsFilter())

    assert count == 1
    assert (row.organisation_id, row.name, row.serial_number, row.account_type, row.region, row.kind,
            row.expiry_date, row.days_left, row.in_use, row.total, row.utilisation, row.deletion_pending,
            row.main_contact) == (organisation.id, 'Acme Ltd', 'ACME-1', AccountType.TRIAL, 'uk', 'on_demand', days(12),
                                  12, 7, 8, 88, True, 'Carol Contact')
    shown = renewal_row(row)
    assert {key: shown[key] for key in ('name', 'serial', 'account_type', 'region', 'kind', 'days_left',
                                        'days_class', 'licences', 'utilisation', 'deletion', 'contact')} == {
        'name': 'Acme Ltd', 'serial': 'ACME-1', 'account_type': 'Trial', 'region': 'United Kingdom (UK South)',
        'kind': 'On-demand', 'days_left': '12 days', 'days_class': 'days-warning', 'licences': '7 / 8',
        'utilisation': '88 %', 'deletion': True, 'contact': 'Carol Contact'}
    assert shown['expiry'] == f'{days(12).day} {days(12):%b %Y}'


@pytest.mark.parametrize(('expires_in', 'text', 'highlight'), [
    (-3, '3 days ago', 'days-expired'), (-1, '1 day ago', 'days-expired'), (0, 'Today', 'days-warning'),
    (1, '1 day', 'days-warning'), (30, '30 days', 'days-warning'), (31, '31 days', 'days-ok')])
def test_days_left_are_highlighted_within_30_days_and_when_overdue(session: Session, sales, expires_in: int,
                                                                   text: str, highlight: str) -> None:
    pool(session, expires_in)
    horizon = 'overdue' if expires_in < 0 else '90'
    [row], _ = list_renewals(session=session, actor=sales, renewals_filter=RenewalsFilter(horizon=horizon))

    assert row.days_left == expires_in
    assert (renewal_row(row)['days_left'], renewal_row(row)['days_class']) == (text, highlight)


def test_each_pool_of_an_organisation_is_a_row(session: Session, sales) -> None:
    organisation = pool(session, 5, name='Both kinds')
    make_pool(session, organisation, 'on_demand', expiry_date=days(7))

    rows, count = list_renewals(session=session, actor=sales, renewals_filter=RenewalsFilter())

    assert [(row.name, row.kind) for row in rows] == [('Both kinds', 'managed_agent'), ('Both kinds', 'on_demand')]
    assert count == 2


def test_utilisation_is_rounded_half_up_and_zero_without_licences(session: Session, sales) -> None:
    pool(session, 1, name='two thirds', total=3, in_use=2)
    pool(session, 2, name='half a percent', total=200, in_use=1)
    pool(session, 3, name='none', total=0, in_use=0)

    rows, _ = list_renewals(session=session, actor=sales, renewals_filter=RenewalsFilter())

    assert [(row.name, row.utilisation) for row in rows] == [('two thirds', 67), ('half a percent', 1), ('none', 0)]
