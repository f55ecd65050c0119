"""Adding licence_history.csv to the database: read a second time, row by row, and inserted in batches; a row
identical in every column to one stored (or to an earlier row of the file) is skipped."""

from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Insert
from sqlalchemy.dialects import postgresql, sqlite

from dashboard.db import table_of
from dashboard.domain.history.recording import history_values
from dashboard.domain.models import LicenceHistory
from dashboard.importer.csv_files import read_records
from dashboard.importer.organisation_ids import OrganisationIds
from dashboard.importer.problems import Problems
from dashboard.importer.progress import ProgressBar
from dashboard.importer.rows import HISTORY, HistoryRow, parse_history

BATCH_SIZE = 5000
_history = table_of(LicenceHistory)


def write_history(*, connection: Connection, path: Path, ids: OrganisationIds, progress: bool) -> tuple[int, int]:
    """Returns how many rows were added and how many skipped. The file was checked already; should it have
    changed since, its problems are raised as ImportFailed and the caller's transaction rolls back."""
    problems = Problems()
    statement = _insert_unless_stored(connection)
    batch: list[dict[str, Any]] = []
    added = read = 0
    with ProgressBar(label=f'Importing {HISTORY.name}', total_bytes=path.stat().st_size, enabled=progress) as bar:
        for line, record in read_records(path=path, layout=HISTORY, problems=problems, on_progress=bar.update):
            row, errors = parse_history(line, record)
            organisation_id = ids.get(row.serial_number) if row else None
            if organisation_id is None:
                for error in errors or [f"serial_number '{row.serial_number}' is no longer in the database"]:
                    problems.add(HISTORY.name, line, f'{error} (the file changed during the import)')
                continue
            batch.append(_values(row, organisation_id))
            if len(batch) >= BATCH_SIZE:
                added, read = added + _insert(connection, statement, batch), read + len(batch)
                batch = []
        if batch:
            added, read = added + _insert(connection, statement, batch), read + len(batch)
    problems.raise_if_any()
    return added, read - added


def _insert_unless_stored(connection: Connection) -> Insert:
    insert = postgresql.insert if connection.dialect.name == 'postgresql' else sqlite.insert
    return (
        insert(_history)
        .on_conflict_do_nothing(index_elements=['organisation_id', 'row_hash'])
        .execution_options(preserve_rowcount=True)
    )


def _insert(connection: Connection, statement: Insert, batch: list[dict[str, Any]]) -> int:
    """How many of the batch were new."""
    return connection.execute(statement, batch).rowcount


def _values(row: HistoryRow, organisation_id: int) -> dict[str, Any]:
    return history_values(
        organisation_id=organisation_id,
        occurred_at=row.occurred_at,
        actor=row.actor,
        by_vendor=False,
        action=row.action,
        kind=row.kind,
        old_value=row.old_value,
        new_value=row.new_value,
        note=row.note,
    )
