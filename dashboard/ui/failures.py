"""When a handler fails: the exception is logged (NiceGUI's own handler) and the person is told, on the page they
are on, that nothing more was done. One place for every page and every handler, instead of a try/except in each."""

import logging

from nicegui import app, ui

from dashboard.ui.live import page_client

FAILED_MESSAGE = 'Something went wrong and the action was not completed. Please try again, or reload the page.'
log = logging.getLogger(__name__)


def tell_the_person_on_failure() -> None:
    """Call once when the app is built."""
    app.on_exception(_tell)


def _tell(_exception: Exception) -> None:
    client = page_client()  # also when the element the handler started from was deleted by a refresh meanwhile
    if client is None or client.is_deleted or not client.has_socket_connection:
        return  # not in a page (an HTTP route, a job), or the page is gone: the log is all there is
    try:
        with client:
            ui.notify(FAILED_MESSAGE, type='negative', timeout=10_000)
    except Exception:  # telling the person must never hide the first failure, which is already logged
        log.exception('Could not tell the person about a failed action')
