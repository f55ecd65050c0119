"""The Renewals page's domain: which pools each horizon and filter holds, their order and paging, the CSV export and
who may read them. The URL filter is tested in test_renewals_filter.py, the chart in test_renewals_periods.py."""

import csv
import io
from datetime import date, timedelta

import pytest
from sqlmodel import Session

from dashboard.domain import clock
from dashboard.domain.errors import PermissionDenied
from dashboard.domain.organisations.account_types import AccountType
from dashboard.domain.renewals.pipeline import (
    CSV_HEADER,
    RenewalsFilter,
    export_renewals_csv,
    list_renewals,
    renewals_by_period,
)
from dashboard.ui.format import renewal_row
from tests.factories import actor, make_deletion_request, make_organisation, make_pool, make_user

TODAY = clock.today()


def days(n: int) -> date:
    return TODAY + timedelta(days=n)


@pytest.fixture
def sales(session: Session):
    return actor(make_user(session, None, 'sales'))


def pool(session: Session, expires_in: int, kind: str = 'managed_agent', *, name: str | None = None,
         total: int = 50, in_use: int = 20, **organisation):
    """An organisation with one pool expiring in `expires_in` days (negative: that many days ago)."""
    organisation = make_organisation(session, **({'name': name} if name else {}), **organisation)
    make_pool(session, organisation, kind, total=total, in_use=in_use, expiry_date=days(expires_in))
    return organisation


def listed(session: Session, who, **query: str) -> tuple[list[str], int]:
    """The account names of the rows shown for this URL query, in order, and the filtered count."""
    rows, count = list_renewals(session=session, actor=who, renewals_filter=RenewalsFilter.from_query(query))
    return [row.name for row in rows], count


def names(session: Session, who, **query: str) -> list[str]:
    return listed(session, who, **query)[0]


def exported(session: Session, who, batch_size: int = 5000, **query: str) -> tuple[list[str], list[list[str]]]:
    chunks = list(export_renewals_csv(session=session, actor=who, renewals_filter=RenewalsFilter.from_query(query),
                                      batch_size=batch_size))
    return chunks, list(csv.reader(io.StringIO(''.join(chunks))))


# horizons


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


# filters


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


# sorting and paging


@pytest.fixture
def sortable(session: Session) -> None:
    for n, (name, region, total, in_use, plan) in enumerate([
            ('bravo', 'us', 10, 1, 'paid'), ('Alpha', 'uk', 30, 30, 'trial'), ('charlie', 'eu', 20, 10, 'paid')]):
        pool(session, 10 + n, name=name, region=region, total=total, in_use=in_use, plan=plan)


@pytest.mark.parametrize(('sort', 'descending', 'expected'), [
    ('expiry', '', ['bravo', 'Alpha', 'charlie']),
    ('expiry', '1', ['charlie', 'Alpha', 'bravo']),
    ('days_left', '1', ['charlie', 'Alpha', 'bravo']),
    ('name', '', ['Alpha', 'bravo', 'charlie']),
    ('name', '1', ['charlie', 'bravo', 'Alpha']),
    ('region', '', ['charlie', 'Alpha', 'bravo']),
    ('licences', '1', ['Alpha', 'charlie', 'bravo']),
    ('utilisation', '', ['bravo', 'charlie', 'Alpha']),
    ('account_type', '', ['bravo', 'charlie', 'Alpha']),
    ('serial', '1', ['charlie', 'Alpha', 'bravo']),
    ('kind', '', ['bravo', 'Alpha', 'charlie']),
    ('deletion', '', ['bravo', 'Alpha', 'charlie']),
])
def test_sort_by_column(session: Session, sales, sortable, sort: str, descending: str, expected: list[str]) -> None:
    assert names(session, sales, sort=sort, **({'desc': descending} if descending else {})) == expected


def test_overdue_pools_are_most_recently_expired_first(session: Session, sales) -> None:
    for n in (-30, -1, -7):
        pool(session, n, name=f'{-n} days ago')

    assert names(session, sales, horizon='overdue') == ['1 days ago', '7 days ago', '30 days ago']
    assert names(session, sales, horizon='overdue', desc='0') == ['30 days ago', '7 days ago', '1 days ago']


