"""The Admin Team's reset of another person's two-factor sign-in (a lost phone): a button and its confirmation, to
place beside a person in any list of users the Admin Team sees."""

from collections.abc import Awaitable, Callable

from nicegui import ui

from dashboard.db import Database
from dashboard.domain.actor import Actor
from dashboard.domain.auth.two_factor import reset_two_factor
from dashboard.domain.errors import DomainError
from dashboard.ui.client_address import client_address
from dashboard.ui.io_bound import io_bound
from dashboard.ui.session import refuse_if_signed_out


def reset_two_factor_button(db: Database, actor: Actor, *, user_id: int, name: str,
                            on_done: Callable[[], Awaitable[None] | None] | None = None) -> None:
    """Shown to the Admin Team only; the domain checks again whoever clicks."""
    if not actor.is_admin_team or user_id == actor.user_id:
        return

    async def confirm() -> None:
        if refuse_if_signed_out(actor):
            return
        button.disable()
        try:
            ended = await io_bound(_reset, db, actor, user_id, client_address())
        except DomainError as refused:
            ui.notify(str(refused), type='negative')
            return
        finally:
            button.enable()
        dialog.close()
        ui.notify(f'Two-factor sign-in of {name} reset; {ended} session{"" if ended == 1 else "s"} ended.',
                  type='positive')
        if on_done is not None:
            result = on_done()
            if result is not None:
                await result

    with ui.dialog() as dialog, ui.card().classes('p-6 gap-3 w-96'):
        ui.label('Reset two-factor sign-in').classes('text-lg font-medium')
        ui.label(f'{name} will sign in with the password alone (or set up a new authenticator app, if they are '
                 'on the Admin Team). Their recovery codes stop working and every session they have open ends.') \
            .classes('text-sm text-grey-8')
        with ui.row().classes('justify-end w-full gap-2'):
            ui.button('Cancel', on_click=dialog.close).props('flat no-caps')
            button = ui.button('Reset', on_click=confirm).props('unelevated no-caps color=negative') \
                .mark('confirm-reset')
    ui.button('Reset two-factor sign-in', icon='phonelink_erase', on_click=dialog.open) \
        .props('flat dense no-caps').mark(f'reset-two-factor-{user_id}')


def _reset(db: Database, actor: Actor, user_id: int, address: str | None) -> int:
    with db.session() as session:
        return reset_two_factor(session=session, actor=actor, user_id=user_id, client_address=address)
