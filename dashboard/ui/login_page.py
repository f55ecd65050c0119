"""Sign-in with email and password; one generic message for every wrong credential, throttled (see
`domain/auth/throttle.py`), the password checked on a pool of its own."""

from urllib.parse import urlparse

from fastapi.responses import RedirectResponse
from nicegui import ui

from ..config import get_settings
from ..db import Database
from ..domain.accounts import MAX_EMAIL_LENGTH, MAX_PASSWORD_INPUT
from ..domain.actor import Actor
from ..domain.auth.password_pool import PasswordCheckPool
from ..domain.auth.sign_in_attempts import WRONG_CREDENTIALS
from .session import landing_path, sign_in, signed_in
from .sign_in_attempt import attempt_sign_in, current_client_address

__all__ = ['WRONG_CREDENTIALS', 'login_form', 'password_accepted', 'register']


def register(db: Database, *, pool: PasswordCheckPool | None = None) -> None:
    settings = get_settings()
    pool = pool or PasswordCheckPool(workers=settings.password_check_workers, queue=settings.password_check_queue)

    @ui.page('/login', title='Log in')
    async def login_page(next: str = '') -> RedirectResponse | None:  # noqa: A002  (the query parameter's name)
        who = await signed_in(db)
        if who is not None:
            return RedirectResponse(_safe_next(next) or landing_path(who.actor))
        login_form(db, pool, next_path=_safe_next(next))
        return None


def login_form(db: Database, pool: PasswordCheckPool, *, next_path: str) -> None:
    ui.add_head_html('<link rel="stylesheet" href="/assets/app.css">')
    ui.colors(primary='#1f4e79')
    checking = False

    async def try_log_in() -> None:
        nonlocal checking
        if checking:  # Enter pressed again, or a click racing the disabled button: one attempt at a time
            return
        checking = True
        button.disable()
        button.props('loading')
        error.set_visibility(False)
        try:
            attempt = await attempt_sign_in(db, pool, email=email.value or '', password=password.value or '',
                                            address=current_client_address())
        finally:
            checking = False
            button.props(remove='loading')
            button.enable()
        if attempt.actor is None:
            error.set_text(attempt.message)
            error.set_visibility(True)
            password.set_value('')
            return
        password_accepted(attempt.actor, next_path)

    with ui.column().classes('absolute-center items-center gap-6'):
        with ui.row().classes('items-center gap-2'):
            ui.icon('support_agent', size='2.5rem', color='primary')
            ui.label(get_settings().product_name).classes('text-3xl font-semibold text-primary')
        with ui.card().classes('w-96 p-6 card'):
            ui.label('Log in to the Web Portal').classes('text-lg font-medium')
            with ui.column().classes('w-full gap-3') as form:
                email = ui.input('Email').mark('email') \
                    .props(f'type=email autocomplete=username outlined maxlength={MAX_EMAIL_LENGTH}') \
                    .classes('w-full')
                password = ui.input('Password', password=True, password_toggle_button=True).mark('password') \
                    .props(f'autocomplete=current-password outlined maxlength={MAX_PASSWORD_INPUT}') \
                    .classes('w-full')
                error = ui.label().classes('text-negative text-sm').props('role=alert').mark('sign-in-error')
                error.set_visibility(False)
                button = ui.button('Log in', on_click=try_log_in).classes('w-full').props('unelevated') \
                    .mark('log-in')
            form.on('keydown.enter', try_log_in)


def password_accepted(actor: Actor, next_path: str) -> None:
    """The one place a right password leads on from: a second factor or the session's start go here."""
    sign_in(actor.user_id)
    ui.navigate.to(next_path or landing_path(actor))


def _safe_next(path: str) -> str:
    """Only a path on this site: a login link must never send anyone elsewhere."""
    parsed = urlparse(path)
    if parsed.scheme or parsed.netloc or not path.startswith('/') or path.startswith('//'):
        return ''
    return path
