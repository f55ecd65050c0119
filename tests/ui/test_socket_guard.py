"""The socket guard's rules on their own; tests/security/test_socket_guard.py attacks the running app."""

import pytest

from dashboard.ui.socket_guard import _origin_allowed, _own_client_only

ENVIRON = {'wsgi.url_scheme': 'ws', 'HTTP_HOST': 'portal.example.com:8080'}


@pytest.mark.parametrize(('origin', 'scheme', 'allowed'), [
    ('http://portal.example.com:8080', 'ws', True),
    ('https://portal.example.com:8080', 'wss', True),
    ('https://portal.example.com:8080', 'ws', True),  # behind a TLS proxy
    ('http://portal.example.com:8080.evil.example', 'ws', False),
    ('http://evil.example/portal.example.com:8080', 'ws', False),
    ('http://portal.example.com', 'ws', False),
    ('http://evil.example', 'ws', False),
    ('null', 'ws', False),
    ('https://login.example.com', 'wss', True),  # configured
    (None, 'ws', True),  # not a browser: it has nobody's cookies to abuse
])
def test_a_connection_must_come_from_the_page_s_own_origin(origin: str | None, scheme: str, allowed: bool) -> None:
    environ = {**ENVIRON, 'wsgi.url_scheme': scheme}
    assert _origin_allowed(origin, environ, extra=frozenset({'https://login.example.com'})) is allowed


@pytest.mark.parametrize('message', [
    {'client_id': 'a-victims-page', 'id': 1, 'listener_id': 'x', 'args': []}, None, [], 'text', {'id': 1},
    {'client_id': 17}])
def test_a_message_for_a_page_the_socket_was_not_handed_is_dropped(message: object) -> None:
    calls: list[object] = []
    guarded = _own_client_only('event', lambda sid, msg: calls.append(msg))
    assert guarded('not-a-connected-socket', message) is None
    assert calls == []
