"""An organisation's account type: Expired once its subscription has ended, else Trial or Active by its plan.

Derived, never stored. `Organisation.account_type` says it in Python; this module says it in SQL, for the queries that
filter, sort or count by it. The two are held together by a test in tests/domain/test_organisations.py.
"""

from datetime import date

from sqlalchemy import ColumnElement, and_, case
from sqlmodel import col

from dashboard.domain.models import Organisation, Plan

ACTIVE, TRIAL, EXPIRED = 'active', 'trial', 'expired'
ACCOUNT_TYPES = {ACTIVE: 'Active', TRIAL: 'Trial', EXPIRED: 'Expired'}  # as links and queries name it: as it is shown
LABELS = tuple(ACCOUNT_TYPES.values())


def account_type_case(today: date) -> ColumnElement[str]:
    """The account type of the organisation row, as its value (`active`, `trial` or `expired`)."""
    return case((_expired(today), EXPIRED), (_on_trial(), TRIAL), else_=ACTIVE)


def account_type_condition(account_type: str, today: date) -> ColumnElement[bool]:
    """True for organisations of this account type (a key of ACCOUNT_TYPES); written so that the subscription end's
    and the plan's indexes can be used, which a condition on `account_type_case` would not allow."""
    if account_type not in ACCOUNT_TYPES:
        raise ValueError(f'"{account_type}" is not an account type.')
    if account_type == EXPIRED:
        return _expired(today)
    return and_(~_expired(today), _on_trial() if account_type == TRIAL else ~_on_trial())


def _expired(today: date) -> ColumnElement[bool]:
    return col(Organisation.subscription_end) < today


def _on_trial() -> ColumnElement[bool]:
    return col(Organisation.plan) == Plan.TRIAL
