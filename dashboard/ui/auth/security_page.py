"""Account > Security, for everyone signed in: two-factor sign-in (turn on, turn off, new recovery codes), and the
person's own sign-in log."""

from collections.abc import Awaitable, Callable
from typing import TypeVar

from fastapi.responses import RedirectResponse
from nicegui import ui
from nicegui.awaitable_response import AwaitableResponse

from dashboard.db import Database
from dashboard.domain.actor import Actor
from dashboard.domain.auth.two_factor import TwoFactorStatus, disable_two_factor, new_recovery_codes, two_factor_status
from dashboard.ui.auth.code_entry import CodeEntry, code_input
from dashboard.ui.auth.sign_in_log import sign_in_log
from dashboard.ui.auth.two_factor_setup import enrolment, recovery_codes_panel
from dashboard.ui.cards import titled_card
from dashboard.ui.client_address import client_address
from dashboard.ui.io_bound import io_bound
from dashboard.ui.paths import SECURITY_PATH
from dashboard.ui.refusal import Refusal
from dashboard.ui.session import SignedIn, refuse_if_signed_out, signed_in, to_login
from dashboard.ui.theme import frame

T = TypeVar('T')


def register(db: Database) -> None:
    @ui.page(SECURITY_PATH, title='Security')
    async def security_page() -> RedirectResponse | None:
        who = await signed_in(db)
        if who is None:
            return to_login(SECURITY_PATH)
        with frame(who, 'Account › Security', active=SECURITY_PATH):
            await two_factor_card(db, who)
            await sign_in_log_card(db, who)
        return None


async def two_factor_card(db: Database, who: SignedIn) -> None:
    actor = who.actor

    def may_act() -> bool:
        return not refuse_if_signed_out(actor)

    def show(codes: list[str] | None = None, setting_up: bool = False) -> AwaitableResponse:
        return card.refresh(codes=codes, setting_up=setting_up)  # all arguments: refresh reuses the last ones

    @ui.refreshable
    async def card(codes: list[str] | None = None, setting_up: bool = False) -> None:
        status = await io_bound(_status, db, actor)
        with ui.card().classes('card p-6 w-full max-w-4xl gap-3').mark('two-factor'):
            with ui.row().classes('items-center gap-3'):
                ui.icon('verified_user' if status.enabled else 'gpp_maybe', size='2rem',
                        color='positive' if status.enabled else 'grey-7')
                ui.label('Two-factor sign-in').classes('text-lg font-medium')
                ui.badge('On' if status.enabled else 'Off', color='positive' if status.enabled else 'grey-6') \
                    .mark('two-factor-status').classes('two-factor-status')
            if codes is not None:
                recovery_codes_panel(codes, on_done=show)
            elif setting_up:
                enrolment(db, actor, on_enabled=lambda new: show(codes=new), may_act=may_act)
                ui.button('Cancel', on_click=lambda: show()).props('flat no-caps')
            elif status.enabled:
                _enabled(db, actor, status, may_act, show_codes=lambda new: show(codes=new))
            else:
                ui.label('Protect your account with a code from an authenticator app on your phone, asked for '
                         'after your password each time you sign in.').classes('text-grey-8')
                ui.button('Turn on', icon='lock', on_click=lambda: show(setting_up=True)) \
                    .props('unelevated no-caps')

    await card()


def _enabled(db: Database, actor: Actor, status: TwoFactorStatus, may_act: Callable[[], bool],
             show_codes: Callable[[list[str]], object]) -> None:
    assert status.enabled_at is not None
    ui.label(f'On since {status.enabled_at:%d %b %Y}. After your password, you enter a code from your '
             'authenticator app.').classes('text-grey-8')
    left = status.recovery_codes_left
    ui.label(f'{left} recovery code{"" if left == 1 else "s"} left.').mark('recovery-codes-left') \
        .classes('text-negative' if left <= 2 else 'text-grey-8')
    if status.required:
        ui.label('The Admin Team must use two-factor sign-in: it cannot be turned off.').classes('text-sm text-grey-7')

    def replace_codes(code: str) -> Awaitable[list[str]]:
        return io_bound(_new_codes, db, actor, code, client_address())

    def turn_off(code: str) -> Awaitable[None]:
        return io_bound(_disable, db, actor, code, client_address())

    def turned_off(_: None) -> None:
        ui.notify('Two-factor sign-in is off.', type='info')
        ui.navigate.reload()

    with ui.row().classes('gap-2'):
        ui.button('New recovery codes', icon='autorenew', on_click=lambda: _ask_code(
            'New recovery codes', 'Your old recovery codes stop working.', 'Make new codes', replace_codes,
            show_codes, may_act)).props('outline no-caps')
        if not status.required:
            ui.button('Turn off', icon='lock_open', on_click=lambda: _ask_code(
                'Turn off two-factor sign-in', 'Your password alone will sign you in, and your recovery codes stop '
                'working.', 'Turn off', turn_off, turned_off, may_act)).props('outline no-caps color=negative')


def _ask_code(title: str, text: str, action: str, check: Callable[[str], Awaitable[T]], then: Callable[[T], object],
              may_act: Callable[[], bool]) -> None:
    """A dialog asking for a current code from the app before a change to the second factor: `check(code)` makes
    the change; once it has, the dialog closes and `then` gets its result."""
    async def confirm() -> None:
        if not may_act():
            dialog.close()
            return
        await entry.send(check, then=done)

    def done(result: T) -> None:
        dialog.close()
        then(result)

    with ui.dialog() as dialog, ui.card().classes('p-6 gap-3 w-96').mark('code-dialog'):
        ui.label(title).classes('text-lg font-medium')
        ui.label(f'{text} Enter the 6-digit code your authenticator app shows now.').classes('text-sm text-grey-8')
        code = code_input('Code from the app').mark('confirm-code').classes('w-full').props('autofocus')
        error = Refusal()
        with ui.row().classes('justify-end w-full gap-2'):
            ui.button('Cancel', on_click=dialog.close).props('flat no-caps')
            button = ui.button(action, on_click=confirm).props('unelevated no-caps').mark('confirm-button')
        code.on('keydown.enter', confirm)
    entry = CodeEntry(code, button, error)
    dialog.open()


async def sign_in_log_card(db: Database, who: SignedIn) -> None:
    """The person's own sign-in log: what happened to their account, when and from where."""
    with titled_card('Sign-in log', 'history').classes('w-full max-w-4xl'):
        ui.label('Sign-ins, failed attempts, locks and changes to how you sign in, newest first.') \
            .classes('text-sm text-grey-8')
        await sign_in_log(db, who.actor, who.actor.user_id)


def _status(db: Database, actor: Actor) -> TwoFactorStatus:
    with db.session() as session:
        return two_factor_status(session=session, actor=actor)


def _new_codes(db: Database, actor: Actor, code: str, address: str | None) -> list[str]:
    with db.session() as session:
        return new_recovery_codes(session=session, actor=actor, code=code, client_address=address)


def _disable(db: Database, actor: Actor, code: str, address: str | None) -> None:
    with db.session() as session:
        disable_two_factor(session=session, actor=actor, code=code, client_address=address)
