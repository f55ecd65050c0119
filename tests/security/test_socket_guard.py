"""The live connection: nobody can act in, or take over, a page that was served to another browser, and no other
site can open the connection with a person's cookies."""

import html
import json
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
import socketio
from playwright.sync_api import Page, expect

from dashboard.domain.models import Organisation
from tests.browser.conftest import OpenAs, World

SOCKET_PATH = '/_nicegui_ws/socket.io'


@contextmanager
def attacker_socket(world: World, cookies: dict[str, str], *, query: str = '', origin: str | None = None,
                    transport: str = 'websocket') -> Iterator[socketio.Client]:
    """A Socket.IO connection of the attacker's own program, with the attacker's own session cookie."""
    # websocket-client sends an Origin of its own unless told which (or none)
    client = socketio.Client(reconnection=False,
                             websocket_extra_options={'origin': origin, 'suppress_origin': not origin})
    headers = {'Cookie': '; '.join(f'{name}={value}' for name, value in cookies.items())}
    if origin is not None and transport == 'polling':
        headers['Origin'] = origin
    client.connect(world.base_url + (f'?{query}' if query else ''), socketio_path=SOCKET_PATH, headers=headers,
                   transports=[transport], wait_timeout=10)
    try:
        yield client
    finally:
        client.disconnect()


def connect(world: World, cookies: dict[str, str], **options: Any) -> None:
    with attacker_socket(world, cookies, **options):
        pass


def cookies_of(page: Page) -> dict[str, str]:
    return {cookie['name']: cookie['value'] for cookie in page.context.cookies()}


def page_elements(page: Page) -> dict[str, dict[str, Any]]:
    """The elements the page was served with, as NiceGUI wrote them into it: what an attacker who saw the page knows."""
    script = page.evaluate('[...document.scripts].map((s) => s.textContent).find((t) => t.includes("String.raw`"))')
    return json.loads(html.unescape(re.search(r'String\.raw`(.*?)`\)', script, re.DOTALL).group(1)))


def element_id(dom_id: str | None) -> str:
    """NiceGUI's element id from the element's DOM id (`c42`)."""
    assert dom_id is not None and dom_id.startswith('c')
    return dom_id[1:]


def forged_events(page: Page) -> list[dict[str, Any]]:
    """A click on the victim's "Log out" and a new main contact picked in the victim's drop-down."""
    elements = page_elements(page)
    client_id = page.evaluate('window.clientId')
    log_out = element_id(page.get_by_role('button', name='Log out').get_attribute('id'))
    contact = next(key for key, element in elements.items() if element.get('props', {}).get('label') == 'Main contact')
    current = elements[contact]['props']['model-value']
    other_option = next(option for option in elements[contact]['props']['options'] if option != current)

    def listener(key: str, kind: str) -> str:
        return next(event['listener_id'] for event in elements[key]['events'] if event['type'] == kind)

    return [
        {'id': int(contact), 'client_id': client_id, 'listener_id': listener(contact, 'update:modelValue'),
         'args': [json.dumps(other_option)]},
        {'id': int(log_out), 'client_id': client_id, 'listener_id': listener(log_out, 'click'), 'args': []},
    ]


def main_contact_id(world: World) -> int | None:
    return world.rows(Organisation, Organisation.id == world.org_id)[0].main_contact_id


def test_a_signed_in_attacker_cannot_act_in_another_browsers_page(open_as: OpenAs, world: World) -> None:
    victim = open_as('billing_admin')
    events = forged_events(victim)
    contact_before = main_contact_id(world)
    attacker = open_as('other')

    with attacker_socket(world, cookies_of(attacker), origin=world.base_url) as sio:
        for event in events:
            sio.emit('event', event)
            sio.emit('javascript_response', {'client_id': event['client_id'], 'request_id': 'x', 'result': 1})
        time.sleep(2)

    assert main_contact_id(world) == contact_before
    expect(victim).to_have_url(re.compile(r'/account/billing$'))
    expect(victim.get_by_role('button', name='Log out')).to_be_visible()
    victim.reload()
    expect(victim.get_by_role('button', name='Log out')).to_be_visible()


def test_the_attacker_cannot_hand_itself_a_page_served_to_another_browser(open_as: OpenAs, world: World) -> None:
    victim = open_as('billing_admin')
    served = victim.context.request.get('/account/billing').text()  # a page the victim's browser has not opened yet
    client_id = re.search(r"""['"]client_id['"]: ?['"]([0-9a-f-]+)['"]""", served).group(1)
    attacker = open_as('other')
    received: list[Any] = []

    with pytest.raises(socketio.exceptions.ConnectionError):  # the handshake in the connection's own query
        connect(world, cookies_of(attacker), origin=world.base_url,
                query=f'client_id={client_id}&tab_id=t1&document_id=d1&implicit_handshake=true')
    with attacker_socket(world, cookies_of(attacker), origin=world.base_url) as sio:
        sio.on('*', lambda *message: received.append(message))
        accepted = sio.call('handshake', {'client_id': client_id, 'tab_id': 't2', 'document_id': 'd2'}, timeout=10)
        time.sleep(1)
    assert accepted is False
    assert not [message for message in received if world.serial in json.dumps(message, default=str)]


@pytest.mark.parametrize('transport', ['websocket', 'polling'])
def test_a_connection_from_another_sites_page_is_refused(open_as: OpenAs, world: World, transport: str) -> None:
    cookies = cookies_of(open_as('billing_admin'))
    with pytest.raises(socketio.exceptions.ConnectionError):
        connect(world, cookies, origin='http://evil.example', transport=transport)
    with attacker_socket(world, cookies, origin=world.base_url, transport=transport) as sio:
        assert sio.connected


def test_a_polling_request_from_another_origin_gets_no_cors_permission(world: World) -> None:
    response = httpx.get(f'{world.base_url}{SOCKET_PATH}/?EIO=4&transport=polling',
                         headers={'Origin': 'http://evil.example'}, timeout=10)
    assert response.status_code == 400
    assert 'access-control-allow-origin' not in response.headers
