"""A flood of page loads that never connect cannot pile up clients: the server lets such a load go within seconds,
while a real browser whose websocket connects late, or drops for a moment, keeps its page."""

import asyncio
import re
import time
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlencode, urlparse
from uuid import uuid4

import httpx
import socketio
from playwright.sync_api import Page, Request, WebSocketRoute, expect

from dashboard.ui.client_lifetime import CONNECT_SECONDS
from tests.browser.conftest import World
from tests.browser.seed import PASSWORD

CLIENT_ID = re.compile(r"'client_id': '([0-9a-f-]+)'")
SOCKET_PATH = '**/_nicegui_ws/socket.io/**'
LATE_SECONDS = 5  # a slow phone


@dataclass(frozen=True)
class PageLoad:
    client_id: str
    cookie: str  # the browser's session cookie: only the browser a page was served to may connect to it


def load_without_connecting(world: World) -> PageLoad:
    response = httpx.get(f'{world.base_url}/login', timeout=10)
    assert response.status_code == 200
    match = CLIENT_ID.search(response.text)
    assert match is not None
    return PageLoad(client_id=match.group(1), cookie='; '.join(f'{name}={value}'
                                                              for name, value in response.cookies.items()))


async def handshake(world: World, load: PageLoad) -> bool:
    """Whether the server still holds the page load's client: NiceGUI refuses a socket whose client is gone."""
    sio = socketio.AsyncClient(reconnection=False)
    try:
        query = urlencode({'client_id': load.client_id, 'tab_id': uuid4(), 'document_id': uuid4(), 'next_message_id': 0,
                           'implicit_handshake': 'true'})
        await sio.connect(f'{world.base_url}/?{query}', headers={'Origin': world.base_url, 'Cookie': load.cookie},
                          socketio_path='/_nicegui_ws/socket.io', transports=['websocket'], wait_timeout=10)
    except socketio.exceptions.ConnectionError:
        return False
    await sio.disconnect()
    return True


T = TypeVar('T')


def test_a_page_load_that_never_connects_is_gone_within_seconds(world: World) -> None:
    abandoned = load_without_connecting(world)
    time.sleep(CONNECT_SECONDS + 2)
    fresh = load_without_connecting(world)

    assert run_apart(handshake(world, fresh)), 'a fresh page load connects'
    assert not run_apart(handshake(world, abandoned)), 'a load that never connected is gone'


def run_apart(coroutine: Coroutine[Any, Any, T]) -> T:
    """Runs the coroutine on a thread of its own: sync Playwright keeps an event loop running on this one."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result(timeout=60)


def test_a_page_whose_socket_connects_late_still_works(world: World, page: Page) -> None:
    def connect_late(ws: WebSocketRoute) -> None:
        time.sleep(LATE_SECONDS)
        ws.connect_to_server()

    page.route_web_socket(SOCKET_PATH, connect_late)
    loads = login_page_loads(page)
    page.goto('/login')
    page.wait_for_function('window.did_handshake === true', timeout=(LATE_SECONDS + 10) * 1000)
    submit_login(page, world.email_of('viewer'))

    expect(page.get_by_role('button', name='Log out')).to_be_visible()
    assert len(loads) == 1, 'the page was never reloaded for a lost client'


def test_a_connected_page_survives_a_short_disconnect(world: World, page: Page) -> None:
    sockets: list[WebSocketRoute] = []
    page.route_web_socket(SOCKET_PATH, lambda ws: sockets.append(ws.connect_to_server()))
    loads = login_page_loads(page)
    page.goto('/login')
    page.wait_for_function('window.did_handshake === true')
    page.wait_for_timeout((CONNECT_SECONDS + 2) * 1000)  # older than any unconnected client may get

    sockets[-1].close()  # the server's end drops, and with it the page's; the page reconnects within NiceGUI's wait
    for _ in range(100):
        if len(sockets) > 1:
            break
        page.wait_for_timeout(100)
    assert len(sockets) > 1, 'the page reconnected'
    page.wait_for_function('window.did_handshake === true')
    submit_login(page, world.email_of('viewer'))

    expect(page.get_by_role('button', name='Log out')).to_be_visible()
    assert len(loads) == 1, 'the page was never reloaded'


def submit_login(page: Page, email: str) -> None:
    page.get_by_label('Email').fill(email)
    page.get_by_label('Password', exact=True).fill(PASSWORD)
    page.get_by_role('button', name='Log in').click()


def login_page_loads(page: Page) -> list[str]:
    """Every load of /login in the page's main frame, a reload included."""
    loads: list[str] = []

    def record(request: Request) -> None:
        if request.is_navigation_request() and urlparse(request.url).path == '/login':
            loads.append(request.url)

    page.on('request', record)
    return loads
