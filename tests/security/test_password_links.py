"""Attacks on the password reset and invitation links, through the running app: finding out who has an account,
using a link twice or late, leaking it, keeping a session open across a reset, and inviting without the right."""

import re
import time
from collections.abc import Iterator
from datetime import timedelta
from itertools import count
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect
from sqlmodel import col, delete, select

from dashboard.domain import clock
from dashboard.domain.auth.links import LINK_NOT_VALID
from dashboard.domain.auth.models import AccountLink, SignInEvent, SignInEventKind, UserSession
from dashboard.domain.auth.sessions import open_session, token_hash
from dashboard.domain.models import Organisation, OutboxEmail, User
from dashboard.ui.auth.password_link_pages import PASSWORD_SET, RESET_ANSWER
from tests.browser.conftest import CONTEXT_OPTIONS, World
from tests.browser.seed import PASSWORD
from tests.browser.sign_in import log_in
from tests.factories import make_user

NEW_PASSWORD = 'a brand new password'
_numbers = count(1)


@pytest.fixture
def person(world: World) -> Iterator[str]:
    """A customer of the organisation who can sign in, made for this test alone (a reset changes the password).
    Every request here comes from 127.0.0.1: the requests of earlier tests are forgotten, so that the per-address
    throttle (its own test is in tests/domain) does not decide this one."""
    db = world.database()
    with db.session() as session:
        session.exec(delete(SignInEvent).where(col(SignInEvent.kind) == SignInEventKind.RESET_REQUESTED))
        organisation = session.get(Organisation, world.org_id)
        email = f'reset.{next(_numbers)}.{time.monotonic_ns()}@brightwater.example'
        make_user(session, organisation, 'viewer', full_name='Rita Reset', email=email,
                  password_hash=session.exec(select(User.password_hash).where(
                      User.email_key == world.email_of('viewer').lower())).one())
    db.engine.dispose()
    yield email


def ask_for_a_reset(page: Page, email: str) -> tuple[str, float]:
    """What the page says once it has answered, and how many seconds the answer took after the click."""
    page.goto('/login')
    page.get_by_role('link', name='Forgot password?').click()
    page.get_by_label('Email').fill(email)
    started = time.monotonic()
    page.get_by_role('button', name='Send link').click()
    expect(page.get_by_role('status')).to_have_text(RESET_ANSWER)
    return page.locator('.q-card').inner_text(), time.monotonic() - started


