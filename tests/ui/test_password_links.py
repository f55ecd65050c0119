"""The "Forgot password?" and set-password pages, as a person uses them."""

import asyncio
import re

from nicegui import ui
from nicegui.testing import User
from sqlmodel import col, select

from dashboard.domain.auth.links import LINK_NOT_VALID, PASSWORDS_DIFFER, use_link
from dashboard.domain.models import OutboxEmail
from dashboard.domain.models import User as Person
from dashboard.ui.auth.password_link_pages import PASSWORD_SET, RESET_ANSWER
from tests.factories import make_user
from tests.ui.conftest import log_in

NEW_PASSWORD = 'a brand new password'


async def ask_for_a_reset(user: User, email: str) -> None:
    await user.open('/login')
    user.find('Forgot password?').click()
    await user.should_see('Forgot your password?')
    user.find(marker='email').type(email)
    user.find(kind=ui.button, content='Send link').click()
    await user.should_see(RESET_ANSWER)


async def emailed_link(db, to: str) -> str:
    """The path of the link in the newest email to `to`, once the request's background work has queued it."""
    for _ in range(100):
        with db.session() as session:
            email = session.exec(select(OutboxEmail).where(OutboxEmail.to_address == to)
                                 .order_by(col(OutboxEmail.id).desc())).first()
        if email is not None:
            return re.search(r'http://localhost:8080(/set-password\?token=[A-Za-z0-9_-]+)', email.body_text).group(1)
        await asyncio.sleep(0.05)
    raise AssertionError(f'no email to {to}')


def outbox_count(db) -> int:
    with db.session() as session:
        return len(session.exec(select(OutboxEmail)).all())


async def test_a_reset_from_the_login_page_sets_a_new_password(user: User, acme, db) -> None:
    email = acme.emails['viewer']
    await ask_for_a_reset(user, email)
    path = await emailed_link(db, email)

    await user.open(path)
    await user.should_see('Choose a new password')
    user.find(marker='password').type(NEW_PASSWORD)
    user.find(marker='password-again').type(NEW_PASSWORD)
    user.find(kind=ui.button, content='Set password').click()

    await user.should_see('Log in to the Web Portal', retries=100)
    await user.should_see(PASSWORD_SET)
    await log_in(user, email, NEW_PASSWORD)


async def test_an_unknown_email_gets_the_same_answer_and_no_email(user: User, acme, db) -> None:
    await ask_for_a_reset(user, 'nobody@acme.example')
    await asyncio.sleep(0.3)
    assert outbox_count(db) == 0


async def test_a_blank_email_is_asked_for_again(user: User, acme, db) -> None:
    await user.open('/forgot-password')
    user.find(kind=ui.button, content='Send link').click()
    await user.should_not_see(RESET_ANSWER)
    assert outbox_count(db) == 0


async def test_passwords_that_will_not_do_are_explained_and_change_nothing(user: User, acme, db) -> None:
    email = acme.emails['billing_admin']
    await ask_for_a_reset(user, email)
    path = await emailed_link(db, email)
    await user.open(path)
    for first, second, message in [('short', 'short', 'at least 10 characters'),
                                   (NEW_PASSWORD, NEW_PASSWORD + '!', PASSWORDS_DIFFER)]:
        user.find(marker='password').clear().type(first)
        user.find(marker='password-again').clear().type(second)
        user.find(kind=ui.button, content='Set password').click()
        await user.should_see(message, retries=100)
    await log_in(user, email)  # the old password still works


async def test_a_bad_link_says_so_and_offers_a_new_one(user: User, acme) -> None:
    for path in ['/set-password', '/set-password?token=forged', '/set-password?token=' + 'A' * 5000]:
        await user.open(path)
        await user.should_see(LINK_NOT_VALID)
        await user.should_see('Ask for a new link')
        await user.should_not_see('Set password')


async def test_a_link_used_in_another_tab_is_refused_here(user: User, acme, db) -> None:
    email = acme.emails['viewer']
    await ask_for_a_reset(user, email)
    path = await emailed_link(db, email)
    await user.open(path)
    with db.session() as session:
        use_link(session=session, token=path.split('=')[1], password=NEW_PASSWORD, password_again=NEW_PASSWORD)
    user.find(marker='password').type('yet another password')
    user.find(marker='password-again').type('yet another password')
    user.find(kind=ui.button, content='Set password').click()
    await user.should_see(LINK_NOT_VALID, retries=100)


async def test_the_admin_team_invites_people_without_a_password(user: User, vendor, acme, session) -> None:
    imported = [make_user(session, acme.organisation, 'viewer', full_name=f'Imported {n}') for n in range(2)]
    await log_in(user, vendor.admin)
    await user.open(f'/vendor/organisations/{acme.organisation.id}')
    await user.should_see('6 people; 2 cannot sign in yet (no password), 0 of them invited.')

    user.find(marker='people-table').trigger('invite', imported[0].id)
    await user.should_see('Invitation sent to Imported 0; the link works until', retries=50)
    await user.should_see('6 people; 2 cannot sign in yet (no password), 1 of them invited.')
    assert [email.to_address for email in session.exec(select(OutboxEmail)).all()] == [imported[0].email]

    user.find(marker='invite-everyone').click()
    await user.should_see('1 person of this organisation has no password and no pending invitation', retries=50)
    user.find(marker='save').click()
    await user.should_see('1 invitation sent.', retries=50)
    await user.should_see('2 of them invited.')
    assert sorted(email.to_address for email in session.exec(select(OutboxEmail)).all()) == \
        sorted(person.email for person in imported)


async def test_a_forged_invite_event_sends_nothing(user: User, vendor, acme, session) -> None:
    await log_in(user, vendor.admin)
    await user.open(f'/vendor/organisations/{acme.organisation.id}')
    await user.should_see('People')
    with_password = session.exec(select(Person).where(Person.email == acme.emails['viewer'])).one()
    for forged in [with_password.id, 'x', None, True, -1, 10**30, [1]]:
        user.find(marker='people-table').trigger('invite', forged)
    await asyncio.sleep(0.3)
    assert session.exec(select(OutboxEmail)).all() == []


async def test_sales_see_who_can_sign_in_but_cannot_invite(user: User, vendor, acme, session) -> None:
    imported = make_user(session, acme.organisation, 'viewer', full_name='Imported Person')
    await log_in(user, vendor.sales)
    await user.open(f'/vendor/organisations/{acme.organisation.id}')
    await user.should_see('5 people; 1 cannot sign in yet (no password), 0 of them invited.')
    await user.should_not_see('Invite everyone without a password')
    user.find(marker='people-table').trigger('invite', imported.id)
    await asyncio.sleep(0.3)
    assert session.exec(select(OutboxEmail)).all() == []
