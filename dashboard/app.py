"""The web app: builds every page around one `Database` and starts NiceGUI."""

from nicegui import app, ui

from dashboard.config import PROJECT_ROOT, get_settings
from dashboard.db import Database
from dashboard.security_headers import SecurityHeaders
from dashboard.ui import client_lifetime, socket_guard
from dashboard.ui.auth import login_page, password_link_pages, security_page, sign_in_route
from dashboard.ui.backoffice import (
    organisation_page,
    organisations_page,
    outbox_page,
    overview_page,
    renewals_page,
    sign_ins_page,
)
from dashboard.ui.billing import history_export
from dashboard.ui.billing import page as billing_page
from dashboard.ui.failures import tell_the_person_on_failure
from dashboard.ui.session_watch import ended_sessions


def build(db: Database) -> None:
    """Registers the pages and routes; each gets the database, and the pages that send mail the vendor's details,
    from here, never from a global."""
    settings = get_settings()
    vendor = settings.vendor()
    app.add_middleware(SecurityHeaders, hsts_seconds=settings.hsts_seconds)
    socket_guard.install(extra_origins=settings.websocket_origins)
    app.add_static_files('/assets', PROJECT_ROOT / 'assets')
    client_lifetime.install()
    tell_the_person_on_failure()
    ended_sessions(db)
    login_page.register(db)
    sign_in_route.register(db)
    password_link_pages.register(db, vendor)
    billing_page.register(db, vendor)
    history_export.register(db)
    renewals_page.register(db)
    overview_page.register(db)
    organisations_page.register(db)
    organisation_page.register(db, vendor)
    outbox_page.register(db)
    security_page.register(db)
    sign_ins_page.register(db)


def run(*, db: Database, host: str, port: int) -> None:
    settings = get_settings()
    build(db)
    if settings.jobs_enabled:
        from dashboard.jobs import start_in_background

        start_in_background(db, settings.jobs_interval_seconds)
    # Uvicorn believes X-Forwarded-For and -Proto only from our trusted proxies (by default it believes 127.0.0.1).
    # Starlette's session cookie is always HttpOnly; Secure unless served on this machine only (a setting).
    cookie = {'same_site': 'lax', 'https_only': settings.secure_cookies(host)}
    ui.run(host=host, port=port, title=settings.product_name, storage_secret=settings.session_secret(),
           session_middleware_kwargs=cookie, reload=False, show=False, favicon='🔑',
           forwarded_allow_ips=list(settings.trusted_proxies))
