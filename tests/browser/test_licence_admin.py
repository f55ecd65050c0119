"""The Admin Team changes an organisation's licences; a customer's Billing page, open in another browser, shows the
new figures without a reload, and the history names "Admin Team" to the customer."""

import re

import pytest
from playwright.sync_api import Browser, expect

from dashboard.domain.models import LicenceHistory, LicencePool, Organisation
from tests.browser.conftest import CONTEXT_OPTIONS, OpenAs, World, field_value
from tests.browser.seed import VENDOR_STAFF
from tests.browser.sign_in import log_in

pytestmark = pytest.mark.usefixtures('no_server_errors')


def _meridian(world: World) -> int:
    [organisation] = world.rows(Organisation, Organisation.name == 'Meridian Freight Inc')
    assert organisation.id is not None
    return organisation.id


def test_an_admins_new_total_appears_on_the_customers_open_page(open_as: OpenAs, world: World) -> None:
    organisation_id = _meridian(world)
    customer = open_as('live_viewer')
    expect(field_value(customer, 'Total Managed Agent licences')).to_have_text('120')
    customer.evaluate('window.__not_reloaded = true')

    admin = open_as('vendor_admin', f'/vendor/organisations/{organisation_id}')
    admin.get_by_role('button', name='Change total').first.click()
    dialog = admin.get_by_role('dialog')
    expect(dialog.get_by_text('118 of 120 licences are in use')).to_be_visible()
    dialog.get_by_label('New total').fill('150')
    dialog.get_by_label('Note for the licence history (optional)').fill('Order PO-88120')
    dialog.get_by_role('button', name='Save total').click()
    expect(admin.get_by_text('Managed Agent total changed from 120 to 150.')).to_be_visible()

    expect(field_value(customer, 'Total Managed Agent licences')).to_have_text('150', timeout=2_000)
    expect(field_value(customer, 'Available Managed Agent licences')).to_have_text('32')
    assert customer.evaluate('window.__not_reloaded') is True

    customer.get_by_role('tab', name='Licence history').click()
    first_row = customer.locator('.q-table tbody tr').first
    expect(first_row).to_contain_text('Licences increased')
    expect(first_row).to_contain_text('120 → 150')
    expect(first_row).to_contain_text('Admin Team')
    expect(first_row).not_to_contain_text(VENDOR_STAFF)
    [row] = world.rows(LicenceHistory, LicenceHistory.organisation_id == organisation_id)
    assert (row.actor, row.by_vendor, row.note) == (VENDOR_STAFF, True, 'Order PO-88120')


def test_a_total_below_what_is_in_use_is_refused_and_changes_nothing(open_as: OpenAs, world: World) -> None:
    organisation_id = _meridian(world)
    before = world.rows(LicencePool, LicencePool.organisation_id == organisation_id)
    admin = open_as('vendor_admin', f'/vendor/organisations/{organisation_id}')
    admin.get_by_role('button', name='Change total').first.click()
    dialog = admin.get_by_role('dialog')
    dialog.get_by_label('New total').fill('3')
    dialog.get_by_role('button', name='Save total').click()
    expect(dialog.get_by_role('alert')).to_contain_text('in use: the total cannot go below that.')
    expect(dialog).to_be_visible()
    after = world.rows(LicencePool, LicencePool.organisation_id == organisation_id)
    assert [(p.kind, p.total) for p in after] == [(p.kind, p.total) for p in before]


def test_a_sales_rep_sees_the_organisation_read_only(open_as: OpenAs, world: World) -> None:
    organisation_id = _meridian(world)
    page = open_as('sales', f'/vendor/organisations/{organisation_id}')
    expect(page.get_by_text('Read-only: licences and plans are changed by the Admin Team.')).to_be_visible()
    expect(field_value(page, 'Account name')).to_have_text('Meridian Freight Inc')
    expect(page.get_by_role('button', name='Change total')).to_have_count(0)
    expect(page.get_by_role('button', name='Request deletion of this account')).to_have_count(0)


def test_logging_out_in_another_tab_ends_the_open_admin_page(browser: Browser, world: World) -> None:
    """Two tabs of one browser: a log-out in one sends the other to the login page, and a form left open there
    changes nothing."""
    organisation_id = _meridian(world)
    before = world.rows(LicencePool, LicencePool.organisation_id == organisation_id)
    with browser.new_context(base_url=world.base_url, **CONTEXT_OPTIONS) as context:
        admin = context.new_page()
        log_in(admin, world.email_of('vendor_admin'))
        admin.goto(f'/vendor/organisations/{organisation_id}')
        admin.get_by_role('button', name='Change total').first.click()
        admin.get_by_role('dialog').get_by_label('New total').fill('999')

        other_tab = context.new_page()
        other_tab.goto('/vendor/renewals')
        other_tab.get_by_role('button', name='Log out').click()
        expect(other_tab).to_have_url(re.compile(r'/login'))

        expect(admin).to_have_url(re.compile(r'/login'), timeout=5_000)
    after = world.rows(LicencePool, LicencePool.organisation_id == organisation_id)
    assert [(p.kind, p.total) for p in after] == [(p.kind, p.total) for p in before]
