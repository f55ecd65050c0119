"""The web app: builds every page around one `Database` and starts NiceGUI."""

from nicegui import app, ui

from .config import PROJECT_ROOT, get_settings
from .db import Database
from .ui import (
    billing_page,
    history_export,
    login_page,
    organisations_page,
    outbox_page,
    overview_page,
    renewals_page,
    sign_in_route,
)
from .ui.failures import tell_the_person_on_failure
from .ui.session_watch import ended_sessions


def build(db: Database) -> None:
    """Registers the pages and routes; each gets the database from here, never from a global."""
    app.add_static_files('/assets', PROJECT_ROOT / 'assets')
    tell_the_person_on_failure()
    ended_sessions(db)
    login_page.register(db)
    sign_in_route.register(db)
    billing_page.register(db)
    history_export.register(db)
    renewals_page.register(db)
    overview_page.register(db)
    organisations_page.register(db)
    outbox_page.register(db)


def run(*, db: Database, host: str, port: int) -> None:
    settings = get_settings()
    build(db)
    if settings.jobs_enabled:
        from .jobs import start_in_background

        start_in_background(db, settings.jobs_interval_seconds)
    # Starlette's session cookie is always HttpOnly; Secure unless served on this machine only (a setting).
    cookie = {'same_site': 'lax', 'https_only': settings.secure_cookies(host)}
    ui.run(host=host, port=port, title=settings.product_name, storage_secret=settings.session_secret(),
           session_middleware_kwargs=cookie, reload=False, show=False, favicon='🔑')
