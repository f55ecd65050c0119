"""A CSV import that fails: the problems listed, and nothing written when the database or the files change under it."""

from pathlib import Path

import pytest
from sqlmodel import Session

from dashboard.db import Database
from dashboard.importer import ImportFailed, history_writer, import_directory
from dashboard.importer.validation import check_folder
from dashboard.importer.writer import write_folder as write_folder_to_database
from tests.factories import make_organisation, make_pool
from tests.importer.folders import GOOD, TABLES, good_files, snapshot, write_folder


def test_at_most_50_problems_are_listed_and_the_rest_counted(db: Database, tmp_path: Path) -> None:
    history = [GOOD['licence_history.csv'][0]] + [
        f'SN-1,2026-03-01T10:15:00Z,Admin Team,renewed,,,,row {n}' for n in range(70)
    ]

    with pytest.raises(ImportFailed) as failure:
        import_directory(db=db, directory=write_folder(tmp_path, good_files(licence_history=history)))

    assert len(failure.value.problems) == 50
    assert failure.value.problems[0] == (
        "licence_history.csv:2: action 'renewed' is not one of expiry_changed, licences_increased, "
        'licences_decreased, trial_started, trial_converted, other'
    )
    assert failure.value.problems[-1].startswith('licence_history.csv:51: ')
    assert failure.value.more == 20
    assert snapshot(db) == {table: [] for table in TABLES}


def test_a_database_failure_while_writing_rolls_everything_back(
    db: Database, session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stored = make_organisation(session, serial_number='SN-1', name='Before')
    make_pool(session, stored, total=7, in_use=0)
    before = snapshot(db)
    monkeypatch.setattr(history_writer, 'BATCH_SIZE', 1)
    # The second history row names an organisation that does not exist: the database refuses it mid-way.
    organisation_ids = iter([None, 987654321])
    values = history_writer._values
    monkeypatch.setattr(history_writer, '_values', lambda row, found: values(row, next(organisation_ids) or found))

    with pytest.raises(ImportFailed) as failure:
        import_directory(db=db, directory=write_folder(tmp_path, good_files()))

    assert failure.value.problems[0].startswith('the database refused the import, so nothing was imported: ')
    assert snapshot(db) == before


def test_a_history_file_changed_between_checking_and_writing_imports_nothing(db: Database, tmp_path: Path) -> None:
    directory = write_folder(tmp_path, good_files())
    folder = check_folder(db=db, directory=directory, progress=False)
    history = [*GOOD['licence_history.csv'], 'SN-1,2026-04-01T10:00:00Z,Admin Team,renewed,,,,']
    write_folder(directory, good_files(licence_history=history))

    with pytest.raises(ImportFailed) as failure:
        write_folder_to_database(db=db, folder=folder, progress=False)

    assert failure.value.problems == [
        "licence_history.csv:4: action 'renewed' is not one of expiry_changed, licences_increased, licences_decreased, "
        'trial_started, trial_converted, other (the file changed during the import)'
    ]
    assert snapshot(db) == {table: [] for table in TABLES}
