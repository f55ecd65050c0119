"""How the tables hold enums: stored as their plain string values (so the schema never needs an ALTER TYPE to grow
one), and handed back as the enum's members: by a loaded row, a column select, and a row made with a plain value.

Timestamps need nothing here: SQLModel gives every `datetime` field its `UTCDateTime`, which refuses a timestamp
without a zone and gives every one back aware, in UTC, on SQLite (which keeps no zone) too.
"""

import enum
import functools
from typing import Any, Self, TypeVar

from sqlalchemy import Column, String, event
from sqlalchemy.engine.interfaces import Dialect
from sqlalchemy.sql.operators import OperatorType
from sqlalchemy.types import TypeDecorator, TypeEngine
from sqlmodel import SQLModel


class LabelledEnum(enum.StrEnum):
    """Stored as its value, shown as its label, both given with the member: `EU = 'eu', 'EU/EEA (Germany West
    Central)'`. Called with a value alone, the class looks its member up, as any enum does."""

    label: str

    def __new__(cls, value: str, label: str = '') -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member


E = TypeVar('E', bound=enum.StrEnum)


class UnknownStoredValue(ValueError):
    """The database holds a value that the enum has no member for (a row written by a newer version, or by hand)."""


class EnumColumn(TypeDecorator[E]):
    """A `VARCHAR` column holding an enum's values. Written from a member or its plain value, read as the member."""

    impl = String
    cache_ok = True

    def __init__(self, enum_type: type[E], length: int = 32) -> None:
        super().__init__(length)
        self.enum_type = enum_type

    @property
    def python_type(self) -> type[E]:
        return self.enum_type

    def process_bind_param(self, value: E | str | None, dialect: Dialect) -> str | None:
        return None if value is None else self.enum_type(value).value

    def process_result_value(self, value: Any | None, dialect: Dialect) -> E | None:
        if value is None:
            return None
        try:
            return self.enum_type(value)
        except ValueError:
            known = ', '.join(member.value for member in self.enum_type)
            raise UnknownStoredValue(f'The database holds {value!r}, which is not a {self.enum_type.__name__} (one '
                                     f'of {known}).') from None

    def coerce_compared_value(self, op: OperatorType | None, value: Any) -> TypeEngine[Any]:
        """A filter's plain string is compared as it is: a value the enum does not have matches no row."""
        return self.impl_instance


def enum_column(enum_type: type[enum.StrEnum], *, length: int = 32, nullable: bool = False,
                index: bool = False) -> Column[Any]:
    return Column(EnumColumn(enum_type, length), nullable=nullable, index=index)


@event.listens_for(SQLModel, 'init', propagate=True)
def _members_when_made(target: SQLModel, _args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """`LicencePool(kind='on_demand')` holds `LicenceKind.ON_DEMAND` at once, as the row does once loaded; a value
    the enum does not have is refused there and then. (A field assigned later holds what was assigned until the row
    is loaded again: SQLModel's own `__setattr__` stores the plain value.)"""
    for key, enum_type in _enum_fields(type(target)).items():
        if kwargs.get(key) is not None:
            kwargs[key] = enum_type(kwargs[key])


@functools.cache
def _enum_fields(table: type[SQLModel]) -> dict[str, type[enum.StrEnum]]:
    columns = table.__table__.columns  # type: ignore[attr-defined]
    return {column.key: column.type.enum_type for column in columns if isinstance(column.type, EnumColumn)}
