"""Typing a code from the authenticator app (or a recovery code) and sending it: at sign-in, to turn two-factor
sign-in on, and to confirm a change to it. One behaviour for all three: while the code is checked the button is off;
a refused code is said under the field, which is emptied for the next try."""

from collections.abc import Awaitable, Callable
from typing import TypeVar

from nicegui import ui

from dashboard.domain.errors import DomainError
from dashboard.ui.refusal import Refusal

T = TypeVar('T')
Handler = Callable[[], Awaitable[None] | None]


def code_input(label: str) -> ui.input:
    """A field for a code from the app: numeric keyboard on phones, and the browser may fill it in."""
    return ui.input(label).props('autocomplete=one-time-code inputmode=numeric maxlength=8 outlined '
                                 'spellcheck=false')


class CodeEntry:
    """The field, the button that sends it and the refusal line, wherever the form places them."""

    def __init__(self, code: ui.input, button: ui.button, error: Refusal) -> None:
        self.code = code
        self.button = button
        self.error = error

    async def send(self, check: Callable[[str], Awaitable[T]], then: Callable[[T], Awaitable[None] | None]) -> None:
        """`check(code)` (a domain call that raises `DomainError` for a wrong code), then `then` with its result."""
        self.error.hide()
        self.button.disable()
        try:
            result = await check(self.code.value or '')
        except DomainError as refused:
            self.error.say(str(refused))
            self.code.set_value('')
            return
        finally:
            self.button.enable()
        outcome = then(result)
        if outcome is not None:
            await outcome


async def call(handler: Handler) -> None:
    """Calls a handler that may be async, and waits for it."""
    outcome = handler()
    if outcome is not None:
        await outcome
