"""The back office's Organisations list and organisation page, as vendor staff and customers meet them."""

import asyncio
from collections.abc import Callable
from datetime import timedelta

from nicegui import ui
from nicegui.testing import User
from sqlmodel import select

from dashboard.domain import clock
from dashboard.domain.formatting import format_date
from dashboard.domain.models import LicenceHistory, LicencePool, Organisation
from tests.factories import make_deletion_request, make_licence_request, make_organisation
from tests.ui.conftest import log_in


async def test_vendor_staff_land_on_renewals_with_the_back_office_menu(user: User, vendor) -> None:
    await log_in(user, vendor.sales)
    await user.should_see('Back office')
    for entry in ('Renewals', 'Usage overview', 'Organisations'):
        await user.should_see(entry)
    await user.should_not_see('Billing')


async def test_the_list_searches_and_keeps_the_search_in_the_link(user: User, vendor, acme, session) -> None:
    make_organisation(session, name='Kestrel Pharma AG', serial_number='KPA-1', region='us')
    await log_in(user, vendor.sales)
    await user.open('/vendor/organisations')
    assert [row['name'] for row in shown_rows(user)] == ['Acme Widgets GmbH', 'Kestrel Pharma AG']
    assert shown_rows(user)[0]['managed_agent'] == '128 / 150'
    user.find(marker='search').type('kestrel')
    await rows_once(user, lambda rows: [row['name'] for row in rows] == ['Kestrel Pharma AG'])
    await user.open('/vendor/organisations?q=acme')
    assert [row['name'] for row in shown_rows(user)] == ['Acme Widgets GmbH']
    await user.open('/vendor/organisations?region=us')
    assert [row['name'] for row in shown_rows(user)] == ['Kestrel Pharma AG']


async def test_a_bad_link_says_what_it_ignored(user: User, vendor, acme) -> None:
    await log_in(user, vendor.sales)
    await user.open('/vendor/organisations?region=mars')
    await user.should_see('Ignored in the link: "mars" is not a region (eu, uk or us).')
    assert [row['name'] for row in shown_rows(user)] == ['Acme Widgets GmbH']


async def test_an_empty_result_says_so(user: User, vendor, acme) -> None:
    await log_in(user, vendor.sales)
    await user.open('/vendor/organisations?q=nothing-like-this')
    assert shown_rows(user) == []
    table = user.find(marker='organisations').elements.pop()
    assert 'No organisation matches these filters.' in table.props['no-data-label']


def shown_rows(user: User) -> list[dict]:
    table = user.find(marker='organisations').elements.pop()
    assert isinstance(table, ui.table)
    return table.rows


async def rows_once(user: User, condition) -> list[dict]:
    for _ in range(50):
        rows = shown_rows(user)
        if condition(rows):
            return rows
        await asyncio.sleep(0.1)
    raise AssertionError(f'the table never showed the expected rows; it shows {rows}')


async def test_customers_are_refused_the_back_office_whatever_url_they_type(user: User, acme) -> None:
    await log_in(user, acme.emails['global_admin'])
    for path in ('/vendor/organisations', f'/vendor/organisations/{acme.organisation.id}', '/vendor/renewals',
                 '/vendor/overview'):
        await user.open(path)
        await user.should_see('This page is for the vendor\'s staff')
        await user.should_not_see('ACME-0001')
        await user.should_not_see('Admin Team')


async def test_signed_out_visitors_are_sent_to_log_in(user: User) -> None:
    await user.open('/vendor/organisations/1')
    await user.should_see('Log in')


async def test_sales_sees_the_billing_view_and_requests_but_no_admin_actions(user: User, vendor, acme,
                                                                            session) -> None:
    make_deletion_request(session, acme.organisation, requested_by_name='Greta Global')
    make_licence_request(session, acme.organisation, quantity=40, message='New branch in Graz')
    await log_in(user, vendor.sales)
    await user.open(f'/vendor/organisations/{acme.organisation.id}')
    for text in ('Acme Widgets GmbH', 'Licence details', 'Licence history', 'Total Managed Agent licences',
                 '128 of 150 in use', 'Deletion requested', '40 Managed Agent licences', '“New branch in Graz”',
                 'Read-only: licences and plans are changed by the Admin Team.'):
        await user.should_see(text)
    await user.should_not_see('Change total')
    await user.should_not_see('Request deletion of this account')


async def test_an_unknown_organisation_is_named(user: User, vendor) -> None:
    await log_in(user, vendor.sales)
    await user.open('/vendor/organisations/9999')
    await user.should_see('There is no organisation "9999".')
    await user.open('/vendor/organisations/abc')
    await user.should_see('There is no organisation "abc".')


async def test_an_admin_raises_a_total_and_the_history_shows_it(user: User, vendor, acme, db) -> None:
    await log_in(user, vendor.admin)
    await user.open(f'/vendor/organisations/{acme.organisation.id}')
    user.find(marker='change-total-managed_agent').click()
    await user.should_see('128 of 150 licences are in use; the total cannot go below that.')
    user.find(marker='total').clear().type('175')
    user.find(marker='note').type('Order PO-7')
    user.find(marker='save').click()
    await user.should_see('Managed Agent total changed from 150 to 175.', retries=50)
    await user.should_see('128 of 175 in use')
    with db.session() as session:
        row = session.exec(select(LicenceHistory)).one()
        assert (row.actor, row.old_value, row.new_value, row.note, row.by_vendor) == (
            'Ada Admin', '150', '175', 'Order PO-7', True)


