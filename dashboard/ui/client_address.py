"""The address of the browser behind the current page, for the sign-in log."""

from nicegui import ui


def client_address() -> str | None:
    try:
        client = ui.context.client.request.client
    except RuntimeError:  # a client built without a request (e.g. NiceGUI's simulated User)
        return None
    return client.host if client else None
