"""The Admin Team's reset of a person's second factor, from the Sign-ins page; and the button shown to nobody else."""

from nicegui import ui
from nicegui.testing import User
from sqlmodel import select

from dashboard.config import get_settings
from dashboard.db import Database
from dashboard.domain.auth.models import SignInEvent, SignInEventKind
from dashboard.domain.models import User as Person
from dashboard.ui.backoffice.two_factor_reset import reset_two_factor_button
from dashboard.ui.session import signed_in
from tests.ui.conftest import log_in
from tests.ui.test_two_factor import turn_on


def host_page(path: str, target_id: int) -> None:
    @ui.page(path)
    async def page() -> None:
        db = Database(get_settings().database_url)
        who = await signed_in(db)
        if who is not None:
            ui.label('Host page')
            reset_two_factor_button(db, who.actor, user_id=target_id, name='Bill Billing')


async def test_the_admin_team_resets_a_lost_phone(user: User, acme, vendor, session) -> None:
    person = turn_on(session, acme.emails['billing_admin'])
    await log_in(user, vendor.admin)
    await user.open('/vendor/sign-ins')
    user.find(marker='email').type(acme.emails['billing_admin'])
    user.find(marker='find').click()
    await user.should_see('Bill Billing', retries=50)
    user.find(marker=f'reset-two-factor-{person.id}').click()
    user.find(marker='confirm-reset').click()
    await user.should_see('Two-factor sign-in of Bill Billing reset', retries=50)
    session.refresh(person)
    assert person.totp_secret is None and person.totp_enabled_at is None
    event = session.exec(select(SignInEvent).where(SignInEvent.kind == SignInEventKind.TWO_FACTOR_DISABLED)).one()
    assert event.user_id == person.id and 'Ada Admin' in event.detail
    await user.should_not_see(marker=f'reset-two-factor-{person.id}', retries=50)  # the page shows it off now


async def test_nobody_else_gets_the_button(user: User, acme, session) -> None:
    person = turn_on(session, acme.emails['billing_admin'])
    host_page('/test/reset-customer', person.id)
    await log_in(user, acme.emails['global_admin'])
    await user.open('/test/reset-customer')
    await user.should_see('Host page')
    await user.should_not_see(marker=f'reset-two-factor-{person.id}')
    session.refresh(person)
    assert session.get(Person, person.id).totp_enabled_at is not None
