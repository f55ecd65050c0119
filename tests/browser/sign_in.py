"""Signing in through the login form, with the authenticator app's code when the app asks for a second factor."""


from playwright.sync_api import (
    Page,
    expect,
)

from dashboard.ui.auth.second_factor import APP_CODE_LABEL
from tests.browser.seed import PASSWORD
from tests.two_factor_codes import TEST_TOTP_SECRET, fresh_code


def log_in(page: Page, email: str, password: str = PASSWORD, *, path: str = '/login',
           totp_secret: str = TEST_TOTP_SECRET) -> None:
    """Logs in through the form and waits for the signed-in frame; when the app asks for a second factor (every
    vendor admin made by `make_user` has TEST_TOTP_SECRET), types the authenticator app's current code. An Admin
    Team member without one (the demo's) sets it up as a person would, and this run remembers the secret."""
    page.goto(path)
    page.get_by_label('Email').fill(email)
    page.get_by_label('Password', exact=True).fill(password)
    page.get_by_role('button', name='Log in').click()
    log_out, code_field = page.get_by_role('button', name='Log out'), page.get_by_label(APP_CODE_LABEL)
    expect(log_out.or_(code_field)).to_be_visible()
    if code_field.is_visible():
        shown_secret = page.locator('.totp-secret')
        if shown_secret.count():
            _secrets[email] = shown_secret.inner_text().replace(' ', '')
            type_app_code(page, email, _secrets[email], button='Turn on')
            page.get_by_role('button', name='Continue').click()
        else:
            type_app_code(page, email, _secrets.get(email, totp_secret))
    expect(log_out).to_be_visible()


_last_steps: dict[str, int] = {}  # each person's last code's step in this run: the server takes a step only once
_secrets: dict[str, str] = {}  # the secrets of people who set up two-factor sign-in while logging in


def type_app_code(page: Page, email: str, secret: str = TEST_TOTP_SECRET, *, button: str = 'Verify',
                  label: str = APP_CODE_LABEL) -> None:
    code, _last_steps[email] = fresh_code(secret, _last_steps.get(email))
    page.get_by_label(label).fill(code)
    page.get_by_role('button', name=button).click()
