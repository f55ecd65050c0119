import asyncio
import csv
import io
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from nicegui import ui
from nicegui.testing import User

from dashboard.domain import clock
from dashboard.domain.renewals.pipeline import RenewalsFilter
from dashboard.ui.backoffice.renewals_export import export_filename
from tests.factories import make_organisation, make_pool
from tests.ui.conftest import log_in

TODAY = clock.today()


@pytest.fixture
def renewals(session, acme) -> None:
    """Acme (EU): Managed Agent licences expiring in 12 days, On-demand 3 days overdue; Brit (UK) in 40 days."""
    brit = make_organisation(session, name='Brit Bakeries Ltd', serial_number='BRIT-0002', region='uk')
    make_pool(session, brit, 'managed_agent', total=40, in_use=10, expiry_date=TODAY + timedelta(days=40))


@pytest.fixture
def addresses(user: User, monkeypatch) -> list[str]:
    """The addresses the page put into the browser's address bar."""
    replaced: list[str] = []
    monkeypatch.setattr(user.navigate.history, 'replace', replaced.append)
    return replaced


def table(user: User) -> ui.table:
    element = user.find(marker='renewals').elements.pop()
    assert isinstance(element, ui.table)
    return element


def shown(user: User, column: str = 'name') -> list[str]:
    return [row[column] for row in table(user).rows]


async def names_once(user: User, expected: list[str], column: str = 'name', retries: int = 50) -> None:
    """Waits for the table to show these accounts (or values of `column`): a filter is applied by the server a moment
    after the input."""
    for _ in range(retries):
        if shown(user, column) == expected:
            return
        await asyncio.sleep(0.1)
    assert shown(user, column) == expected


async def test_a_sales_rep_sees_the_pools_expiring_in_90_days(user: User, vendor, renewals) -> None:
    await log_in(user, vendor.sales)
    await user.open('/vendor/renewals')
    await user.should_see('2 licence pools expiring in the next 90 days')
    rows = table(user).rows
    assert [(row['name'], row['kind'], row['days_left'], row['days_class']) for row in rows] == [
        ('Acme Widgets GmbH', 'Managed Agent', '12 days', 'days-warning'),
        ('Brit Bakeries Ltd', 'Managed Agent', '40 days', 'days-ok')]
    assert {key: rows[0][key] for key in ('serial', 'account_type', 'region', 'licences', 'utilisation',
                                          'deletion', 'contact')} == {
        'serial': 'ACME-0001', 'account_type': 'Active', 'region': 'EU/EEA (Germany West Central)',
        'licences': '128 / 150', 'utilisation': '85 %', 'deletion': False, 'contact': ''}
    assert rows[0]['href'] == f'/vendor/organisations/{rows[0]["organisation_id"]}'
    await user.should_see('Upcoming renewals per week')


async def test_the_admin_team_sees_overdue_pools_most_recent_first(user: User, vendor, renewals) -> None:
    await log_in(user, vendor.admin)
    await user.open('/vendor/renewals?horizon=overdue')
    await user.should_see('1 licence pool overdue')
    assert shown(user, 'days_left') == ['3 days ago']
    assert table(user).rows[0]['days_class'] == 'days-expired'


async def test_filter_by_region_narrows_the_rows_and_goes_into_the_url(user: User, vendor, renewals,
                                                                       addresses) -> None:
    await log_in(user, vendor.sales)
    await user.open('/vendor/renewals')
    user.find('region').click()
    user.find('United Kingdom (UK South)').click()
    await names_once(user, ['Brit Bakeries Ltd'])
    assert addresses[-1] == '/vendor/renewals?region=uk'

    await user.open(addresses[-1])
    assert shown(user) == ['Brit Bakeries Ltd']
    await user.should_see('1 licence pool expiring in the next 90 days')


async def test_free_text_and_horizon(user: User, vendor, renewals, addresses) -> None:
    await log_in(user, vendor.sales)
    await user.open('/vendor/renewals')
    user.find(marker='search').type('acme')
    await names_once(user, ['Acme Widgets GmbH'])
    assert addresses[-1] == '/vendor/renewals?q=acme'


async def test_a_shared_link_with_bad_values_opens_and_says_what_it_ignored(user: User, vendor, renewals) -> None:
    await log_in(user, vendor.sales)
    await user.open('/vendor/renewals?region=mars&horizon=30&min=150')
    await user.should_see('"mars" is not a region')
    await user.should_see('"150" is not a utilisation')
    assert shown(user) == ['Acme Widgets GmbH']


