"""The web app builds the vendor's details from its settings and hands them to what the pages run."""

import pytest
from nicegui import ui
from nicegui.testing import User
from sqlmodel import select

from dashboard.config import get_settings
from dashboard.domain.models import OutboxEmail
from tests.ui.conftest import log_in


@pytest.fixture
def configured_vendor(app_database, monkeypatch):
    """Set before the `user` fixture builds the app, as a deployment sets them before it starts."""
    monkeypatch.setenv('PRODUCT_NAME', 'RemoteDesk')
    monkeypatch.setenv('VENDOR_SALES_EMAIL', 'deals@remotedesk.example')
    monkeypatch.setenv('VENDOR_SUPPORT_EMAIL', 'help@remotedesk.example')
    get_settings.cache_clear()


async def test_a_deletion_request_goes_to_the_configured_support_address(configured_vendor, user: User, acme,
                                                                        db) -> None:
    await log_in(user, acme.emails['global_admin'])
    user.find('Request deletion of this account').click()
    await user.should_see('Cancelling your agreement and contract for RemoteDesk')
    user.find('Yes, request deletion').click()
    await user.should_see('Withdraw request', retries=50)

    with db.session() as session:
        support, contacts = session.exec(select(OutboxEmail).order_by(OutboxEmail.id)).all()
    assert support.to_address == 'help@remotedesk.example'
    assert 'help@remotedesk.example' in contacts.body_text and 'RemoteDesk' in contacts.body_text


async def test_a_licence_request_goes_to_the_configured_sales_address(configured_vendor, user: User, acme,
                                                                     db) -> None:
    await log_in(user, acme.emails['billing_admin'])
    user.find('Need more licences?').click()
    await user.should_see('Send request')
    with user.scope(ui.dialog):
        user.find('Send request').click()
    await user.should_see('has been sent to our sales team', retries=50)

    with db.session() as session:
        assert session.exec(select(OutboxEmail.to_address)).all() == ['deals@remotedesk.example']
