"""Every response carries the security headers, no other site can frame a page, and the Content-Security-Policy is
tight enough to mean something yet lets every page of every role work."""

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, expect
from sqlmodel import Session

from dashboard.domain.models import OutboxEmail
from tests.browser.conftest import OpenAs, World
from tests.browser.server import serve

EXPECTED = {
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
}


def assert_secured(response: httpx.Response | dict[str, str]) -> None:
    headers = {name.lower(): value for name, value in
               (response.headers.items() if isinstance(response, httpx.Response) else response.items())}
    for name, value in EXPECTED.items():
        assert headers.get(name) == value, (name, headers)
    assert 'camera=()' in headers['permissions-policy']
    policy = directives(headers['content-security-policy'])
    assert policy['frame-ancestors'] == ["'none'"]
    assert policy['object-src'] == ["'none'"]
    assert policy['base-uri'] == ["'self'"] and policy['form-action'] == ["'self'"]
    assert "'unsafe-inline'" not in policy['script-src']
    sources = [source for values in policy.values() for source in values]
    assert not [source for source in sources if source == '*' or '://' in source or source in ('http:', 'https:')]
    assert 'strict-transport-security' not in headers  # plain HTTP


def directives(policy: str) -> dict[str, list[str]]:
    return {name: values for name, *values in (part.split() for part in policy.split(';') if part.strip())}


ANONYMOUS = [
    ('/login', {200}), ('/account/billing', {302, 303, 307}), ('/nope', {404}), ('/assets/app.css', {200}),
    ('/favicon.ico', {200}), ('/_nicegui/{version}/static/nicegui.js', {200}),
    ('/_nicegui/{version}/components/nope', {404}), ('/_nicegui_ws/socket.io/?EIO=4&transport=polling', {200}),
    ('/billing/{org}/history.csv', {302, 303, 307, 401, 403}), ('/vendor/renewals.csv', {302, 303, 307, 401, 403}),
]


@pytest.fixture(scope='module')
def nicegui_version() -> str:
    from nicegui.version import __version__
    return __version__


@pytest.mark.parametrize(('path', 'status'), ANONYMOUS)
def test_every_kind_of_response_has_the_headers(world: World, nicegui_version: str, path: str,
                                                status: set[int]) -> None:
    url = world.base_url + path.format(version=nicegui_version, org=world.org_id)
    response = httpx.get(url, follow_redirects=False, timeout=10)
    assert response.status_code in status
    assert_secured(response)


def test_a_page_allows_only_its_own_inline_scripts(world: World) -> None:
    response = httpx.get(world.base_url + '/login', timeout=10)
    script_src = directives(response.headers['content-security-policy'])['script-src']
    inline = re.findall(r'<script(?![^>]*\ssrc=)[^>]*>', response.text)
    assert len(inline) >= 3
    assert len([source for source in script_src if source.startswith("'sha256-")]) == len(set(
        re.findall(r'<script(?![^>]*\ssrc=)[^>]*>(.*?)</script>', response.text, re.DOTALL)))


def test_signed_in_pages_and_exports_have_the_headers(open_as: OpenAs, world: World) -> None:
    page = open_as('billing_admin')
    for path in ['/account/billing', f'/billing/{world.org_id}/history.csv']:
        response = page.request.get(path, max_redirects=0)
        assert response.status == 200, path
        assert_secured(response.headers)


def test_hsts_only_over_https_from_a_trusted_proxy(world: World, tmp_path_factory: pytest.TempPathFactory) -> None:
    forged = httpx.get(world.base_url + '/login', headers={'X-Forwarded-Proto': 'https'}, timeout=10)
    assert 'strict-transport-security' not in forged.headers  # nobody is a trusted proxy by default
    with serve(tmp_path_factory.mktemp('proxied'), world.db_url, env={'TRUSTED_PROXIES': '127.0.0.1'}) as proxied:
        through_proxy = httpx.get(proxied + '/login', headers={'X-Forwarded-Proto': 'https'}, timeout=10)
        assert re.fullmatch(r'max-age=\d{7,}; includeSubDomains', through_proxy.headers['strict-transport-security'])
        assert 'strict-transport-security' not in httpx.get(proxied + '/login', timeout=10).headers


