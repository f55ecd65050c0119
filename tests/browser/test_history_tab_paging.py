"""Opening the Licence history tab by clicking it must show the right paging, whatever the network's timing.

The history is built when its tab is first clicked. Quasar's QTable reports its pagination once when it is mounted,
and NiceGUI stores what it reports: were the table sent empty and filled afterwards, a mount report of `rowsNumber: 0`
reaching the server after the rows could overwrite the real count (25 rows under '1-0 of 0', 'Next page' disabled).
The app reads the first page before it creates the table; this test relays the page's websocket, holding the mount
report back as network latency would, to show that the count survives any order."""

import re
import time
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import Page, WebSocketRoute, expect

from tests.browser.conftest import OpenAs, history_rows, range_label

ROWS_SENT = re.compile(r'"rowsNumber":[1-9]')
EMPTY_TABLE_SENT = '"rowsNumber":0'
MOUNT_REPORT = '\\"rowsNumber\\":'  # the table's pagination event, as JSON inside the socket.io message
STALE_MOUNT_REPORT = '\\"rowsNumber\\":0'
ATTEMPTS = 8


def test_clicking_the_history_tab_shows_the_right_paging(open_as: OpenAs) -> None:
    page = open_as('billing_admin')
    relays: list[Relay] = []
    page.route_web_socket(re.compile(r'/_nicegui_ws/'), lambda ws: relays.append(Relay(ws)))
    for _ in range(ATTEMPTS):
        page.goto('/account/billing')
        expect(page.get_by_role('button', name='Log out')).to_be_visible()
        page.get_by_role('tab', name='Licence history').click()
        expect(page).to_have_url(re.compile(r'\?tab=history$'))
        expect(history_rows(page)).to_have_count(25)
        if _settled(page, relays[-1]) == 'raced':
            break  # this attempt had the timing that matters; with any other the result says nothing
    expect(range_label(page)).to_have_text('1-25 of 60', timeout=2000)
    expect(page.get_by_role('button', name='Next page')).to_be_enabled(timeout=2000)


@dataclass
class Relay:
    """Passes every websocket message on, except that the table's mount report and the server's rows are each held
    back until the other has been sent: so the server always reads the report after it has counted the rows."""

    page_side: WebSocketRoute
    to_page: list = field(default_factory=list)
    to_server: list = field(default_factory=list)
    empty_table_sent: bool = False
    rows_sent: bool = False
    outcome: str = ''  # '' until known, 'clean' (mounted with the rows), 'raced', then 'answered'
    raced_at: float = 0.0

    def __post_init__(self) -> None:
        self.server_side = self.page_side.connect_to_server()
        self.page_side.on_message(self.from_page)
        self.server_side.on_message(self.from_server)

    def from_page(self, message: str | bytes) -> None:
        text = str(message)
        if MOUNT_REPORT in text and not self.outcome:
            self.to_server.append(message)
            self.outcome = 'waiting' if self.empty_table_sent and STALE_MOUNT_REPORT in text else 'clean'
            if self.rows_sent or self.outcome == 'clean':
                self._release()
        elif self.to_server and text != '3':  # '3': engine.io's pong, which keeps the connection alive
            self.to_server.append(message)
        else:
            self.server_side.send(message)

    def from_server(self, message: str | bytes) -> None:
        text = str(message)
        if self.empty_table_sent and not self.rows_sent and ROWS_SENT.search(text):
            self.rows_sent = True
            self.to_page.append(message)
            if self.outcome == 'waiting':
                self._release()
        elif self.to_page and text != '2':  # '2': engine.io's ping
            self.to_page.append(message)
        else:
            self.page_side.send(message)
            self.empty_table_sent |= EMPTY_TABLE_SENT in text
            if self.outcome == 'raced' and '"pagination"' in text:
                self.outcome = 'answered'

    def _release(self) -> None:
        if self.outcome == 'waiting':
            self.outcome, self.raced_at = 'raced', time.monotonic()
        while self.to_server:
            self.server_side.send(self.to_server.pop(0))
        while self.to_page:
            self.page_side.send(self.to_page.pop(0))


def _settled(page: Page, relay: Relay) -> str:
    """'raced' once the server has answered the stale report (or had two seconds to), 'clean' if there was none."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if relay.outcome == 'clean':
            return 'clean'
        if relay.outcome == 'answered' or (relay.outcome == 'raced' and time.monotonic() - relay.raced_at > 2):
            page.evaluate('new Promise(resolve => requestAnimationFrame(() => setTimeout(resolve)))')
            return 'raced'
        page.wait_for_timeout(50)
    pytest.fail(f'the relay never saw the table mount: {relay.outcome!r}')
