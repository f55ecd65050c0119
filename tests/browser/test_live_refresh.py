"""After a live refresh every action on the page still works (issue 8, item 0): once a change made elsewhere has
redrawn an open page, its buttons, forms and dialogs must act as before, and a failure must be told. Each test
changes the page from another browser (the server hears its own changes) and then uses every action on it."""

import itertools
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect
from sqlmodel import select
from sqlmodel.sql.expression import SelectOfScalar

from dashboard.domain import clock
from dashboard.domain.auth.accounts import set_password
from dashboard.domain.formatting import format_date
from dashboard.domain.models import DeletionRequest, LicencePool, LicenceRequest, Organisation, User
from tests.browser.conftest import CONTEXT_OPTIONS, OpenAs, World
from tests.browser.seed import PASSWORD
from tests.browser.sign_in import log_in
from tests.factories import make_deletion_request, make_licence_request, make_organisation, make_pool, make_user

pytestmark = pytest.mark.usefixtures('no_server_errors')

_numbers = itertools.count(1)


@dataclass
class Shop:
    """An organisation of the test's own: a trial with one pool, two billing people, an open licence request."""

    organisation_id: int
    name: str
    serial: str
    admin_email: str
    admin_name: str
    other_name: str
    request_id: int


@pytest.fixture
def shop(world: World) -> Shop:
    number = next(_numbers)
    tag = f'{os.getpid()}-{number}'
    db = world.database()
    try:
        with db.session() as session:
            organisation = make_organisation(session, name=f'Live Refresh {number} Ltd', serial_number=f'LIVE-{tag}',
                                             plan='trial', subscription_end=clock.today() + timedelta(days=10))
            make_pool(session, organisation, 'managed_agent', total=40, in_use=10,
                      expiry_date=clock.today() + timedelta(days=10))
            people = []
            for role, name in [('global_admin', f'Lena Live {number}'), ('billing_admin', f'Otto Other {number}')]:
                email = f'{role}-{tag}@live.example'
                make_user(session, organisation, role, full_name=name, email=email)
                set_password(session=session, email=email, password=PASSWORD)
                people.append((email, name))
            admin = session.exec(_user(people[0][0])).one()
            organisation.main_contact_id = admin.id
            session.add(organisation)
            session.commit()
            request = make_licence_request(session, organisation, quantity=12, message='For the live test')
            return Shop(organisation_id=organisation.id, name=organisation.name,
                        serial=organisation.serial_number, admin_email=people[0][0],
                        admin_name=people[0][1], other_name=people[1][1], request_id=request.id)
    finally:
        db.engine.dispose()


def _user(email: str) -> SelectOfScalar[User]:
    return select(User).where(User.email == email)


@pytest.fixture
def customer(browser: Browser, world: World, shop: Shop) -> Iterator[Page]:
    context: BrowserContext = browser.new_context(base_url=world.base_url, **CONTEXT_OPTIONS)
    page = context.new_page()
    log_in(page, shop.admin_email)
    yield page
    context.close()


def choose_main_contact(page: Page, name: str) -> None:
    page.get_by_label('Main contact').click()
    page.get_by_role('option', name=name).click()
    expect(page.get_by_text(f'Main contact changed to {name}.')).to_be_visible()


def open_dialog(page: Page, button: str) -> Locator:
    """Clicks the button that opens a dialog. The page's own change also reaches it through the change feed and
    redraws it once more: a click that landed on the cards being replaced is made again."""
    dialog = page.get_by_role('dialog')
    for _ in range(3):
        page.get_by_role('button', name=button).first.click()
        try:
            expect(dialog).to_be_visible(timeout=3_000)
            return dialog
        except AssertionError:
            continue
    expect(dialog).to_be_visible()
    return dialog


def click_until(page: Page, button: str, shown: str) -> None:
    """Clicks the button until `shown` appears, at most three times: a click on a button that a redraw is just
    replacing (the page's own change comes back through the change feed) never reaches the server."""
    for _ in range(3):
        target = page.get_by_role('button', name=button)
        if target.count() == 0:
            break
        target.first.click()
        try:
            expect(page.get_by_text(shown)).to_be_visible(timeout=4_000)
            return
        except AssertionError:
            continue
    expect(page.get_by_text(shown)).to_be_visible()


