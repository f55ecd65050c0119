"""Back office: Renewals. Licence pools expiring inside a horizon, with filters kept in the URL, a chart of renewals
per week or month, and a table paged by the database; live while open."""

from datetime import date
from urllib.parse import urlencode

from fastapi import Request
from nicegui import run, ui

from dashboard.db import Database
from dashboard.domain import clock
from dashboard.domain.actor import Actor
from dashboard.domain.models import LicenceKind, Region
from dashboard.domain.paging import PAGE_SIZES, search_text
from dashboard.domain.renewals.pipeline import (
    ACCOUNT_TYPES,
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
from dashboard.ui.format import renewal_row
from dashboard.ui.live import follow_changes
from dashboard.ui.number_input import NumberInput
from dashboard.ui.paths import RENEWALS_EXPORT_PATH, RENEWALS_PATH, organisation_path
from dashboard.ui.session import SignedIn
from dashboard.ui.table_events import clicked_row_id, read_page, table_request
from dashboard.ui.theme import frame

COLUMNS = [
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
SORTABLE = {column['name'] for column in COLUMNS if column.get('sortable')}
ALL = ''


def register(db: Database) -> None:
    renewals_export.register(db)

    @backoffice_page(db, RENEWALS_PATH, title='Renewals')
    async def page(who: SignedIn, request: Request) -> None:
        with frame(who, 'Renewals', active=RENEWALS_PATH):
            view = RenewalsView(db, who.actor, RenewalsFilter.from_query(dict(request.query_params)))
            # The first page is read before the table exists: a table sent empty would report its empty paging
            # back and could overwrite the real row count.
            view.filter, rows, count = await view.fetch(view.filter)
            view.show(rows, count)
            follow_changes(db, lambda _changed: view.reload())
        ui.timer(0, view.load_chart, once=True)  # after the page: it awaits the connection


class RenewalsView:
    def __init__(self, db: Database, actor: Actor, renewals_filter: RenewalsFilter) -> None:
        self.db = db
        self.actor = actor
        self.filter = renewals_filter
        self.quiet = False
        self.readings = {'page': 0, 'chart': 0}  # counts the readings begun, so that only the newest is shown

    def show(self, rows: list[RenewalRow], count: int) -> None:
        f = self.filter
        with ui.card().classes('card w-full p-4 gap-3').props('flat bordered'):
            with ui.row().classes('w-full items-center gap-3'):
                ui.label('Expiring').classes('text-sm text-grey-8')
                self.horizon = ui.toggle(HORIZONS, value=f.horizon, on_change=self._filters_changed) \
                    .props('no-caps unelevated toggle-color=primary color=grey-2 text-color=grey-9').mark('horizon')
                ui.button('Next month', icon='event', on_click=self._next_month) \
                    .props('flat no-caps color=primary').mark('next-month') \
                    .tooltip('Renewals in the next calendar month')
                ui.space()
                ui.button('Clear filters', icon='filter_alt_off', on_click=self._clear).props('flat no-caps')
                ui.button('Export CSV', icon='download', on_click=self._export).props('outline no-caps') \
                    .mark('export')
            for problem in f.errors:
                ui.label(f'Ignored in the link: {problem}').classes('text-warning text-sm')
            with ui.row().classes('w-full items-start gap-3 no-wrap'):
                self.region = ui.select({ALL: 'All regions', **{r.value: r.label for r in Region}}, label='Region',
                                        value=f.region, on_change=self._filters_changed) \
                    .props('outlined dense').classes('w-52').mark('region')
                self.account_type = ui.select({ALL: 'All account types', **ACCOUNT_TYPES}, label='Account type',
                                              value=f.account_type, on_change=self._filters_changed) \
                    .props('outlined dense').classes('w-44').mark('account_type')
                self.kind = ui.select({ALL: 'All licence types', **{k.value: k.label for k in LicenceKind}},
                                      label='Licence type', value=f.kind, on_change=self._filters_changed) \
                    .props('outlined dense').classes('w-40').mark('kind')
                self.util_min = self._percent('Utilisation from', f.util_min, 'util_min')
                self.util_max = self._percent('Utilisation to', f.util_max, 'util_max')
                self.text = ui.input('Search', value=f.text, on_change=self._filters_changed).mark('search') \
                    .props('outlined dense clearable debounce=400 placeholder="Account, serial or main contact"') \
                    .classes('grow min-w-[10rem]')
                with self.text.add_slot('prepend'):
                    ui.icon('search')
        self.chart = RenewalsChart(on_select=self._period_chosen)
        with ui.card().classes('card w-full p-4 gap-2').props('flat bordered'):
            with ui.row().classes('w-full items-center gap-3'):
                self.summary = ui.label().classes('card-title').mark('summary')
                self.period_chip = ui.chip('', icon='date_range', removable=True, color='blue-1',
                                           text_color='primary', on_value_change=self._period_removed) \
                    .mark('period')
            self.table = ui.table(columns=COLUMNS, rows=self._shown(rows), row_key='id',
                                  pagination=self._pagination(count)).classes('w-full').mark('renewals') \
                .props(f'flat dense :rows-per-page-options="{list(PAGE_SIZES)}"')
            self.table.add_slot('body-cell-name', '<q-td :props="props"><a :href="props.row.href" '
                                'class="text-primary font-medium no-underline hover:underline" @click.stop>'
                                '{{ props.value }}</a></q-td>')
            self.table.add_slot('body-cell-region', '<q-td :props="props" :title="props.value">'
                                '{{ props.row.region_short }}</q-td>')  # the full name on hover
            self.table.add_slot('no-data', '<div class="w-full text-center text-grey-7 py-6">'
                                '{{ props.message }}</div>')
            self.table.add_slot('body-cell-days_left', '<q-td :props="props"><span :class="props.row.days_class" '
                                'class="whitespace-nowrap">{{ props.value }}</span></q-td>')
            self.table.add_slot('body-cell-deletion', '<q-td :props="props"><q-badge v-if="props.value" '
                                'color="negative" label="Pending" /><span v-else class="text-grey-5">—</span>'
                                '</q-td>')
            self.table.on('request', self._table_request)
            self.table.on('rowClick', self._row_clicked, [[], ['organisation_id'], None])
            self.table.classes('cursor-pointer')
        self._describe(count)

    async def fetch(self, renewals_filter: RenewalsFilter) -> tuple[RenewalsFilter, list[RenewalRow], int]:
        return await read_page(self._read, renewals_filter)

    async def load_page(self) -> None:
        """Shows the filter's page, read again, and puts what is shown into the address bar."""
        self.readings['page'] += 1
        reading = self.readings['page']
        shown, rows, count = await self.fetch(self.filter)
        if reading != self.readings['page']:
            return  # the filters changed while this was read: the newer reading shows instead
        self.filter = shown
        query = self.filter.to_query()
        ui.navigate.history.replace(f'{RENEWALS_PATH}?{urlencode(query)}' if query else RENEWALS_PATH)
        self.table.rows = self._shown(rows)
        self.table.pagination = self._pagination(count)
        self.table.update()
        self._describe(count)

    async def load_chart(self) -> None:
        self.readings['chart'] += 1
        reading = self.readings['chart']
        periods = await run.io_bound(self._read_periods, self.filter)
        if reading == self.readings['chart']:
            self.chart.show(periods, self.filter)

    async def reload(self) -> None:
        """After a change elsewhere (a total or an expiry date): the same filters and page, read again."""
        await self.load_page()
        await self.load_chart()

    def _read(self, renewals_filter: RenewalsFilter) -> tuple[list[RenewalRow], int]:
        with self.db.session() as session:
            return list_renewals(session=session, actor=self.actor, renewals_filter=renewals_filter)

    def _read_periods(self, renewals_filter: RenewalsFilter) -> list[RenewalPeriod]:
        with self.db.session() as session:
            return renewals_by_period(session=session, actor=self.actor, renewals_filter=renewals_filter)

    def _shown(self, rows: list[RenewalRow]) -> list[dict]:
        return [{**renewal_row(row), 'href': organisation_path(row.organisation_id)} for row in rows]

    def _pagination(self, count: int) -> dict:
        return {'page': self.filter.page, 'rowsPerPage': self.filter.page_size, 'sortBy': self.filter.sort,
                'descending': self.filter.is_descending, 'rowsNumber': count}

    def _describe(self, count: int) -> None:
        f = self.filter
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

    def _percent(self, label: str, value: int | None, marker: str) -> NumberInput:
        # No min/max on the input: it would change a mistyped 150 to 100 silently; say what is wrong instead.
        return NumberInput(label, value=value, format='%d', suffix='%', on_change=self._filters_changed,
                           validation={'A whole number from 0 to 100': _is_percent}) \
            .props('outlined dense debounce=500').classes('w-36').mark(marker)

    async def _filters_changed(self) -> None:
        if self.quiet:
            return
        util_min, util_max = self.util_min.value, self.util_max.value
        if not (_is_percent(util_min) and _is_percent(util_max)):
            return  # the input says what is wrong
        util_min = None if util_min is None else int(util_min)
        util_max = None if util_max is None else int(util_max)
        if util_min is not None and util_max is not None and util_min > util_max:
            ui.notify('The lowest utilisation is above the highest.', type='warning')
            return
        horizon_changed = self.horizon.value != self.filter.horizon
        self.filter = self.filter.with_changes(
            horizon=self.horizon.value or self.filter.horizon, region=self.region.value or ALL,
            account_type=self.account_type.value or ALL, kind=self.kind.value or ALL, util_min=util_min,
            util_max=util_max, text=search_text(self.text.value), page=1,
            **({'period_start': None, 'period_end': None, 'descending': None} if horizon_changed else {}))
        await self._apply()

    async def _period_chosen(self, start: date, end: date) -> None:
        chosen = RenewalsFilter.from_query({**self.filter.to_query(), 'from': start.isoformat(), 'to': end.isoformat()},
                                           today=clock.today())
        if chosen.errors or not chosen.has_period:
            return  # not a period of this horizon: a forged click changes nothing
        self.filter = self.filter.with_changes(period_start=chosen.period_start, period_end=chosen.period_end, page=1)
        await self._apply()

    async def _next_month(self) -> None:
        self.filter = self.filter.next_month(clock.today())
        self.quiet = True  # the horizon shown follows the filter; it is not a change of its own
        try:
            self.horizon.set_value(self.filter.horizon)
        finally:
            self.quiet = False
        await self._apply()

    async def _period_removed(self) -> None:
        if self.period_chip.value or not self.filter.has_period:
            return
        self.filter = self.filter.with_changes(period_start=None, period_end=None, page=1)
        await self._apply()

    def _row_clicked(self, event) -> None:
        organisation_id = clicked_row_id(event.args, 'organisation_id')
        if organisation_id is not None:  # else a forged event: it opens nothing
            ui.navigate.to(organisation_path(organisation_id))

    async def _table_request(self, event) -> None:
        asked = table_request(event.args, page_sizes=PAGE_SIZES, sortable=SORTABLE)
        if asked is None:
            return  # not what the table sends: nothing changes
        self.filter = self.filter.with_changes(
            page=asked.page, page_size=asked.page_size or self.filter.page_size, sort=asked.sort or 'expiry',
            descending=asked.descending if asked.sort else None)
        await self._apply(chart=False)

    async def _clear(self) -> None:
        self.quiet = True  # resetting every input is one change, not six
        try:
            for element, value in ((self.region, ALL), (self.account_type, ALL), (self.kind, ALL),
                                   (self.util_min, None), (self.util_max, None), (self.text, '')):
                element.set_value(value)
        finally:
            self.quiet = False
        self.filter = RenewalsFilter(horizon=self.filter.horizon, page_size=self.filter.page_size)
        await self._apply()

    async def _apply(self, *, chart: bool = True) -> None:
        await self.load_page()
        if chart:
            await self.load_chart()

    def _export(self) -> None:
        query = self.filter.with_changes(page=1).to_query()
        query.pop('size', None)
        ui.download.from_url(f'{RENEWALS_EXPORT_PATH}?{urlencode(query)}')


def _is_percent(value: float | None) -> bool:
    return value is None or (0 <= value <= 100 and float(value).is_integer())


def _nothing(horizon: str, narrowed: bool) -> str:
    if horizon == 'overdue':
        what = 'No licence pools are overdue'
    else:
        what = f'No licence pools expire in the next {HORIZONS[horizon].lower()}'
    return f'{what} with these filters.' if narrowed else f'{what}.'
