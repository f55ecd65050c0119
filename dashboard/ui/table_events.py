"""What a table's events ask for, read with care: the browser sends them, so they can hold anything at all.

A table paged by the server (`paged_table.PagedTable`) hears `request` when the user changes its page, page size or
sort; `table_request` reads that into `TableRequest`, or None when the event is not what a QTable sends, so that the
page changes nothing.
"""

from collections.abc import Collection
from dataclasses import dataclass
from typing import TypeGuard

from dashboard.domain.paging import MAX_PAGE

MAX_ID = 2**63 - 1  # the largest id a database row can have


@dataclass(frozen=True)
class TableRequest:
    page: int  # from 1 to MAX_PAGE
    page_size: int | None  # None when not one of the sizes offered: keep the one shown
    sort: str | None  # None when unsorted, or sorted by a column that cannot be: the natural order
    descending: bool


def table_request(args: object, *, page_sizes: Collection[int], sortable: Collection[str]) -> TableRequest | None:
    """The page, page size and sort that a `request` event's args ask for, each within what the table offers."""
    pagination = args.get('pagination') if isinstance(args, dict) else None
    if not isinstance(pagination, dict):
        return None
    page = pagination.get('page', 1)
    if not _is_int(page):
        return None
    page_size, sort = pagination.get('rowsPerPage'), pagination.get('sortBy')
    return TableRequest(page=min(max(page, 1), MAX_PAGE),
                        page_size=page_size if _is_int(page_size) and page_size in page_sizes else None,
                        sort=sort if isinstance(sort, str) and sort in sortable else None,
                        descending=pagination.get('descending') is True)


def clicked_row_id(args: object, key: str = 'id') -> int | None:
    """The id under `key` of the row a `rowClick` event (args: the event, the row, its index) names, if it is one."""
    row = args[1] if isinstance(args, list | tuple) and len(args) > 1 else None
    value = row.get(key) if isinstance(row, dict) else None
    return value if _is_int(value) and 0 < value <= MAX_ID else None


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)