def admin_changes_total(admin: Page, new_total: int) -> None:
    dialog = open_dialog(admin, 'Change total')
    dialog.get_by_label('New total').fill(str(new_total))
    dialog.get_by_role('button', name='Save total').click()
    expect(dialog).to_be_hidden()
    expect(admin.get_by_text(f'of {new_total} in use').first).to_be_visible()


def test_every_admin_action_works_after_the_organisation_page_refreshed(
        open_as: OpenAs, world: World, shop: Shop, customer: Page) -> None:
    admin = open_as('vendor_admin', f'/vendor/organisations/{shop.organisation_id}')
    expect(admin.get_by_text('For the live test')).to_be_visible()

    choose_main_contact(customer, shop.other_name)  # the customer's change redraws the admin's page
    expect(admin.get_by_text(shop.other_name).first).to_be_visible(timeout=5_000)

    click_until(admin, 'Mark as handled', 'The licence request is marked as handled.')
    expect(admin.get_by_text('No open licence requests.')).to_be_visible()  # redrawn: the next click hits new cards
    [request] = world.rows(LicenceRequest, LicenceRequest.id == shop.request_id)
    assert request.status != 'open'

    admin_changes_total(admin, 45)
    expect(admin.get_by_text('10 of 45 in use').first).to_be_visible()

    later = clock.today() + timedelta(days=300)
    dialog = open_dialog(admin, 'Change expiry')
    dialog.get_by_label('New expiry date').fill(later.isoformat())
    dialog.get_by_role('button', name='Save expiry date').click()
    expect(admin.get_by_text(f'Managed Agent licences now expire on {format_date(later)}.')).to_be_visible()
    expect(admin.get_by_text(f'expire on {format_date(later)}', exact=True)).to_be_visible()

    dialog = open_dialog(admin, 'Add On-demand licences')
    dialog.get_by_label('Licences', exact=True).fill('7')
    dialog.get_by_role('button', name='Add On-demand licences').click()
    expect(admin.get_by_text('0 of 7 in use').first).to_be_visible()

    open_dialog(admin, 'Convert to paid').get_by_role('button', name='Convert to paid').click()
    expect(admin.get_by_text(re.compile(f'{shop.name} is now a paid account'))).to_be_visible()

    pools = world.rows(LicencePool, LicencePool.organisation_id == shop.organisation_id)
    assert sorted((pool.kind, pool.total) for pool in pools) == [('managed_agent', 45), ('on_demand', 7)]
    [organisation] = world.rows(Organisation, Organisation.id == shop.organisation_id)
    assert organisation.plan == 'paid'


def test_bring_forward_works_after_the_organisation_page_refreshed(
        open_as: OpenAs, world: World, shop: Shop, customer: Page) -> None:
    db = world.database()
    try:
        with db.session() as session:
            organisation = session.get(Organisation, shop.organisation_id)
            make_deletion_request(session, organisation, effective_date=clock.today() + timedelta(days=30))
    finally:
        db.engine.dispose()
    admin = open_as('vendor_admin', f'/vendor/organisations/{shop.organisation_id}')
    choose_main_contact(customer, shop.other_name)
    expect(admin.get_by_text(shop.other_name).first).to_be_visible(timeout=5_000)

    dialog = open_dialog(admin, 'Bring forward')
    dialog.get_by_role('button', name='Bring forward').click()
    expect(dialog).to_be_hidden()
    expect(admin.get_by_text(f'takes effect on {format_date(clock.today())}.', exact=False).first).to_be_visible()
    [request] = world.rows(DeletionRequest, DeletionRequest.organisation_id == shop.organisation_id)
    assert request.effective_date == clock.today()


