"""The sign-in's second step, between the password and the session: a code from the authenticator app or a recovery
code, or, for the Admin Team without two-factor sign-in, its set-up. Nothing here signs anyone in: `on_passed`
does, once the step is passed, and the user id lives only in this page, never in the browser."""

import time

from nicegui import ui

from dashboard.db import Database
from dashboard.domain.actor import Actor
from dashboard.domain.auth.accounts import active_user
from dashboard.domain.auth.two_factor import SecondFactor, pass_with_code, pass_with_recovery_code, second_factor_needed
from dashboard.ui.auth.code_entry import CodeEntry, Handler, call, code_input
from dashboard.ui.auth.two_factor_setup import enrolment, recovery_codes_panel
from dashboard.ui.client_address import client_address
from dashboard.ui.io_bound import io_bound
from dashboard.ui.paths import LOGIN_PATH
from dashboard.ui.refusal import Refusal

STEP_SECONDS = 300  # after this long, the password must be typed again
EXPIRED = 'This sign-in took too long: log in again.'
APP_CODE_LABEL = 'Code from the app'
RECOVERY_LABEL = 'Recovery code'


async def second_factor_step(db: Database, user_id: int, on_passed: Handler, *,
                             within: ui.element | None = None) -> None:
    """Call right after the password is accepted. When this user needs no second step, calls `on_passed` at once;
    otherwise clears `within` (the login card) and asks for it there."""
    actor, needed = await io_bound(_needed, db, user_id)
    if needed is SecondFactor.NONE:
        await call(on_passed)
        return
    if within is not None:
        within.clear()
        within.classes(remove='w-96').style('width: min(28rem, calc(100vw - 2rem))')  # room for the QR code
    with within or ui.column():
        if actor is None:
            ui.label(EXPIRED).classes('text-negative').props('role=alert')
        elif needed is SecondFactor.ENROL:
            _enrol(db, actor, on_passed)
        else:
            _ask_for_code(db, actor, on_passed)


def _ask_for_code(db: Database, actor: Actor, on_passed: Handler) -> None:
    started = time.monotonic()
    state = {'recovery': False}

    async def submit() -> None:
        if time.monotonic() - started > STEP_SECONDS:
            error.say(EXPIRED)
            ui.timer(2, lambda: ui.navigate.to(LOGIN_PATH), once=True)
            return
        await entry.send(lambda typed: io_bound(_pass, db, actor, typed, state['recovery'], client_address()),
                         then=lambda _: on_passed())

    def switch() -> None:
        state['recovery'] = not state['recovery']
        recovery = state['recovery']
        hint.set_text('Enter one of your recovery codes (each works once).' if recovery else
                      'Enter the 6-digit code your authenticator app shows.')
        code.props(f'label="{RECOVERY_LABEL if recovery else APP_CODE_LABEL}" '
                   f'inputmode={"text" if recovery else "numeric"} maxlength={40 if recovery else 8} '
                   f'autocomplete={"off" if recovery else "one-time-code"}')
        code.set_value('')
        toggle.set_text('Use the authenticator app instead' if recovery else 'Use a recovery code instead')
        error.hide()

    with ui.column().classes('w-full gap-3').mark('second-factor'):
        ui.label('Two-factor sign-in').classes('text-lg font-medium')
        hint = ui.label('Enter the 6-digit code your authenticator app shows.').classes('text-sm text-grey-8')
        code = code_input(APP_CODE_LABEL).mark('totp-code').classes('w-full').props('autofocus')
        error = Refusal()
        entry = CodeEntry(code, ui.button('Verify', on_click=submit).classes('w-full').props('unelevated'), error)
        toggle = ui.button('Use a recovery code instead', on_click=switch).props('flat dense no-caps') \
            .classes('self-start text-primary')
        ui.link('Back to log in', LOGIN_PATH).classes('text-sm text-grey-8')
        code.on('keydown.enter', submit)


def _enrol(db: Database, actor: Actor, on_passed: Handler) -> None:
    """The Admin Team must use two-factor sign-in: set it up now, before any page opens."""
    started = time.monotonic()
    box = ui.column().classes('w-full gap-3')

    def in_time() -> bool:
        return time.monotonic() - started <= 2 * STEP_SECONDS

    async def enabled(codes: list[str]) -> None:
        box.clear()
        with box:
            recovery_codes_panel(codes, on_done=on_passed, done_label='Continue')

    with box:
        ui.label('Set up two-factor sign-in').classes('text-lg font-medium')
        ui.label('The Admin Team must sign in with a code from an authenticator app as well as the password. '
                 'Set it up now to continue.').classes('text-sm text-grey-8')
        enrolment(db, actor, on_enabled=enabled, may_act=in_time)


def _needed(db: Database, user_id: int) -> tuple[Actor | None, SecondFactor]:
    with db.session() as session:
        user = active_user(session=session, user_id=user_id)
        if user is None:
            return None, SecondFactor.CODE
        actor = Actor.of(user)
        return actor, second_factor_needed(session=session, actor=actor)


def _pass(db: Database, actor: Actor, code: str, recovery: bool, address: str | None) -> None:
    with db.session() as session:
        if recovery:
            pass_with_recovery_code(session=session, actor=actor, code=code, client_address=address)
        else:
            pass_with_code(session=session, actor=actor, code=code, client_address=address)
