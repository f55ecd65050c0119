"""Browser tests: real Chromium (Playwright, sync API) against `python -m dashboard serve` started as a subprocess.

Run them with:

    .venv/bin/pytest tests/browser

They also run inside `pytest tests`: every fixture that holds Playwright or the server is package-scoped, so both are
gone before the async UI tests start (sync Playwright marks its event loop as running while it is alive, which
pytest-asyncio would trip over). Set `BROWSER_TESTS=0` to skip them, e.g. where no Chromium is installed.

`UPDATE_SCREENSHOTS=1` makes `test_screenshots.py` write the README's pictures to `assets/`.
"""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Locator,
    Page,
    Playwright,
    StorageState,
    expect,
    sync_playwright,
)
from sqlmodel import Session, SQLModel, col, select

from dashboard.db import Database
from dashboard.domain import clock
from dashboard.domain.accounts import set_password
from dashboard.domain.history import record_history
from dashboard.domain.models import DeletionRequest, DeletionStatus, HistoryAction, LicenceKind, User
from tests.factories import make_organisation, make_pool, make_user

REPO = Path(__file__).resolve().parents[2]
PASSWORD = 'correct horse battery staple'
SYSTEM_CHROMIUM = '/usr/bin/chromium'
CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
                 '--disable-sync', '--no-first-run']
VENDOR_STAFF = 'Priya Vendorlund'  # vendor staff: customers must only ever see 'Admin Team'
STARTUP_SECONDS = 30
T = TypeVar('T', bound=SQLModel)
OpenAs = Callable[..., Page]  # open_as(role, path='/account/billing') -> the page, signed in as that role
CONTEXT_OPTIONS: dict[str, Any] = {'accept_downloads': True, 'viewport': {'width': 1440, 'height': 900},
                                   'locale': 'en-GB', 'timezone_id': 'UTC'}

if os.environ.get('BROWSER_TESTS') == '0':
    collect_ignore_glob = ['test_*.py']

expect.set_options(timeout=10_000)


@dataclass
class HistoryEntry:
    occurred_at: datetime
    action: HistoryAction
    kind: LicenceKind | None
    actor: str
    by_vendor: bool
    old_value: str | None
    new_value: str | None
    note: str | None

    @property
    def shown_actor(self) -> str:
        return 'Admin Team' if self.by_vendor else self.actor


@dataclass
class Person:
    name: str
    email: str
    phone: str
    role: str


@dataclass
class World:
    """What the database holds before the server starts: the facts the tests check the pages against."""

    db_url: str
    base_url: str
    org_id: int
    org_name: str
    serial: str
    other_org_id: int
    other_org_name: str
    other_serial: str
    other_email: str
    other_note: str
    subscription_end: date
    managed_expiry: date
    on_demand_expiry: date
    people: dict[str, Person]
    contact_role: str
    history: list[HistoryEntry] = field(default_factory=list, repr=False)

    def database(self) -> Database:
        return Database(self.db_url)

    def rows(self, model: type[T], *conditions: Any) -> list[T]:
        """What the server's database file holds now, oldest first: to check what an action stored."""
        db = self.database()
        try:
            with db.session() as session:
                return list(session.exec(select(model).where(*conditions).order_by(col(model.id))).all())
        finally:
            db.engine.dispose()


@pytest.fixture(scope='package')
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """Builds the database, starts the app on a free port and stops it after the last browser test."""
    folder = tmp_path_factory.mktemp('browser')
    db_url = f'sqlite:///{folder / "app.db"}'
    db = Database(db_url)
    db.migrate()
    with db.session() as session:
        facts = _seed(session)
    db.engine.dispose()
    port = _free_port()
    env = {key: value for key, value in os.environ.items() if key != 'PYTEST_CURRENT_TEST'}
    env.update(DATABASE_URL=db_url, DASHBOARD_SECRET='browser-test-secret', PYTHONPATH=str(REPO),
               NICEGUI_STORAGE_PATH=str(folder / 'storage'), PYTHONUNBUFFERED='1')
    log_path = folder / 'server.log'
    with log_path.open('wb') as log:
        command = [sys.executable, '-m', 'dashboard', 'serve', '--host', '127.0.0.1', '--port', str(port)]
        server = subprocess.Popen(command, cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT)
    base_url = f'http://127.0.0.1:{port}'
    try:
        _wait_until_up(server, base_url, log_path)
        yield World(db_url=db_url, base_url=base_url, **facts)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope='package')
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope='package')
def browser(playwright: Playwright) -> Iterator[Browser]:
    own = playwright.chromium.executable_path
    executable = own if own and Path(own).exists() else SYSTEM_CHROMIUM
    browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def context(browser: Browser, world: World) -> Iterator[BrowserContext]:
    """A fresh context per test, signed in to nothing, so that no session leaks from one test to the next."""
    context = browser.new_context(base_url=world.base_url, **CONTEXT_OPTIONS)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture(scope='package')
def signed_in_sessions() -> dict[str, StorageState]:
    """Each person's cookies after one login through the form, so that tests which are not about logging in start
    signed in without paying for the password check again."""
    return {}


