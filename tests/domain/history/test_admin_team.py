"""Vendor staff in the Licence history: the Admin Team to customers, their real name to the vendor."""


import pytest
from sqlmodel import Session

from dashboard.domain.history.query import HistoryFilter, list_history
from dashboard.domain.models import Organisation
from tests.domain.history.conftest import at, exported, listed
from tests.factories import make_history


@pytest.fixture
def vendor_and_customer_rows(session: Session, organisation: Organisation) -> None:
    make_history(session, organisation, occurred_at=at(1), actor='Vera Vendor', by_vendor=True, note='extended')
    make_history(session, organisation, occurred_at=at(2), actor='Carl Customer', note='customer row')


def test_customers_see_vendor_staff_as_the_admin_team(session: Session, organisation: Organisation, customer,
                                                      vendor_and_customer_rows) -> None:
    rows, _ = list_history(session=session, actor=customer, organisation_id=organisation.id,
                           history_filter=HistoryFilter())

    assert [row.actor for row in rows] == ['Carl Customer', 'Admin Team']
    assert listed(session, customer, organisation, q='admin team')[0] == ['extended']
    assert listed(session, customer, organisation, q='Vera')[0] == []
    assert listed(session, customer, organisation, q='Vendor')[0] == []
    assert listed(session, customer, organisation, sort='actor', desc='0')[0] == ['extended', 'customer row']


def test_vendor_staff_see_the_real_name(session: Session, organisation: Organisation, vendor,
                                        vendor_and_customer_rows) -> None:
    rows, _ = list_history(session=session, actor=vendor, organisation_id=organisation.id,
                           history_filter=HistoryFilter())

    assert [row.actor for row in rows] == ['Carl Customer', 'Vera Vendor']
    assert listed(session, vendor, organisation, q='vera')[0] == ['extended']
    assert listed(session, vendor, organisation, q='Admin Team')[0] == []
    assert listed(session, vendor, organisation, sort='actor', desc='0')[0] == ['customer row', 'extended']


def test_the_export_shows_the_admin_team_to_customers_only(session: Session, organisation: Organisation, customer,
                                                           vendor, vendor_and_customer_rows) -> None:
    assert [row[5] for row in exported(session, customer, organisation)[1][1:]] == ['Carl Customer', 'Admin Team']
    assert [row[5] for row in exported(session, vendor, organisation)[1][1:]] == ['Carl Customer', 'Vera Vendor']
    assert [row[6] for row in exported(session, customer, organisation, q='vera')[1][1:]] == []
