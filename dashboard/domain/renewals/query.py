"""The Renewals page's one query: licence pools joined with their organisation, the organisation's main contact
and whether a deletion request is open; the filter's conditions, its sort order, and the count."""

from datetime import date
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, case, exists, func, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from dashboard.domain.models import OPEN_DELETION_STATUSES, DeletionRequest, LicencePool, Organisation, User
from dashboard.domain.organisations.account_types import ACCOUNT_TYPES, account_type_case, account_type_condition
from dashboard.domain.renewals.filter import RenewalsFilter, horizon_window
from dashboard.domain.wide_select import select_wide

EXPIRY_SORTS = ('expiry', 'days_left')
ORGANISATION_SORTS = ('name', 'serial', 'account_type', 'region', 'deletion', 'contact')
Contact = aliased(User, name='contact')
Statement = TypeVar('Statement', bound=Select[*tuple[Any, ...]])


class RenewalsQuery:
    def __init__(self, renewals_filter: RenewalsFilter, today: date, session: Session) -> None:
        self.filter = renewals_filter
        self.today = today
        self.dialect = session.get_bind().dialect.name
        self.account_type = account_type_case(today)
        # Rounded half up, in whole numbers on every database: floor(100 * in_use / total + 1/2).
        self.utilisation = case((col(LicencePool.total) == 0, 0),
                                else_=(200 * col(LicencePool.in_use) + col(LicencePool.total))
                                // (2 * col(LicencePool.total)))
        self.deletion_pending = exists().where(col(DeletionRequest.organisation_id) == Organisation.id,
                                               col(DeletionRequest.status).in_(OPEN_DELETION_STATUSES))

    def rows(self) -> Select[*tuple[Any, ...]]:
        """Every matching pool, in the table's order: organisation id, name, serial, account type, region, kind,
        expiry, in use, total, utilisation, deletion pending, main contact."""
        return self._shown().where(*self.conditions()).order_by(*self.order())

    def page(self, offset: int, limit: int) -> Select[*tuple[Any, ...]]:
        """One page of `rows`, in one statement. Sorted by expiry, the index gives the rows in order and reading stops
        after the page; sorted otherwise, the page's pool ids are found first from the columns the sort and the
        filters need, and only those pools get their contact and deletion request looked up."""
        if self.filter.sort in EXPIRY_SORTS:
            return self.rows().offset(offset).limit(limit)
        ids = self.pools(select(LicencePool.id), sort=True).where(*self.conditions()).order_by(*self.order()) \
            .offset(offset).limit(limit)
        return self._shown().where(col(LicencePool.id).in_(ids.scalar_subquery())).order_by(*self.order())

    def count(self) -> SelectOfScalar[int]:
        return self.pools(select(func.count())).where(*self.conditions())

    def pools(self, statement: Statement, *, sort: bool = False) -> Statement:
        """`statement` over the pools, joined with their organisations and main contacts only where the filters (or
        with `sort`, the sort order) need them: a count by expiry alone is read from the expiry index."""
        f = self.filter
        statement = statement.select_from(LicencePool)
        sort_needs = ORGANISATION_SORTS if sort else ()
        if f.region or f.account_type or f.text or f.sort in sort_needs:
            statement = statement.join(Organisation, col(Organisation.id) == LicencePool.organisation_id)
        if f.text or (sort and f.sort == 'contact'):
            statement = statement.outerjoin(Contact, col(Contact.id) == Organisation.main_contact_id)
        return statement

    def _shown(self) -> Select[*tuple[Any, ...]]:
        return (select_wide(col(Organisation.id), col(Organisation.name), col(Organisation.serial_number),
                            self.account_type.label('account_type'), col(Organisation.region), col(LicencePool.kind),
                            col(LicencePool.expiry_date), col(LicencePool.in_use), col(LicencePool.total),
                            self.utilisation.label('utilisation'), self.deletion_pending.label('deletion_pending'),
                            col(Contact.full_name))
                .select_from(LicencePool).join(Organisation, col(Organisation.id) == LicencePool.organisation_id)
                .outerjoin(Contact, col(Contact.id) == Organisation.main_contact_id))

    def conditions(self, *, with_period: bool = True) -> list[ColumnElement[bool]]:
        f = self.filter
        first, last = horizon_window(f.horizon, self.today)
        expiry = col(LicencePool.expiry_date)
        conditions: list[ColumnElement[bool]] = [expiry <= last]
        if first is not None:
            conditions.append(expiry >= first)
        if with_period and f.period_start and f.period_end:
            conditions += [expiry >= f.period_start, expiry <= f.period_end]
        if f.region:
            conditions.append(col(Organisation.region) == f.region)
        if f.account_type:
            conditions.append(account_type_condition(ACCOUNT_TYPES[f.account_type], self.today))
        if f.kind:
            conditions.append(col(LicencePool.kind) == f.kind)
        if f.util_min is not None:
            conditions.append(self.utilisation >= f.util_min)
        if f.util_max is not None:
            conditions.append(self.utilisation <= f.util_max)
        if f.text:
            conditions.append(self._text_matches(f.text))
        return conditions

    def _text_matches(self, text: str) -> ColumnElement[bool]:
        """A case-insensitive substring of the account name, serial number or main contact's name; no wildcards."""
        columns = (Organisation.name, Organisation.serial_number, Contact.full_name)
        if self.dialect == 'sqlite':
            # SQLite's LIKE ignores the case of ASCII letters (as its lower() does) and is quicker than lower().
            pattern = '%' + text.replace('\\', '\\\\').replace('%', '\\%').replace('_', '\\_') + '%'
            return or_(*(col(column).like(pattern, escape='\\') for column in columns))
        return or_(*(func.strpos(func.lower(column), text.lower()) > 0 for column in columns))

    def order(self) -> list[ColumnElement]:
        f = self.filter
        direction = (lambda c: c.desc()) if f.is_descending else (lambda c: c.asc())
        if f.sort in EXPIRY_SORTS:
            # The index on the expiry date holds the pool's id as well: read in this order, no sorting needed.
            return [direction(col(LicencePool.expiry_date)), direction(col(LicencePool.id))]
        column = {
            'name': func.lower(Organisation.name), 'serial': Organisation.serial_number,
            'account_type': self.account_type, 'region': Organisation.region, 'kind': LicencePool.kind,
            'licences': LicencePool.total, 'utilisation': self.utilisation, 'deletion': self.deletion_pending,
            'contact': func.lower(Contact.full_name),
        }[f.sort]
        first = direction(column)
        if f.sort == 'contact':
            first = first.nulls_last()  # accounts without a main contact last, either way
        return [first, col(LicencePool.expiry_date).asc(), col(LicencePool.id).asc()]
