"""Requesting and withdrawing the deletion of the account."""


import pytest
from playwright.sync_api import Locator, Page, expect
from sqlmodel import col

from dashboard.domain.formatting import format_date
from dashboard.domain.models import DeletionRequest, OutboxEmail
from tests.browser.conftest import OpenAs, World

pytestmark = pytest.mark.usefixtures('no_open_deletion')

REQUEST = 'Request deletion of this account'


def test_request_states_the_consequences_survives_reload_and_can_be_withdrawn(open_as: OpenAs, world: World) -> None:
    effective = format_date(world.subscription_end)
    admin = world.people['billing_admin']
    page = open_as('billing_admin')

    page.get_by_role('button', name=REQUEST).click()
    dialog = page.get_by_role('dialog')
    expect(dialog).to_contain_text(f'Request deletion of {world.org_name}?')
    for consequence in [
        f'The cancellation takes effect at the end of your current subscription period, on {effective}.',
        'All user accounts (including billing and administration accounts) and all data of the account are removed.',
        'No Web Portal or Control can access Agents on end-user devices any more.',
        'The software components for both the Control and Agent must be removed manually',
        'All relevant contacts will be notified before the cancellation process starts and once it has been completed',
        'removed from our production systems within 30 days',
    ]:
        expect(dialog).to_contain_text(consequence)
    dialog.get_by_role('button', name='Yes, request deletion').click()

    expect(page.get_by_text(f'Deletion requested. It takes effect on {effective}.')).to_be_visible()
    for reload in (False, True):
        if reload:
            page.reload()
        notice = _notice(page)
        expect(notice).to_contain_text('Deletion requested')
        expect(notice).to_contain_text(f'Requested by {admin.name} on ')
        expect(notice).to_contain_text(f'The cancellation takes effect on {effective}.')
        expect(page.get_by_role('button', name='Withdraw request')).to_be_visible()
        expect(page.get_by_role('button', name=REQUEST)).to_have_count(0)

    page.get_by_role('button', name='Withdraw request').click()
    expect(page.get_by_text('Your deletion request has been withdrawn.')).to_be_visible()
    for reload in (False, True):
        if reload:
            page.reload()
        expect(page.get_by_role('button', name=REQUEST)).to_be_visible()
        expect(page.get_by_role('button', name='Withdraw request')).to_have_count(0)
        expect(page.get_by_text('The cancellation takes effect on')).to_have_count(0)


def test_cancel_in_the_dialog_requests_nothing(open_as: OpenAs, world: World) -> None:
    before = _deletion_requests(world)
    page = open_as('global_admin')
    page.get_by_role('button', name=REQUEST).click()
    page.get_by_role('dialog').get_by_role('button', name='Cancel').click()

    expect(page.get_by_role('dialog')).to_be_hidden()
    expect(page.get_by_role('button', name=REQUEST)).to_be_visible()
    assert _deletion_requests(world) == before


def test_a_double_click_on_yes_creates_one_request_and_one_email(open_as: OpenAs, world: World) -> None:
    requests_before, emails_before = _deletion_requests(world), _deletion_emails(world)
    page = open_as('global_admin')
    page.get_by_role('button', name=REQUEST).click()

    page.get_by_role('dialog').get_by_role('button', name='Yes, request deletion').dblclick()

    expect(page.get_by_role('button', name='Withdraw request')).to_be_visible()
    expect(_notice(page)).to_contain_text(f'on {format_date(world.subscription_end)}.')
    page.reload()  # whatever the second click did has landed by now
    expect(page.get_by_role('button', name='Withdraw request')).to_be_visible()
    new_requests = _deletion_requests(world)[len(requests_before):]
    assert [(r.status, r.requested_by_name) for r in new_requests] == \
        [('pending', world.people['global_admin'].name)]
    assert len(_deletion_emails(world)) == len(emails_before) + 1


def _notice(page: Page) -> Locator:
    return page.get_by_role('status').filter(has_text='The cancellation takes effect on')


def _deletion_requests(world: World) -> list[DeletionRequest]:
    return world.rows(DeletionRequest, DeletionRequest.organisation_id == world.org_id)


def _deletion_emails(world: World) -> list[OutboxEmail]:
    return world.rows(OutboxEmail, OutboxEmail.organisation_id == world.org_id,
                      col(OutboxEmail.subject).startswith('Account deletion requested'))
