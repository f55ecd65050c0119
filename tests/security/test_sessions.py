"""Sessions end when they should and cannot be planted: fixation, a password change, a cancellation and a role
change while a page is open, a second tab that ignored the log-out, idle expiry, and the cookie's flags. Each test
signs in people of its own, so that ending their sessions leaves the other tests' sign-ins alone."""

import itertools
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from dashboard.domain import clock
from dashboard.domain.auth.accounts import find_user_by_email, set_password
from dashboard.domain.auth.models import SignInEvent, SignInEventKind, UserSession
from dashboard.domain.deletion.lifecycle import advance_deletions
from dashboard.domain.models import LicenceRequest, Organisation
from dashboard.domain.vendor import DEFAULT_VENDOR
from tests.browser.conftest import CONTEXT_OPTIONS, World
from tests.browser.seed import PASSWORD
from tests.browser.server import REPO, serve
from tests.browser.sign_in import log_in
from tests.factories import make_deletion_request, make_organisation, make_pool, make_user

ENDS_WITHIN_MS = 4_000  # the frame's 2 s timer, after the once-a-second poll for sessions ended elsewhere
_numbers = itertools.count(1)


def new_person(world: World, role: str = 'billing_admin', *, organisation_id: int | None = None) -> str:
    """A person of their own in a fresh organisation (or the given one), able to sign in; returns the email."""
    number = next(_numbers)
    db = world.database()
    try:
        with db.session() as session:
            organisation = session.get(Organisation, organisation_id) if organisation_id else make_organisation(
                session, name=f'Session Test {number} Ltd', serial_number=f'SES-{os.getpid()}-{number}',
                subscription_end=clock.today() + timedelta(days=200))
            if organisation_id is None:
                make_pool(session, organisation, 'managed_agent', total=20, in_use=5,
                          expiry_date=clock.today() + timedelta(days=200))
            email = f'session-{os.getpid()}-{number}@sessions.example'
            make_user(session, organisation, role, full_name=f'Session Person {number}', email=email)
            set_password(session=session, email=email, password=PASSWORD)
        return email
    finally:
        db.engine.dispose()


def ids_of(world: World, email: str) -> tuple[int, int]:
    """The person's user id and organisation id."""
    db = world.database()
    try:
        with db.session() as session:
            user = find_user_by_email(session=session, email=email)
            assert user is not None and user.id is not None and user.organisation_id is not None
            return user.id, user.organisation_id
    finally:
        db.engine.dispose()


@pytest.fixture
def fresh(browser: Browser, world: World) -> Iterator:
    """`fresh()`: a new browser context of its own, closed after the test."""
    contexts: list[BrowserContext] = []

    def make() -> BrowserContext:
        context = browser.new_context(base_url=world.base_url, **CONTEXT_OPTIONS)
        contexts.append(context)
        return context
    yield make
    for context in contexts:
        context.close()


def is_signed_in(page: Page) -> bool:
    page.goto('/account/billing')
    page.wait_for_load_state('domcontentloaded')
    return '/login' not in page.url


def cli(world: World, *arguments: str, stdin: str = '') -> subprocess.CompletedProcess:
    env = {**os.environ, 'DATABASE_URL': world.db_url, 'PYTHONPATH': str(REPO), 'JOBS_ENABLED': 'false'}
    return subprocess.run([sys.executable, '-m', 'dashboard', *arguments], input=stdin, text=True,
                          capture_output=True, env=env, timeout=120, check=False)


def test_a_planted_cookie_is_never_signed_in_as_the_victim(world: World, fresh) -> None:
    email = new_person(world)
    attacker = fresh().new_page()
    attacker.goto('/login')
    planted = [cookie for cookie in attacker.context.cookies() if cookie['name'] == 'session']
    assert planted, 'the login page sets the session cookie'
    victim_context = fresh()
    victim_context.add_cookies(planted)
    victim = victim_context.new_page()

    log_in(victim, email)

    assert not is_signed_in(attacker)
    victim.get_by_role('button', name='Log out').click()
    expect(victim).to_have_url(f'{world.base_url}/login')
    log_in(victim, email)
    assert not is_signed_in(attacker)
    assert is_signed_in(victim)


