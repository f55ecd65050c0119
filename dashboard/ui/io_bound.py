"""NiceGUI's `run.io_bound`, giving the result it promises.

`run.io_bound` gives None instead of the callback's result when the app is stopping or the awaiting task was
cancelled: an interim shape, which NiceGUI 4.0 replaces by raising `CancelledError`. This raises it now, so that a
page never goes on with a result it did not get, and the result has the callback's type."""

import asyncio
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from nicegui import run

P = ParamSpec('P')
R = TypeVar('R')


async def io_bound(callback: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """`callback(*args, **kwargs)` on a worker thread, off the event loop: for database work."""
    def boxed() -> tuple[R]:  # so that a callback's own None is told apart from no result
        return (callback(*args, **kwargs),)

    outcome = await run.io_bound(boxed)
    if outcome is None:
        raise asyncio.CancelledError
    return outcome[0]