async def test_nothing_matching_says_so(user: User, vendor, renewals) -> None:
    await log_in(user, vendor.sales)
    await user.open('/vendor/renewals?horizon=30&region=us')
    await user.should_see('0 licence pools expiring in the next 30 days')
    await user.should_see('No renewals in this horizon with these filters.')
    assert shown(user) == []
    assert table(user).props['no-data-label'] == 'No licence pools expire in the next 30 days with these filters.'


async def test_a_customer_is_refused(user: User, acme, renewals) -> None:
    await log_in(user, acme.emails['global_admin'])
    await user.open('/vendor/renewals')
    await user.should_see('This page is for the vendor\'s staff')
    await user.should_not_see('Export CSV')
    await user.should_not_see(marker='renewals')
    response = await user.http_client.get('/vendor/renewals.csv')
    assert response.status_code == 403


async def test_export_csv_downloads_exactly_the_filtered_rows(user: User, vendor, renewals) -> None:
    await log_in(user, vendor.sales)
    await user.open('/vendor/renewals?region=eu&horizon=180&size=10')
    user.find(marker='export').click()
    response = await user.download.next()

    assert response.status_code == 200
    assert response.headers['content-disposition'] == \
        f'attachment; filename="renewals-180-days-eu-{TODAY.isoformat()}.csv"'
    assert response.text.startswith('\ufeff')
    table_rows = list(csv.reader(io.StringIO(response.text.removeprefix('\ufeff'))))
    assert table_rows[0][:3] == ['Account name', 'Serial number', 'Account type']
    assert [row[:2] for row in table_rows[1:]] == [['Acme Widgets GmbH', 'ACME-0001']]


async def test_the_export_route_refuses_bad_values_and_strangers(user: User, vendor, renewals) -> None:
    assert (await user.http_client.get('/vendor/renewals.csv')).status_code == 401
    await log_in(user, vendor.sales)
    response = await user.http_client.get('/vendor/renewals.csv?horizon=45')
    assert response.status_code == 400
    assert '"45" is not a renewal horizon' in response.json()['detail']


async def test_an_admins_change_shows_on_an_open_renewals_page_without_a_reload(
        create_user: Callable[[], User], vendor, acme, renewals) -> None:
    sales, admin = create_user(), create_user()
    await log_in(sales, vendor.sales)
    await sales.open('/vendor/renewals')
    await sales.should_see('2 licence pools expiring in the next 90 days')
    assert shown(sales, 'licences') == ['128 / 150', '10 / 40']

    await log_in(admin, vendor.admin)
    await admin.open(f'/vendor/organisations/{acme.organisation.id}')
    admin.find(marker='change-total-managed_agent').click()
    await admin.should_see(marker='total')
    admin.find(marker='total').clear().type('205')
    admin.find(marker='save').click()
    await admin.should_see('Managed Agent total changed from 150 to 205.', retries=50)

    await names_once(sales, ['128 / 205', '10 / 40'], column='licences', retries=40)  # the page was not reopened
    assert shown(sales, 'utilisation') == ['62 %', '25 %']


async def test_clicking_a_bar_lists_that_week_until_its_chip_is_removed(user: User, vendor, renewals,
                                                                       addresses) -> None:
    await log_in(user, vendor.sales)
    await user.open('/vendor/renewals')
    await user.should_see(marker='renewals-chart', retries=50)  # drawn after the page, slower on a busy machine
    monday = TODAY + timedelta(days=40) - timedelta(days=(TODAY + timedelta(days=40)).weekday())
    week = [monday.isoformat(), (monday + timedelta(days=6)).isoformat()]

    user.find(marker='renewals-chart').trigger('plotly_click', week)  # what the browser sends for Brit's bar

    await names_once(user, ['Brit Bakeries Ltd'])
    await user.should_see(f'Week of {monday.day} {monday:%b %Y}')
    assert addresses[-1] == f'/vendor/renewals?from={week[0]}&to={week[1]}'
    chip = user.find(marker='period').elements.pop()
    assert isinstance(chip, ui.chip)
    chip.set_value(False)  # its ×
    await names_once(user, ['Acme Widgets GmbH', 'Brit Bakeries Ltd'])
    assert addresses[-1] == '/vendor/renewals'


@pytest.mark.parametrize('forged', [['9999-12-01', '9999-12-31'], ['2020-01-01', '2020-01-31'], ['x', 'y'],
                                    [TODAY.isoformat()], {'a': 1}, None])
