"""The Admin Team's forms suggest sensible values."""

from datetime import timedelta

from nicegui import ui
from nicegui.testing import User

from dashboard.domain import clock
from tests.factories import make_licence_request, make_organisation
from tests.ui.conftest import log_in


async def test_a_new_pool_of_an_expired_account_is_suggested_a_year_not_a_date_already_past(user: User, vendor,
                                                                                            session) -> None:
    lapsed = make_organisation(session, name='Lapsed Ltd', subscription_end=clock.today() - timedelta(days=30))
    running = make_organisation(session, name='Running Ltd', subscription_end=clock.today() + timedelta(days=30))
    await log_in(user, vendor.admin)
    for organisation, suggested in ((lapsed, clock.today() + timedelta(days=365)),
                                    (running, running.subscription_end)):
        await user.open(f'/vendor/organisations/{organisation.id}')
        user.find(marker='add-managed_agent').click()
        await user.should_see(marker='expiry')
        expiry = user.find(marker='expiry').elements.pop()
        assert isinstance(expiry, ui.input) and expiry.value == suggested.isoformat()


async def test_the_admin_team_marks_a_licence_request_handled(user: User, vendor, acme, session) -> None:
    request = make_licence_request(session, acme.organisation, quantity=40, message='New branch in Graz')
    await log_in(user, vendor.admin)
    await user.open(f'/vendor/organisations/{acme.organisation.id}')
    await user.should_see('“New branch in Graz”')
    user.find(marker=f'handled-{request.id}').click()
    await user.should_see('The licence request is marked as handled.', retries=50)
    await user.should_see('No open licence requests.')
    await user.should_not_see('“New branch in Graz”')


async def test_sales_cannot_mark_requests_handled(user: User, vendor, acme, session) -> None:
    make_licence_request(session, acme.organisation, message='New branch in Graz')
    await log_in(user, vendor.sales)
    await user.open(f'/vendor/organisations/{acme.organisation.id}')
    await user.should_see('“New branch in Graz”')
    await user.should_not_see('Mark as handled')
