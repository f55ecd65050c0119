"""One-time tickets that carry a completed sign-in from the login page's event handler to the HTTP route that
gives the browser its new session identity. A ticket lives for seconds, works once, and only in the browser that
asked for it. They are kept in this process: the browser follows the ticket at once, on the same connection's
server (NiceGUI needs sticky sessions anyway)."""

import secrets
import threading
import time
from dataclasses import dataclass

TICKET_SECONDS = 30
MAX_TICKETS = 10_000  # beyond this, the oldest are dropped: a flood of sign-ins cannot grow memory without end


@dataclass(frozen=True)
class Ticket:
    user_id: int
    next_path: str
    browser_id: str | None
    expires: float


_tickets: dict[str, Ticket] = {}
_lock = threading.Lock()


def issue_ticket(*, user_id: int, next_path: str, browser_id: str | None) -> str:
    ticket = secrets.token_urlsafe(32)
    now = time.monotonic()
    with _lock:
        for key in [key for key, held in _tickets.items() if held.expires < now]:
            del _tickets[key]
        while len(_tickets) >= MAX_TICKETS:
            del _tickets[next(iter(_tickets))]
        _tickets[ticket] = Ticket(user_id=user_id, next_path=next_path, browser_id=browser_id,
                                  expires=now + TICKET_SECONDS)
    return ticket


def take_ticket(ticket: str, *, browser_id: str | None) -> Ticket | None:
    """The ticket's sign-in, once: None when it is unknown, used, expired or asked for by another browser."""
    with _lock:
        held = _tickets.pop(ticket, None) if len(ticket) <= 100 else None
    if held is None or held.expires < time.monotonic() or held.browser_id != browser_id:
        return None
    return held
