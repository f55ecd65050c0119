"""Sign-in with email and password; one generic message for every wrong credential."""

from urllib.parse import urlparse

from fastapi.responses import RedirectResponse
from nicegui import run, ui

from ..config import get_settings
from ..db import Database
from ..domain.accounts import authenticate
from ..domain.actor import Actor
from .session import complete_sign_in, landing_path, signed_in

WRONG_CREDENTIALS = 'The email or password is not correct.'


def register(db: Database) -> None:
    @ui.page('/login', title='Log in')
    async def login_page(next: str = '') -> RedirectResponse | None:  # noqa: A002  (the query parameter's name)
        who = await signed_in(db)
        if who is not None:
            return RedirectResponse(_safe_next(next) or landing_path(who.actor))
        login_form(db, next_path=_safe_next(next))
        return None


def login_form(db: Database, *, next_path: str) -> None:
    ui.add_head_html('<link rel="stylesheet" href="/assets/app.css">')
    ui.colors(primary='#1f4e79')

    async def try_log_in() -> None:
        error.set_visibility(False)
        user = await run.io_bound(_authenticate, db, email.value or '', password.value or '')
        if user is None:
            error.set_text(WRONG_CREDENTIALS)
            error.set_visibility(True)
            password.set_value('')
            return
        complete_sign_in(user.user_id, next_path or landing_path(user))

    with ui.column().classes('absolute-center items-center gap-6'):
        with ui.row().classes('items-center gap-2'):
            ui.icon('support_agent', size='2.5rem', color='primary')
            ui.label(get_settings().product_name).classes('text-3xl font-semibold text-primary')
        with ui.card().classes('w-96 p-6 card'):
            ui.label('Log in to the Web Portal').classes('text-lg font-medium')
            with ui.column().classes('w-full gap-3') as form:
                email = ui.input('Email').mark('email') \
                    .props('type=email autocomplete=username outlined').classes('w-full')
                password = ui.input('Password', password=True, password_toggle_button=True).mark('password') \
                    .props('autocomplete=current-password outlined').classes('w-full')
                error = ui.label().classes('text-negative text-sm').props('role=alert')
                error.set_visibility(False)
                ui.button('Log in', on_click=try_log_in).classes('w-full').props('unelevated')
            form.on('keydown.enter', try_log_in)


def _authenticate(db: Database, email: str, password: str) -> Actor | None:
    with db.session() as session:
        user = authenticate(session=session, email=email, password=password)
        return Actor.of(user) if user else None


def _safe_next(path: str) -> str:
    """Only a path on this site: a login link must never send anyone elsewhere."""
    parsed = urlparse(path)
    if parsed.scheme or parsed.netloc or not path.startswith('/') or path.startswith('//'):
        return ''
    return path
