"""What the Renewals page is narrowed to: the horizon, the filters, the sort and the page; it round-trips through
the page's URL query, so a filtered view can be shared and survives a reload."""

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from dashboard.domain import clock
from dashboard.domain.formatting import format_date
from dashboard.domain.models import LicenceKind, Region
from dashboard.domain.organisations.account_types import ACCOUNT_TYPES
from dashboard.domain.paging import DEFAULT_PAGE_SIZE, SortedFilter
from dashboard.domain.url_query import QueryReader

OVERDUE = 'overdue'
HORIZONS = {OVERDUE: 'Overdue', '30': '30 days', '60': '60 days', '90': '90 days', '180': '180 days'}
DEFAULT_HORIZON = '90'
# The table's sortable columns, by the names the table and the URL use.
SORTS = ('name', 'serial', 'account_type', 'region', 'kind', 'expiry', 'days_left', 'licences', 'utilisation',
         'deletion', 'contact')
DEFAULT_SORT = 'expiry'


def horizon_window(horizon: str, today: date) -> tuple[date | None, date]:
    """The first and last expiry date the horizon holds, both inclusive; overdue has no first one."""
    if horizon == OVERDUE:
        return None, today - timedelta(days=1)
    return today, today + timedelta(days=int(horizon))


@dataclass(frozen=True)
class RenewalsFilter(SortedFilter):
    """`descending` None is the natural order: soonest expiry first, and for overdue pools the most recently expired
    first (the ones a sales rep can still save); A to Z for every other column."""

    horizon: str = DEFAULT_HORIZON
    region: str = ''
    account_type: str = ''
    kind: str = ''
    util_min: int | None = None
    util_max: int | None = None
    text: str = ''
    period_start: date | None = None
    period_end: date | None = None
    sort: str = DEFAULT_SORT
    descending: bool | None = None
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE
    errors: tuple[str, ...] = field(default=(), compare=False)

    @property
    def is_descending(self) -> bool:
        return self.natural_descending if self.descending is None else self.descending

    @property
    def natural_descending(self) -> bool:
        return self.horizon == OVERDUE and self.sort in ('expiry', 'days_left')

    @property
    def has_period(self) -> bool:
        return self.period_start is not None and self.period_end is not None

    @classmethod
    def from_query(cls, query: Mapping[str, str], *, today: date | None = None) -> 'RenewalsFilter':
        """Reads the URL query; a bad value is dropped and named in `errors`, so a mistyped link still opens."""
        read = QueryReader(query)
        choice, number, errors = read.choice, read.number, read.errors
        horizon = choice('horizon', HORIZONS, 'a renewal horizon (overdue, 30, 60, 90 or 180)', DEFAULT_HORIZON)
        region = choice('region', tuple(Region), 'a region (eu, uk or us)')
        account_type = choice('type', ACCOUNT_TYPES, 'an account type (active, trial or expired)')
        kind = choice('kind', tuple(LicenceKind), 'a licence type (managed_agent or on_demand)')
        util_min = number('min', None, range(101), 'a utilisation from 0 to 100 for "min"')
        util_max = number('max', None, range(101), 'a utilisation from 0 to 100 for "max"')
        if util_min is not None and util_max is not None and util_min > util_max:
            errors.append(f'The lowest utilisation ({util_min} %) is above the highest ({util_max} %).')
            util_min = util_max = None
        period_start, period_end = read.day('from'), read.day('to')
        if (period_start is None) != (period_end is None):
            if not (query.get('from') and query.get('to')):  # else the other one was not a date, already named
                errors.append('A period needs both "from" and "to".')
            period_start = period_end = None
        elif period_start and period_end and not _period_fits(horizon, period_start, period_end,
                                                              today or clock.today()):
            errors.append(f'The period {period_start.isoformat()} to {period_end.isoformat()} is not inside the '
                          f'{HORIZONS[horizon].lower()} horizon.')
            period_start = period_end = None
        sort = choice('sort', SORTS, 'a column to sort by', DEFAULT_SORT)
        desc = choice('desc', ('0', '1'), 'a sort direction (0 or 1)')
        page, page_size = read.paging()
        renewals_filter = cls(horizon=horizon, region=region, account_type=account_type, kind=kind,
                              util_min=util_min, util_max=util_max, text=read.text('q'),
                              period_start=period_start, period_end=period_end, sort=sort, page=page,
                              page_size=page_size, errors=tuple(errors))
        if desc and (desc == '1') != renewals_filter.natural_descending:
            renewals_filter = replace(renewals_filter, descending=desc == '1')
        return renewals_filter

    def to_query(self) -> dict[str, str]:
        """The inverse of `from_query`, leaving out what is at its default so shared links stay short."""
        query = {
            'horizon': '' if self.horizon == DEFAULT_HORIZON else self.horizon, 'region': self.region,
            'type': self.account_type, 'kind': self.kind,
            'min': '' if self.util_min is None else str(self.util_min),
            'max': '' if self.util_max is None else str(self.util_max), 'q': self.text,
            'from': self.period_start.isoformat() if self.has_period else '',  # type: ignore[union-attr]
            'to': self.period_end.isoformat() if self.has_period else '',  # type: ignore[union-attr]
            'sort': '' if self.sort == DEFAULT_SORT else self.sort,
            'desc': '' if self.is_descending == self.natural_descending else str(int(self.is_descending)),
            **self.paging_query(),
        }
        return {key: value for key, value in query.items() if value}

    def next_month(self, today: date) -> 'RenewalsFilter':
        """Next calendar month's renewals, the other filters kept: the shortest horizon that holds the whole month,
        narrowed to that month."""
        start = month_end(today) + timedelta(days=1)
        end = month_end(start)
        horizon = next(h for h in HORIZONS if h != OVERDUE and today + timedelta(days=int(h)) >= end)
        return replace(self, horizon=horizon, period_start=start, period_end=end, page=1)


def _period_fits(horizon: str, start: date, end: date, today: date) -> bool:
    """The period (a bar of the chart) must be in order and overlap the horizon."""
    first, last = horizon_window(horizon, today)
    return start <= end and start <= last and (first is None or end >= first)


def period_label(start: date, end: date) -> str:
    """How a chart period is named: `Week of 7 Dec 2026`, `December 2026`, else `3 Jan 2026 – 30 Nov 2026`."""
    if start.weekday() == 0 and end == start + timedelta(days=6):
        return f'Week of {format_date(start)}'
    if start.day == 1 and end == month_end(start):
        return f'{start:%B %Y}'
    return f'{format_date(start)} – {format_date(end)}'


def month_end(day: date) -> date:
    next_month = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return next_month - timedelta(days=1)
