"""Reading the licence history: filtered, sorted and paged by the database, or streamed whole as CSV."""

import string
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, SQLColumnExpression, and_, case, func, label, literal, or_
from sqlalchemy.sql.functions import Function
from sqlmodel import Session, col, select

from dashboard.domain.actor import ADMIN_TEAM, Actor
from dashboard.domain.csv_export import csv_text
from dashboard.domain.models import HistoryAction, LicenceHistory, LicenceKind
from dashboard.domain.paging import DEFAULT_PAGE_SIZE, SortedFilter, counted
from dashboard.domain.url_query import QueryReader
from dashboard.domain.wide_select import execute_wide, select_wide

SORTS: dict[str, SQLColumnExpression[Any]] = {
    'date': col(LicenceHistory.occurred_at), 'action': col(LicenceHistory.action), 'kind': col(LicenceHistory.kind),
    'actor': col(LicenceHistory.actor)}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


@dataclass(frozen=True)
class HistoryFilter(SortedFilter):
    """What the Licence history tab is narrowed to; it round-trips through the page's URL query."""

    date_from: date | None = None
    date_to: date | None = None
    actions: tuple[HistoryAction, ...] = ()
    kind: LicenceKind | None = None
    text: str = ''
    sort: str = 'date'
    descending: bool = True
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE
    errors: tuple[str, ...] = field(default=(), compare=False)

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> 'HistoryFilter':
        """Reads the URL query; a bad value is dropped and named in `errors`, so a mistyped link still opens."""
        read = QueryReader(query)
        actions: list[HistoryAction] = []
        for value in filter(None, query.get('actions', '').split(',')):
            if value in set(HistoryAction):
                actions.append(HistoryAction(value))
            else:
                read.errors.append(f'"{value}" is not a licence history action.')
        kind = read.choice('kind', set(LicenceKind), 'a licence type')
        sort = read.choice('sort', SORTS, 'a column to sort by', 'date')
        date_from, date_to = read.day('from'), read.day('to')
        if date_from and date_to and date_from > date_to:
            read.errors.append('The start date is after the end date.')
            date_from = date_to = None
        page, page_size = read.paging()
        return cls(date_from=date_from, date_to=date_to, actions=tuple(dict.fromkeys(actions)),
                   kind=LicenceKind(kind) if kind else None, text=read.text('q'), sort=sort,
                   descending=query.get('desc', '1') != '0', page=page, page_size=page_size, errors=tuple(read.errors))

    def to_query(self) -> dict[str, str]:
        """The inverse of `from_query`, leaving out what is at its default so shared links stay short."""
        query = {'from': self.date_from.isoformat() if self.date_from else '',
                 'to': self.date_to.isoformat() if self.date_to else '',
                 'actions': ','.join(self.actions), 'kind': self.kind or '', 'q': self.text,
                 'sort': '' if self.sort == 'date' else self.sort, 'desc': '' if self.descending else '0',
                 **self.paging_query()}
        return {key: value for key, value in query.items() if value}


# The columns `_rows` reads, in its order: id, time, action, kind, old value, new value, actor as shown, note.
ShownColumns = tuple[int | None, datetime, HistoryAction, LicenceKind | None, str | None, str | None, str, str | None]


@dataclass(frozen=True)
class HistoryRow:
    id: int
    occurred_at: datetime
    action: HistoryAction
    kind: LicenceKind | None
    old_value: str | None
    new_value: str | None
    actor: str
    note: str | None


def list_history(*, session: Session, actor: Actor, organisation_id: int, history_filter: HistoryFilter
                 ) -> tuple[list[HistoryRow], int]:
    """One page of rows, newest first unless sorted otherwise, and the number of rows the filter matches."""
    actor.require_view_billing(organisation_id)
    shown_actor = _shown_actor(actor)
    conditions = _conditions(organisation_id, history_filter, actor, _dialect(session))
    # The page's ids first: that query needs only indexed columns, so SQLite answers it from an index alone.
    ids = session.exec(select(col(LicenceHistory.id)).where(*conditions).order_by(*_order(shown_actor, history_filter))
                       .offset(history_filter.offset).limit(history_filter.page_size)).all()
    statement = _rows(shown_actor, [col(LicenceHistory.id).in_(ids)], history_filter)
    rows = [_history_row(row) for row in execute_wide(session, statement).all()] if ids else []
    count = select(func.count()).select_from(LicenceHistory).where(*conditions)
    return counted(rows, offset=history_filter.offset, page_size=history_filter.page_size,
                   count=lambda: session.exec(count).one())


CSV_HEADER = ['Date (UTC)', 'Action', 'Licence type', 'Old value', 'New value', 'Actioned by', 'Note']


def export_history_csv(*, session: Session, actor: Actor, organisation_id: int, history_filter: HistoryFilter,
                       batch_size: int = 5000) -> Iterator[str]:
    """Every row the filter matches, in the table's order, as CSV text in chunks: streamed, never all in memory.

    Not a generator itself, so that a caller without permission is refused when calling, not when reading."""
    actor.require_view_billing(organisation_id)
    shown_actor = _shown_actor(actor)
    statement = _rows(shown_actor, _conditions(organisation_id, history_filter, actor, _dialect(session)),
                      history_filter)
    return _csv_chunks(session, statement, batch_size)


