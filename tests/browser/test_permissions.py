"""Who sees what: the viewer reads everything and changes nothing; the user role has no Billing; nobody reads
another organisation's history."""

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import OpenAs, World, field_value, history_rows, range_label
from tests.browser.sign_in import log_in

ACTION_BUTTONS = ['Request deletion of this account', 'Need more licences?', 'Withdraw request', 'Buy now']


def test_viewer_sees_every_figure_but_no_action(open_as: OpenAs, world: World) -> None:
    page = open_as('viewer')

    for label, value in [('Account name', world.org_name), ('Serial number', world.serial),
                         ('Account type', 'Active'), ('Data residency region', 'United Kingdom (UK South)'),
                         ('Total Managed Agent licences', '250'), ('Available Managed Agent licences', '63'),
                         ('Total On-demand licences', '15'), ('Available On-demand licences', '11'),
                         ('Name', world.people[world.contact_role].name),
                         ('Email', world.people[world.contact_role].email)]:
        expect(field_value(page, label)).to_have_text(value)
    expect(page.get_by_text('187 of 250 in use')).to_be_visible()
    for name in ACTION_BUTTONS:
        expect(page.get_by_role('button', name=name)).to_have_count(0)
    # Quasar renders a disabled select without its combobox, so it is found by its label text
    contact = page.locator('label.q-select').filter(has_text='Main contact')
    expect(contact).to_contain_text(world.people[world.contact_role].name)
    expect(contact).to_have_attribute('aria-disabled', 'true')
    expect(page.get_by_role('combobox', name='Main contact')).to_have_count(0)
    contact.click(force=True)
    page.wait_for_timeout(300)  # a menu would open within a frame or two; nothing to wait for when none does
    expect(page.get_by_role('listbox')).to_have_count(0)
    expect(page.get_by_role('option')).to_have_count(0)

    page.goto('/account/billing?tab=history')  # not by clicking the tab: see test_history_tab_paging.py
    expect(range_label(page)).to_have_text('1-25 of 60')
    expect(page.get_by_role('button', name='Export CSV')).to_be_visible()


def test_user_role_has_no_billing_menu_and_is_refused_the_page(open_as: OpenAs, world: World) -> None:
    page = open_as('user', '/')
    expect(page.get_by_text('You do not have access to Billing')).to_be_visible()
    drawer = page.locator('.q-drawer')
    expect(drawer).to_be_visible()
    expect(drawer.get_by_text('Billing', exact=True)).to_have_count(0)

    for path in ('/account/billing', '/account/billing?tab=history'):
        page.goto(path)
        expect(page.get_by_text('You do not have access to Billing')).to_be_visible()
        expect(page.get_by_text(world.serial)).to_have_count(0)
        expect(page.get_by_text('Licence information')).to_have_count(0)
        expect(history_rows(page)).to_have_count(0)
        expect(page.locator('.q-drawer').get_by_text('Billing', exact=True)).to_have_count(0)

    response = page.request.get(f'/billing/{world.org_id}/history.csv')
    assert response.status == 403
    assert world.serial not in response.text() and 'Admin Team' not in response.text()


def test_the_user_role_lands_on_the_no_access_page_after_login(page: Page, world: World) -> None:
    log_in(page, world.people['user'].email)
    expect(page).to_have_url(re.compile(r'/$'))
    expect(page.get_by_text('You do not have access to Billing')).to_be_visible()


def test_nobody_exports_another_organisations_history(open_as: OpenAs, world: World) -> None:
    page = open_as('global_admin')
    own = page.request.get(f'/billing/{world.org_id}/history.csv')
    assert own.status == 200 and world.other_note not in own.text()

    opened = page.goto(f'/billing/{world.other_org_id}/history.csv')
    assert opened is not None and opened.status == 403
    expect(page.locator('body')).not_to_contain_text(world.other_note)
    for query in ('', '?q=Kestrel', '?actions=licences_increased'):
        response = page.request.get(f'/billing/{world.other_org_id}/history.csv{query}')
        assert response.status == 403, response.text()
        body = response.text()
        assert world.other_note not in body and world.other_serial not in body and 'Date (UTC)' not in body

    other = open_as('other')
    response = other.request.get(f'/billing/{world.org_id}/history.csv')
    assert response.status == 403
    assert world.serial not in response.text()
    expect(field_value(other, 'Serial number')).to_have_text(world.other_serial)  # signed in, just not there


def test_signed_out_export_is_refused(page: Page, world: World) -> None:
    response = page.request.get(f'/billing/{world.org_id}/history.csv')
    assert response.status == 401
    assert 'Date (UTC)' not in response.text()
