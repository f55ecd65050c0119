"""The Renewals filters: account type, licence type, free text, the period and a pending deletion."""


import pytest
from sqlmodel import Session

from dashboard.domain.renewals.pipeline import (
    RenewalsFilter,
    list_renewals,
)
from tests.domain.renewals.conftest import days, listed, names, pool
from tests.factories import make_deletion_request, make_user


@pytest.fixture
def world(session: Session) -> None:
    pool(session, 10, name='EU paid', region='eu')
    pool(session, 20, 'on_demand', name='UK trial', region='uk', plan='trial', total=10, in_use=9)
    pool(session, 30, name='US expired', region='us', subscription_end=days(-5), total=100, in_use=50)
    pool(session, 40, 'on_demand', name='EU trial ended', region='eu', plan='trial', subscription_end=days(-1),
         total=10, in_use=0)


@pytest.mark.parametrize(('query', 'expected'), [
    ({'region': 'eu'}, ['EU paid', 'EU trial ended']),
    ({'region': 'uk'}, ['UK trial']),
    ({'type': 'active'}, ['EU paid']),
    ({'type': 'trial'}, ['UK trial']),
    ({'type': 'expired'}, ['US expired', 'EU trial ended']),
    ({'kind': 'on_demand'}, ['UK trial', 'EU trial ended']),
    ({'kind': 'managed_agent'}, ['EU paid', 'US expired']),
    ({'min': '50'}, ['UK trial', 'US expired']),
    ({'max': '50'}, ['EU paid', 'US expired', 'EU trial ended']),
    ({'min': '40', 'max': '40'}, ['EU paid']),
    ({'min': '0', 'max': '100'}, ['EU paid', 'UK trial', 'US expired', 'EU trial ended']),
    ({'region': 'eu', 'kind': 'on_demand'}, ['EU trial ended']),
    ({'region': 'eu', 'type': 'active', 'kind': 'on_demand'}, []),
    ({'type': 'expired', 'min': '1', 'kind': 'managed_agent'}, ['US expired']),
])
def test_filters_narrow_the_rows_and_the_count(session: Session, sales, world, query: dict[str, str],
                                               expected: list[str]) -> None:
    assert listed(session, sales, **query) == (expected, len(expected))


def test_free_text_finds_name_serial_and_main_contact_in_any_case(session: Session, sales) -> None:
    acme = pool(session, 1, name='Acme Widgets', serial_number='SER-ACME-77')
    pool(session, 2, name='Other', serial_number='XYZ-1')
    contacted = pool(session, 3, name='Contacted')
    contact = make_user(session, contacted, 'viewer', full_name='Zelda Quist')
    contacted.main_contact_id = contact.id
    session.add(contacted)
    session.commit()
    make_user(session, acme, 'viewer', full_name='Not The Contact Quist')

    assert names(session, sales, q='WIDGETS') == ['Acme Widgets']
    assert names(session, sales, q='acme') == ['Acme Widgets']
    assert names(session, sales, q='ser-acme-7') == ['Acme Widgets']
    assert names(session, sales, q='quist') == ['Contacted']
    assert names(session, sales, q='%') == []
    assert names(session, sales, q='nothing like it') == []


def test_percent_underscore_and_backslash_are_literal(session: Session, sales) -> None:
    pool(session, 1, name='Half_Full 100% Ltd')
    pool(session, 2, name='Half Full 1000 Ltd')
    pool(session, 3, name='Back\\slash AG')

    assert names(session, sales, q='f_f') == ['Half_Full 100% Ltd']
    assert names(session, sales, q='100%') == ['Half_Full 100% Ltd']
    assert names(session, sales, q='\\s') == ['Back\\slash AG']
    assert names(session, sales, q='half') == ['Half_Full 100% Ltd', 'Half Full 1000 Ltd']


def test_the_period_narrows_the_horizon(session: Session, sales) -> None:
    for n in (1, 8, 15, 100):
        pool(session, n, name=f'in {n}')

    assert names(session, sales, **{'from': days(5).isoformat(), 'to': days(15).isoformat()}) == ['in 8', 'in 15']
    assert names(session, sales, horizon='180', **{'from': days(90).isoformat(), 'to': days(120).isoformat()}) == [
        'in 100']
    # A period reaching past the horizon still holds only what the horizon does.
    assert names(session, sales, horizon='30', **{'from': days(0).isoformat(), 'to': days(40).isoformat()}) == [
        'in 1', 'in 8', 'in 15']


def test_a_period_outside_the_horizon_is_ignored_and_named(session: Session, sales) -> None:
    pool(session, 10, name='soon')
    renewals_filter = RenewalsFilter.from_query({'horizon': '30', 'from': days(60).isoformat(),
                                                 'to': days(66).isoformat()})

    assert renewals_filter.errors and 'not inside' in renewals_filter.errors[0]
    assert not renewals_filter.has_period
    assert list_renewals(session=session, actor=sales, renewals_filter=renewals_filter)[1] == 1


def test_deletion_pending_only_while_a_request_is_open(session: Session, sales) -> None:
    for status in ('pending', 'in_progress', 'withdrawn', 'completed'):
        make_deletion_request(session, pool(session, 1, name=status), status)
    pool(session, 1, name='never asked')

    rows, _ = list_renewals(session=session, actor=sales, renewals_filter=RenewalsFilter(sort='name'))

    assert {row.name: row.deletion_pending for row in rows} == {
        'completed': False, 'in_progress': True, 'never asked': False, 'pending': True, 'withdrawn': False}
