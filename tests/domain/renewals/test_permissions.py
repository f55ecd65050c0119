"""Who may read the Renewals: vendor staff, never customers."""


import pytest
from sqlmodel import Session

from dashboard.domain.errors import PermissionDenied
from dashboard.domain.renewals.pipeline import (
    RenewalsFilter,
    export_renewals_csv,
    list_renewals,
    renewals_by_period,
)
from tests.domain.renewals.conftest import exported, listed, pool
from tests.factories import actor, make_user


@pytest.mark.parametrize('role', ['global_admin', 'billing_admin', 'viewer', 'user'])
def test_customers_are_refused_by_every_function(session: Session, role: str) -> None:
    organisation = pool(session, 3)
    customer = actor(make_user(session, organisation, role))
    renewals_filter = RenewalsFilter()

    with pytest.raises(PermissionDenied):
        list_renewals(session=session, actor=customer, renewals_filter=renewals_filter)
    with pytest.raises(PermissionDenied):
        export_renewals_csv(session=session, actor=customer, renewals_filter=renewals_filter)
    with pytest.raises(PermissionDenied):
        renewals_by_period(session=session, actor=customer, renewals_filter=renewals_filter)


@pytest.mark.parametrize('role', ['sales', 'vendor_admin'])
def test_vendor_staff_may_read_every_organisations_renewals(session: Session, role: str) -> None:
    pool(session, 3, name='one')
    pool(session, 4, name='two')
    staff = actor(make_user(session, None, role))

    assert listed(session, staff) == (['one', 'two'], 2)
    assert len(exported(session, staff)[1]) == 3
    assert sum(period.accounts for period in renewals_by_period(session=session, actor=staff,
                                                               renewals_filter=RenewalsFilter())) == 2
