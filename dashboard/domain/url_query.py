"""Reading a page's URL query into filter values: a bad value is dropped and named, so a mistyped or outdated link
still opens, saying what it ignored."""

from collections.abc import Container, Mapping
from datetime import date

from dashboard.domain.paging import DEFAULT_PAGE_SIZE, MAX_PAGE, PAGE_SIZES, search_text

# The dates a filter can ask for: far wider than any licence's life, and far from the calendar's end, so that a day
# after the last one still exists.
EARLIEST_DAY = date(2000, 1, 1)
LATEST_DAY = date(2100, 12, 31)
_SIZES = f'{", ".join(map(str, PAGE_SIZES[:-1]))} or {PAGE_SIZES[-1]}'


class QueryReader:
    """The values of one URL query; every problem met on the way is collected in `errors`."""

    def __init__(self, query: Mapping[str, str]) -> None:
        self.query = query
        self.errors: list[str] = []

    def choice(self, name: str, allowed: Container[str], what: str, default: str = '') -> str:
        """One of `allowed` (`what` names them for people), else `default`."""
        value = self.query.get(name, '')
        if value and value not in allowed:
            self.errors.append(f'"{value}" is not {what}.')
            return default
        return value or default

    def number(self, name: str, default: int | None, allowed: Container[int], what: str = '') -> int | None:
        """A whole number in `allowed`, else `default`."""
        value = self.query.get(name, '')
        if not value:
            return default
        if value.isdecimal() and value.isascii() and int(value) in allowed:
            return int(value)
        self.errors.append(f'"{value}" is not {what or f"a valid {name}"}.')
        return default

    def day(self, name: str) -> date | None:
        """A date from EARLIEST_DAY to LATEST_DAY, written `YYYY-MM-DD`."""
        value = self.query.get(name, '')
        if not value:
            return None
        try:
            return bounded_day(value)
        except ValueError as error:
            self.errors.append(f'{error} for "{name}".')
            return None

    def text(self, name: str) -> str:
        """A search, trimmed and cut to the length every filter keeps."""
        return search_text(self.query.get(name, ''))

    def paging(self) -> tuple[int, int]:
        """The page (`page`, from 1) and the page size (`size`, one of those offered), each at its default when not
        given or not valid."""
        page = self.number('page', 1, range(1, MAX_PAGE + 1)) or 1
        size = self.number('size', DEFAULT_PAGE_SIZE, PAGE_SIZES, f'a valid page size ({_SIZES})')
        return page, size or DEFAULT_PAGE_SIZE


def bounded_day(value: str) -> date:
    """The date `value` names, or ValueError saying in words why it is not one this app accepts."""
    try:
        if len(value) != 10:
            raise ValueError
        day = date.fromisoformat(value)
    except ValueError:
        raise ValueError(f'"{value[:40]}" is not a date (YYYY-MM-DD)') from None
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise ValueError(f'{value} is not between {EARLIEST_DAY.isoformat()} and {LATEST_DAY.isoformat()}')
    return day
