"""The two tabs of the Billing page, shared by the customer's page and the vendor's view of an organisation."""

import asyncio
from urllib.parse import urlencode

from nicegui import ui

from dashboard.db import Database
from dashboard.domain.actor import Actor
from dashboard.domain.auth.accounts import active_user
from dashboard.domain.vendor import Vendor
from dashboard.ui.billing.licence_details import LicenceDetails, licence_details
from dashboard.ui.billing.licence_history import LicenceHistoryTab, licence_history
from dashboard.ui.io_bound import io_bound
from dashboard.ui.live import follow_changes
from dashboard.ui.paths import LOGIN_PATH
from dashboard.ui.session import still_signed_in

DETAILS, HISTORY = 'details', 'history'


class BillingTabs:
    """Licence details, read at once, and the Licence history, read when its tab is first opened. The open tab and
    the history's filters live in the page's URL (`query`, at `path`), so a view can be shared; a change to the
    organisation (the Admin Team, another tab, a job) is shown without a reload."""

    def __init__(self, db: Database, actor: Actor, organisation_id: int, vendor: Vendor, *, query: dict[str, str],
                 path: str) -> None:
        self.db = db
        self.actor = actor
        self.organisation_id = organisation_id
        self.vendor = vendor
        self.path = path
        self.selected = HISTORY if query.get('tab') == HISTORY else DETAILS
        self.history_query = {key: value for key, value in query.items() if key != 'tab'}
        self.details: LicenceDetails | None = None
        self.history_panel: ui.tab_panel | None = None
        self.history: asyncio.Future[LicenceHistoryTab] | None = None  # built once, when first shown

    async def show(self) -> None:
        # A tab's name selects it, as NiceGUI's docs say; its annotation asks for the element.
        tabs = ui.tabs(value=self.selected, on_change=lambda e: self._tab_changed(e.value))  # type: ignore[arg-type]
        with tabs.classes('text-primary bg-white rounded-t-lg shadow-sm').props('align=left inline-label no-caps'):
            ui.tab(DETAILS, label='Licence details', icon='badge')
            ui.tab(HISTORY, label='Licence history', icon='history')
        with ui.tab_panels(tabs, value=self.selected).classes('w-full bg-transparent').props('keep-alive'):
            with ui.tab_panel(DETAILS).classes('p-0 pt-2'):
                self.details = await licence_details(self.db, self.actor, self.organisation_id, self.vendor)
            self.history_panel = ui.tab_panel(HISTORY).classes('p-0 pt-2')
        follow_changes(self.db, self._organisation_changed, organisation_id=self.organisation_id)
        if self.selected == HISTORY:
            await self._show_history()

    async def _tab_changed(self, tab: str) -> None:
        self._remember(tab)
        if tab == HISTORY:
            await self._show_history()

    def _remember(self, tab: str) -> None:
        shown = {'tab': HISTORY, **self.history_query} if tab == HISTORY else {}
        ui.navigate.history.replace(f'{self.path}?{urlencode(shown)}' if shown else self.path)

    def _filters_changed(self, new_query: dict[str, str]) -> None:
        self.history_query.clear()  # in place: the history tab was given this dict
        self.history_query.update(new_query)
        self._remember(HISTORY)

    async def _show_history(self) -> None:
        """The history is read when its tab is first opened, not on every visit to the Licence details."""
        if self.history is None:
            self.history = asyncio.ensure_future(self._build_history())
        await self.history

    async def _build_history(self) -> LicenceHistoryTab:
        assert self.history_panel is not None
        with self.history_panel:
            return await licence_history(self.db, self.actor, self.organisation_id, query=self.history_query,
                                         on_filter_change=self._filters_changed)

    async def _organisation_changed(self, _organisations: set[int]) -> None:
        """Shows the change; if it ended this viewer's access (the organisation was cancelled), the page ends too."""
        if not await self._still_allowed():
            ui.navigate.to(LOGIN_PATH)
            return
        assert self.details is not None
        await self.details.reload()
        history = self.history
        if history is not None and history.done() and not history.cancelled() and history.exception() is None:
            await history.result().reload()

    async def _still_allowed(self) -> bool:
        """Still signed in here as the actor, and still allowed in (not deactivated, organisation not cancelled)."""
        return still_signed_in(self.actor) and await io_bound(self._still_active)

    def _still_active(self) -> bool:
        with self.db.session() as session:
            return active_user(session=session, user_id=self.actor.user_id) is not None
