"""The back office's list of organisations, searched and paged by the database, and what is waiting on one."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from dashboard.domain import clock
from dashboard.domain.actor import Actor
from dashboard.domain.billing.licence_details import get_organisation, open_deletion_request
from dashboard.domain.models import (
    OPEN_DELETION_STATUSES,
    DeletionRequest,
    LicenceKind,
    LicencePool,
    LicenceRequest,
    Organisation,
    Region,
    User,
)
from dashboard.domain.organisations.account_types import ACCOUNT_TYPES, AccountType, account_type_condition
from dashboard.domain.paging import DEFAULT_PAGE_SIZE, SortedFilter, counted
from dashboard.domain.url_query import QueryReader
from dashboard.domain.wide_select import execute_wide, select_wide

SORTS = ('name', 'serial', 'end')
OPEN_LICENCE_REQUEST = 'open'


@dataclass(frozen=True)
class OrganisationsFilter(SortedFilter):
    """What the Organisations list is narrowed to; it round-trips through the page's URL query."""

    text: str = ''
    account_type: str = ''
    region: str = ''
    sort: str = 'name'
    descending: bool = False
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE
    errors: tuple[str, ...] = field(default=(), compare=False)

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> 'OrganisationsFilter':
        """Reads the URL query; a bad value is dropped and named in `errors`, so a mistyped link still opens."""
        read = QueryReader(query)
        text = read.text('q')
        account_type = read.choice('type', tuple(ACCOUNT_TYPES), 'an account type (active, trial or expired)')
        region = read.choice('region', tuple(Region), 'a region (eu, uk or us)')
        sort = read.choice('sort', SORTS, 'a column to sort by', 'name')
        page, page_size = read.paging()
        return cls(text=text, account_type=account_type, region=region, sort=sort, descending=query.get('desc') == '1',
                   page=page, page_size=page_size, errors=tuple(read.errors))

    def to_query(self) -> dict[str, str]:
        query = {'q': self.text, 'type': self.account_type, 'region': self.region,
                 'sort': '' if self.sort == 'name' else self.sort, 'desc': '1' if self.descending else '',
                 **self.paging_query()}
        return {key: value for key, value in query.items() if value}


@dataclass(frozen=True)
class PoolFigures:
    in_use: int
    total: int
    expiry_date: date | None


@dataclass(frozen=True)
class OrganisationRow:
    id: int
    name: str
    serial_number: str
    account_type: AccountType
    region: Region
    subscription_end: date
    pools: dict[LicenceKind, PoolFigures]
    main_contact: str | None
    deletion_pending: bool
    open_licence_requests: int


def list_organisations(*, session: Session, actor: Actor, organisations_filter: OrganisationsFilter,
                       today: date | None = None) -> tuple[list[OrganisationRow], int]:
    """One page of organisations and how many match; for the vendor's staff only."""
    actor.require_vendor()
    today = today or clock.today()
    conditions = _conditions(organisations_filter, today)
    rows = [_row(values, today) for values in execute_wide(session, _page(organisations_filter, conditions)).all()]
    return counted(rows, offset=organisations_filter.offset, page_size=organisations_filter.page_size,
                   count=lambda: session.exec(select(func.count()).select_from(Organisation).where(*conditions)).one())


# An organisation, its managed and on-demand pools' in use, total and expiry (none without the pool), its main
# contact's name, whether a deletion request is open, and how many licence requests are.
PageColumns = tuple[Organisation, int | None, int | None, date | None, int | None, int | None, date | None,
                    str | None, bool, int]


def _page(organisations_filter: OrganisationsFilter, conditions: list[ColumnElement[bool]]
          ) -> Select[Organisation, int, int, date, int, int, date, str, bool, int]:
    sort = {'name': col(Organisation.name), 'serial': col(Organisation.serial_number),
            'end': col(Organisation.subscription_end)}[organisations_filter.sort]
    direction = (lambda c: c.desc()) if organisations_filter.descending else (lambda c: c.asc())
    managed, on_demand = aliased(LicencePool), aliased(LicencePool)
    contact = aliased(User)
    organisation_id = col(Organisation.id)
    deletion_pending = exists().where(col(DeletionRequest.organisation_id) == organisation_id,
                                      col(DeletionRequest.status).in_(OPEN_DELETION_STATUSES))
    licence_requests = (select(func.count()).select_from(LicenceRequest)
                        .where(col(LicenceRequest.organisation_id) == organisation_id,
                               col(LicenceRequest.status) == OPEN_LICENCE_REQUEST).scalar_subquery())
    return (
        select_wide(Organisation, col(managed.in_use), col(managed.total), col(managed.expiry_date),
                    col(on_demand.in_use), col(on_demand.total), col(on_demand.expiry_date), col(contact.full_name),
                    deletion_pending, licence_requests)
        .outerjoin(managed, and_(col(managed.organisation_id) == organisation_id,
                                 col(managed.kind) == LicenceKind.MANAGED_AGENT))
        .outerjoin(on_demand, and_(col(on_demand.organisation_id) == organisation_id,
                                   col(on_demand.kind) == LicenceKind.ON_DEMAND))
        .outerjoin(contact, col(contact.id) == Organisation.main_contact_id)
        .where(*conditions).order_by(direction(sort), direction(organisation_id))
        .offset(organisations_filter.offset).limit(organisations_filter.page_size))


def _row(values: PageColumns, today: date) -> OrganisationRow:
    (organisation, ma_in_use, ma_total, ma_expiry, od_in_use, od_total, od_expiry, contact_name, pending,
     requests) = values
    assert organisation.id is not None  # read from the database
    return OrganisationRow(
        id=organisation.id, name=organisation.name, serial_number=organisation.serial_number,
        account_type=AccountType.of(organisation, today), region=organisation.region,
        subscription_end=organisation.subscription_end,
        pools={LicenceKind.MANAGED_AGENT: PoolFigures(ma_in_use or 0, ma_total or 0, ma_expiry),
               LicenceKind.ON_DEMAND: PoolFigures(od_in_use or 0, od_total or 0, od_expiry)},
        main_contact=contact_name, deletion_pending=bool(pending), open_licence_requests=requests)


def _conditions(organisations_filter: OrganisationsFilter, today: date) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if organisations_filter.text:
        needle = organisations_filter.text.lower()
        conditions.append(or_(func.lower(Organisation.name).contains(needle, autoescape=True),
                              func.lower(Organisation.serial_number).contains(needle, autoescape=True)))
    if organisations_filter.account_type:
        conditions.append(account_type_condition(ACCOUNT_TYPES[organisations_filter.account_type], today))
    if organisations_filter.region:
        conditions.append(col(Organisation.region) == organisations_filter.region)
    return conditions


@dataclass(frozen=True)
class PendingRequests:
    """What is waiting on the vendor for one organisation."""

    deletion: DeletionRequest | None
    licence_requests: list[LicenceRequest]


def pending_requests(*, session: Session, actor: Actor, organisation_id: int) -> PendingRequests:
    actor.require_vendor()
    get_organisation(session=session, organisation_id=organisation_id)
    requests = session.exec(select(LicenceRequest).where(LicenceRequest.organisation_id == organisation_id,
                                                         LicenceRequest.status == OPEN_LICENCE_REQUEST)
                            .order_by(col(LicenceRequest.requested_at).desc(), col(LicenceRequest.id).desc())).all()
    return PendingRequests(deletion=open_deletion_request(session=session, organisation_id=organisation_id),
                           licence_requests=list(requests))
