"""Back office: Renewals. Licence pools expiring inside a horizon, with filters kept in the URL, a chart of renewals
per week or month, and a table paged by the database; live while open."""

from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from nicegui import events, ui

from dashboard.db import Database
from dashboard.domain import clock
from dashboard.domain.actor import Actor
from dashboard.domain.renewals.pipeline import (
    HORIZONS,
    RenewalPeriod,
    RenewalRow,
    RenewalsFilter,
    list_renewals,
    period_label,
    renewals_by_period,
)
from dashboard.ui.backoffice import renewals_export
from dashboard.ui.backoffice.access import backoffice_page
from dashboard.ui.backoffice.renewals_chart import RenewalsChart
from dashboard.ui.backoffice.renewals_filters import RenewalsFilterBar
from dashboard.ui.format import renewal_row
from dashboard.ui.io_bound import io_bound
from dashboard.ui.live import follow_changes
from dashboard.ui.paged_table import PagedTable, show_in_address_bar
from dashboard.ui.paths import RENEWALS_EXPORT_PATH, RENEWALS_PATH, organisation_path
from dashboard.ui.session import SignedIn
from dashboard.ui.table_events import clicked_row_id
from dashboard.ui.theme import frame

COLUMNS: list[dict[str, Any]] = [
    {'name': 'name', 'label': 'Account name', 'field': 'name', 'sortable': True, 'align': 'left',
     'classes': 'whitespace-normal', 'style': 'min-width: 10rem; max-width: 13rem'},
    {'name': 'serial', 'label': 'Serial number', 'field': 'serial', 'sortable': True, 'align': 'left'},
    {'name': 'account_type', 'label': 'Account type', 'field': 'account_type', 'sortable': True, 'align': 'left'},
    {'name': 'region', 'label': 'Region', 'field': 'region', 'sortable': True, 'align': 'left'},
    {'name': 'kind', 'label': 'Licence type', 'field': 'kind', 'sortable': True, 'align': 'left'},
    {'name': 'expiry', 'label': 'Expiry date', 'field': 'expiry', 'sortable': True, 'align': 'left'},
    {'name': 'days_left', 'label': 'Days left', 'field': 'days_left', 'sortable': True, 'align': 'left'},
    {'name': 'licences', 'label': 'In use / Total', 'field': 'licences', 'sortable': True, 'align': 'right'},
    {'name': 'utilisation', 'label': 'Utilisation %', 'field': 'utilisation', 'sortable': True, 'align': 'right'},
    {'name': 'deletion', 'label': 'Deletion pending', 'field': 'deletion', 'sortable': True, 'align': 'center'},
    {'name': 'contact', 'label': 'Main contact', 'field': 'contact', 'sortable': True, 'align': 'left',
     'classes': 'whitespace-normal', 'style': 'min-width: 7rem; max-width: 10rem'},
]
for _column in COLUMNS:  # two-line headers where the words allow: the table fits the page without scrolling
    _column['headerStyle'] = 'white-space: normal; line-height: 1.2'
SORTABLE = {str(column['name']) for column in COLUMNS if column.get('sortable')}
SLOTS = {  # how a cell shows its value, where not as text
    'name': '<q-td :props="props"><a :href="props.row.href" class="text-primary font-medium no-underline '
            'hover:underline" @click.stop>{{ props.value }}</a></q-td>',
    'region': '<q-td :props="props" :title="props.value">{{ props.row.region_short }}</q-td>',  # full name on hover
    'days_left': '<q-td :props="props"><span :class="props.row.days_class" class="whitespace-nowrap">'
                 '{{ props.value }}</span></q-td>',
    'deletion': '<q-td :props="props"><q-badge v-if="props.value" color="negative" label="Pending" />'
                '<span v-else class="text-grey-5">—</span></q-td>',
}


def register(db: Database) -> None:
    renewals_export.register(db)

    @backoffice_page(db, RENEWALS_PATH, title='Renewals')
    async def page(who: SignedIn, request: Request) -> None:
        with frame(who, 'Renewals', active=RENEWALS_PATH):
            view = RenewalsView(db, who.actor, RenewalsFilter.from_query(dict(request.query_params)))
            await view.rows.read_first()
            view.show()
            follow_changes(db, lambda _changed: view.reload())
        ui.timer(0, view.load_chart, once=True)  # after the page: it awaits the connection


