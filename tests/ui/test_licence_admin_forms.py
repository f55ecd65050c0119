"""The Admin Team's forms suggest sensible values."""

from datetime import timedelta

from nicegui import ui
from nicegui.testing import User

from dashboard.domain import clock
from tests.factories import make_organisation
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
