"""Page loads that never connect a websocket go within seconds; connected pages keep NiceGUI's reconnect wait."""

import asyncio
import re
from uuid import uuid4

import httpx
import pytest
from nicegui import Client, core
from nicegui.nicegui import _on_handshake
from nicegui.testing import User

from dashboard.ui import client_lifetime

CLIENT_ID = re.compile(r"'client_id': '([0-9a-f-]+)'")


async def load_without_connecting(user: User, path: str = '/login', *, address: str | None = None) -> str:
    """A GET of the page as a flood sends it: no cookie, and no websocket ever; the id of the client it built."""
    user.http_client.cookies.clear()
    if address is None:
        response = await user.http_client.get(path)
    else:
        transport = httpx.ASGITransport(core.app, client=(address, 40000))
        async with httpx.AsyncClient(transport=transport, base_url='http://test') as other:
            response = await other.get(path)
    assert response.status_code == 200
    match = CLIENT_ID.search(response.text)
    assert match is not None
    assert match.group(1) in Client.instances
    return match.group(1)


async def gone_within(seconds: float, client_id: str) -> bool:
    for _ in range(int(seconds * 10)):
        if client_id not in Client.instances:
            return True
        await asyncio.sleep(0.1)
    return False


@pytest.fixture
def quick_prune(monkeypatch):
    monkeypatch.setattr(client_lifetime, 'CONNECT_SECONDS', 0.5)


async def test_a_page_load_that_never_connects_is_gone_within_seconds(user: User, quick_prune) -> None:
    await user.open('/login')
    connected = user.client
    unconnected = await load_without_connecting(user)

    assert await gone_within(3, unconnected)
    assert connected.id in Client.instances and not connected.is_deleted


async def test_a_page_that_connects_within_the_wait_stays(user: User) -> None:
    late = await load_without_connecting(user)
    await asyncio.sleep(5)  # a slow phone's first load
    await _on_handshake(f'test-{uuid4()}', {'client_id': late, 'tab_id': str(uuid4()), 'document_id': str(uuid4())})
    await asyncio.sleep(1.5)

    assert late in Client.instances and Client.instances[late].has_socket_connection


async def test_a_connected_page_that_loses_its_socket_keeps_the_reconnect_wait(user: User, quick_prune) -> None:
    client = await user.open('/login')
    socket_id, document_id = next(iter(client._socket_to_document_id.items()))
    client.handle_disconnect(socket_id)
    await asyncio.sleep(1.5)  # past CONNECT_SECONDS, within NiceGUI's reconnect_timeout of 3 s
    assert client.id in Client.instances

    await _on_handshake(f'test-{uuid4()}', {'client_id': client.id, 'tab_id': user.tab_id, 'document_id': document_id})
    await asyncio.sleep(4)  # past the reconnect wait too: reconnected, it stays
    assert client.id in Client.instances and client.has_socket_connection


async def test_beyond_the_cap_the_oldest_unconnected_clients_go_at_once(user: User, monkeypatch) -> None:
    monkeypatch.setattr(client_lifetime, 'MAX_WAITING', 2)
    await user.open('/login')
    loads = [await load_without_connecting(user) for _ in range(4)]
    await asyncio.sleep(1.5)

    assert [load in Client.instances for load in loads] == [False, False, True, True]
    assert user.client.id in Client.instances


async def test_one_address_beyond_its_cap_pushes_out_only_its_own_loads(user: User, monkeypatch) -> None:
    monkeypatch.setattr(client_lifetime, 'MAX_WAITING_PER_ADDRESS', 2)
    other = await load_without_connecting(user, address='198.51.100.7')
    flood = [await load_without_connecting(user, address='203.0.113.9') for _ in range(4)]
    await asyncio.sleep(1.5)

    assert [load in Client.instances for load in flood] == [False, False, True, True]
    assert other in Client.instances
