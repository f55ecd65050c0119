"""Logging in and out in a real browser."""

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import World
from tests.browser.seed import PASSWORD
from tests.browser.sign_in import log_in

WRONG_CREDENTIALS = 'The email or password is not correct.'


def test_wrong_password_and_unknown_email_get_the_same_generic_message(page: Page, world: World) -> None:
    for email, password in [(world.people['billing_admin'].email, 'not the password at all'),
                            ('nobody@harbourview.example', 'not the password at all')]:
        page.goto('/login')
        page.get_by_label('Email').fill(email)
        page.get_by_label('Password', exact=True).fill(password)
        page.get_by_role('button', name='Log in').click()

        expect(page.get_by_role('alert')).to_have_text(WRONG_CREDENTIALS)
        expect(page).to_have_url(re.compile(r'/login$'))
        expect(page.get_by_label('Password', exact=True)).to_have_value('')
        expect(page.get_by_role('button', name='Log out')).to_have_count(0)


def test_right_password_opens_billing_and_log_out_ends_the_session(page: Page, world: World) -> None:
    admin = world.people['billing_admin']
    page.goto('/login')
    page.get_by_label('Email').fill(admin.email.upper())  # the email is not case-sensitive
    page.get_by_label('Password', exact=True).fill(PASSWORD)
    page.get_by_label('Password', exact=True).press('Enter')

    expect(page).to_have_url(re.compile(r'/account/billing$'))
    expect(page.get_by_text('Account › Billing')).to_be_visible()
    header = page.locator('header')
    expect(header).to_contain_text(admin.name)
    expect(header).to_contain_text(world.org_name)

    page.get_by_role('button', name='Log out').click()
    expect(page).to_have_url(re.compile(r'/login$'))
    page.goto('/account/billing')
    expect(page).to_have_url(re.compile(r'/login\?next=%2Faccount%2Fbilling$'))
    expect(page.get_by_text(world.serial)).to_have_count(0)


def test_a_login_link_with_next_returns_to_that_page(page: Page, world: World) -> None:
    page.goto('/account/billing?tab=history')
    expect(page).to_have_url(re.compile(r'/login\?next='))
    log_in(page, world.people['viewer'].email, path=page.url)
    expect(page).to_have_url(re.compile(r'/account/billing\?tab=history$'))
    expect(page.get_by_role('tab', name='Licence history')).to_have_attribute('aria-selected', 'true')