def test_another_site_cannot_frame_the_billing_page(open_as: OpenAs, world: World) -> None:
    page = open_as('billing_admin')
    with attacker_site(f'<h1>Win a prize</h1><iframe id="victim" src="{world.base_url}/account/billing" '
                       'width="1200" height="800"></iframe>') as attacker:
        page.goto(attacker, wait_until='load')
        expect(page.get_by_role('heading', name='Win a prize')).to_be_visible()
        page.wait_for_timeout(1500)
        victim = page.frame_locator('#victim')
        expect(victim.get_by_text('Request deletion of this account')).to_have_count(0)
        expect(victim.get_by_role('button', name='Log out')).to_have_count(0)


@contextmanager
def attacker_site(html: str) -> Iterator[str]:
    """Another origin (the same host, another port) serving one page; yields its URL."""
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802  (the standard library's name)
            body = html.encode()
            self.send_response(200)
            self.send_header('Content-Type', 'text/html; charset=utf-8')
            self.send_header('Content-Length', str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f'http://127.0.0.1:{server.server_address[1]}/'
    finally:
        server.shutdown()
        server.server_close()


VIOLATIONS_SCRIPT = """
window.__violations = [];
document.addEventListener('securitypolicyviolation',
    (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
"""
ROLE_PAGES = [
    ('billing_admin', '/account/billing'), ('billing_admin', '/account/billing?tab=history'),
    ('viewer', '/account/billing?tab=history'), ('user', '/'),
    ('sales', '/vendor/renewals'), ('sales', '/vendor/overview'), ('sales', '/vendor/organisations'),
    ('vendor_admin', '/vendor/organisations/{org}'), ('vendor_admin', '/vendor/organisations/{org}?tab=history'),
    ('vendor_admin', '/vendor/outbox'),
]


class Console:
    """Console errors, uncaught exceptions and CSP violations of one page, in every frame."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.errors: list[str] = []
        page.on('console', self._console)
        page.on('pageerror', lambda error: self.errors.append(f'uncaught: {error}'))

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == 'error' or 'Content Security Policy' in message.text:
            self.errors.append(f'{message.type}: {message.text}')

    def problems(self) -> list[str]:
        self.page.wait_for_timeout(500)
        return self.errors + self.page.evaluate('window.__violations || []')


@pytest.fixture
def console_context(context: BrowserContext) -> BrowserContext:
    context.add_init_script(VIOLATIONS_SCRIPT)
    return context


@pytest.mark.parametrize(('who', 'path'), ROLE_PAGES)
def test_every_page_of_every_role_runs_without_a_policy_violation(open_as: OpenAs, world: World, who: str,
                                                                  path: str) -> None:
    page = open_as(who, '/login')  # signed in, so /login sends the browser on; the listeners go on first
    page.add_init_script(VIOLATIONS_SCRIPT)
    console = Console(page)
    page.goto(path.format(org=world.org_id))
    expect(page.get_by_role('button', name='Log out')).to_be_visible()
    if 'tab=history' in path or path in ('/vendor/renewals', '/vendor/overview'):
        expect(page.locator('.js-plotly-plot .main-svg').first).to_be_visible()
        page.locator('.js-plotly-plot').first.hover()
    assert console.problems() == []


def test_the_login_page_runs_without_a_policy_violation(console_context: BrowserContext, page: Page) -> None:
    console = Console(page)
    page.goto('/login')
    expect(page.get_by_role('button', name='Log in')).to_be_visible()
    page.get_by_label('Email').fill('nobody@example.com')
    assert console.problems() == []


@pytest.fixture
def html_email(world: World) -> Iterator[str]:
    subject = 'Your renewal, styled'
    db = world.database()
    with Session(db.engine) as session:
        email = OutboxEmail(to_address='ben@harbourview.example', subject=subject, body_text='Plain text',
                            body_html='<p style="color: rgb(200, 0, 0)">Styled <b>renewal</b> notice</p>'
                                      '<img alt="pixel" src="https://tracker.example/p.gif">'
                                      '<script>parent.document.title = "pwned"</script>')
        session.add(email)
        session.commit()
        email_id = email.id
    yield subject
    with Session(db.engine) as session:
        session.delete(session.get(OutboxEmail, email_id))
        session.commit()
    db.engine.dispose()


def test_the_outbox_shows_an_html_email_in_its_sandbox(open_as: OpenAs, html_email: str) -> None:
    page = open_as('vendor_admin', '/vendor/outbox')
    page.get_by_text(html_email).click()
    frame = page.frame_locator('iframe[title="The email as HTML"]')
    expect(frame.get_by_text('Styled renewal notice')).to_have_css('color', 'rgb(200, 0, 0)')
    page.wait_for_timeout(500)
    assert page.title() != 'pwned'

