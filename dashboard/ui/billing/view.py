"""The two tabs of the Billing page, shared by the customer's page and the vendor's view of an organisation."""

import asyncio
from urllib.parse import urlencode

from nicegui import run, ui

from dashboard.db import Database
from dashboard.domain.actor import Actor
from dashboard.domain.auth.accounts import active_user
from dashboard.domain.vendor import Vendor
from dashboard.ui.billing.licence_details import licence_details
from dashboard.ui.billing.licence_history import LicenceHistoryTab, licence_history
from dashboard.ui.live import follow_changes
from dashboard.ui.paths import LOGIN_PATH
from dashboard.ui.session import still_signed_in

DETAILS, HISTORY = 'details', 'history'


async def billing_view(db: Database, actor: Actor, organisation_id: int, vendor: Vendor, *, query: dict[str, str],
                       path: str) -> None:
    """`query` is the page's URL query: which tab is open and the history filters, so a view can be shared."""
    selected = HISTORY if query.get('tab') == HISTORY else DETAILS
    history_query = {key: value for key, value in query.items() if key != 'tab'}

    def remember_tab(tab: str) -> None:
        shown = {'tab': HISTORY, **history_query} if tab == HISTORY else {}
        ui.navigate.history.replace(f'{path}?{urlencode(shown)}' if shown else path)

    def on_filter_change(new_query: dict[str, str]) -> None:
        history_query.clear()
        history_query.update(new_query)
        remember_tab(HISTORY)

    history_built: list[asyncio.Task] = []

    async def build_history() -> LicenceHistoryTab:
        with history_panel:
            return await licence_history(db, actor, organisation_id, query=history_query,
                                         on_filter_change=on_filter_change)

    async def show_history() -> None:
        """The history is read when its tab is first opened, not on every visit to the Licence details."""
        if not history_built:
            history_built.append(asyncio.ensure_future(build_history()))
        await history_built[0]

    async def on_tab_change(tab: str) -> None:
        remember_tab(tab)
        if tab == HISTORY:
            await show_history()

    with ui.tabs(value=selected, on_change=lambda e: on_tab_change(e.value)) \
            .classes('text-primary bg-white rounded-t-lg shadow-sm').props('align=left inline-label no-caps') as tabs:
        ui.tab(DETAILS, label='Licence details', icon='badge')
        ui.tab(HISTORY, label='Licence history', icon='history')
    with ui.tab_panels(tabs, value=selected).classes('w-full bg-transparent').props('keep-alive'):
        with ui.tab_panel(DETAILS).classes('p-0 pt-2'):
            details = await licence_details(db, actor, organisation_id, vendor)
        with ui.tab_panel(HISTORY).classes('p-0 pt-2') as history_panel:
            pass

    async def on_change(_organisations: set[int]) -> None:
        """Someone changed this organisation (the Admin Team, another tab, a job): show it without a reload. If the
        change ended this viewer's access (the organisation was cancelled), the page ends too."""
        if not await still_allowed():
            ui.navigate.to(LOGIN_PATH)
            return
        await details.reload()
        built = history_built[0] if history_built else None
        if built is not None and built.done() and not built.cancelled() and built.exception() is None:
            await built.result().reload()

    async def still_allowed() -> bool:
        """Still signed in here as `actor`, and still allowed in (not deactivated, organisation not cancelled)."""
        if not still_signed_in(actor):
            return False

        def check() -> bool:
            with db.session() as session:
                return active_user(session=session, user_id=actor.user_id) is not None
        return await run.io_bound(check)

    follow_changes(db, on_change, organisation_id=organisation_id)
    if selected == HISTORY:
        await show_history()