def test_accounts_without_a_main_contact_sort_last_either_way(session: Session, sales) -> None:
    for name, contact in (('no contact', None), ('with Bea', 'Bea'), ('with Al', 'al')):
        organisation = pool(session, 5, name=name)
        if contact:
            organisation.main_contact_id = make_user(session, organisation, full_name=contact).id
            session.add(organisation)
            session.commit()

    assert names(session, sales, sort='contact') == ['with Al', 'with Bea', 'no contact']
    assert names(session, sales, sort='contact', desc='1') == ['with Bea', 'with Al', 'no contact']


def test_paging_is_done_by_the_database_and_counts_every_match(session: Session, sales) -> None:
    for n in range(23):
        pool(session, n % 7, name=f'org {n:02d}')

    pages = [listed(session, sales, size='10', page=str(page), sort='name') for page in (1, 2, 3)]

    assert [len(rows) for rows, _ in pages] == [10, 10, 3]
    assert {count for _, count in pages} == {23}
    assert [name for rows, _ in pages for name in rows] == [f'org {n:02d}' for n in range(23)]


def test_paging_by_expiry_neither_skips_nor_repeats_rows_on_the_same_day(session: Session, sales) -> None:
    for n in range(12):
        pool(session, 3, name=f'same day {n}')

    pages = [names(session, sales, size='10', page=str(page)) for page in (1, 2)]

    assert sorted(pages[0] + pages[1]) == sorted(f'same day {n}' for n in range(12))


def test_a_page_past_the_end_is_empty_but_counted(session: Session, sales) -> None:
    for n in range(3):
        pool(session, n)

    assert listed(session, sales, page='5', size='10') == ([], 3)


# export_renewals_csv


def test_export_gives_a_header_and_every_column(session: Session, sales) -> None:
    organisation = pool(session, 9, 'on_demand', name='Comma, "Quoted" Ltd', serial_number='S-1', region='us',
                        total=4, in_use=1)
    make_deletion_request(session, organisation)

    _, table = exported(session, sales)

    assert table == [CSV_HEADER, ['Comma, "Quoted" Ltd', 'S-1', 'Active', 'United States (US East)', 'On-demand',
                                  days(9).isoformat(), '9', '1', '4', '25', 'Yes', '']]


def test_export_of_nothing_is_the_header_alone(session: Session, sales) -> None:
    assert exported(session, sales)[1] == [CSV_HEADER]


def test_export_is_exactly_the_filtered_rows_in_order_across_pages(session: Session, sales) -> None:
    for n in range(30):
        pool(session, n, 'on_demand' if n % 3 else 'managed_agent', name=f'org {n:02d}',
             region='eu' if n % 2 else 'us', total=10, in_use=n % 10)
    query = {'region': 'eu', 'sort': 'utilisation', 'desc': '1', 'page': '2', 'size': '10'}

    chunks, table = exported(session, sales, batch_size=4, **query)

    shown = [name for page in (1, 2) for name in names(session, sales, **{**query, 'page': str(page)})]
    assert [row[0] for row in table[1:]] == shown
    assert len(shown) == 15
    assert len(chunks) >= 4


# who may read them


@pytest.mark.parametrize('role', ['global_admin', 'billing_admin', 'viewer', 'user'])
def test_customers_are_refused_by_every_function(session: Session, role: str) -> None:
    organisation = pool(session, 3)
    customer = actor(make_user(session, organisation, role))
    renewals_filter = RenewalsFilter()

    with pytest.raises(PermissionDenied):
        list_renewals(session=session, actor=customer, renewals_filter=renewals_filter)
    with pytest.raises(PermissionDenied):
        export_renewals_csv(session=session, actor=customer, renewals_filter=renewals_filter)
    with pytest.raises(PermissionDenied):
        renewals_by_period(session=session, actor=customer, renewals_filter=renewals_filter)


@pytest.mark.parametrize('role', ['sales', 'vendor_admin'])
def test_vendor_staff_may_read_every_organisations_renewals(session: Session, role: str) -> None:
    pool(session, 3, name='one')
    pool(session, 4, name='two')
    staff = actor(make_user(session, None, role))

    assert listed(session, staff) == (['one', 'two'], 2)
    assert len(exported(session, staff)[1]) == 3
    assert sum(period.accounts for period in renewals_by_period(session=session, actor=staff,
                                                               renewals_filter=RenewalsFilter())) == 2
