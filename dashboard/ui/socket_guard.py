"""Guards NiceGUI's live connection (Socket.IO) until NiceGUI does it itself.

NiceGUI hands an event to whichever page its `client_id` names, whatever socket it came on: anyone who learnt a page's
client id could click in another person's page. Here a message is dropped unless its socket was handed over to that
very page; a socket is only handed a page that was served to the same browser (the same session cookie); and a browser
may open the connection only from the page's own origin (or one of the configured ones), so that another site cannot
open it with the person's cookies.
"""

import functools
import inspect
import logging
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

import socketio
from nicegui import Client, core

log = logging.getLogger(__name__)

GUARDED_MESSAGES = ('event', 'javascript_response', 'ack', 'log')
"""The messages a page's socket sends about its own client; each names the client by its id."""
NAMESPACE = '/'


def install(*, extra_origins: Iterable[str] = ()) -> None:
    """Wraps NiceGUI's socket handlers (once) and sets the origins a browser may connect from."""
    sio = core.sio
    sio.eio.cors_allowed_origins = functools.partial(_origin_allowed, extra=frozenset(extra_origins))
    handlers = sio.handlers.setdefault(NAMESPACE, {})
    for name in GUARDED_MESSAGES:
        if name in handlers and not getattr(handlers[name], 'guarded', False):
            handlers[name] = _own_client_only(name, handlers[name])
    if 'handshake' in handlers and not getattr(handlers['handshake'], 'guarded', False):
        handlers['handshake'] = _same_browser_handshake(handlers['handshake'])
    if 'connect' in handlers and not getattr(handlers['connect'], 'guarded', False):
        handlers['connect'] = _same_browser_connect(handlers['connect'])


def _origin_allowed(origin: str | None, environ: dict[str, Any], *, extra: frozenset[str]) -> bool:
    """A browser names the page's origin; other programs may send none, and have no one's cookies to abuse."""
    if origin is None:
        return True
    host = environ.get('HTTP_HOST', '')
    # Either scheme: behind a TLS proxy that is not among the trusted ones the server sees plain HTTP.
    if origin in (f'http://{host}', f'https://{host}') or origin in extra:
        return True
    log.warning('Refused a live connection from origin %r', origin[:200])
    return False


def _own_client_only(name: str, handler: Callable) -> Callable:
    def allowed(sid: str, message: Any) -> bool:
        client_id = message.get('client_id') if isinstance(message, dict) else None
        if isinstance(client_id, str) and client_id in core.sio.rooms(sid, NAMESPACE):
            return True
        log.warning('Dropped a %r message from socket %s… for a page it does not belong to (client %s…)',
                    name, str(sid)[:8], str(client_id)[:8])
        return False

    if inspect.iscoroutinefunction(handler):
        async def guarded(sid: str, message: Any = None, *_: Any) -> Any:
            return await handler(sid, message) if allowed(sid, message) else None
    else:
        def guarded(sid: str, message: Any = None, *_: Any) -> Any:  # type: ignore[misc]
            return handler(sid, message) if allowed(sid, message) else None
    guarded.guarded = True  # type: ignore[attr-defined]
    return guarded


def _same_browser_handshake(handler: Callable) -> Callable:
    async def guarded(sid: str, data: Any = None, *_: Any) -> Any:
        client_id = data.get('client_id') if isinstance(data, dict) else None
        if not isinstance(client_id, str) or not _same_browser(sid, core.sio.get_environ(sid, NAMESPACE), client_id):
            return False
        return await handler(sid, data)
    guarded.guarded = True  # type: ignore[attr-defined]
    return guarded


def _same_browser_connect(handler: Callable) -> Callable:
    """The connection itself may carry the handshake (`implicit_handshake` in its query)."""
    async def guarded(sid: str, environ: dict[str, Any], auth: Any = None) -> Any:
        client_id = parse_qs(environ.get('QUERY_STRING', '')).get('client_id', [None])[0]
        if client_id is not None and not _same_browser(sid, environ, client_id):
            raise socketio.exceptions.ConnectionRefusedError('Implicit handshake failed')
        return await handler(sid, environ, auth)
    guarded.guarded = True  # type: ignore[attr-defined]
    return guarded


def _same_browser(sid: str, environ: dict[str, Any] | None, client_id: str) -> bool:
    """Whether the socket comes from the browser the page was served to: NiceGUI's browser id, kept in the signed
    session cookie, is the same on both."""
    client = Client.instances.get(client_id)
    if client is None or str(sid).startswith('test-'):  # NiceGUI refuses the unknown; its simulated user has no cookie
        return True
    try:
        page_browser = client.request.session.get('id')
    except (RuntimeError, AssertionError):  # a client that no request built
        return True
    scope = (environ or {}).get('asgi.scope', {})
    socket_browser = scope.get('session', {}).get('id') if isinstance(scope, dict) else None
    if page_browser is not None and socket_browser == page_browser:
        return True
    log.warning('Refused socket %s…: it tried to take over a page served to another browser (client %s…)',
                str(sid)[:8], client_id[:8])
    return False
