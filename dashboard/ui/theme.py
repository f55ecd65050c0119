"""The frame every signed-in page shares: header with product name, Buy now, the user and Log out; side menu."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from nicegui import ui

from dashboard.config import get_settings
from dashboard.ui.paths import (
    BILLING_PATH,
    LOGIN_PATH,
    ORGANISATIONS_PATH,
    OUTBOX_PATH,
    OVERVIEW_PATH,
    RENEWALS_PATH,
    SECURITY_PATH,
    SIGN_INS_PATH,
)
from dashboard.ui.session import SignedIn, sign_out

SESSION_CHECK_SECONDS = 2  # how soon a page notices that its browser has logged out in another tab


@contextmanager
def frame(who: SignedIn, title: str, *, active: str = '', on_buy_now: Callable[[], None] | None = None
          ) -> Iterator[None]:
    """`active` is the path of the menu entry to highlight."""
    ui.add_head_html('<link rel="stylesheet" href="/assets/app.css">')
    ui.colors(primary='#1f4e79', secondary='#2e7d32', accent='#f57c00')
    actor = who.actor
    drawer: ui.left_drawer  # the menu, made after the header whose button opens and closes it
    with ui.header(elevated=True).classes('items-center gap-4 px-4 py-2 bg-primary text-white'):
        ui.button(icon='menu', on_click=lambda: drawer.toggle()).props('flat round dense color=white') \
            .props('aria-label="Menu"')
        ui.label(get_settings().product_name).classes('text-xl font-semibold tracking-wide')
        ui.label('Web Portal').classes('text-sm opacity-80 -ml-2 mt-1')
        ui.space()
        if on_buy_now is not None and who.may_buy:
            ui.button('Buy now', icon='shopping_cart', on_click=on_buy_now).props('color=accent unelevated')
        with ui.column().classes('gap-0 items-end'):
            ui.label(actor.name).classes('text-sm font-medium')
            ui.label(who.organisation_name or 'Vendor staff').classes('text-xs opacity-80')
        ui.button('Log out', icon='logout', on_click=_log_out).props('flat color=white no-caps')
    with ui.left_drawer(value=True, bordered=True).classes('bg-grey-1 px-0') as drawer:
        _menu(who, active)
    with ui.column().classes('w-full max-w-screen-xl mx-auto p-4 gap-4'):
        ui.label(title).classes('text-2xl font-semibold text-grey-9')
        yield
    # After the content: a timer waits for the connection, which would end the page function early.
    _watch_session(who)


def _watch_session(who: SignedIn) -> None:
    """Every 2 s, in memory (the change feed announces ended sessions); the database only now and then."""
    idle_seconds = get_settings().session_idle_timeout.total_seconds()

    async def check() -> None:
        if who.session is None or not await who.session.check(idle_seconds):
            timer.deactivate()
            ui.navigate.to(LOGIN_PATH)
    timer = ui.timer(SESSION_CHECK_SECONDS, check)


def _menu(who: SignedIn, active: str) -> None:
    actor = who.actor
    with ui.list().props('padding').classes('w-full'):
        ui.item_label('Account').props('header').classes('text-grey-7 uppercase text-xs')
        if actor.organisation_id is not None and actor.can_view_billing(actor.organisation_id):
            _menu_item('Billing', 'receipt_long', BILLING_PATH, active)
        _menu_item('Security', 'shield', SECURITY_PATH, active)
        if actor.is_vendor:
            ui.item_label('Back office').props('header').classes('text-grey-7 uppercase text-xs')
            _menu_item('Renewals', 'event_repeat', RENEWALS_PATH, active)
            _menu_item('Usage overview', 'insights', OVERVIEW_PATH, active)
            _menu_item('Organisations', 'apartment', ORGANISATIONS_PATH, active)
            _menu_item('Outbox', 'outgoing_mail', OUTBOX_PATH, active)
            if actor.is_admin_team:
                _menu_item('Sign-ins', 'manage_accounts', SIGN_INS_PATH, active)


def _menu_item(label: str, icon: str, path: str, active: str) -> None:
    with ui.item(on_click=lambda: ui.navigate.to(path)).props('clickable').classes('menu-item') as item:
        with ui.item_section().props('avatar'):
            ui.icon(icon)
        ui.item_section(label)
    if path == active:
        item.classes('active')


async def _log_out() -> None:
    await sign_out()
    ui.navigate.to(LOGIN_PATH)