async def test_a_forged_chart_click_outside_the_horizon_changes_nothing(user: User, vendor, renewals, addresses,
                                                                        forged: object) -> None:
    await log_in(user, vendor.sales)
    await user.open('/vendor/renewals')
    await user.should_see(marker='renewals-chart', retries=50)  # drawn after the page, slower on a busy machine
    before = list(addresses)

    user.find(marker='renewals-chart').trigger('plotly_click', forged)
    await asyncio.sleep(0.2)

    assert addresses == before
    assert shown(user) == ['Acme Widgets GmbH', 'Brit Bakeries Ltd']


async def test_clicking_a_row_opens_the_organisation_and_forged_events_change_nothing(user: User, vendor,
                                                                                      renewals) -> None:
    await log_in(user, vendor.sales)
    await user.open('/vendor/renewals')
    renewals_table = user.find(marker='renewals')
    renewals_table.trigger('request', {'pagination': 'everything'})
    renewals_table.trigger('rowClick', [{}, {'organisation_id': 'DROP TABLE'}, None])
    await asyncio.sleep(0.2)
    assert shown(user) == ['Acme Widgets GmbH', 'Brit Bakeries Ltd']

    organisation_id = table(user).rows[1]['organisation_id']
    renewals_table.trigger('rowClick', [{}, {'organisation_id': organisation_id}, None])
    await user.should_see('Brit Bakeries Ltd', retries=50)
    await user.should_not_see(marker='renewals', retries=50)


async def test_forged_table_requests_change_nothing_and_the_address_shows_the_page_shown(
        user: User, vendor, renewals, addresses, caplog) -> None:
    await log_in(user, vendor.sales)
    await user.open('/vendor/renewals')
    renewals_table = user.find(marker='renewals')
    for pagination in ('everything', {'page': 'x'}, {'page': [2]}, {'page': 1.5}):
        renewals_table.trigger('request', {'pagination': pagination})
    renewals_table.trigger('request', {'pagination': {'page': 1, 'rowsPerPage': 7, 'sortBy': ['name'],
                                                      'descending': 'yes'}})
    await asyncio.sleep(0.3)
    assert shown(user) == ['Acme Widgets GmbH', 'Brit Bakeries Ltd']  # in the natural order, 25 a page
    assert addresses == ['/vendor/renewals']  # the last, read as page 1 in the natural order

    renewals_table.trigger('request', {'pagination': {'page': 10**19, 'rowsPerPage': 10, 'sortBy': 'name',
                                                      'descending': True}})
    await names_once(user, ['Brit Bakeries Ltd', 'Acme Widgets GmbH'])
    assert addresses[-1] == '/vendor/renewals?sort=name&desc=1&size=10'  # the last page, the one shown: page 1
    assert [record.getMessage() for record in caplog.records if record.levelname == 'ERROR'] == []


def test_the_export_file_is_named_after_what_was_exported() -> None:
    today = date(2026, 11, 27)

    def name(**query: str) -> str:
        return export_filename(RenewalsFilter.from_query(query, today=today), today)

    assert name() == 'renewals-90-days-2026-11-27.csv'
    assert name(horizon='30', region='uk') == 'renewals-30-days-uk-2026-11-27.csv'
    assert name(horizon='overdue', type='trial', kind='managed_agent', q='Acme "Widgets"/..') == \
        'renewals-overdue-trial-managed-agent-2026-11-27.csv'
    assert name(horizon='180', **{'from': '2026-12-01', 'to': '2026-12-31'}) == \
        'renewals-180-days-2026-12-01-to-2026-12-31-2026-11-27.csv'


async def test_next_month_lists_the_next_calendar_months_renewals(user: User, vendor, session, addresses) -> None:
    start = RenewalsFilter().next_month(TODAY).period_start
    assert start is not None
    inside = make_organisation(session, name='Inside Ltd')
    make_pool(session, inside, expiry_date=start + timedelta(days=3))
    before = make_organisation(session, name='Before Ltd')
    make_pool(session, before, expiry_date=start - timedelta(days=1))
    await log_in(user, vendor.sales)
    await user.open('/vendor/renewals')
    await names_once(user, ['Before Ltd', 'Inside Ltd'])
    user.find(marker='next-month').click()
    await names_once(user, ['Inside Ltd'])
    await user.should_see(f'1 licence pool expiring in {start:%B %Y}')
    assert f'from={start.isoformat()}' in addresses[-1]
