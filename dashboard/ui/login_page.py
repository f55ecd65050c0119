"""Sign-in with email and password; one generic message for every wrong credential."""

from fastapi.responses import RedirectResponse
from nicegui import run, ui

from ..config import get_settings
from ..db import Database
from ..domain.accounts import authenticate
from ..domain.actor import Actor
from .password_link_pages import FORGOT_PASSWORD_PATH, PASSWORD_SET
from .paths import safe_next_path
from .second_factor import second_factor_step
from .session import landing_path, sign_in, signed_in

WRONG_CREDENTIALS = 'The email or password is not correct.'


def register(db: Database) -> None:
    @ui.page('/login', title='Log in')
    async def login_page(next: str = '', password_set: str = '') -> RedirectResponse | None:  # noqa: A002
        who = await signed_in(db)
        if who is not None:
            return RedirectResponse(safe_next_path(next) or landing_path(who.actor))
        login_form(db, next_path=safe_next_path(next))
        if password_set == '1':
            ui.notify(PASSWORD_SET, type='positive', position='top')
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

        def finish() -> None:
            sign_in(user.user_id)
            ui.navigate.to(next_path or landing_path(user))

        await second_factor_step(db, user.user_id, on_passed=finish, within=card)

    with ui.column().classes('absolute-center items-center gap-6'):
        with ui.row().classes('items-center gap-2'):
            ui.icon('support_agent', size='2.5rem', color='primary')
            ui.label(get_settings().product_name).classes('text-3xl font-semibold text-primary')
        with ui.card().classes('w-96 p-6 card') as card:
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
            ui.link('Forgot password?', FORGOT_PASSWORD_PATH).classes('text-primary text-sm')


def _authenticate(db: Database, email: str, password: str) -> Actor | None:
    with db.session() as session:
        user = authenticate(session=session, email=email, password=password)
        return Actor.of(user) if user else None