def test_a_cookie_from_before_a_log_out_is_not_signed_in_again(world: World, fresh) -> None:
    """The victim's own earlier cookie, copied by someone, stays signed out after the victim signs in again."""
    email = new_person(world)
    victim = fresh().new_page()
    log_in(victim, email)
    copied = fresh()
    copied.add_cookies(victim.context.cookies())
    copy = copied.new_page()
    assert is_signed_in(copy)  # a stolen live cookie works until the session ends: that is what ending is for
    victim.get_by_role('button', name='Log out').click()
    expect(victim).to_have_url(f'{world.base_url}/login')
    assert not is_signed_in(copy)
    log_in(victim, email)
    assert not is_signed_in(copy)


def test_set_password_ends_an_open_page(world: World, fresh) -> None:
    email = new_person(world)
    page = fresh().new_page()
    log_in(page, email)
    expect(page).to_have_url(f'{world.base_url}/account/billing')

    done = cli(world, 'set-password', email, stdin='another long password\n')

    assert done.returncode == 0, done.stderr
    expect(page).to_have_url(f'{world.base_url}/login', timeout=ENDS_WITHIN_MS)
    assert not is_signed_in(page)


def test_deactivating_a_person_ends_their_open_page_and_their_sign_in(world: World, fresh) -> None:
    email = new_person(world)
    page = fresh().new_page()
    log_in(page, email)
    expect(page).to_have_url(f'{world.base_url}/account/billing')

    done = cli(world, 'deactivate', email)

    assert done.returncode == 0, done.stderr
    expect(page).to_have_url(f'{world.base_url}/login', timeout=ENDS_WITHIN_MS)
    assert not is_signed_in(page)
    page.get_by_label('Email').fill(email)
    page.get_by_label('Password', exact=True).fill(PASSWORD)
    page.get_by_role('button', name='Log in').click()
    expect(page.get_by_role('alert')).to_have_text('The email or password is not correct.')
    assert cli(world, 'reactivate', email).returncode == 0
    log_in(page, email)


def test_a_cancelled_account_ends_its_open_pages(world: World, fresh) -> None:
    email = new_person(world, 'global_admin')
    page = fresh().new_page()
    log_in(page, email)
    db = world.database()
    try:
        with db.session() as session:
            organisation = session.get(Organisation, ids_of(world, email)[1])
            make_deletion_request(session, organisation, status='in_progress')
            assert advance_deletions(session=session, now=clock.now(), vendor=DEFAULT_VENDOR) == 1
    finally:
        db.engine.dispose()
    expect(page).to_have_url(f'{world.base_url}/login', timeout=ENDS_WITHIN_MS)


def test_a_role_change_by_import_ends_an_open_page(world: World, fresh, tmp_path: Path) -> None:
    email = new_person(world, 'billing_admin')
    page = fresh().new_page()
    log_in(page, email)
    db = world.database()
    try:
        with db.session() as session:
            organisation = session.get(Organisation, ids_of(world, email)[1])
            assert organisation is not None
            line = (f'{organisation.serial_number},{organisation.name},{organisation.plan},{organisation.region},'
                    f'{organisation.subscription_end.isoformat()},')
    finally:
        db.engine.dispose()
    (tmp_path / 'organisations.csv').write_text(f'serial_number,name,plan,region,subscription_end,main_contact_email\n'
                                                f'{line}\n')
    (tmp_path / 'users.csv').write_text(f'serial_number,full_name,email,phone,role\n'
                                        f'{line.split(",")[0]},Session Person,{email},,viewer\n')

    done = cli(world, 'import', str(tmp_path))

    assert done.returncode == 0, done.stdout + done.stderr
    expect(page).to_have_url(f'{world.base_url}/login', timeout=ENDS_WITHIN_MS)