@pytest.fixture
def open_as(browser: Browser, world: World, signed_in_sessions: dict[str, StorageState]
            ) -> Iterator[OpenAs]:
    """`open_as('viewer', '/account/billing?tab=history')`: that page, in a fresh context signed in as that role
    of the organisation (or as `'other'`, the global admin of the other organisation)."""
    contexts: list[BrowserContext] = []

    def open_page(who: str, path: str = '/account/billing') -> Page:
        if who not in signed_in_sessions:
            with browser.new_context(base_url=world.base_url) as login_context:
                login_page = login_context.new_page()
                log_in(login_page, world.other_email if who == 'other' else world.people[who].email)
                signed_in_sessions[who] = login_context.storage_state()
        context = browser.new_context(base_url=world.base_url, storage_state=signed_in_sessions[who],
                                      **CONTEXT_OPTIONS)
        contexts.append(context)
        page = context.new_page()
        page.goto(path)
        expect(page.get_by_role('button', name='Log out')).to_be_visible()
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def no_open_deletion(world: World) -> Iterator[None]:
    """Leaves the organisation without an open deletion request after the test, whatever the test did."""
    yield
    db = world.database()
    with db.session() as session:
        for request in session.exec(select(DeletionRequest).where(
                DeletionRequest.organisation_id == world.org_id,
                col(DeletionRequest.status).in_([DeletionStatus.PENDING, DeletionStatus.IN_PROGRESS]))).all():
            request.status = DeletionStatus.WITHDRAWN
            request.withdrawn_at = clock.now()
            request.withdrawn_by_name = 'test clean-up'
            session.add(request)
        session.commit()
    db.engine.dispose()


def log_in(page: Page, email: str, password: str = PASSWORD, *, path: str = '/login') -> None:
    """Logs in through the form and waits for the signed-in frame."""
    page.goto(path)
    page.get_by_label('Email').fill(email)
    page.get_by_label('Password', exact=True).fill(password)
    page.get_by_role('button', name='Log in').click()
    expect(page.get_by_role('button', name='Log out')).to_be_visible()


def _seed(session: Session) -> dict:
    today = clock.today()
    subscription_end = today + timedelta(days=143)
    managed_expiry = today + timedelta(days=21)
    on_demand_expiry = today + timedelta(days=143)
    org = make_organisation(session, name='Harbourview Logistics Ltd', serial_number='HVL-2291-0447-UK',
                            plan='paid', region='uk', subscription_end=subscription_end)
    make_pool(session, org, 'managed_agent', total=250, in_use=187, expiry_date=managed_expiry)
    make_pool(session, org, 'on_demand', total=15, in_use=4, expiry_date=on_demand_expiry)
    people = {}
    for role, name, phone in [('global_admin', 'Grace Okafor', '+44 20 7946 0101'),
                              ('billing_admin', 'Ben Hartley', '+44 20 7946 0102'),
                              ('viewer', 'Vivian Moreau', '+44 20 7946 0103'),
                              ('user', 'Usman Qureshi', '+44 20 7946 0104')]:
        email = f'{name.split()[0].lower()}@harbourview.example'
        make_user(session, org, role, full_name=name, email=email, phone=phone)
        set_password(session=session, email=email, password=PASSWORD)
        people[role] = Person(name=name, email=email, phone=phone, role=role)
    org.main_contact_id = _user_id(session, people['global_admin'].email)
    session.add(org)
    session.commit()

    other = make_organisation(session, name='Kestrel Pharma AG', serial_number='KPA-7713-0001-DE', plan='trial',
                              region='eu', subscription_end=today + timedelta(days=9))
    make_pool(session, other, 'managed_agent', total=9999, in_use=1, expiry_date=today + timedelta(days=9))
    other_email = 'kurt@kestrel.example'
    make_user(session, other, 'global_admin', full_name='Kurt Kestrel', email=other_email)
    set_password(session=session, email=other_email, password=PASSWORD)
    other_note = 'Kestrel confidential renewal'
    for n in range(5):
        record_history(session=session, organisation_id=other.id, actor='Kurt Kestrel',
                       action=HistoryAction.LICENCES_INCREASED, kind=LicenceKind.MANAGED_AGENT, old_value=9000 + n,
                       new_value=9001 + n, note=f'{other_note} {n}', occurred_at=_at(today, -n))
    history = _history(today)
    for entry in history:
        record_history(session=session, organisation_id=org.id, actor=entry.actor, action=entry.action,
                       kind=entry.kind, old_value=entry.old_value, new_value=entry.new_value, note=entry.note,
                       by_vendor=entry.by_vendor, occurred_at=entry.occurred_at)
    session.commit()
    return dict(org_id=org.id, org_name=org.name, serial=org.serial_number, other_org_id=other.id,
                other_org_name=other.name, other_serial=other.serial_number, other_email=other_email,
                other_note=other_note, subscription_end=subscription_end, managed_expiry=managed_expiry,
                on_demand_expiry=on_demand_expiry, people=people, contact_role='global_admin', history=history)


