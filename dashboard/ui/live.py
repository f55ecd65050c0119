"""Live pages: a page asks to hear of changes to organisations and refreshes itself, without a reload."""

import asyncio
from collections.abc import Awaitable, Callable

from nicegui import ui

from ..db import Database
from ..domain.changes import Change

SETTLE_SECONDS = 0.3  # changes arriving within this time make one refresh, not one each


def follow_changes(db: Database, on_change: Callable[[set[int]], Awaitable[None] | None], *,
                   organisation_id: int | None = None) -> None:
    """Calls `on_change(organisation_ids)` in this page's context whenever a transaction that changed one of them
    commits (only `organisation_id` if given, else any); stops when the page is closed. Call it while building
    the page."""
    client = ui.context.client
    loop = asyncio.get_running_loop()
    pending: set[int] = set()
    flush: list[asyncio.TimerHandle] = []

    def listener(change: Change) -> None:  # on whatever thread committed
        if organisation_id is None or change.organisation_id == organisation_id:
            loop.call_soon_threadsafe(queue, change.organisation_id)

    def queue(changed: int) -> None:
        pending.add(changed)
        if not flush:
            flush.append(loop.call_later(SETTLE_SECONDS, deliver))

    def deliver() -> None:
        flush.clear()
        changed = set(pending)
        pending.clear()
        if not client.is_deleted:
            client.safe_invoke(lambda: on_change(changed))

    unsubscribe = db.changes.subscribe(listener)
    client.on_delete(unsubscribe)