def _csv_chunks(session: Session, statement: Select[*ShownColumns], batch_size: int) -> Iterator[str]:
    result = execute_wide(session, statement.execution_options(yield_per=batch_size))
    return csv_text(CSV_HEADER, ([_csv_row(_history_row(row)) for row in partition]
                                 for partition in result.partitions()))


def _history_row(columns: ShownColumns) -> HistoryRow:
    row_id = columns[0]
    assert row_id is not None  # read from the database
    return HistoryRow(row_id, *columns[1:])


def _csv_row(entry: HistoryRow) -> list[object]:
    return [entry.occurred_at.strftime('%Y-%m-%d %H:%M:%S'), entry.action.label,
            entry.kind.label if entry.kind else '', entry.old_value, entry.new_value, entry.actor, entry.note]


def _shown_actor(actor: Actor) -> SQLColumnExpression[str]:
    if actor.is_vendor:
        return col(LicenceHistory.actor)
    return case((col(LicenceHistory.by_vendor), literal(ADMIN_TEAM)), else_=col(LicenceHistory.actor))


def _conditions(organisation_id: int, history_filter: HistoryFilter, actor: Actor, dialect: str
                ) -> list[ColumnElement[bool]]:
    occurred_at = col(LicenceHistory.occurred_at)
    conditions = [col(LicenceHistory.organisation_id) == organisation_id]
    if history_filter.date_from:
        conditions.append(occurred_at >= _start_of(history_filter.date_from))
    if history_filter.date_to:
        conditions.append(occurred_at < _start_of(history_filter.date_to + timedelta(days=1)))
    if history_filter.actions:
        conditions.append(col(LicenceHistory.action).in_(history_filter.actions))
    if history_filter.kind:
        conditions.append(col(LicenceHistory.kind) == history_filter.kind)
    if history_filter.text:
        conditions.append(_text_matches(history_filter.text, vendor=actor.is_vendor,
                                        dialect=dialect))
    return conditions


def _text_matches(text: str, *, vendor: bool, dialect: str) -> ColumnElement[bool]:
    """A plain substring test on the computed `search_text` (which SQLite keeps in an index), ignoring case the way
    the database's lower() does; vendor staff also find rows by the real names behind "Admin Team"."""
    if dialect == 'sqlite':
        needle = text.translate(_ASCII_LOWER)  # SQLite's lower() folds ASCII letters only
        position = func.instr
        # A bound on the time that is always true steers SQLite to the index on (organisation, time), the one that
        # holds the search text; any other index would have it compute the text from every row.
        return and_(col(LicenceHistory.occurred_at) > _EPOCH,
                    _text_condition(position, needle, vendor=vendor))
    return _text_condition(func.strpos, text.lower(), vendor=vendor)


def _text_condition(position: Callable[..., Function[Any]], needle: str, *, vendor: bool) -> ColumnElement[bool]:
    matches = position(LicenceHistory.search_text, needle) > 0
    if not vendor:
        return matches
    # Vendor staff see the real name where customers see "Admin Team": match that name and the rest of the text.
    after_admin_team = func.substr(LicenceHistory.search_text, len(f'{ADMIN_TEAM} ¦ ') + 1)
    by_staff = or_(position(func.lower(LicenceHistory.actor), needle) > 0, position(after_admin_team, needle) > 0)
    return or_(and_(~col(LicenceHistory.by_vendor), matches), and_(col(LicenceHistory.by_vendor), by_staff))


def _rows(shown_actor: SQLColumnExpression[str], conditions: list[ColumnElement[bool]], history_filter: HistoryFilter
          ) -> Select[*ShownColumns]:
    return (select_wide(col(LicenceHistory.id), col(LicenceHistory.occurred_at), col(LicenceHistory.action),
                        col(LicenceHistory.kind), col(LicenceHistory.old_value), col(LicenceHistory.new_value),
                        label('shown_actor', shown_actor), col(LicenceHistory.note))
            .where(and_(*conditions)).order_by(*_order(shown_actor, history_filter)))


def _order(shown_actor: SQLColumnExpression[str], history_filter: HistoryFilter) -> list[ColumnElement[Any]]:
    sort_column = {**SORTS, 'actor': shown_actor, 'action': _ACTION_ORDER}[history_filter.sort]
    direction = (lambda c: c.desc()) if history_filter.descending else (lambda c: c.asc())
    order = [direction(sort_column).nulls_last() if history_filter.sort == 'kind' else direction(sort_column)]
    if history_filter.sort != 'date':
        order.append(col(LicenceHistory.occurred_at).desc())
    order.append(direction(col(LicenceHistory.id)) if history_filter.sort == 'date' else col(LicenceHistory.id).desc())
    return order


# Actions sort by the label people see ("Converted to paid" first), not by the stored value.
_ACTION_ORDER = case({action.value: rank for rank, action in enumerate(sorted(HistoryAction, key=lambda a: a.label))},
                     value=LicenceHistory.action)


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name
