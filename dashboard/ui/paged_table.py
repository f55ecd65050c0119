"""A table paged and sorted by the database, the one that Renewals, Organisations, Licence history and the Outbox use.

It owns the page's filter and shows what `read` returns for it. The page and sort come only from the table's
`request` event, read by `table_events.table_request`: the browser can send anything at all, and what is not what a
table sends changes nothing. A page past the end (an old link, rows gone since) is shown as the last page. Readings
run off the event loop and may end in any order: only the newest one begun is shown. A filter the person chose is
told to `on_chosen` once it is shown (to put it into the address bar); what is shown, however it came, to `on_shown`.
"""

from collections.abc import Callable, Collection
from typing import Any, Generic, TypeVar
from urllib.parse import urlencode

from nicegui import events, ui

from dashboard.domain.paging import PAGE_SIZES, PagedFilter, SortedFilter, last_page
from dashboard.ui.io_bound import io_bound
from dashboard.ui.table_events import TableRequest, table_request

F = TypeVar('F', bound=PagedFilter)
R = TypeVar('R')


class PagedTable(Generic[F, R]):
    def __init__(self, paged_filter: F, *, read: Callable[[F], tuple[list[R], int]],
                 row: Callable[[R], dict[str, Any]], sortable: Collection[str] = (),
                 on_chosen: Callable[[F], None] | None = None, on_shown: Callable[[], None] | None = None) -> None:
        """`read` gives a filter's page of rows (on a worker thread) and how many rows match; `row` turns one into
        the table's row; `sortable` names the columns the database can sort by."""
        self.filter = paged_filter
        self.count = 0
        self.table: ui.table | None = None
        self._read, self._row, self._sortable = read, row, sortable
        self._on_chosen, self._on_shown = on_chosen, on_shown
        self._rows: list[dict[str, Any]] = []
        self._readings = 0  # counts the readings begun, so that only the newest is shown
        self._chosen = False  # a chosen filter is waiting to be shown (and told to `on_chosen`)

    async def read_first(self) -> None:
        """Reads the first page to show; before the table is created, for a table sent empty would report its
        empty paging back and could overwrite the real row count."""
        self.filter, rows, self.count = await self._read_page(self.filter)
        self._rows = [self._row(row) for row in rows]

    def create(self, columns: list[dict[str, Any]], *, marker: str) -> ui.table:
        """The table, with the rows `read_first` read."""
        self.table = ui.table(columns=columns, rows=self._rows, row_key='id', pagination=self._pagination()) \
            .classes('w-full').mark(marker).props(f':rows-per-page-options="{list(PAGE_SIZES)}"')
        self.table.on('request', self._requested)
        return self.table

    async def show(self, paged_filter: F) -> None:
        """Shows the page that a filter the person chose asks for."""
        self.filter = paged_filter
        self._chosen = True
        await self.reload()

    async def reload(self) -> None:
        """Shows the filter's page, read again: after a change elsewhere, the same filters and page."""
        self._readings += 1
        reading = self._readings
        read = await self._read_page(self.filter)
        if reading != self._readings or self.table is None:
            return  # a newer reading shows instead
        self.filter, rows, self.count = read
        self.table.rows = [self._row(row) for row in rows]
        self.table.pagination = self._pagination()
        self.table.update()
        if self._on_shown is not None:
            self._on_shown()
        if self._chosen and self._on_chosen is not None:
            self._on_chosen(self.filter)
        self._chosen = False

    async def _requested(self, event: events.GenericEventArguments) -> None:
        asked = table_request(event.args, page_sizes=PAGE_SIZES, sortable=self._sortable)
        if asked is not None:  # else not what the table sends: nothing changes
            await self.show(self._as_asked(asked))

    def _as_asked(self, asked: TableRequest) -> F:
        paged = self.filter.with_changes(page=asked.page, page_size=asked.page_size or self.filter.page_size)
        if isinstance(paged, SortedFilter):
            return paged.sorted_by(asked.sort, asked.descending)
        return paged

    async def _read_page(self, paged_filter: F) -> tuple[F, list[R], int]:
        """The filter's page, its rows and how many rows match; a page past the end is read as the last page, and
        the filter returned says so."""
        rows, count = await io_bound(self._read, paged_filter)
        if paged_filter.page > last_page(count, paged_filter.page_size):
            paged_filter = paged_filter.with_changes(page=last_page(count, paged_filter.page_size))
            rows, count = await io_bound(self._read, paged_filter)
        return paged_filter, rows, count

    def _pagination(self) -> dict[str, Any]:
        f = self.filter
        sorting = {'sortBy': f.sort, 'descending': f.is_descending} if isinstance(f, SortedFilter) else {}
        return {'page': f.page, 'rowsPerPage': f.page_size, **sorting, 'rowsNumber': self.count}


def show_in_address_bar(path: str, query: dict[str, str]) -> None:
    """Puts a page's filters into the address bar (no new history entry): a reload or a shared link opens them."""
    ui.navigate.history.replace(f'{path}?{urlencode(query)}' if query else path)
