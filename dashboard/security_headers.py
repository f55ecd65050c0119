"""The security headers on every HTTP response: pages, static files, exports, errors and redirects.

A pure ASGI middleware, so that streamed exports keep streaming. NiceGUI writes each page's state into inline
scripts and offers no nonce, so a page's Content-Security-Policy allows exactly the inline scripts that page was
served with, by their SHA-256, and no other; Vue compiles templates and NiceGUI evaluates event handlers at run time,
which needs 'unsafe-eval'; Quasar and Plotly set inline styles. Nothing is ever loaded from another origin.
"""

import base64
import hashlib
import logging
import re
from collections.abc import Iterable

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger(__name__)

POLICY = {
    'default-src': ["'self'"],
    'script-src': ["'self'", "'unsafe-eval'"],
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:', 'blob:'],
    'font-src': ["'self'", 'data:'],
    'connect-src': ["'self'"],
    'worker-src': ["'self'", 'blob:'],
    'frame-src': ["'self'"],
    'object-src': ["'none'"],
    'base-uri': ["'self'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
}
HEADERS = {
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
    # No page's address leaves it: the set-password page's holds a single-use token.
    'Referrer-Policy': 'no-referrer',
    'Permissions-Policy': 'accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), '
                          'microphone=(), payment=(), usb=()',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
}
MAX_HASHED_PAGE_BYTES = 16 * 1024 * 1024
_INLINE_SCRIPT = re.compile(rb'<script(?![^>]*\ssrc=)[^>]*>(.*?)</script\s*>', re.IGNORECASE | re.DOTALL)


class SecurityHeaders:
    """`app.add_middleware(SecurityHeaders, hsts_seconds=...)`. HSTS is sent only on HTTPS: the request's own scheme,
    which uvicorn sets from `X-Forwarded-Proto` when the request comes from a trusted proxy."""

    def __init__(self, app: ASGIApp, *, hsts_seconds: int = 0) -> None:
        self.app = app
        self.hsts_seconds = hsts_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope['type'] != 'http':
            await self.app(scope, receive, send)
            return
        response = _Response(send, self._headers(scope))
        try:
            await self.app(scope, receive, response.send)
        except Exception:
            if not response.started:  # Starlette's own 500 would go out without the headers
                await response.send_error()
            raise

    def _headers(self, scope: Scope) -> dict[str, str]:
        headers = dict(HEADERS)
        if scope.get('scheme') == 'https' and self.hsts_seconds > 0:
            headers['Strict-Transport-Security'] = f'max-age={self.hsts_seconds}; includeSubDomains'
        return headers


def content_security_policy(script_hashes: Iterable[str] = ()) -> str:
    directives = {name: list(sources) for name, sources in POLICY.items()}
    directives['script-src'] += [f"'sha256-{digest}'" for digest in dict.fromkeys(script_hashes)]
    return '; '.join(f'{name} {" ".join(sources)}' for name, sources in directives.items())


def inline_script_hashes(html: bytes) -> list[str]:
    return [base64.b64encode(hashlib.sha256(body).digest()).decode() for body in _INLINE_SCRIPT.findall(html)]


class _Response:
    """Passes one response on with the headers added; an HTML page is held back until its last byte, so that the
    policy can name its inline scripts."""

    def __init__(self, send: Send, headers: dict[str, str]) -> None:
        self._send = send
        self._headers = headers
        self._start: Message | None = None
        self._body: list[bytes] = []
        self._size = 0
        self.started = False

    async def send(self, message: Message) -> None:
        if message['type'] == 'http.response.start':
            if _is_html(message):
                self._start = message
                return
            await self._send_start(message, content_security_policy())
        elif message['type'] == 'http.response.body' and self._start is not None:
            self._body.append(message.get('body', b''))
            self._size += len(self._body[-1])
            if message.get('more_body', False) and self._size <= MAX_HASHED_PAGE_BYTES:
                return
            await self._release(more_body=message.get('more_body', False))
        else:
            await self._send(message)

    async def send_error(self) -> None:
        start = {'type': 'http.response.start', 'status': 500, 'headers': [(b'content-type', b'text/plain')]}
        await self._send_start(start, content_security_policy())
        await self._send({'type': 'http.response.body', 'body': b'Internal Server Error'})

    async def _release(self, *, more_body: bool) -> None:
        assert self._start is not None
        body = b''.join(self._body)
        if more_body:
            log.warning('A page of over %d bytes was sent without its inline scripts allowed', MAX_HASHED_PAGE_BYTES)
            policy = content_security_policy()
        else:
            policy = content_security_policy(inline_script_hashes(body))
        start, self._start, self._body = self._start, None, []
        await self._send_start(start, policy)
        await self._send({'type': 'http.response.body', 'body': body, 'more_body': more_body})

    async def _send_start(self, message: Message, policy: str) -> None:
        headers = MutableHeaders(scope=message)
        for name, value in self._headers.items():
            headers[name] = value
        headers['Content-Security-Policy'] = policy
        self.started = True
        await self._send(message)


def _is_html(message: Message) -> bool:
    for name, value in message.get('headers', []):
        if name.lower() == b'content-type':
            return value.lower().startswith(b'text/html')
    return False
