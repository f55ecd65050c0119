"""The Licence details tab: every figure, the main contact and "Need more licences?"."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect
from sqlmodel import col, select

from dashboard.domain.formatting import format_date
from dashboard.domain.models import LicenceRequest, Organisation, OutboxEmail, User
from tests.browser.conftest import OpenAs, World, field_value


def test_every_figure_of_the_seed_is_shown(open_as: OpenAs, world: World) -> None:
    page = open_as('billing_admin')

    expect(field_value(page, 'Account name')).to_have_text(world.org_name)
    expect(field_value(page, 'Serial number')).to_have_text(world.serial)
    expect(field_value(page, 'Account type')).to_have_text('Active')
    expect(field_value(page, 'Data residency region')).to_have_text('United Kingdom (UK South)')
    expect(field_value(page, 'Total Managed Agent licences')).to_have_text('250')
    expect(field_value(page, 'Available Managed Agent licences')).to_have_text('63')
    expect(field_value(page, 'Managed Agent expiry date')).to_contain_text(format_date(world.managed_expiry))
    expect(field_value(page, 'Total On-demand licences')).to_have_text('15')
    expect(field_value(page, 'Available On-demand licences')).to_have_text('11')
    expect(field_value(page, 'On-demand expiry date')).to_contain_text(format_date(world.on_demand_expiry))
    expect(page.get_by_text('187 of 250 in use')).to_be_visible()
    expect(page.get_by_text('4 of 15 in use')).to_be_visible()


def test_days_left_are_shown_and_highlighted_within_30_days(open_as: OpenAs, world: World) -> None:
    page = open_as('billing_admin')

    soon = field_value(page, 'Managed Agent expiry date').get_by_text('21 days left', exact=True)
    later = field_value(page, 'On-demand expiry date').get_by_text('143 days left', exact=True)
    expect(soon).to_be_visible()
    expect(later).to_be_visible()
    expect(soon).to_contain_class('days-warning')
    expect(later).to_contain_class('days-ok')
    assert soon.evaluate('e => getComputedStyle(e).backgroundColor') != \
        later.evaluate('e => getComputedStyle(e).backgroundColor')


@pytest.fixture
def main_contact_restored(world: World) -> Iterator[None]:
    yield
    db = world.database()
    with db.session() as session:
        organisation = session.get(Organisation, world.org_id)
        assert organisation is not None
        contact = session.exec(select(User).where(User.email == world.people[world.contact_role].email)).one()
        organisation.main_contact_id = contact.id
        session.add(organisation)
        session.commit()
    db.engine.dispose()


@pytest.mark.usefixtures('main_contact_restored')
def test_main_contact_change_is_shown_saved_and_kept_after_reload(open_as: OpenAs, world: World) -> None:
    before, after = world.people[world.contact_role], world.people['viewer']
    page = open_as('billing_admin')
    select = page.get_by_role('combobox', name='Main contact')
    expect(select).to_have_value(before.name)
    expect(field_value(page, 'Email')).to_have_text(before.email)

    select.click()
    options = page.get_by_role('option')
    expect(options).to_have_text(sorted(p.name for p in world.people.values()))
    options.get_by_text(after.name, exact=True).click()

    expect(page.get_by_text(f'Main contact changed to {after.name}.')).to_be_visible()
    for reload in (False, True):
        if reload:
            page.reload()
        expect(page.get_by_role('combobox', name='Main contact')).to_have_value(after.name)
        expect(field_value(page, 'Name')).to_have_text(after.name)
        expect(field_value(page, 'Email')).to_have_text(after.email)
        expect(field_value(page, 'Phone')).to_have_text(after.phone)


def test_need_more_licences_refuses_a_bad_quantity(open_as: OpenAs, world: World) -> None:
    page = open_as('global_admin')
    before = _licence_requests(world)
    page.get_by_role('button', name='Need more licences?').click()
    dialog = page.get_by_role('dialog')
    quantity = dialog.get_by_label('Quantity')

    for bad in ('0', '100001', '-3'):
        quantity.fill(bad)
        # a person holds the mouse button for a moment; the field loses focus before the click lands
        dialog.get_by_role('button', name='Send request').click(delay=100)
        expect(page.locator('.q-notification').get_by_text('Enter a whole number from 1 to 100,000.')).to_be_visible()
        expect(dialog).to_be_visible()
        expect(quantity).to_have_value(bad)
    assert _licence_requests(world) == before


def test_need_more_licences_confirms_a_good_request(open_as: OpenAs, world: World) -> None:
    page = open_as('global_admin')
    before = _licence_requests(world)
    page.get_by_role('button', name='Need more licences?').click()
    dialog = page.get_by_role('dialog')
    expect(dialog).to_contain_text('our sales team will get back to you')

    dialog.get_by_role('combobox', name='Licence type').click()
    page.get_by_role('option', name='On-demand').click()
    dialog.get_by_label('Quantity').fill('25')
    dialog.get_by_label('Message (optional)').fill('Two new support desks from March.')
    dialog.get_by_role('button', name='Send request').click()

    expect(page.get_by_text('Thank you: your request for 25 On-demand licences has been sent to our sales team.')) \
        .to_be_visible()
    expect(dialog).to_be_hidden()
    requests = _licence_requests(world)
    assert [(r.kind, r.quantity, r.message, r.requested_by_name) for r in requests[len(before):]] == \
        [('on_demand', 25, 'Two new support desks from March.', world.people['global_admin'].name)]
    assert _sales_emails(world, 'requested: 25 On-demand licences'), 'no email to the sales team was queued'


def _licence_requests(world: World) -> list[LicenceRequest]:
    return world.rows(LicenceRequest, LicenceRequest.organisation_id == world.org_id)


def _sales_emails(world: World, text: str) -> list[OutboxEmail]:
    return world.rows(OutboxEmail, OutboxEmail.organisation_id == world.org_id, col(OutboxEmail.subject).contains(text))
