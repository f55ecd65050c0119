"""Selects of more than four columns, with their rows' types.

SQLModel's `select` and `Session.exec` are typed for at most four columns (fastapi/sqlmodel#271), and `exec` not for
a UNION at all. SQLAlchemy's `select` is typed for up to ten columns, and SQLAlchemy's own `Session.execute` gives the
rows back with those types; SQLModel re-declares `execute` without them. So a wide select is written with
`select_wide` (SQLAlchemy's `select`), each column in `col()`, and run with `execute_wide`: the same statement, the same
SQL, typed rows.
"""

from typing import TypeVarTuple

from sqlalchemy import CompoundSelect, Result, Select, orm
from sqlalchemy import select as select_wide
from sqlmodel import Session

__all__ = ['execute_wide', 'select_wide']

Ts = TypeVarTuple('Ts')


def execute_wide(session: Session, statement: Select[*Ts] | CompoundSelect[*Ts]) -> Result[*Ts]:
    return orm.Session.execute(session, statement)
