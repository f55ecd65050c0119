"""Live pages: a page asks to hear of changes to organisations and refreshes itself, without a reload."""

import asyncio
import functools
from collections.abc import Awaitable, Callable
from contextlib import suppress
from typing import ParamSpec, TypeVar

from nicegui import Client, ui
from nicegui.slot import Slot
from nicegui.storage import request_contextvar

from dashboard.db import Database
from dashboard.domain.changes import SESSIONS_ENDED, Change

SETTLE_SECONDS = 0.3  # changes arriving within this time make one refresh, not one each
P = ParamSpec('P')
T = TypeVar('T')


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
        if change.what == SESSIONS_ENDED:
            return  # not about an organisation: the frame's session watch hears these
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
            # The refresh runs outside any request, yet builds elements whose event listeners record the current
            # request (NiceGUI reads app.storage.user from it in their handlers): give it the page's own.
            request_contextvar.set(client.request)
            client.safe_invoke(lambda: on_change(changed))

    unsubscribe = db.changes.subscribe(listener)
    client.on_delete(unsubscribe)


def page_client() -> Client | None:
    """The page the running code belongs to, even when the element it started from has been deleted since (a live
    refresh redrew it); None outside any page."""
    for slot in reversed(Slot.get_stack()):
        with suppress(RuntimeError):  # that slot's element is gone: look further down
            return slot.parent.client
    return None


def survives_refresh(handler: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[T]]:
    """For an async handler of an element that a live refresh redraws: its own change (or anyone's) may redraw the
    page while it awaits, deleting the element it was started from. It runs in the page's own context instead, so
    what it does after an await (a notification, a redraw) still reaches the page."""
    @functools.wraps(handler)
    async def in_page(*args: P.args, **kwargs: P.kwargs) -> T:
        client = page_client()
        if client is None:
            return await handler(*args, **kwargs)
        with client:
            return await handler(*args, **kwargs)
    return in_page
