"""Back office: every organisation, searchable and paged by the database; each row opens its organisation page."""

from typing import Any

from fastapi import Request
from nicegui import events, ui

from dashboard.db import Database
from dashboard.domain.actor import Actor
from dashboard.domain.models import Region
from dashboard.domain.organisations.account_types import ACCOUNT_TYPES
from dashboard.domain.organisations.listing import SORTS, OrganisationRow, OrganisationsFilter, list_organisations
from dashboard.domain.paging import search_text
from dashboard.ui.backoffice.access import backoffice_page
from dashboard.ui.format import organisation_row
from dashboard.ui.live import follow_changes
from dashboard.ui.paged_table import PagedTable, show_in_address_bar
from dashboard.ui.paths import ORGANISATIONS_PATH, organisation_path
from dashboard.ui.session import SignedIn
from dashboard.ui.table_events import clicked_row_id
from dashboard.ui.theme import frame

COLUMNS: list[dict[str, Any]] = [
    {'name': 'name', 'label': 'Account name', 'field': 'name', 'sortable': True, 'align': 'left'},
    {'name': 'serial', 'label': 'Serial number', 'field': 'serial', 'sortable': True, 'align': 'left'},
    {'name': 'type', 'label': 'Account type', 'field': 'type', 'align': 'left'},
    {'name': 'region', 'label': 'Region', 'field': 'region', 'align': 'left'},
    {'name': 'managed_agent', 'label': 'Managed Agent (in use / total)', 'field': 'managed_agent', 'align': 'right',
     'headerClasses': 'whitespace-normal'},
    {'name': 'on_demand', 'label': 'On-demand (in use / total)', 'field': 'on_demand', 'align': 'right',
     'headerClasses': 'whitespace-normal'},
    {'name': 'end', 'label': 'Subscription end', 'field': 'end', 'sortable': True, 'align': 'left',
     'classes': 'whitespace-nowrap'},
    {'name': 'contact', 'label': 'Main contact', 'field': 'contact', 'align': 'left'},
    {'name': 'attention', 'label': 'Waiting on us', 'field': 'attention', 'align': 'left'},
]
ACCOUNT_TYPE_CHOICES = {'': 'All account types', **ACCOUNT_TYPES}
REGIONS = {'': 'All regions', **{region.value: region.label for region in Region}}


def register(db: Database) -> None:
    @backoffice_page(db, ORGANISATIONS_PATH, title='Organisations')
    async def organisations_page(who: SignedIn, request: Request) -> None:
        with frame(who, 'Organisations', active=ORGANISATIONS_PATH):
            listing = OrganisationList(db, who.actor, OrganisationsFilter.from_query(dict(request.query_params)))
            await listing.rows.read_first()
            listing.show()
            follow_changes(db, lambda _changed: listing.rows.reload())


class OrganisationList:
    def __init__(self, db: Database, actor: Actor, organisations_filter: OrganisationsFilter) -> None:
        self.db = db
        self.actor = actor
        self.rows = PagedTable(organisations_filter, read=self._read, row=organisation_row, sortable=SORTS,
                               on_chosen=lambda shown: show_in_address_bar(ORGANISATIONS_PATH, shown.to_query()))

    def show(self) -> None:
        f = self.rows.filter
        with ui.card().classes('card w-full p-4 gap-3').props('flat bordered'):
            for problem in f.errors:
                ui.label(f'Ignored in the link: {problem}').classes('text-warning text-sm')
            with ui.row().classes('w-full items-end gap-3'):
                self.text = ui.input('Search by account name or serial number', value=f.text,
                                     on_change=self._filters_changed).mark('search') \
                    .props('outlined dense clearable debounce=400 autofocus').classes('grow min-w-[16rem]')
                with self.text.add_slot('prepend'):
                    ui.icon('search')
                self.account_type = ui.select(ACCOUNT_TYPE_CHOICES, label='Account type', value=f.account_type,
                                              on_change=self._filters_changed).mark('type') \
                    .props('outlined dense').classes('w-44')
                self.region = ui.select(REGIONS, label='Region', value=f.region, on_change=self._filters_changed) \
                    .mark('region').props('outlined dense').classes('w-72')
            table = self.rows.create(COLUMNS, marker='organisations') \
                .props('flat wrap-cells no-data-label="No organisation matches these filters."')
            table.add_slot('body-cell-attention', '''
                <q-td :props="props">
                  <q-badge v-if="props.value" color="negative" outline :label="props.value" />
                </q-td>''')
            table.add_slot('body-cell-region', '<q-td :props="props" :title="props.row.region_label">'
                           '{{ props.value }}</q-td>')  # the full name on hover
            table.on('row-click', self._row_clicked)
            table.classes('cursor-pointer')

    def _read(self, organisations_filter: OrganisationsFilter) -> tuple[list[OrganisationRow], int]:
        with self.db.session() as session:
            return list_organisations(session=session, actor=self.actor, organisations_filter=organisations_filter)

    async def _filters_changed(self) -> None:
        await self.rows.show(self.rows.filter.with_changes(
            text=search_text(self.text.value), account_type=self.account_type.value or '',
            region=self.region.value or '', page=1))

    def _row_clicked(self, event: events.GenericEventArguments) -> None:
        organisation_id = clicked_row_id(event.args)
        if organisation_id is not None:  # else a forged event: it opens nothing
            ui.navigate.to(organisation_path(organisation_id))
