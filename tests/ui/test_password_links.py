"""The "Forgot password?" and set-password pages, as a person uses them."""

import asyncio
import re

from nicegui import ui
from nicegui.testing import User
from sqlmodel import col, select

from dashboard.domain.auth.links import LINK_NOT_VALID, PASSWORDS_DIFFER
from dashboard.domain.models import OutboxEmail
from dashboard.ui.password_link_pages import PASSWORD_SET, RESET_ANSWER
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
    from dashboard.domain.auth.links import use_link
    with db.session() as session:
        use_link(session=session, token=path.split('=')[1], password=NEW_PASSWORD, password_again=NEW_PASSWORD)
    user.find(marker='password').type('yet another password')
    user.find(marker='password-again').type('yet another password')
    user.find(kind=ui.button, content='Set password').click()
    await user.should_see(LINK_NOT_VALID, retries=100)
