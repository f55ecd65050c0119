"""The database id of each organisation a file names by serial number, looked up once each."""

from collections.abc import Iterable

from sqlalchemy import Connection, select

from dashboard.db import table_of
from dashboard.domain.models import Organisation
from dashboard.importer.problems import ImportFailed

LOOKUP_CHUNK = 500
_organisation = table_of(Organisation)


class OrganisationIds:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self._ids: dict[str, int | None] = {}

    def load(self, serials: Iterable[str]) -> None:
        """Looks many up at once."""
        wanted = sorted(set(serials) - self._ids.keys())
        for start in range(0, len(wanted), LOOKUP_CHUNK):
            chunk = wanted[start : start + LOOKUP_CHUNK]
            self._ids.update(dict.fromkeys(chunk))
            query = select(_organisation.c.serial_number, _organisation.c.id).where(
                _organisation.c.serial_number.in_(chunk)
            )
            self._ids.update(self.connection.execute(query).all())

    def get(self, serial: str) -> int | None:
        if serial not in self._ids:
            self.load([serial])
        return self._ids[serial]

    def __getitem__(self, serial: str) -> int:
        """The id of an organisation that must exist: one the import wrote or checked."""
        found = self.get(serial)
        if found is None:
            raise ImportFailed([f'{serial}: the organisation was deleted from the database during the import'])
        return found
