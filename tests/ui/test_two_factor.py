"""The Security page and the sign-in's second step, in NiceGUI's simulated browser."""

from nicegui import ui
from nicegui.testing import User
from sqlmodel import select

from dashboard.domain import clock
from dashboard.domain.auth.models import RecoveryCode
from dashboard.domain.models import User as Person
from tests.factories import make_user
from tests.two_factor_codes import TEST_TOTP_SECRET, fresh_code
from tests.ui.conftest import log_in, password_hash, try_log_in


def turn_on(session, email: str) -> Person:
    person = session.exec(select(Person).where(Person.email_key == email)).one()
    person.totp_secret, person.totp_enabled_at = TEST_TOTP_SECRET, clock.now()
    session.add(person)
    session.commit()
    return person


def app_code(session, person: Person) -> str:
    session.refresh(person)
    return fresh_code(TEST_TOTP_SECRET, person.totp_last_step)[0]


async def test_every_signed_in_person_has_a_security_page(user: User, acme, session) -> None:
    make_user(session, None, 'sales', email='sam@vendor.example', password_hash=password_hash())
    for email in (acme.emails['user'], 'sam@vendor.example'):
        await log_in(user, email)
        await user.should_see(kind=ui.item_section, content='Security')
        await user.open('/account/security')
        await user.should_see('Two-factor sign-in')
        await user.should_see('Turn on')
        user.find(kind=ui.button, content='Log out').click()
        await user.should_see('Log in to the Web Portal', retries=50)
    await user.open('/account/security')
    await user.should_see('Log in to the Web Portal')
    await user.should_not_see('Two-factor sign-in')


async def test_turning_on_shows_the_qr_code_and_a_wrong_code_changes_nothing(user: User, acme, session) -> None:
    await log_in(user, acme.emails['viewer'])
    await user.open('/account/security')
    user.find(kind=ui.button, content='Turn on').click()
    await user.should_see(marker='totp-secret')
    html = user.find(kind=ui.html).elements.pop()
    assert html.content.startswith('<svg') and 'http' not in html.content.replace('http://www.w3.org', '')
    user.find(marker='enrol-code').type('12345x')
    user.find(kind=ui.button, content='Turn on').click()
    await user.should_see('That code is not correct', retries=50)
    person = session.exec(select(Person).where(Person.email_key == acme.emails['viewer'])).one()
    session.refresh(person)
    assert person.totp_secret is None and person.totp_enabled_at is None


async def test_turning_off_asks_for_a_current_code(user: User, acme, session) -> None:
    person = turn_on(session, acme.emails['billing_admin'])
    await log_in(user, acme.emails['billing_admin'])
    await user.open('/account/security')
    await user.should_see('0 recovery codes left.')  # turned on by hand, without codes
    user.find(kind=ui.button, content='Turn off').click()
    user.find(marker='confirm-code').type('000')
    user.find(marker='confirm-button').click()
    await user.should_see('That code is not correct', retries=50)
    session.refresh(person)
    assert person.totp_enabled_at is not None
    user.find(marker='confirm-code').clear().type(app_code(session, person))
    user.find(marker='confirm-button').click()
    await user.should_see('Two-factor sign-in is off.', retries=50)
    session.refresh(person)
    assert person.totp_secret is None and person.totp_enabled_at is None


async def test_new_recovery_codes_are_shown_once(user: User, acme, session) -> None:
    person = turn_on(session, acme.emails['global_admin'])
    await log_in(user, acme.emails['global_admin'])
    await user.open('/account/security')
    user.find(kind=ui.button, content='New recovery codes').click()
    user.find(marker='confirm-code').type(app_code(session, person))
    user.find(marker='confirm-button').click()
    await user.should_see('Your recovery codes', retries=50)
    assert len(session.exec(select(RecoveryCode).where(RecoveryCode.user_id == person.id)).all()) == 10
    user.find(kind=ui.button, content='Done').click()
    await user.should_see('10 recovery codes left.')
    await user.should_not_see('Your recovery codes')


async def test_the_admin_team_cannot_turn_it_off(user: User, vendor) -> None:
    await log_in(user, vendor.admin)
    await user.open('/account/security')
    await user.should_see('The Admin Team must use two-factor sign-in')
    await user.should_not_see('Turn off')


async def test_the_second_step_refuses_a_wrong_code_and_gives_no_session(user: User, vendor) -> None:
    await try_log_in(user, vendor.admin, 'correct horse battery')
    await user.should_see(marker='totp-code', retries=100)
    user.find(marker='totp-code').type('999999' if fresh_code()[0] != '999999' else '888888')
    user.find(kind=ui.button, content='Verify').click()
    await user.should_see('That code is not correct', retries=50)
    await user.should_not_see('Log out')
    await user.open('/vendor/renewals')
    await user.should_see('Log in to the Web Portal')
