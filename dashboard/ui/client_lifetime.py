"""Page loads whose browser never connects go within seconds, not NiceGUI's minute: anyone can GET /login in a loop,
and every load builds a client (its elements, its outbox loop, the request) that would otherwise pile up in memory.

A client that once connected keeps NiceGUI's own reconnect handling: it has a delete task while it waits for its
browser to come back, and it is deleted when that wait ends. Only clients that never did a handshake are pruned here.
"""

import ctypes
import ctypes.util
import gc
import time
from collections import Counter
from collections.abc import Iterable

from nicegui import Client, app

CONNECT_SECONDS = 10.0  # a slow phone's first load, scripts included, connects well within this
MAX_WAITING = 250  # beyond this the oldest unconnected clients go at once: what a flood can hold is bounded
MAX_WAITING_PER_ADDRESS = 50  # and beyond this from one address: its flood cannot push out other people's pages
PRUNE_INTERVAL_SECONDS = 1.0
RELEASE_AFTER = 200  # pruned clients before their memory is handed back to the system


def install() -> None:
    """Prunes unconnected clients every second from start-up on."""
    app.timer(PRUNE_INTERVAL_SECONDS, _Pruner().prune)
    app.on_startup(_freeze_start_up)


def _freeze_start_up() -> None:
    """What exists at start-up lives as long as the process: the collector need not walk it on every full pass."""
    gc.collect()
    gc.freeze()


def never_connected(client: Client) -> bool:
    # NiceGUI gives no public "has ever connected"; a handshake counts the document's connections, a disconnect
    # leaves a delete task until the reconnect wait ends.
    return not client.has_socket_connection and not client._num_connections and not client._delete_tasks


def stale_clients(clients: Iterable[Client], *, now: float, connect_seconds: float, max_waiting: int,
                  max_waiting_per_address: int) -> list[Client]:
    """The clients to delete: every unconnected one older than `connect_seconds`, the oldest beyond
    `max_waiting_per_address` unconnected ones from one address, and the oldest beyond `max_waiting` in all."""
    waiting = sorted((client for client in clients if never_connected(client)), key=lambda client: client.created,
                     reverse=True)
    stale, kept, per_address = [], 0, Counter[str]()
    for client in waiting:  # newest first
        address = client.ip if client._request is not None else ''
        per_address[address] += 1
        if client.created <= now - connect_seconds or per_address[address] > max_waiting_per_address \
                or kept >= max_waiting:
            stale.append(client)
        else:
            kept += 1
    return stale


class _Pruner:
    def __init__(self) -> None:
        self._pruned_since_release = 0

    def prune(self) -> None:
        stale = stale_clients(list(Client.instances.values()), now=time.time(), connect_seconds=CONNECT_SECONDS,
                              max_waiting=MAX_WAITING, max_waiting_per_address=MAX_WAITING_PER_ADDRESS)
        for client in stale:
            if client.id in Client.instances:
                client.delete()
        self._pruned_since_release += len(stale)
        if self._pruned_since_release >= RELEASE_AFTER and not any(map(never_connected, Client.instances.values())):
            self._pruned_since_release = 0
            release_memory()


def release_memory() -> None:
    """Collects the deleted clients' reference cycles now, then lets glibc return its free pages: without it the
    process keeps the peak of a flood for good."""
    gc.collect()
    if _libc is not None:
        _libc.malloc_trim(0)


def _load_libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library('c')
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return libc if libc is not None and hasattr(libc, 'malloc_trim') else None


_libc = _load_libc()
