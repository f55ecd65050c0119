"""Guessing passwords through the login form: the throttle slows, then locks, an email whether or not it has an
account, with the same answers either way; the right password does not get through a lock; every failure and lock is
in the sign-in log with the client's address (which a forged X-Forwarded-For does not change); and one attempt runs
at a time."""

import re
import time
import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlmodel import col, delete

from dashboard.domain.auth.accounts import new_password_hash
from dashboard.domain.auth.models import SignInEvent, SignInEventKind, SignInThrottle
from dashboard.domain.auth.throttle import ACCOUNT_POLICY, account_key, address_key
from tests.browser.conftest import CONTEXT_OPTIONS, World
from tests.browser.seed import PASSWORD
from tests.factories import make_user

WRONG = 'The email or password is not correct.'
LOCKED = 'Too many attempts. Try again in 15 minutes.'
# What a guesser sees, attempt by attempt, waiting out each back-off: free failures, slower ones, then the lock.
EXPECTED = [WRONG] * (ACCOUNT_POLICY.lock_after - 1) + [LOCKED]


@pytest.fixture(autouse=True)
def fresh_address(world: World) -> Iterator[None]:
    """The browser tests all come from 127.0.0.1: forget that address's failures before and after, so that only the
    account's count matters here and no other test is slowed by these guesses."""
    _forget_address(world)
    yield
    _forget_address(world)


@pytest.fixture
def person(world: World) -> tuple[int, str]:
    """Someone of this test's own (id, email), so that the lock locks nobody else out."""
    email = f'guessed-{uuid.uuid4().hex[:8]}@harbourview.example'
    db = world.database()
    try:
        with db.session() as session:
            user = make_user(session, None, 'sales', full_name='Gus Guessed', email=email,
                             password_hash=new_password_hash(PASSWORD))
            assert user.id is not None
            return user.id, email
    finally:
        db.engine.dispose()


def test_wrong_passwords_lock_the_account_and_the_right_one_is_refused_while_locked(page: Page, world: World,
                                                                                     person) -> None:
    user_id, email = person

    assert guess_until_locked(page, email) == EXPECTED
    assert attempt(page, email, PASSWORD) == LOCKED

    expect(page).to_have_url(re.compile(r'/login$'))
    expect(page.get_by_role('button', name='Log out')).to_have_count(0)
    events = world.rows(SignInEvent, SignInEvent.user_id == user_id)
    assert [event.kind for event in events] == [SignInEventKind.FAILED] * ACCOUNT_POLICY.lock_after + \
        [SignInEventKind.LOCKED]
    assert {event.client_address for event in events} == {'127.0.0.1'}
    assert all(PASSWORD not in (event.detail or '') for event in events)


def test_an_email_without_an_account_gets_exactly_the_same_answers(page: Page, world: World) -> None:
    email = f'nobody-{uuid.uuid4().hex[:8]}@harbourview.example'

    assert guess_until_locked(page, email) == EXPECTED
    assert attempt(page, email, PASSWORD) == LOCKED

    events = world.rows(SignInEvent, SignInEvent.email == email)
    assert [(event.kind, event.user_id) for event in events] == \
        [(SignInEventKind.FAILED, None)] * ACCOUNT_POLICY.lock_after + [(SignInEventKind.LOCKED, None)]


def test_a_sign_in_is_recorded_and_clears_the_accounts_failures(page: Page, world: World, person) -> None:
    user_id, email = person
    for _ in range(ACCOUNT_POLICY.free_failures + 1):
        assert attempt(page, email, 'not the password') == WRONG
    assert attempt(page, email, PASSWORD).startswith('Too many attempts. Try again in ')
    time.sleep(ACCOUNT_POLICY.wait_after(ACCOUNT_POLICY.free_failures + 1).total_seconds() + 0.2)

    page.get_by_label('Password', exact=True).fill(PASSWORD)
    page.get_by_role('button', name='Log in').click()
    expect(page.get_by_role('button', name='Log out')).to_be_visible()

    kinds = [event.kind for event in world.rows(SignInEvent, SignInEvent.user_id == user_id)]
    assert kinds == [SignInEventKind.FAILED] * (ACCOUNT_POLICY.free_failures + 1) + [SignInEventKind.SIGNED_IN]
    assert throttle_row(world, account_key(email)) is None


def test_a_forged_forwarded_for_header_does_not_change_the_address_counted(browser: Browser, world: World,
                                                                           person) -> None:
    user_id, email = person
    with browser.new_context(base_url=world.base_url, **CONTEXT_OPTIONS,
                             extra_http_headers={'X-Forwarded-For': '198.51.100.77'}) as context:
        assert attempt(context.new_page(), email, 'not the password') == WRONG

    assert [event.client_address for event in world.rows(SignInEvent, SignInEvent.user_id == user_id)] == \
        ['127.0.0.1']


def test_the_button_is_disabled_while_an_attempt_runs_and_enter_twice_makes_one_attempt(page: Page, world: World,
                                                                                        person) -> None:
    user_id, email = person
    page.goto('/login')
    page.evaluate('''() => {
        window.sawDisabled = false;
        const button = () => [...document.querySelectorAll('button')].find(b => b.textContent.includes('Log in'));
        new MutationObserver(() => { if (button()?.disabled) window.sawDisabled = true; })
            .observe(document.body, {attributes: true, childList: true, subtree: true});
    }''')
    page.get_by_label('Email').fill(email)
    password = page.get_by_label('Password', exact=True)
    password.fill('not the password')
    password.press('Enter')
    password.press('Enter')

    expect(page.get_by_role('alert')).to_have_text(WRONG)
    expect(page.get_by_role('button', name='Log in')).to_be_enabled()
    assert page.evaluate('window.sawDisabled') is True
    time.sleep(0.5)  # a second attempt, had Enter started one, would have been recorded by now
    assert len(world.rows(SignInEvent, SignInEvent.user_id == user_id)) == 1


def guess_until_locked(page: Page, email: str) -> list[str]:
    """Wrong passwords until the lock, waiting out each back-off as a patient guesser would; the answers seen."""
    answers = []
    for failures in range(1, ACCOUNT_POLICY.lock_after + 1):
        answers.append(attempt(page, email, f'guess number {failures}'))
        time.sleep(ACCOUNT_POLICY.wait_after(failures).total_seconds() + 0.1)
    return answers


def attempt(page: Page, email: str, password: str) -> str:
    """One press of Log in; the answer shown once the attempt is over (the password field is emptied)."""
    if not page.url.endswith('/login'):
        page.goto('/login')
    page.get_by_label('Email').fill(email)
    page.get_by_label('Password', exact=True).fill(password)
    page.get_by_role('button', name='Log in').click()
    expect(page.get_by_label('Password', exact=True)).to_have_value('')
    alert = page.get_by_role('alert')
    expect(alert).to_be_visible()
    return alert.inner_text().strip()


def throttle_row(world: World, key: str) -> SignInThrottle | None:
    db = world.database()
    try:
        with db.session() as session:
            return session.get(SignInThrottle, key)
    finally:
        db.engine.dispose()


def _forget_address(world: World) -> None:
    db = world.database()
    try:
        with db.session() as session:
            session.exec(delete(SignInThrottle).where(col(SignInThrottle.key) == address_key('127.0.0.1')))
            session.commit()
    finally:
        db.engine.dispose()
