"""UI tests: NiceGUI's simulated `User` against the app built on the per-test database."""

from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from typing import Any

import pytest
from argon2 import PasswordHasher
from nicegui import ui
from nicegui.element import Element
from nicegui.testing import User
from nicegui.testing.user_navigate import UserNavigate

from dashboard.config import get_settings
from dashboard.db import Database
from dashboard.domain import clock
from dashboard.domain.auth.accounts import find_user_by_email
from dashboard.domain.models import Organisation
from tests.factories import make_organisation, make_pool, make_user
from tests.two_factor_codes import fresh_code

PASSWORD = 'correct horse battery'


@pytest.fixture(autouse=True)
def app_database(db, monkeypatch):
    """Points the app that the `user` fixture starts at this test's database."""
    monkeypatch.setenv('DATABASE_URL', db.url)
    get_settings.cache_clear()
    yield db
    get_settings.cache_clear()


@pytest.fixture
def create_user(create_user: Callable[[], User]) -> Callable[[], User]:
    """NiceGUI's `create_user`, whose users are each sent where their own page navigates, as browsers would be."""
    users: list[User] = []

    def create() -> User:
        made = create_user()
        made.navigate = PageNavigate(made, users)
        users.append(made)
        return made
    return create


class PageNavigate(UserNavigate):
    """The simulation has one `ui.navigate` for all its users, the one of whichever user the test touched last (or the
    simulation itself did, when a page's JavaScript ran). A page that navigates by itself, its session timer or a live
    change, would move that user instead of its own; this `ui.navigate` moves the user whose page asked."""

    def __init__(self, user: User, users: list[User]) -> None:
        super().__init__(user)
        self._users = users

    def to(self, target: Callable[..., Any] | str | Element, new_tab: bool = False) -> None:
        UserNavigate.to(self._of_page(), target, new_tab)

    def back(self) -> None:
        UserNavigate.back(self._of_page())

    def forward(self) -> None:
        UserNavigate.forward(self._of_page())

    def reload(self) -> None:
        UserNavigate.reload(self._of_page())

    def _of_page(self) -> UserNavigate:
        with suppress(RuntimeError):  # not run by a page: the user the test touched last
            client = ui.context.client
            for user in self._users:
                # Read around `User.__getattribute__`, which would make `user`'s notify the one the app calls.
                if object.__getattribute__(user, 'client') is client:
                    navigate: UserNavigate = object.__getattribute__(user, 'navigate')
                    return navigate
        return self


@dataclass
class Acme:
    organisation: Organisation
    emails: dict[str, str]


@pytest.fixture
def acme(session) -> Acme:
    """A paid organisation with both pools and a user of every customer role, each able to log in."""
    organisation = make_organisation(session, name='Acme Widgets GmbH', serial_number='ACME-0001', region='eu',
                                     subscription_end=clock.today() + timedelta(days=100))
    make_pool(session, organisation, 'managed_agent', total=150, in_use=128,
              expiry_date=clock.today() + timedelta(days=12))
    make_pool(session, organisation, 'on_demand', total=10, in_use=3, expiry_date=clock.today() - timedelta(days=3))
    emails = {}
    for role, name in [('global_admin', 'Greta Global'), ('billing_admin', 'Bill Billing'),
                       ('viewer', 'Vera Viewer'), ('user', 'Ulf User')]:
        user = make_user(session, organisation, role, full_name=name, email=f'{role}@acme.example',
                         phone='+49 30 1234567', password_hash=password_hash())
        emails[role] = user.email
    return Acme(organisation=organisation, emails=emails)


@dataclass
class VendorStaff:
    sales: str
    admin: str


@pytest.fixture
def vendor(session) -> VendorStaff:
    """The vendor's people, able to log in: a sales rep (read-only) and a member of the Admin Team."""
    make_user(session, None, 'sales', full_name='Sam Sales', email='sales@vendor.example',
              password_hash=password_hash())
    make_user(session, None, 'vendor_admin', full_name='Ada Admin', email='admin@vendor.example',
              password_hash=password_hash())
    return VendorStaff(sales='sales@vendor.example', admin='admin@vendor.example')


@cache
def password_hash() -> str:
    """PASSWORD's hash, made once: Argon2 is slow by design."""
    return PasswordHasher().hash(PASSWORD)


async def log_in(user: User, email: str, password: str = PASSWORD) -> None:
    """Logs in and waits for the signed-in frame (checking a password takes a moment); a person with two-factor
    sign-in (every vendor admin made by `make_user`) then types the app's current code."""
    await try_log_in(user, email, password)
    secret, last_step = _second_factor(email)
    if secret is not None:
        await user.should_see(marker='totp-code', retries=100)
        user.find(marker='totp-code').type(fresh_code(secret, last_step)[0])
        user.find(kind=ui.button, content='Verify').click()
    await user.should_see('Log out', retries=100)


def _second_factor(email: str) -> tuple[str | None, int | None]:
    """The person's TOTP secret when two-factor sign-in is on, and the last step the server accepted."""
    db = Database(get_settings().database_url)
    try:
        with db.session() as session:
            person = find_user_by_email(session=session, email=email)
            if person is None or person.totp_enabled_at is None:
                return None, None
            return person.totp_secret, person.totp_last_step
    finally:
        db.engine.dispose()


async def log_out(user: User) -> None:
    """Logs out and waits for the login page: logging out ends the session on a worker thread first, and a page
    opened before its navigation arrives would be replaced by it."""
    user.find(kind=ui.button, content='Log out').click()
    await user.should_see('Log in to the Web Portal', retries=100)


async def try_log_in(user: User, email: str, password: str) -> None:
    await user.open('/login')
    user.find(marker='email').type(email)
    user.find(marker='password').type(password)
    user.find(kind=ui.button, content='Log in').click()
