"""The change feed: how every open page learns that an organisation changed.

`ChangeFeed` is the interface; `LocalChangeFeed` is the implementation for one server process. A deployment with
several processes replaces it with one that carries the same `Change`s between them (PostgreSQL LISTEN/NOTIFY or
Redis pub/sub: publish sends, a listener thread receives and calls the local listeners) without touching the
pages or the domain."""

import logging
import threading
from collections.abc import Callable, Sequence
from typing import Protocol

from dashboard.domain.changes import Change

Listener = Callable[[Change], None]
log = logging.getLogger(__name__)


class ChangeFeed(Protocol):
    def publish(self, changes: Sequence[Change]) -> None:
        """Called after a commit, on whatever thread committed."""

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Calls `listener` for every change from now on, on any thread (it must be quick and thread-safe);
        returns the function that ends the subscription."""


class LocalChangeFeed:
    """Delivers changes to the listeners of this process, synchronously, on the publishing thread."""

    def __init__(self) -> None:
        self._listeners: dict[int, Listener] = {}
        self._lock = threading.Lock()
        self._next = 0

    def publish(self, changes: Sequence[Change]) -> None:
        with self._lock:
            listeners = list(self._listeners.values())
        for change in changes:
            for listener in listeners:
                try:
                    listener(change)
                except Exception:  # one broken page must not keep the change from the others
                    log.exception('A change listener failed')

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        with self._lock:
            key = self._next
            self._next += 1
            self._listeners[key] = listener

        def unsubscribe() -> None:
            with self._lock:
                self._listeners.pop(key, None)
        return unsubscribe

    @property
    def listener_count(self) -> int:
        with self._lock:
            return len(self._listeners)