def test_every_customer_action_works_after_the_billing_page_refreshed(
        open_as: OpenAs, world: World, shop: Shop, customer: Page) -> None:
    db = world.database()
    try:
        with db.session() as session:
            make_deletion_request(session, session.get(Organisation, shop.organisation_id))  # asked in another tab
    finally:
        db.engine.dispose()
    admin = open_as('vendor_admin', f'/vendor/organisations/{shop.organisation_id}')
    admin_changes_total(admin, 55)  # redraws the customer's Licence details, now with the pending request
    expect(customer.get_by_text('10 of 55').first).to_be_visible(timeout=5_000)
    expect(customer.get_by_role('button', name='Withdraw request')).to_be_visible()

    choose_main_contact(customer, shop.other_name)

    dialog = open_dialog(customer, 'Need more licences?')
    dialog.get_by_label('Quantity').fill('3')
    dialog.get_by_role('button', name='Send request').click()
    expect(customer.get_by_text(re.compile('your request for 3 Managed Agent licences has been sent'))).to_be_visible()

    dialog = open_dialog(customer, 'Buy now')
    dialog.get_by_label('Quantity').fill('4')
    dialog.get_by_role('button', name='Send request').click()
    expect(customer.get_by_text(re.compile('your request for 4 Managed Agent licences has been sent'))).to_be_visible()

    click_until(customer, 'Withdraw request', 'Your deletion request has been withdrawn.')
    open_dialog(customer, 'Request deletion of this account').get_by_role('button', name='Yes, request deletion') \
        .click()
    expect(customer.get_by_text(re.compile('Deletion requested. It takes effect on'))).to_be_visible()

    quantities = [row.quantity for row in world.rows(LicenceRequest,
                                                     LicenceRequest.organisation_id == shop.organisation_id)]
    assert quantities == [12, 3, 4]
    deletions = world.rows(DeletionRequest, DeletionRequest.organisation_id == shop.organisation_id)
    assert [deletion.status for deletion in deletions] == ['withdrawn', 'pending']


def test_the_history_tab_works_after_it_refreshed(open_as: OpenAs, world: World, shop: Shop,
                                                   customer: Page) -> None:
    customer.get_by_role('tab', name='Licence history').click()
    expect(customer.get_by_role('button', name='Export CSV')).to_be_visible()
    admin = open_as('vendor_admin', f'/vendor/organisations/{shop.organisation_id}')
    admin_changes_total(admin, 60)
    rows = customer.locator('.q-table tbody tr')
    expect(rows.first).to_contain_text('40 → 60', timeout=5_000)  # the tab was redrawn with the new row

    customer.get_by_label('Search').fill('no such text anywhere')
    expect(rows.filter(has_text='40 → 60')).to_have_count(0)
    customer.get_by_role('button', name='Clear filters').click()
    expect(rows.first).to_contain_text('40 → 60')
    with customer.expect_download() as download:
        customer.get_by_role('button', name='Export CSV').click()
    assert '40' in download.value.path().read_text(encoding='utf-8-sig')


def test_the_renewals_page_works_after_it_refreshed(open_as: OpenAs, shop: Shop) -> None:
    watcher = open_as('vendor_admin', '/vendor/renewals')
    rows = watcher.locator('.q-table tbody tr')
    watcher.get_by_label('Search').fill(shop.name)
    expect(rows.first).to_contain_text(shop.name)
    admin = open_as('vendor_admin', f'/vendor/organisations/{shop.organisation_id}')
    admin_changes_total(admin, 70)
    expect(rows.first).to_contain_text('10 / 70', timeout=5_000)  # redrawn by the change

    with watcher.expect_download() as download:
        watcher.get_by_role('button', name='Export CSV').click()
    assert shop.name in download.value.path().read_text(encoding='utf-8-sig')
    watcher.get_by_role('button', name='Clear filters').click()
    expect(rows.filter(has_not_text=shop.name).first).to_be_visible()
    watcher.get_by_label('Search').fill(shop.serial)
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(shop.name)


def test_the_usage_overview_works_after_it_refreshed(open_as: OpenAs, shop: Shop, customer: Page) -> None:
    watcher = open_as('vendor_admin', '/vendor/overview')
    trial = watcher.locator('.q-table tbody tr').filter(has_text=shop.name)
    expect(trial).to_contain_text(shop.admin_name)
    choose_main_contact(customer, shop.other_name)
    expect(trial).to_contain_text(shop.other_name, timeout=5_000)  # redrawn by the change

    watcher.get_by_role('button', name='Accounts').click()
    expect(watcher.get_by_role('button', name='Accounts')).to_have_attribute('aria-pressed', 'true')
    trial.locator('td').nth(2).click()
    expect(watcher).to_have_url(re.compile(f'/vendor/organisations/{shop.organisation_id}$'))