def test_a_second_tab_that_ignored_the_log_out_changes_nothing(world: World, fresh) -> None:
    email = new_person(world, 'billing_admin')
    context = fresh()
    first = context.new_page()
    log_in(first, email)
    second = context.new_page()
    second.goto('/account/billing')
    expect(second.get_by_role('button', name='Log out')).to_be_visible()
    second.get_by_role('button', name='Need more licences?').click()
    second.get_by_role('button', name='Send request').wait_for()
    # This tab will not follow its log-out redirect: it stays on the page to send the licence request.
    second.evaluate('() => addEventListener("beforeunload", (event) => { event.preventDefault(); '
                    'event.returnValue = ""; })')
    second.on('dialog', lambda dialog: dialog.dismiss())

    first.get_by_role('button', name='Log out').click()
    expect(first).to_have_url(f'{world.base_url}/login')
    second.wait_for_timeout(2_500)  # its timer has tried to send it to the login page
    second.get_by_role('button', name='Send request').click()

    expect(second.get_by_text('You are no longer signed in here')).to_be_visible()
    user_id, organisation_id = ids_of(world, email)
    assert world.rows(LicenceRequest, LicenceRequest.organisation_id == organisation_id) == []
    assert world.rows(SignInEvent, SignInEvent.kind == SignInEventKind.SIGNED_OUT, SignInEvent.user_id == user_id)


def test_the_session_cookie_is_http_only_and_same_site_lax(world: World) -> None:
    response = httpx.get(f'{world.base_url}/login', timeout=10)
    cookie = response.headers['set-cookie'].lower()
    assert 'httponly' in cookie and 'samesite=lax' in cookie
    assert 'secure' not in cookie  # served on 127.0.0.1 only: plain HTTP must keep working for local use


@pytest.fixture(scope='module')
def idle_server(tmp_path_factory: pytest.TempPathFactory, world: World) -> Iterator[str]:
    """A second server on the same database, listening beyond this machine (so its cookie is Secure by default),
    whose sessions end after 3 idle seconds."""
    with serve(tmp_path_factory.mktemp('idle'), world.db_url, '--host', '0.0.0.0',
               env={'SESSION_IDLE_HOURS': str(3 / 3600)}) as base_url:
        yield base_url


def test_outside_this_machine_the_cookie_is_secure(idle_server: str) -> None:
    cookie = httpx.get(f'{idle_server}/login', timeout=10).headers['set-cookie'].lower()
    assert 'secure' in cookie and 'httponly' in cookie and 'samesite=lax' in cookie


def test_an_idle_session_ends(world: World, browser: Browser, idle_server: str) -> None:
    email = new_person(world)
    # Chromium keeps a Secure cookie from http://127.0.0.1 (a potentially trustworthy origin).
    context = browser.new_context(base_url=idle_server, **CONTEXT_OPTIONS)
    try:
        page = context.new_page()
        log_in(page, email)
        expect(page).to_have_url(re.compile(r'/login'), timeout=10_000)  # the open page ends by itself
        page.goto('/account/billing')
        expect(page).to_have_url(f'{idle_server}/login?next=%2Faccount%2Fbilling')
        ended = world.rows(UserSession, UserSession.end_reason == 'idle')
        assert ended, 'the idle session was ended in the database'
    finally:
        context.close()


def test_a_made_up_ticket_signs_nobody_in(world: World) -> None:
    with httpx.Client(base_url=world.base_url, timeout=10) as client:
        client.get('/login')
        response = client.get('/auth/complete', params={'ticket': 'x' * 43}, follow_redirects=False)
        assert response.status_code == 303 and response.headers['location'] == '/login'
        assert client.get('/account/billing', follow_redirects=False).headers['location'].startswith('/login')