def emailed_link(world: World, email: str) -> str:
    """The path of the link in the newest email to `email`, read from the outbox row once it is there."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        rows = world.rows(OutboxEmail, OutboxEmail.to_address == email)
        if rows:
            return re.search(r'/set-password\?token=[A-Za-z0-9_-]+', rows[-1].body_text).group(0)
        time.sleep(0.1)
    raise AssertionError(f'no email to {email}')


def set_password(page: Page, path: str, password: str = NEW_PASSWORD) -> None:
    page.goto(path)
    page.get_by_label('New password', exact=True).fill(password)
    page.get_by_label('Repeat the new password').fill(password)
    page.get_by_role('button', name='Set password').click()


def test_the_answer_never_says_whether_an_account_exists(world: World, page: Page, person: str) -> None:
    unknown = f'nobody.{time.monotonic_ns()}@brightwater.example'
    before = len(world.rows(OutboxEmail))

    known_page, known_seconds = ask_for_a_reset(page, person)
    unknown_page, unknown_seconds = ask_for_a_reset(page, unknown)

    assert known_page.replace(person, '') == unknown_page.replace(unknown, '')
    assert abs(known_seconds - unknown_seconds) < 0.5, (known_seconds, unknown_seconds)
    emailed_link(world, person)
    time.sleep(0.5)
    assert [row.to_address for row in world.rows(OutboxEmail)[before:]] == [person]


def test_a_link_sets_the_password_once_and_ends_the_old_sessions(world: World, page: Page, browser: Browser,
                                                                   person: str) -> None:
    planted = _plant_session(world, person)
    elsewhere = browser.new_context(base_url=world.base_url, **CONTEXT_OPTIONS)
    open_page = elsewhere.new_page()
    log_in(open_page, person)
    ask_for_a_reset(page, person)
    path = emailed_link(world, person)

    set_password(page, path)

    expect(page.get_by_text(PASSWORD_SET)).to_be_visible()
    expect(page).to_have_url(re.compile(r'/login'))
    assert all(row.ended_at is not None for row in world.rows(UserSession, UserSession.token_hash == planted))
    if world.rows(UserSession, UserSession.user_id == _user_id(world, person), UserSession.token_hash != planted):
        expect(open_page).to_have_url(re.compile(r'/login'), timeout=5_000)  # once sign-in opens UserSession rows
    elsewhere.close()

    page.goto(path)  # the link again, as someone who read the email later would
    expect(page.get_by_text(LINK_NOT_VALID)).to_be_visible()
    expect(page.get_by_role('button', name='Set password')).to_have_count(0)
    log_in(page, person, NEW_PASSWORD)


def test_an_expired_link_is_refused(world: World, page: Page, person: str) -> None:
    ask_for_a_reset(page, person)
    path = emailed_link(world, person)
    db = world.database()
    with db.session() as session:
        link = session.exec(select(AccountLink).order_by(col(AccountLink.id).desc())).first()
        link.expires_at = clock.now() - timedelta(seconds=1)
        session.add(link)
        session.commit()
    db.engine.dispose()

    page.goto(path)
    expect(page.get_by_text(LINK_NOT_VALID)).to_be_visible()
    log_in(page, person, PASSWORD)  # the password is unchanged


@pytest.mark.parametrize('token', ['', 'forged', 'A' * 43, 'A' * 3000, '%00', '<script>alert(1)</script>'])
def test_a_forged_link_opens_nothing(world: World, page: Page, token: str) -> None:
    page.goto(f'/set-password?token={token}')
    expect(page.get_by_text(LINK_NOT_VALID)).to_be_visible()
    expect(page.get_by_role('button', name='Set password')).to_have_count(0)


def test_the_link_never_leaks_through_the_referrer_or_the_log(world: World, page: Page, person: str) -> None:
    ask_for_a_reset(page, person)
    path = emailed_link(world, person)
    response = httpx.get(world.base_url + path, timeout=10)
    assert response.status_code == 200
    assert response.headers['referrer-policy'] == 'no-referrer'
    assert '<meta name="referrer" content="no-referrer">' in response.text
    set_password(page, path)
    expect(page.get_by_text(PASSWORD_SET)).to_be_visible()
    token = path.split('=', 1)[1]
    server_log = Path(world.db_url.removeprefix('sqlite:///')).parent / 'server.log'
    assert token not in server_log.read_text(errors='replace')


def test_the_outbox_page_hides_the_link(world: World, page: Page, open_as, person: str) -> None:
    ask_for_a_reset(page, person)
    token = emailed_link(world, person).split('=', 1)[1]
    outbox = open_as('vendor_admin', '/vendor/outbox')
    outbox.get_by_text(person).first.click()
    expect(outbox.frame_locator('iframe').get_by_text('token=[hidden]').first).to_be_visible()
    outbox.get_by_role('tab', name='Text').click()
    expect(outbox.get_by_text('token=[hidden]').first).to_be_visible()
    assert all(token not in frame.content() for frame in outbox.frames)


def test_sales_cannot_invite(world: World, open_as) -> None:
    imported = _imported_user(world)
    admin = open_as('vendor_admin', f'/vendor/organisations/{world.org_id}')
    expect(admin.get_by_role('button', name='Invite everyone without a password')).to_be_visible()
    admins_listener = admin.evaluate(PEOPLE_TABLE + 'return events.find(e => e.type === "invite").listener_id;}')

    sales = open_as('sales', f'/vendor/organisations/{world.org_id}')
    expect(sales.get_by_text('Rita Imported').first).to_be_visible()
    expect(sales.get_by_role('button', name='Invite everyone without a password')).to_have_count(0)
    expect(sales.get_by_role('button', name='Invite', exact=True)).to_have_count(0)
    sales.evaluate(FORGE_INVITE, [admins_listener, imported])
    time.sleep(1)
    assert world.rows(AccountLink, AccountLink.user_id == imported) == []
    assert world.rows(OutboxEmail, OutboxEmail.kind == 'invitation') == []

    admin.evaluate(FORGE_INVITE, [admins_listener, imported])  # the same event where it is allowed: it works
    expect(admin.get_by_text('Invitation sent to Rita Imported', exact=False)).to_be_visible()
    assert len(world.rows(AccountLink, AccountLink.user_id == imported)) == 1


# The People table's element on the page, and the events the server listens to on it.
PEOPLE_TABLE = \
    """(args) => {
        const table = [...document.querySelectorAll('.q-table__container')].find(t => t.innerText.includes('Sign-in'));
        const id = Number(table.id.slice(1));
        const events = mounted_app.elements[id].events;"""
# An `invite` event sent down the page's own socket, with the page's own listener if it has one, else another's.
FORGE_INVITE = PEOPLE_TABLE + """
        const own = events.find(e => e.type === 'invite');
        window.socket.emit('event', {id: id, client_id: window.clientId,
                                     listener_id: own ? own.listener_id : args[0], args: [JSON.stringify(args[1])]});
    }"""


def _imported_user(world: World) -> int:
    db = world.database()
    with db.session() as session:
        user = make_user(session, session.get(Organisation, world.org_id), 'viewer', full_name='Rita Imported',
                         email=f'imported.{time.monotonic_ns()}@brightwater.example')
        user_id = user.id
    db.engine.dispose()
    return user_id


def _user_id(world: World, email: str) -> int:
    return world.rows(User, User.email == email)[0].id


def _plant_session(world: World, email: str) -> str:
    """A signed-in session of the user as the sessions table keeps it; returns its token's hash."""
    db = world.database()
    with db.session() as session:
        token = open_session(session=session, user_id=_user_id(world, email))
        session.commit()
    db.engine.dispose()
    return token_hash(token)
