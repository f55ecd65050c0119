"""The address of the browser behind a request or the current page, for throttling and the sign-in log:
X-Forwarded-For is believed only from a trusted proxy (`TRUSTED_PROXIES`)."""

from nicegui import ui
from starlette.requests import HTTPConnection

from dashboard.config import get_settings
from dashboard.domain.auth.client_address import client_address as address_behind_proxies


def request_address(request: HTTPConnection) -> str | None:
    address = address_behind_proxies(peer=request.client.host if request.client else None,
                                     forwarded_for=request.headers.get('x-forwarded-for'),
                                     trusted_proxies=get_settings().trusted_proxies)
    return address or None


def client_address() -> str | None:
    """The current page's browser address; None for a client built without a request (NiceGUI's simulated User)."""
    try:
        request = ui.context.client.request
    except RuntimeError:
        return None
    return request_address(request) if request is not None else None