def _history(today: date) -> list[HistoryEntry]:
    """60 rows over about two years, oldest first: every action, both kinds, vendor staff and customers, and
    licence totals and expiry dates that add up to the pools' figures today."""
    plan = [_planned_step(n) for n in range(58)]
    totals = {LicenceKind.MANAGED_AGENT: 250 - sum(d for k, d in plan if k == LicenceKind.MANAGED_AGENT and d),
              LicenceKind.ON_DEMAND: 15 - sum(d for k, d in plan if k == LicenceKind.ON_DEMAND and d)}
    expiry_changes = {kind: sum(1 for k, d in plan if k == kind and d == 0) for kind in LicenceKind}
    expiries = {LicenceKind.MANAGED_AGENT: today + timedelta(days=21 - 73 * expiry_changes[LicenceKind.MANAGED_AGENT]),
                LicenceKind.ON_DEMAND: today + timedelta(days=143 - 73 * expiry_changes[LicenceKind.ON_DEMAND])}
    entries = [
        HistoryEntry(_at(today, -720), HistoryAction.TRIAL_STARTED, LicenceKind.MANAGED_AGENT, VENDOR_STAFF, True,
                     None, '25', '30-day trial'),
        HistoryEntry(_at(today, -692, hour=15, minute=20), HistoryAction.TRIAL_CONVERTED, LicenceKind.MANAGED_AGENT,
                     VENDOR_STAFF, True, '25', str(totals[LicenceKind.MANAGED_AGENT]), 'Order PO-10442 received'),
    ]
    for n, (kind, delta) in enumerate(plan):
        when = _at(today, -680 + n * 11, hour=9 + n % 8, minute=(n * 7) % 60)
        by_vendor = (n // 2) % 2 == 0
        actor = VENDOR_STAFF if by_vendor else ('Grace Okafor' if (n // 4) % 2 else 'Ben Hartley')
        note = 'Quarterly true-up' if n % 10 == 4 else (f'Order PO-{10500 + n}' if by_vendor else None)
        if kind is None:
            action, old, new, note = HistoryAction.OTHER, None, None, 'Invoice address updated'
        elif delta == 0:
            action, old = HistoryAction.EXPIRY_CHANGED, expiries[kind].isoformat()
            expiries[kind] += timedelta(days=73)
            new = expiries[kind].isoformat()
        else:
            action = HistoryAction.LICENCES_INCREASED if delta > 0 else HistoryAction.LICENCES_DECREASED
            if delta < 0 and by_vendor and note != 'Quarterly true-up':
                note = 'Unused seats released'
            old, new = str(totals[kind]), str(totals[kind] + delta)
            totals[kind] += delta
        entries.append(HistoryEntry(when, action, kind, actor, by_vendor, old, new, note))
    assert totals == {LicenceKind.MANAGED_AGENT: 250, LicenceKind.ON_DEMAND: 15}
    return entries


def _planned_step(n: int) -> tuple[LicenceKind | None, int | None]:
    """Row n's licence kind and change of total: 0 is an expiry change, None (with no kind) an 'Other' row."""
    managed, on_demand = LicenceKind.MANAGED_AGENT, LicenceKind.ON_DEMAND
    match n % 6:
        case 0:
            return managed, 10
        case 1:
            return managed, 0
        case 2:
            return (managed, -5) if n % 12 == 2 else (on_demand, -1)
        case 3:
            return None, None
        case 4:
            return (on_demand, 3) if n % 12 == 4 else (managed, 10)
        case _:
            return on_demand, 0


def _at(today: date, days: int, hour: int = 10, minute: int = 0) -> datetime:
    day = today + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def _user_id(session: Session, email: str) -> int:
    user = session.exec(select(User).where(User.email_key == email)).one()
    assert user.id is not None
    return user.id


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def _wait_until_up(server: subprocess.Popen, base_url: str, log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f'The server exited with {server.returncode}:\n{log_path.read_text()}', pytrace=False)
        try:
            if httpx.get(f'{base_url}/login', timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    server.kill()
    pytest.fail(f'The server did not answer GET /login within {STARTUP_SECONDS} s:\n{log_path.read_text()}',
                pytrace=False)


def field_value(page: Page, label: str) -> Locator:
    """The value shown beside or under a field label, e.g. 'Serial number' or 'Total On-demand licences'."""
    return page.locator(f'xpath=//*[contains(@class, "field-label") and normalize-space()="{label}"]'
                        '/following-sibling::*[1]')


def history_rows(page: Page) -> Locator:
    return page.locator('.q-table tbody tr')


def history_cells(page: Page, column: int) -> list[str]:
    """The texts of one column of the history table (0 Date, 1 Action, 2 Licence type, 3 Change, 4 Actioned by,
    5 Note), after the table has settled."""
    return [text.strip() for text in history_rows(page).locator(f'td:nth-child({column + 1})').all_inner_texts()]


def range_label(page: Page) -> Locator:
    """Quasar's '1-25 of 60' under the table."""
    return page.locator('.q-table__bottom .q-table__control .q-table__bottom-item').last
