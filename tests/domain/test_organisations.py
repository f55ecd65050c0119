"""The back office's list of organisations and what is waiting on one."""

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from dashboard.domain import clock
from dashboard.domain.errors import NotFound, PermissionDenied
from dashboard.domain.models import LicenceKind, Organisation, Region
from dashboard.domain.organisations import account_types
from dashboard.domain.organisations.account_types import AccountType
from dashboard.domain.organisations.listing import OrganisationsFilter, list_organisations, pending_requests
from dashboard.ui.format import organisation_row, pool_usage
from tests.factories import (
    actor,
    make_deletion_request,
    make_licence_request,
    make_organisation,
    make_pool,
    make_user,
)

TODAY = clock.today()


@pytest.fixture
def sales(session: Session):
    return actor(make_user(session, None, 'sales'))


def names(session, who, **query) -> tuple[list[str], int]:
    rows, count = list_organisations(session=session, actor=who,
                                     organisations_filter=OrganisationsFilter.from_query(query))
    return [row.name for row in rows], count


def test_a_row_shows_what_the_back_office_needs_to_know(session, sales):
    org = make_organisation(session, name='Acme', serial_number='ACME-1', plan='trial', region='uk',
                            subscription_end=TODAY + timedelta(days=5))
    make_pool(session, org, 'managed_agent', total=150, in_use=128)
    contact = make_user(session, org, 'global_admin', full_name='Greta Global')
    org.main_contact_id = contact.id
    session.add(org)
    session.commit()
    make_deletion_request(session, org)
    make_licence_request(session, org)
    make_licence_request(session, org, status='done')
    [row], count = list_organisations(session=session, actor=sales, organisations_filter=OrganisationsFilter())
    assert count == 1
    assert (row.name, row.serial_number, row.account_type, row.region, row.main_contact) == (
        'Acme', 'ACME-1', 'Trial', Region.UK, 'Greta Global')
    assert pool_usage(row.pools[LicenceKind.MANAGED_AGENT]) == '128 / 150'
    assert pool_usage(row.pools[LicenceKind.ON_DEMAND]) == '—'
    assert organisation_row(row)['attention'] == 'Deletion pending, 1 licence request'


def test_search_finds_name_or_serial_ignoring_case_and_takes_wildcards_literally(session, sales):
    make_organisation(session, name='Brightwater Dental', serial_number='BWD-1')
    make_organisation(session, name='Nordlicht GmbH', serial_number='NL-77')
    make_organisation(session, name='100% Pure', serial_number='PURE-1')
    assert names(session, sales, q='bright') == (['Brightwater Dental'], 1)
    assert names(session, sales, q='nl-7') == (['Nordlicht GmbH'], 1)
    assert names(session, sales, q='%') == (['100% Pure'], 1)
    assert names(session, sales, q='_') == ([], 0)


def test_filters_by_account_type_and_region(session, sales):
    make_organisation(session, name='Active EU', plan='paid', region='eu')
    make_organisation(session, name='Trial US', plan='trial', region='us', subscription_end=TODAY)
    make_organisation(session, name='Expired trial', plan='trial', region='us',
                      subscription_end=TODAY - timedelta(days=1))
    assert names(session, sales, type='trial') == (['Trial US'], 1)  # ends today: not expired yet
    assert names(session, sales, type='expired') == (['Expired trial'], 1)
    assert names(session, sales, type='active') == (['Active EU'], 1)
    assert names(session, sales, region='us') == (['Expired trial', 'Trial US'], 2)


def test_pages_and_sorting_are_done_by_the_database(session, sales):
    for n in range(30):
        make_organisation(session, name=f'Org {n:02d}', subscription_end=TODAY + timedelta(days=100 - n))
    first, count = names(session, sales)
    assert count == 30 and first == [f'Org {n:02d}' for n in range(25)]
    assert names(session, sales, page='2') == ([f'Org {n:02d}' for n in range(25, 30)], 30)
    assert names(session, sales, sort='end', size='10')[0] == [f'Org {n:02d}' for n in range(29, 19, -1)]
    assert names(session, sales, sort='name', desc='1', size='10')[0][0] == 'Org 29'


def test_bad_link_values_are_named_and_ignored():
    parsed = OrganisationsFilter.from_query({'type': 'gold', 'region': 'mars', 'sort': 'secret', 'page': '-1',
                                             'size': '7', 'q': '  acme  '})
    assert parsed.with_changes(errors=()) == OrganisationsFilter(text='acme')
    assert len(parsed.errors) == 5
    assert OrganisationsFilter.from_query(parsed.to_query()) == parsed
    assert OrganisationsFilter(text='x', region='eu', page=2).to_query() == {'q': 'x', 'region': 'eu', 'page': '2'}


def test_pending_requests_lists_the_open_deletion_and_open_licence_requests_newest_first(session, sales):
    org = make_organisation(session)
    make_deletion_request(session, org, status='withdrawn')
    assert pending_requests(session=session, actor=sales, organisation_id=org.id).deletion is None
    open_request = make_deletion_request(session, org)
    older = make_licence_request(session, org, quantity=5)
    newer = make_licence_request(session, org, quantity=50, kind='on_demand')
    make_licence_request(session, org, status='done')
    pending = pending_requests(session=session, actor=sales, organisation_id=org.id)
    assert pending.deletion.id == open_request.id
    assert [r.id for r in pending.licence_requests] == [newer.id, older.id]
    with pytest.raises(NotFound):
        pending_requests(session=session, actor=sales, organisation_id=org.id + 100)


@pytest.mark.parametrize('role', ['global_admin', 'billing_admin', 'viewer', 'user'])
def test_customers_cannot_list_organisations_or_see_requests(session, role):
    org = make_organisation(session)
    customer = actor(make_user(session, org, role))
    with pytest.raises(PermissionDenied):
        list_organisations(session=session, actor=customer, organisations_filter=OrganisationsFilter())
    with pytest.raises(PermissionDenied):
        pending_requests(session=session, actor=customer, organisation_id=org.id)


@pytest.mark.parametrize('days', [-1, 0, 1])  # the subscription ended yesterday, ends today, ends tomorrow
@pytest.mark.parametrize('plan', ['trial', 'paid'])
def test_the_account_type_in_sql_agrees_with_the_organisations_own(session, plan, days):
    organisation = make_organisation(session, plan=plan, subscription_end=TODAY + timedelta(days=days))
    in_python = AccountType.of(organisation, TODAY)

    [in_sql] = session.exec(select(account_types.account_type_case(TODAY))
                            .where(Organisation.id == organisation.id)).all()
    matching = [account_type for account_type in AccountType if session.exec(
        select(Organisation.id).where(Organisation.id == organisation.id,
                                      account_types.account_type_condition(account_type, TODAY))).first()]

    assert in_sql is in_python
    assert matching == [in_python]
    assert in_python == ('Expired' if days < 0 else 'Trial' if plan == 'trial' else 'Active')
