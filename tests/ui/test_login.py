from nicegui import ui
from nicegui.testing import User

from dashboard.ui.auth.login_page import WRONG_CREDENTIALS
from tests.ui.conftest import log_in, try_log_in


async def test_a_page_without_a_session_sends_you_to_log_in(user: User, acme) -> None:
    await user.open('/account/billing')
    await user.should_see('Log in to the Web Portal')
    await user.should_not_see('Account information')


async def test_logging_in_lands_on_billing(user: User, acme) -> None:
    await log_in(user, acme.emails['billing_admin'])
    await user.should_see('Account information')
    await user.should_see('Bill Billing')


async def test_email_is_not_case_sensitive(user: User, acme) -> None:
    await log_in(user, 'Billing_Admin@ACME.example')
    await user.should_see('Account information')


async def test_a_wrong_password_and_an_unknown_email_get_the_same_message(user: User, acme) -> None:
    await try_log_in(user, acme.emails['billing_admin'], 'wrong password!')
    await user.should_see(WRONG_CREDENTIALS, retries=100)
    await user.should_not_see('Account information')
    await try_log_in(user, 'nobody@acme.example', 'correct horse battery')
    await user.should_see(WRONG_CREDENTIALS, retries=100)


async def test_empty_fields_get_the_generic_message(user: User, acme) -> None:
    await user.open('/login')
    user.find(kind=ui.button, content='Log in').click()
    await user.should_see(WRONG_CREDENTIALS, retries=100)


async def test_log_out_ends_the_session(user: User, acme) -> None:
    await log_in(user, acme.emails['viewer'])
    await user.should_see('Account information')
    user.find('Log out').click()
    await user.should_see('Log in to the Web Portal')
    await user.open('/account/billing')
    await user.should_see('Log in to the Web Portal')


async def test_a_login_link_never_sends_you_to_another_site(user: User, acme) -> None:
    await user.open('/login?next=https://evil.example/')
    user.find(marker='email').type(acme.emails['billing_admin'])
    user.find(marker='password').type('correct horse battery')
    user.find(kind=ui.button, content='Log in').click()
    await user.should_see('Account information', retries=100)
