"""The Admin Team's Sign-ins page: a person's sign-in log found by email, and the newest failures and locks."""

from nicegui import ui
from nicegui.testing import User

from dashboard.domain.auth.sign_in_attempts import WRONG_CREDENTIALS
from tests.ui.conftest import log_in, log_out, try_log_in


def table_rows(user: User, marker: str) -> list[dict]:
    table = user.find(marker=marker).elements.pop()
    assert isinstance(table, ui.table)
    return table.rows


async def test_the_admin_team_sees_failures_and_finds_a_persons_log(user: User, acme, vendor) -> None:
    await try_log_in(user, acme.emails['viewer'], 'not the password')
    await user.should_see(WRONG_CREDENTIALS, retries=100)
    await try_log_in(user, 'nobody@acme.example', 'not the password either')
    await user.should_see(WRONG_CREDENTIALS, retries=100)
    await log_in(user, acme.emails['viewer'])
    await log_out(user)
    await log_in(user, vendor.admin)

    await user.open('/vendor/sign-ins')

    trouble = table_rows(user, 'trouble')
    assert [(row['event'], row['email'], row['detail']) for row in trouble] == [
        ('Sign-in failed', 'nobody@acme.example', 'unknown email'),
        ('Sign-in failed', acme.emails['viewer'], 'wrong password')]
    assert trouble[0]['at'].endswith(' UTC') and trouble[0]['address']
    user.find(marker='email').type('VIEWER@acme.example')
    user.find(marker='find').click()
    await user.should_see('Vera Viewer')
    assert [row['event'] for row in table_rows(user, 'sign-in-log')] == ['Signed out', 'Signed in', 'Sign-in failed']
    assert 'not the password' not in str(table_rows(user, 'sign-in-log'))


async def test_an_unknown_email_and_an_overlong_one_are_answered(user: User, vendor) -> None:
    await log_in(user, vendor.admin)
    await user.open('/vendor/sign-ins')

    user.find(marker='email').type('nobody@vendor.example')
    user.find(marker='find').click()
    await user.should_see('No user has that email.')
    user.find(marker='email').clear()
    user.find(marker='email').type('x' * 400)
    user.find(marker='find').click()
    await user.should_see('An email address has at most 320 characters.')


async def test_the_menu_offers_sign_ins_to_the_admin_team_only(user: User, vendor) -> None:
    await log_in(user, vendor.admin)
    await user.should_see('Sign-ins')
    await log_out(user)
    await log_in(user, vendor.sales)
    await user.should_not_see('Sign-ins')


async def test_sales_and_customers_are_refused(user: User, acme, vendor) -> None:
    await log_in(user, vendor.sales)
    await user.open('/vendor/sign-ins')
    await user.should_see('Only the Admin Team may read other people\'s sign-in logs.')
    await user.should_not_see('A person\'s sign-in log')
    await log_out(user)
    await log_in(user, acme.emails['global_admin'])
    await user.open('/vendor/sign-ins')
    await user.should_see('This page is for the vendor\'s staff')
    await user.should_not_see('A person\'s sign-in log')
