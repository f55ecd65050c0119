"""Sign-in with email and password; one generic message for every wrong credential, throttled (see
`domain/auth/throttle.py`), the password checked on a pool of its own."""

from fastapi.responses import RedirectResponse
from nicegui import ui

from dashboard.config import get_settings
from dashboard.db import Database
from dashboard.domain.actor import Actor
from dashboard.domain.auth.accounts import MAX_EMAIL_LENGTH, MAX_PASSWORD_INPUT
from dashboard.domain.auth.password_pool import PasswordCheckPool
from dashboard.domain.auth.sign_in_attempts import WRONG_CREDENTIALS
from dashboard.ui.auth.password_link_pages import PASSWORD_SET
from dashboard.ui.auth.second_factor import second_factor_step
from dashboard.ui.auth.sign_in_attempt import attempt_sign_in, current_client_address
from dashboard.ui.cards import public_card
from dashboard.ui.paths import FORGOT_PASSWORD_PATH, LOGIN_PATH, safe_next_path
from dashboard.ui.refusal import Refusal
from dashboard.ui.session import complete_sign_in, landing_path, signed_in

__all__ = ['WRONG_CREDENTIALS', 'login_form', 'password_accepted', 'register']


def register(db: Database, *, pool: PasswordCheckPool | None = None) -> None:
    settings = get_settings()
    pool = pool or PasswordCheckPool(workers=settings.password_check_workers, queue=settings.password_check_queue)

    @ui.page(LOGIN_PATH, title='Log in')
    async def login_page(next: str = '', password_set: str = '') -> RedirectResponse | None:  # noqa: A002
        who = await signed_in(db)
        if who is not None:
            return RedirectResponse(safe_next_path(next) or landing_path(who.actor))
        login_form(db, pool, next_path=safe_next_path(next))
        if password_set == '1':
            ui.notify(PASSWORD_SET, type='positive', position='top')
        return None


def login_form(db: Database, pool: PasswordCheckPool, *, next_path: str) -> None:
    checking = False

    async def try_log_in() -> None:
        nonlocal checking
        if checking:  # Enter pressed again, or a click racing the disabled button: one attempt at a time
            return
        checking = True
        button.disable()
        button.props('loading')
        error.hide()
        try:
            attempt = await attempt_sign_in(db, pool, email=email.value or '', password=password.value or '',
                                            address=current_client_address())
        finally:
            checking = False
            button.props(remove='loading')
            button.enable()
        if attempt.actor is None:
            error.say(attempt.message)
            password.set_value('')
            return
        await password_accepted(db, attempt.actor, next_path, within=card)

    with public_card('Log in to the Web Portal') as card:
        with ui.column().classes('w-full gap-3') as form:
            email = ui.input('Email').mark('email') \
                .props(f'type=email autocomplete=username outlined maxlength={MAX_EMAIL_LENGTH}') \
                .classes('w-full')
            password = ui.input('Password', password=True, password_toggle_button=True).mark('password') \
                .props(f'autocomplete=current-password outlined maxlength={MAX_PASSWORD_INPUT}') \
                .classes('w-full')
            error = Refusal().mark('sign-in-error')
            button = ui.button('Log in', on_click=try_log_in).classes('w-full').props('unelevated') \
                .mark('log-in')
        form.on('keydown.enter', try_log_in)
        ui.link('Forgot password?', FORGOT_PASSWORD_PATH).classes('text-primary text-sm')


async def password_accepted(db: Database, actor: Actor, next_path: str, *, within: ui.element) -> None:
    """The one place a right password leads on from: the second factor, then the session's start."""

    def finish() -> None:
        complete_sign_in(actor.user_id, next_path or landing_path(actor))

    await second_factor_step(db, actor.user_id, on_passed=finish, within=within)
