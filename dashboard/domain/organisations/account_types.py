"""An organisation's account type: Expired once its subscription has ended, else Trial or Active by its plan.

Derived, never stored. `AccountType.of` says it in Python; `account_type_case` and `account_type_condition` say it
in SQL, for the queries that filter, sort or count by it. The three are held together by a test in
tests/domain/test_organisations.py.
"""

import enum
from datetime import date

from sqlalchemy import ColumnElement, and_, case, type_coerce
from sqlmodel import col

from dashboard.domain.column_types import EnumColumn
from dashboard.domain.models import Organisation, Plan


class AccountType(enum.StrEnum):
    """Its value is what people see and what a CSV export writes; `key` is how a link names it (`?type=trial`)."""

    ACTIVE = 'Active'
    TRIAL = 'Trial'
    EXPIRED = 'Expired'

    @property
    def key(self) -> str:
        return self.name.lower()

    @classmethod
    def of(cls, organisation: Organisation, today: date) -> 'AccountType':
        if organisation.subscription_end < today:
            return cls.EXPIRED
        return cls.TRIAL if organisation.plan == Plan.TRIAL else cls.ACTIVE


ACCOUNT_TYPES = {account_type.key: account_type for account_type in AccountType}  # as links name them


def account_type_case(today: date) -> ColumnElement[AccountType]:
    """The account type of the organisation row."""
    account_type = case((_expired(today), AccountType.EXPIRED.value), (_on_trial(), AccountType.TRIAL.value),
                        else_=AccountType.ACTIVE.value)
    return type_coerce(account_type, EnumColumn(AccountType))


def account_type_condition(account_type: AccountType, today: date) -> ColumnElement[bool]:
    """True for organisations of this account type; written so that the subscription end's and the plan's indexes can
    be used, which a condition on `account_type_case` would not allow."""
    if account_type is AccountType.EXPIRED:
        return _expired(today)
    return and_(~_expired(today), _on_trial() if account_type is AccountType.TRIAL else ~_on_trial())


def _expired(today: date) -> ColumnElement[bool]:
    return col(Organisation.subscription_end) < today


def _on_trial() -> ColumnElement[bool]:
    return col(Organisation.plan) == Plan.TRIAL
