"""Paging, the same for every list the database pages (licence history, renewals, organisations, the outbox): the page
sizes offered, how long a search may be, a filter's page and sort, and one page of rows with how many rows match."""

from collections.abc import Callable
from dataclasses import replace
from typing import Any, ClassVar, Self, TypeVar

PAGE_SIZES = (10, 25, 50, 100)
DEFAULT_PAGE_SIZE = 25
MAX_PAGE = 10**9 - 1  # as far as the pages' links go; a page past the last one is shown as the last one
MAX_TEXT = 200  # the longest search a filter keeps: longer text is cut, not searched for

R = TypeVar('R')


class PagedFilter:
    """What a paged list's filter has besides its own filters: the page shown and how many rows a page holds.

    A base for frozen dataclasses, which declare `page` and `page_size` with their defaults themselves."""

    __dataclass_fields__: ClassVar[dict[str, Any]]
    page: int
    page_size: int

    @property
    def offset(self) -> int:
        """How many matching rows come before the page."""
        return (self.page - 1) * self.page_size

    def with_changes(self, **changes: Any) -> Self:
        return replace(self, **changes)

    def paging_query(self) -> dict[str, str]:
        """`page` and `size` for the URL query, each left out at its default so that shared links stay short."""
        return {'page': '' if self.page == 1 else str(self.page),
                'size': '' if self.page_size == DEFAULT_PAGE_SIZE else str(self.page_size)}


class SortedFilter(PagedFilter):
    """A paged filter whose list can be sorted by a column, either way. `descending` None is a list's natural
    direction where that depends on its other filters (`is_descending` says which it is)."""

    sort: str
    descending: bool | None

    @property
    def is_descending(self) -> bool:
        return bool(self.descending)

    def sorted_by(self, sort: str | None, descending: bool) -> Self:
        """Sorted as a table asks: by `sort`, or for None, in the list's natural order (the filter's defaults)."""
        if sort is None:
            natural = type(self)()
            return replace(self, sort=natural.sort, descending=natural.descending)
        return replace(self, sort=sort, descending=descending)


def last_page(count: int, page_size: int) -> int:
    """The last page that `count` rows fill; page 1 when there are none."""
    return max(1, -(-count // page_size))


def counted(rows: list[R], *, offset: int, page_size: int, count: Callable[[], int]) -> tuple[list[R], int]:
    """A page's rows and how many rows match: a first page that is not full holds every match, so they are not
    counted again; otherwise `count` asks the database."""
    if offset == 0 and len(rows) < page_size:
        return rows, len(rows)
    return rows, count()


def search_text(value: object) -> str:
    """A search as a filter keeps it: trimmed and cut to MAX_TEXT; nothing for what is not text."""
    return value.strip()[:MAX_TEXT] if isinstance(value, str) else ''