class RenewalsView:
    def __init__(self, db: Database, actor: Actor, renewals_filter: RenewalsFilter) -> None:
        self.db = db
        self.actor = actor
        self.rows = PagedTable(renewals_filter, read=self._read, row=_row, sortable=SORTABLE, on_shown=self._describe,
                               on_chosen=lambda shown: show_in_address_bar(RENEWALS_PATH, shown.to_query()))
        self.chart_readings = 0  # counts the chart's readings begun, so that only the newest is shown

    def show(self) -> None:
        self.filters = RenewalsFilterBar(self.rows.filter, on_change=self._filters_changed,
                                         on_next_month=self._next_month, on_clear=self._clear, on_export=self._export)
        self.chart = RenewalsChart(on_select=self._period_chosen)
        with ui.card().classes('card w-full p-4 gap-2').props('flat bordered'):
            with ui.row().classes('w-full items-center gap-3'):
                self.summary = ui.label().classes('card-title').mark('summary')
                self.period_chip = ui.chip('', icon='date_range', removable=True, color='blue-1',
                                           text_color='primary', on_value_change=self._period_removed) \
                    .mark('period')
            self.table = self.rows.create(COLUMNS, marker='renewals').props('flat dense')
            for column, slot in SLOTS.items():
                self.table.add_slot(f'body-cell-{column}', slot)
            self.table.add_slot('no-data', '<div class="w-full text-center text-grey-7 py-6">'
                                '{{ props.message }}</div>')
            self.table.on('rowClick', self._row_clicked, [[], ['organisation_id'], None])
            self.table.classes('cursor-pointer')
        self._describe()

    async def load_chart(self) -> None:
        self.chart_readings += 1
        reading = self.chart_readings
        periods = await io_bound(self._read_periods, self.rows.filter)
        if reading == self.chart_readings:
            self.chart.show(periods, self.rows.filter)

    async def reload(self) -> None:
        """After a change elsewhere (a total or an expiry date): the same filters and page, read again."""
        await self.rows.reload()
        await self.load_chart()

    def _read(self, renewals_filter: RenewalsFilter) -> tuple[list[RenewalRow], int]:
        with self.db.session() as session:
            return list_renewals(session=session, actor=self.actor, renewals_filter=renewals_filter)

    def _read_periods(self, renewals_filter: RenewalsFilter) -> list[RenewalPeriod]:
        with self.db.session() as session:
            return renewals_by_period(session=session, actor=self.actor, renewals_filter=renewals_filter)

    def _describe(self) -> None:
        f, count = self.rows.filter, self.rows.count
        where = 'overdue' if f.horizon == 'overdue' else f'expiring in the next {HORIZONS[f.horizon].lower()}'
        if f.period_start and f.period_end:  # the chosen period says more than the horizon around it
            label = period_label(f.period_start, f.period_end)
            when = f'in the {label[0].lower()}{label[1:]}' if label.startswith('Week') else \
                f'in {label}' if ' – ' not in label else label
            where = f'{"overdue" if f.horizon == "overdue" else "expiring"} {when}'
        self.summary.text = f'{count:,} licence pool{"s" if count != 1 else ""} {where}'
        self.period_chip.visible = f.has_period
        if f.period_start and f.period_end:
            self.period_chip.text = period_label(f.period_start, f.period_end)
            self.period_chip.set_value(True)
        narrowed = f.region or f.account_type or f.kind or f.text or f.has_period or \
            f.util_min is not None or f.util_max is not None
        self.table.props(f'no-data-label="{_nothing(f.horizon, bool(narrowed))}"')

    async def _filters_changed(self) -> None:
        chosen = self.filters.chosen(self.rows.filter)
        if chosen is not None:
            await self._apply(chosen)

    async def _period_chosen(self, start: date, end: date) -> None:
        f = self.rows.filter
        chosen = RenewalsFilter.from_query({**f.to_query(), 'from': start.isoformat(), 'to': end.isoformat()},
                                           today=clock.today())
        if chosen.errors or not chosen.has_period:
            return  # not a period of this horizon: a forged click changes nothing
        await self._apply(f.with_changes(period_start=chosen.period_start, period_end=chosen.period_end, page=1))

    async def _next_month(self) -> None:
        chosen = self.rows.filter.next_month(clock.today())
        self.filters.show_horizon(chosen.horizon)
        await self._apply(chosen)

    async def _period_removed(self) -> None:
        f = self.rows.filter
        if self.period_chip.value or not f.has_period:
            return
        await self._apply(f.with_changes(period_start=None, period_end=None, page=1))

    def _row_clicked(self, event: events.GenericEventArguments) -> None:
        organisation_id = clicked_row_id(event.args, 'organisation_id')
        if organisation_id is not None:  # else a forged event: it opens nothing
            ui.navigate.to(organisation_path(organisation_id))

    async def _clear(self) -> None:
        self.filters.clear()
        await self._apply(RenewalsFilter(horizon=self.rows.filter.horizon, page_size=self.rows.filter.page_size))

    async def _apply(self, chosen: RenewalsFilter) -> None:
        """Shows the filter's page and its chart; the table's own paging and sort leave the chart as it is."""
        await self.rows.show(chosen)
        await self.load_chart()

    def _export(self) -> None:
        query = self.rows.filter.with_changes(page=1).to_query()
        query.pop('size', None)
        ui.download.from_url(f'{RENEWALS_EXPORT_PATH}?{urlencode(query)}')


def _row(row: RenewalRow) -> dict[str, Any]:
    return {**renewal_row(row), 'href': organisation_path(row.organisation_id)}


def _nothing(horizon: str, narrowed: bool) -> str:
    if horizon == 'overdue':
        what = 'No licence pools are overdue'
    else:
        what = f'No licence pools expire in the next {HORIZONS[horizon].lower()}'
    return f'{what} with these filters.' if narrowed else f'{what}.'