async def test_a_refused_total_stays_in_the_dialog_and_changes_nothing(user: User, vendor, acme, db) -> None:
    await log_in(user, vendor.admin)
    await user.open(f'/vendor/organisations/{acme.organisation.id}')
    user.find(marker='change-total-managed_agent').click()
    await user.should_see(marker='total')
    user.find(marker='total').clear().type('100')
    user.find(marker='save').click()
    await user.should_see('128 Managed Agent licences are in use: the total cannot go below that.', retries=50)
    await user.should_see('Save total')  # still open, to correct the figure
    with db.session() as session:
        assert session.exec(select(LicencePool.total).where(LicencePool.kind == 'managed_agent')).one() == 150
        assert session.exec(select(LicenceHistory)).all() == []


async def test_a_bad_expiry_date_is_refused_in_the_dialog(user: User, vendor, acme, db) -> None:
    await log_in(user, vendor.admin)
    await user.open(f'/vendor/organisations/{acme.organisation.id}')
    user.find(marker='change-expiry-on_demand').click()
    await user.should_see(marker='expiry')
    user.find(marker='expiry').clear()
    user.find(marker='save').click()
    await user.should_see('Give the expiry date as YYYY-MM-DD, e.g. 2027-03-31.', retries=50)
    with db.session() as session:
        assert session.exec(select(LicenceHistory)).all() == []


async def test_an_admin_adds_a_missing_pool(user: User, vendor, session, db) -> None:
    organisation = make_organisation(session, name='Poolless Ltd')
    await log_in(user, vendor.admin)
    await user.open(f'/vendor/organisations/{organisation.id}')
    user.find(marker='add-on_demand').click()
    await user.should_see(marker='total')
    user.find(marker='total').type('8')
    user.find(marker='save').click()
    await user.should_see(f'8 On-demand licences added, expiring on {format_date(organisation.subscription_end)}.',
                          retries=50)
    await user.should_see('0 of 8 in use')


async def test_an_admin_converts_a_trial(user: User, vendor, session, db) -> None:
    trial = make_organisation(session, name='Trial Co', plan='trial', subscription_end=clock.today())
    end = clock.today() + timedelta(days=365)
    await log_in(user, vendor.admin)
    await user.open(f'/vendor/organisations/{trial.id}')
    user.find(marker='convert').click()
    await user.should_see('The trial runs until')
    user.find(marker='save').click()
    await user.should_see(f'Trial Co is now a paid account until {format_date(end)}.', retries=50)
    with db.session() as check:
        assert check.get(Organisation, trial.id).plan == 'paid'
    await user.should_not_see('Convert to paid')


async def test_a_customers_open_billing_page_shows_an_admins_change_without_a_reload(
        create_user: Callable[[], User], vendor, acme) -> None:
    customer, admin = create_user(), create_user()
    await log_in(customer, acme.emails['viewer'])
    await customer.should_see('128 of 150 in use')
    await log_in(admin, vendor.admin)
    await admin.open(f'/vendor/organisations/{acme.organisation.id}')
    admin.find(marker='change-total-managed_agent').click()
    await admin.should_see(marker='total')
    admin.find(marker='total').clear().type('205')
    admin.find(marker='save').click()
    await admin.should_see('Managed Agent total changed from 150 to 205.', retries=50)
    await customer.should_see('128 of 205 in use', retries=40)
    await customer.should_see('77')  # available


async def test_vendor_staff_on_the_customer_billing_url_are_pointed_to_the_back_office(user: User, vendor) -> None:
    await log_in(user, vendor.admin)
    await user.open('/account/billing')
    await user.should_see('Vendor staff see every organisation\'s Billing view in the back office.')
    user.find('Go to Renewals').click()
    await user.should_see(marker='renewals')


async def test_forged_table_events_change_nothing_and_the_link_shows_the_page_shown(user: User, vendor, session,
                                                                                   caplog, monkeypatch) -> None:
    for number in range(12):
        make_organisation(session, name=f'Org {number:02}', serial_number=f'ORG-{number:02}')
    addresses: list[str] = []
    monkeypatch.setattr(user.navigate.history, 'replace', addresses.append)
    await log_in(user, vendor.sales)
    await user.open('/vendor/organisations?size=10')
    first_page = [row['name'] for row in shown_rows(user)]
    assert first_page == [f'Org {number:02}' for number in range(10)]
    table = user.find(marker='organisations')
    for pagination in ('everything', {'page': 'x', 'rowsPerPage': 10}, {'page': None}, {'page': True}):
        table.trigger('request', {'pagination': pagination})
    for row in ({'id': 'DROP TABLE'}, {'id': 10**30}, {}, 'a row'):
        table.trigger('rowClick', [{}, row, 0])
    table.trigger('rowClick', 'no row at all')
    await asyncio.sleep(0.3)
    assert [row['name'] for row in shown_rows(user)] == first_page
    assert addresses == []
    assert user.back_history[-1] == '/vendor/organisations?size=10'

    table.trigger('request', {'pagination': {'page': 10**19, 'rowsPerPage': 10, 'sortBy': ['name'],
                                             'descending': 'yes'}})
    await rows_once(user, lambda rows: [row['name'] for row in rows] == ['Org 10', 'Org 11'])
    assert addresses[-1] == '/vendor/organisations?page=2&size=10'  # the last page: the one shown
    assert [record.getMessage() for record in caplog.records if record.levelname == 'ERROR'] == []

    table.trigger('rowClick', [{}, shown_rows(user)[0], 0])
    await user.should_see('ORG-10', retries=50)
    await user.should_not_see(marker='organisations')


async def test_an_organisation_id_too_long_for_the_database_is_simply_not_found(user: User, vendor) -> None:
    await log_in(user, vendor.sales)
    await user.open('/vendor/organisations/99999999999999999999')
    await user.should_see('There is no organisation "99999999999999999999".')
