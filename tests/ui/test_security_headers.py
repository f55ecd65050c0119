"""`SecurityHeaders` on its own: what the running app's tests cannot easily provoke (a crash, a stream, HTTPS)."""

import asyncio
import base64
import hashlib

import pytest
from starlette.types import Message, Receive, Scope, Send

from dashboard.security_headers import SecurityHeaders

PAGE = b'<html><head><script type="importmap">{"imports": {}}</script></head><body>' \
       b'<script src="/x.js"></script><script type="module">run(1)</script></body></html>'


async def call(app: SecurityHeaders, *, scheme: str = 'http') -> list[Message]:
    sent: list[Message] = []

    async def receive() -> Message:
        return {'type': 'http.request', 'body': b'', 'more_body': False}

    async def send(message: Message) -> None:
        sent.append(message)

    await app({'type': 'http', 'scheme': scheme, 'method': 'GET', 'path': '/', 'headers': []}, receive, send)
    return sent


def headers_of(messages: list[Message]) -> dict[str, str]:
    start = next(message for message in messages if message['type'] == 'http.response.start')
    return {name.decode().lower(): value.decode() for name, value in start['headers']}


def responding(content_type: bytes, *chunks: bytes):
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send({'type': 'http.response.start', 'status': 200, 'headers': [(b'content-type', content_type)]})
        for number, chunk in enumerate(chunks):
            await send({'type': 'http.response.body', 'body': chunk, 'more_body': number < len(chunks) - 1})
    return app


def sha(script: bytes) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script).digest()).decode() + "'"


async def test_a_page_allows_its_own_inline_scripts_and_nothing_inline_besides() -> None:
    messages = await call(SecurityHeaders(responding(b'text/html; charset=utf-8', PAGE[:40], PAGE[40:])))
    script_src = headers_of(messages)['content-security-policy'].split('script-src ')[1].split(';')[0].split()
    assert script_src == ["'self'", "'unsafe-eval'", sha(b'{"imports": {}}'), sha(b'run(1)')]
    assert b''.join(message.get('body', b'') for message in messages) == PAGE


async def test_a_stream_is_passed_on_as_it_comes() -> None:
    seen_before_end: list[int] = []
    release = asyncio.Event()

    async def streaming(scope: Scope, receive: Receive, send: Send) -> None:
        await send({'type': 'http.response.start', 'status': 200, 'headers': [(b'content-type', b'text/csv')]})
        await send({'type': 'http.response.body', 'body': b'a,b\r\n', 'more_body': True})
        await release.wait()
        await send({'type': 'http.response.body', 'body': b'', 'more_body': False})

    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    async def receive() -> Message:
        return {'type': 'http.request'}

    task = asyncio.create_task(SecurityHeaders(streaming)({'type': 'http', 'scheme': 'http'}, receive, send))
    await asyncio.sleep(0.05)
    seen_before_end.append(len(sent))
    release.set()
    await task
    assert seen_before_end == [2]
    assert headers_of(sent)['x-frame-options'] == 'DENY'


async def crash_at_once(scope: Scope, receive: Receive, send: Send) -> None:
    raise RuntimeError('boom')


async def crash_in_a_page(scope: Scope, receive: Receive, send: Send) -> None:
    await send({'type': 'http.response.start', 'status': 200, 'headers': [(b'content-type', b'text/html')]})
    await send({'type': 'http.response.body', 'body': b'<html>boom', 'more_body': True})
    raise RuntimeError('boom')


@pytest.mark.parametrize('crashing', [crash_at_once, crash_in_a_page])
async def test_a_crash_still_answers_with_the_headers(crashing) -> None:

    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    async def receive() -> Message:
        return {'type': 'http.request'}

    with pytest.raises(RuntimeError):  # still raised, so that the server logs it
        await SecurityHeaders(crashing)({'type': 'http', 'scheme': 'http'}, receive, send)
    assert [message['type'] for message in sent] == ['http.response.start', 'http.response.body']
    assert sent[0]['status'] == 500
    assert "frame-ancestors 'none'" in headers_of(sent)['content-security-policy']
    assert b'boom' not in sent[1]['body']


@pytest.mark.parametrize(('scheme', 'seconds', 'expected'), [
    ('https', 86400, 'max-age=86400; includeSubDomains'), ('http', 86400, None), ('https', 0, None)])
async def test_hsts_only_over_https(scheme: str, seconds: int, expected: str | None) -> None:
    messages = await call(SecurityHeaders(responding(b'text/plain', b'ok'), hsts_seconds=seconds), scheme=scheme)
    assert headers_of(messages).get('strict-transport-security') == expected
