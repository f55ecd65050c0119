"""A row by an id a caller gave: the id may have come from a browser, so anything but a whole number finds nothing
(a bool, a string or a float never reaches the database)."""

from typing import TypeVar

from sqlmodel import Session, SQLModel

Row = TypeVar('Row', bound=SQLModel)


def row_by_id(session: Session, model: type[Row], row_id: object) -> Row | None:
    if not isinstance(row_id, int) or isinstance(row_id, bool):
        return None
    return session.get(model, row_id)
