"""Browser tests: real Chromium (Playwright, sync API) against `python -m dashboard serve` started as a subprocess.

Run them with:

    .venv/bin/pytest tests/browser

They also run inside `pytest tests`: every fixture that holds Playwright or the server is package-scoped, so both are
gone before the async UI tests start (sync Playwright marks its event loop as running while it is alive, which
pytest-asyncio would trip over). Set `BROWSER_TESTS=0` to skip them, e.g. where no Chromium is installed.

`UPDATE_SCREENSHOTS=1` makes `test_screenshots.py` write the README's pictures to `assets/`.
"""

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

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
from sqlmodel import SQLModel, col, select

from dashboard.db import Database
from dashboard.domain import clock
from dashboard.domain.models import DeletionRequest, DeletionStatus
from tests.browser.seed import HistoryEntry, Person, seed
from tests.browser.server import serve
from tests.browser.sign_in import log_in

SYSTEM_CHROMIUM = '/usr/bin/chromium'
CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
                 '--disable-sync', '--no-first-run']
T = TypeVar('T', bound=SQLModel)
OpenAs = Callable[..., Page]  # open_as(role, path='/account/billing') -> the page, signed in as that role
CONTEXT_OPTIONS: dict[str, Any] = {'accept_downloads': True, 'viewport': {'width': 1440, 'height': 900},
                                   'locale': 'en-GB', 'timezone_id': 'UTC'}

if os.environ.get('BROWSER_TESTS') == '0':
    collect_ignore_glob = ['test_*.py']

expect.set_options(timeout=10_000)


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
    server_log: Path | None = None  # what the app writes: its errors and their tracebacks
    logins: dict[str, str] = field(default_factory=dict)  # the back office's people and other organisations'

    def email_of(self, who: str) -> str:
        """A role of the organisation ('viewer'), 'other' (the other organisation's admin), or a name in `logins`
        ('sales', 'vendor_admin', 'live_viewer')."""
        if who == 'other':
            return self.other_email
        return self.people[who].email if who in self.people else self.logins[who]

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
        facts = seed(session)
    db.engine.dispose()
    with serve(folder, db_url) as base_url:
        yield World(db_url=db_url, base_url=base_url, server_log=folder / 'server.log', **facts)


@pytest.fixture
def no_server_errors(world: World) -> Iterator[None]:
    """A redraw must not break what the person is doing, nor leave an error behind in the app's log."""
    assert world.server_log is not None
    before = world.server_log.read_text(errors='replace').count('Traceback')
    yield
    assert world.server_log.read_text(errors='replace').count('Traceback') == before, world.server_log.read_text()


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
    of the organisation (or as anyone `World.email_of` knows)."""
    contexts: list[BrowserContext] = []

    def open_page(who: str, path: str = '/account/billing') -> Page:
        if who not in signed_in_sessions:
            with browser.new_context(base_url=world.base_url) as login_context:
                login_page = login_context.new_page()
                log_in(login_page, world.email_of(who))
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
