"""A live refresh redraws a page's cards; a dialog someone is filling in on that page stays open with what they
typed, and still works."""

import logging
from collections.abc import Callable
from datetime import timedelta

import pytest
from nicegui.testing import User

from dashboard.domain import clock
from dashboard.domain.formatting import format_date
from tests.ui.conftest import log_in

LATER = clock.today() + timedelta(days=400)


async def _admin_changes_the_on_demand_expiry(admin: User, organisation_id: int) -> None:
    await admin.open(f'/vendor/organisations/{organisation_id}')
    admin.find(marker='change-expiry-on_demand').click()
    await admin.should_see(marker='expiry')
    admin.find(marker='expiry').clear().type(LATER.isoformat())
    admin.find(marker='save').click()
    await admin.should_see(f'On-demand licences now expire on {format_date(LATER)}.', retries=50)


async def test_an_admins_open_dialog_survives_a_colleagues_change(create_user: Callable[[], User], vendor, acme,
                                                                  caplog: pytest.LogCaptureFixture) -> None:
    first, second = create_user(), create_user()
    await log_in(first, vendor.admin)
    await first.open(f'/vendor/organisations/{acme.organisation.id}')
    first.find(marker='change-total-managed_agent').click()
    await first.should_see(marker='total')
    first.find(marker='total').clear().type('190')

    await log_in(second, vendor.admin)
    await _admin_changes_the_on_demand_expiry(second, acme.organisation.id)

    await first.should_see(f'expire on {format_date(LATER)}', retries=40)  # the cards behind were redrawn
    await first.should_see('Save total')
    first.find(marker='save').click()
    await first.should_see('Managed Agent total changed from 150 to 190.', retries=50)
    await first.should_not_see('Save total')  # the dialog closed
    assert [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR] == []


async def test_a_customers_open_request_form_survives_an_admins_change(create_user: Callable[[], User], vendor,
                                                                       acme) -> None:
    customer, admin = create_user(), create_user()
    await log_in(customer, acme.emails['billing_admin'])
    customer.find('Need more licences?').click()
    await customer.should_see('Tell us what you need and our sales team will get back to you with a quote.')

    await log_in(admin, vendor.admin)
    await _admin_changes_the_on_demand_expiry(admin, acme.organisation.id)

    await customer.should_see(format_date(LATER), retries=40)
    await customer.should_see('Tell us what you need and our sales team will get back to you with a quote.')
