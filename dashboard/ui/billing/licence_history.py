"""The Licence history tab: filters kept in the URL, a chart of licence totals, and a table paged by the database."""

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any
from urllib.parse import urlencode

from nicegui import ui

from dashboard.db import Database
from dashboard.domain.actor import Actor
from dashboard.domain.history.query import HistoryFilter, HistoryRow, list_history
from dashboard.domain.models import HistoryAction, LicenceKind
from dashboard.domain.paging import MAX_TEXT, search_text
from dashboard.domain.url_query import bounded_day
from dashboard.ui.billing.history_chart import licence_totals_chart
from dashboard.ui.format import history_row
from dashboard.ui.paged_table import PagedTable
from dashboard.ui.paths import history_export_path

COLUMNS: list[dict[str, Any]] = [
    {'name': 'date', 'label': 'Date', 'field': 'date', 'sortable': True, 'align': 'left'},
    {'name': 'action', 'label': 'Action', 'field': 'action', 'sortable': True, 'align': 'left'},
    {'name': 'kind', 'label': 'Licence type', 'field': 'kind', 'sortable': True, 'align': 'left'},
    {'name': 'change', 'label': 'Change', 'field': 'change', 'align': 'left'},
    {'name': 'actor', 'label': 'Actioned by', 'field': 'actor', 'sortable': True, 'align': 'left'},
    {'name': 'note', 'label': 'Note', 'field': 'note', 'align': 'left',
     'classes': 'whitespace-normal', 'style': 'min-width: 16rem'},
]
SORTABLE = {str(column['name']) for column in COLUMNS if column.get('sortable')}
ALL_KINDS = ''


async def licence_history(db: Database, actor: Actor, organisation_id: int, *, query: dict[str, str],
                          on_filter_change: Callable[[dict[str, str]], None]) -> 'LicenceHistoryTab':
    history = LicenceHistoryTab(db, actor, organisation_id, HistoryFilter.from_query(query), on_filter_change)
    await history.rows.read_first()
    history.load_chart = licence_totals_chart(db, actor, organisation_id)
    history.show()
    ui.timer(0, history.load_chart, once=True)
    return history


class LicenceHistoryTab:
    def __init__(self, db: Database, actor: Actor, organisation_id: int, history_filter: HistoryFilter,
                 on_filter_change: Callable[[dict[str, str]], None]) -> None:
        self.db = db
        self.actor = actor
        self.organisation_id = organisation_id
        self.rows = PagedTable(history_filter, read=self._read, row=history_row, sortable=SORTABLE,
                               on_chosen=lambda shown: on_filter_change(shown.to_query()))
        self.quiet = False
        self.load_chart: Callable[[], Awaitable[None]] | None = None

    async def reload(self) -> None:
        """After a change elsewhere: the same filters and page, read again, and the chart."""
        await self.rows.reload()
        if self.load_chart is not None:
            await self.load_chart()

    def show(self) -> None:
        f = self.rows.filter
        with ui.card().classes('card w-full p-4 gap-3').props('flat bordered'):
            with ui.row().classes('w-full items-center'):
                ui.label('Licence changes').classes('card-title')
                ui.space()
                ui.button('Clear filters', icon='filter_alt_off', on_click=self._clear).props('flat no-caps')
                ui.button('Export CSV', icon='download', on_click=self._export).props('outline no-caps')
            for problem in f.errors:
                ui.label(f'Ignored in the link: {problem}').classes('text-warning text-sm')
            with ui.row().classes('w-full items-end gap-3'):
                self.date_from = ui.input('From', value=_iso(f.date_from), on_change=self._filters_changed) \
                    .mark('from').props('type=date outlined dense stack-label clearable').classes('w-36')
                self.date_to = ui.input('To', value=_iso(f.date_to), on_change=self._filters_changed).mark('to') \
                    .props('type=date outlined dense stack-label clearable').classes('w-36')
                self.actions = ui.select({a.value: a.label for a in HistoryAction}, multiple=True, label='Action',
                                         value=list(f.actions), on_change=self._filters_changed).mark('actions') \
                    .props('outlined dense use-chips clearable').classes('min-w-[14rem]')
                self.kind = ui.select({ALL_KINDS: 'All licence types', **{k.value: k.label for k in LicenceKind}},
                                      label='Licence type', value=f.kind or ALL_KINDS,
                                      on_change=self._filters_changed) \
                    .props('outlined dense').classes('w-44').mark('kind')
                self.text = ui.input('Search', value=f.text, on_change=self._filters_changed).mark('search') \
                    .props(f'outlined dense clearable debounce=400 maxlength={MAX_TEXT}').classes('grow min-w-[12rem]')
                with self.text.add_slot('prepend'):
                    ui.icon('search')
            self.rows.create(COLUMNS, marker='history') \
                .props('flat wrap-cells no-data-label="No licence history matches these filters."')

    def _read(self, history_filter: HistoryFilter) -> tuple[list[HistoryRow], int]:
        with self.db.session() as session:
            return list_history(session=session, actor=self.actor, organisation_id=self.organisation_id,
                                history_filter=history_filter)

    async def _filters_changed(self) -> None:
        if self.quiet:
            return
        try:
            date_from, date_to = _parse(self.date_from.value), _parse(self.date_to.value)
        except ValueError as error:
            ui.notify(f'{error}: the filters are unchanged.', type='warning')
            return
        if date_from and date_to and date_from > date_to:
            ui.notify('The "From" date is after the "To" date.', type='warning')
            return
        await self.rows.show(self.rows.filter.with_changes(
            date_from=date_from, date_to=date_to, actions=tuple(HistoryAction(a) for a in self.actions.value or []),
            kind=LicenceKind(self.kind.value) if self.kind.value else None, text=search_text(self.text.value),
            page=1))

    async def _clear(self) -> None:
        self.quiet = True  # resetting five inputs is one change, not five
        try:
            self.date_from.set_value('')
            self.date_to.set_value('')
            self.actions.set_value([])
            self.kind.set_value(ALL_KINDS)
            self.text.set_value('')
        finally:
            self.quiet = False
        await self.rows.show(HistoryFilter(page_size=self.rows.filter.page_size))

    def _export(self) -> None:
        query = self.rows.filter.with_changes(page=1).to_query()
        query.pop('page', None)
        query.pop('size', None)
        ui.download.from_url(f'{history_export_path(self.organisation_id)}?{urlencode(query)}')


def _iso(value: date | None) -> str:
    return value.isoformat() if value else ''


def _parse(value: object) -> date | None:
    if not value:
        return None
    if not isinstance(value, str):
        raise ValueError('That is not a date (YYYY-MM-DD)')
    return bounded_day(value)
