"""The CSV import: what a good folder puts in the database, and that importing again changes nothing.

The helpers here write small CSV folders into tmp_path; test_import_rules.py and test_import_cli.py use them too.
"""

import io
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import Session, col, func, select

from dashboard.db import Database
from dashboard.domain.models import LicenceHistory, LicencePool, Organisation, User
from dashboard.importer import ImportFailed, history_writer, import_directory
from dashboard.importer.progress import ProgressBar
from dashboard.importer.validation import check_folder
from dashboard.importer.writer import write_folder as write_folder_to_database
from tests.factories import make_organisation, make_pool, make_user

SAMPLE = Path(__file__).resolve().parents[2] / 'data' / 'sample'
GOOD = {
    'organisations.csv': [
        'serial_number,name,plan,region,subscription_end,main_contact_email',
        'SN-1,Acme Ltd,paid,uk,2027-03-31,ann@acme.test',
        'SN-2,Globex GmbH,trial,eu,2026-12-31,',
    ],
    'users.csv': [
        'serial_number,full_name,email,phone,role',
        'SN-1,Ann Admin,ann@acme.test,+44 20 7946 0001,global_admin',
        'SN-2,Bob Viewer,bob@globex.test,,viewer',
        ',Sam Sales,sam@vendor.test,,sales',
    ],
    'licences.csv': [
        'serial_number,kind,total,in_use,expiry_date',
        'SN-1,managed_agent,50,20,2027-03-31',
        'SN-1,on_demand,5,1,2027-03-31',
        'SN-2,managed_agent,10,0,2026-12-31',
    ],
    'licence_history.csv': [
        'serial_number,occurred_at,actor,action,kind,old_value,new_value,note',
        'SN-1,2026-03-01T10:15:00Z,Admin Team,licences_increased,managed_agent,40,50,Renewal',
        'SN-2,2026-01-01T09:00:00+01:00,Admin Team,trial_started,,,,',
    ],
}
TABLES = ('organisation', 'app_user', 'licence_pool', 'licence_history')


def good_files(**replace: list[str] | None) -> dict[str, list[str]]:
    """The good folder's files as lines, with some replaced (`users=[...]`) or left out (`users=None`)."""
    files = {name: list(lines) for name, lines in GOOD.items()}
    for stem, lines in replace.items():
        files[f'{stem}.csv'] = lines
    return {name: lines for name, lines in files.items() if lines is not None}


def with_line(file: str, line: int, content: str) -> dict[str, list[str]]:
    """The good folder with one line of one file replaced; the line after the last one appends."""
    files = good_files()
    files[file][line - 1 : line] = [content]
    return files


def write_folder(directory: Path, files: dict[str, list[str]], *, bom: bool = False, newline: str = '\n') -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, lines in files.items():
        content = ''.join(f'{line}{newline}' for line in lines)
        (directory / name).write_bytes(('\ufeff' if bom else '').encode() + content.encode())
    return directory


def snapshot(db: Database) -> dict[str, list[tuple]]:
    """Every row of the tables an import writes, to show that a failed import changed nothing."""
    with db.engine.connect() as connection:
        return {
            table: [tuple(row) for row in connection.execute(text(f'SELECT * FROM {table} ORDER BY id'))]
            for table in TABLES
        }


def counts(session: Session) -> dict[str, int]:
    return {
        model.__name__: session.exec(select(func.count()).select_from(model)).one()
        for model in (Organisation, User, LicencePool, LicenceHistory)
    }


def test_the_sample_folder_imports(db: Database, session: Session) -> None:
    report = import_directory(db=db, directory=SAMPLE)

    assert report.summary() == (
        'Imported 6 organisations (6 new, 0 updated, 0 unchanged), 16 users (16 new, 0 updated, 0 unchanged), '
        '11 licence pools (11 new, 0 updated, 0 unchanged) and 40 history rows (40 new, 0 already stored).'
    )
    assert counts(session) == {'Organisation': 6, 'User': 16, 'LicencePool': 11, 'LicenceHistory': 40}
    greek = session.exec(select(Organisation).where(Organisation.serial_number == 'NS-EU-100877')).one()
    assert greek.name == 'Πλαίσιο Ψηφιακών Λύσεων Α.Ε.'
    contact = session.get(User, greek.main_contact_id)
    assert (contact.full_name, contact.organisation_id) == ('Νίκη Παπαδοπούλου', greek.id)
    vendor_staff = session.exec(select(User.role).where(col(User.organisation_id).is_(None))).all()
    assert sorted(vendor_staff) == ['sales', 'vendor_admin']
    becker = session.exec(select(User).where(User.email_key == 'j.becker@mueller-logistik.example')).one()
    assert becker.email == 'J.Becker@mueller-logistik.example'
    assert becker.password_hash is None
    redwood = session.exec(select(Organisation).where(Organisation.serial_number == 'NS-US-301150')).one()
    assert session.exec(select(LicencePool.kind).where(LicencePool.organisation_id == redwood.id)).all() == [
        'managed_agent'
    ]
    first = session.exec(select(LicenceHistory).order_by(LicenceHistory.occurred_at)).first()
    assert first.occurred_at == datetime(2021, 8, 16, 10, 0, tzinfo=UTC)
    assert not any(session.exec(select(LicenceHistory.by_vendor)).all())


def test_importing_the_same_folder_again_changes_nothing(db: Database) -> None:
    import_directory(db=db, directory=SAMPLE)
    before = snapshot(db)

    report = import_directory(db=db, directory=SAMPLE)

    assert report.summary() == (
        'Imported 6 organisations (0 new, 0 updated, 6 unchanged), 16 users (0 new, 0 updated, 16 unchanged), '
        '11 licence pools (0 new, 0 updated, 11 unchanged) and 40 history rows (0 new, 40 already stored).'
    )
    assert snapshot(db) == before


def test_a_changed_value_updates_the_row_in_place_and_writes_no_history(
    db: Database, session: Session, tmp_path: Path
) -> None:
    import_directory(db=db, directory=write_folder(tmp_path / 'first', good_files()))
    changed = good_files(
        organisations=[
            GOOD['organisations.csv'][0],
            'SN-1,Acme Group,paid,us,2028-03-31,ann@acme.test',
            GOOD['organisations.csv'][2],
        ],
        users=[
            *GOOD['users.csv'][:2],
            'SN-2,Bob Viewer,BOB@globex.test,+49 30 1234,billing_admin',
            GOOD['users.csv'][3],
        ],
        licences=[*GOOD['licences.csv'][:3], 'SN-2,managed_agent,25,5,2027-06-30'],
    )

    report = import_directory(db=db, directory=write_folder(tmp_path / 'second', changed))

    assert report.summary() == (
        'Imported 2 organisations (0 new, 1 updated, 1 unchanged), 3 users (0 new, 1 updated, 2 unchanged), '
        '3 licence pools (0 new, 1 updated, 2 unchanged) and 2 history rows (0 new, 2 already stored).'
    )
    acme = session.exec(select(Organisation).where(Organisation.serial_number == 'SN-1')).one()
    assert (acme.name, acme.region, acme.subscription_end) == ('Acme Group', 'us', date(2028, 3, 31))
    bob = session.exec(select(User).where(User.email_key == 'bob@globex.test')).one()
    assert (bob.email, bob.phone, bob.role) == ('BOB@globex.test', '+49 30 1234', 'billing_admin')
    pool = session.exec(select(LicencePool).where(LicencePool.total == 25)).one()
    assert (pool.in_use, pool.expiry_date) == (5, date(2027, 6, 30))
    assert counts(session)['LicenceHistory'] == 2


def test_a_history_row_is_skipped_only_when_identical_in_every_column(
    db: Database, session: Session, tmp_path: Path
) -> None:
    import_directory(db=db, directory=write_folder(tmp_path / 'first', good_files()))
    history = [
        *GOOD['licence_history.csv'],
        'SN-1,2026-03-01T11:15:00+01:00,Admin Team,licences_increased,managed_agent,40,50,Renewal',
        'SN-1,2026-03-01T10:15:00Z,Admin Team,licences_increased,managed_agent,40,50,Renewal.',
        'SN-1,2026-03-01T10:15:00Z,Admin Team,licences_increased,managed_agent,40,50,Renewal.',
    ]

    report = import_directory(db=db, directory=write_folder(tmp_path / 'second', good_files(licence_history=history)))

    assert report.history_added == 1  # the same moment written with another offset is the same row
    assert report.history_skipped == 4
    assert session.exec(select(LicenceHistory.note).order_by(LicenceHistory.id)).all() == ['Renewal', None, 'Renewal.']


def test_only_organisations_csv_is_required_and_optional_columns_may_be_left_out(
    db: Database, session: Session, tmp_path: Path
) -> None:
    files = {
        'organisations.csv': ['name,serial_number,region,plan,subscription_end', 'Initech,SN-7,us,paid,2027-01-31']
    }

    report = import_directory(db=db, directory=write_folder(tmp_path, files))

    assert report.summary() == (
        'Imported 1 organisation (1 new, 0 updated, 0 unchanged), 0 users (0 new, 0 updated, 0 unchanged), '
        '0 licence pools (0 new, 0 updated, 0 unchanged) and 0 history rows (0 new, 0 already stored).'
    )
    assert session.exec(select(Organisation.name)).all() == ['Initech']


def test_a_byte_order_mark_and_windows_line_ends_are_accepted(db: Database, session: Session, tmp_path: Path) -> None:
    import_directory(db=db, directory=write_folder(tmp_path, good_files(), bom=True, newline='\r\n'))

    assert counts(session) == {'Organisation': 2, 'User': 3, 'LicencePool': 3, 'LicenceHistory': 2}
    assert session.exec(select(Organisation.serial_number).order_by(Organisation.serial_number)).all() == [
        'SN-1',
        'SN-2',
    ]


def test_files_may_name_organisations_and_main_contacts_already_in_the_database(
    db: Database, session: Session, tmp_path: Path
) -> None:
    stored = make_organisation(session, serial_number='SN-OLD')
    contact = make_user(session, stored, email='Old.Contact@example.com')
    files = good_files(
        organisations=[*GOOD['organisations.csv'], 'SN-OLD,Stored Ltd,paid,eu,2027-05-31,old.contact@EXAMPLE.com'],
        licences=[*GOOD['licences.csv'], 'SN-OLD,on_demand,3,0,2027-05-31'],
        licence_history=[*GOOD['licence_history.csv'], 'SN-OLD,2026-05-01T08:00:00Z,Admin Team,other,,,,'],
    )
    files['users.csv'].append('SN-OLD,Nina New,nina@stored.test,,viewer')

    import_directory(db=db, directory=write_folder(tmp_path, files))

    session.refresh(stored)
    assert (stored.name, stored.main_contact_id) == ('Stored Ltd', contact.id)
    assert session.exec(select(User.organisation_id).where(User.email_key == 'nina@stored.test')).one() == stored.id


def test_a_contact_who_moves_to_another_organisation_stops_being_the_old_ones(
    db: Database, session: Session, tmp_path: Path
) -> None:
    import_directory(db=db, directory=write_folder(tmp_path / 'first', good_files()))
    moved = good_files(
        organisations=[
            GOOD['organisations.csv'][0],
            'SN-1,Acme Ltd,paid,uk,2027-03-31,',
            'SN-2,Globex GmbH,trial,eu,2026-12-31,ann@acme.test',
        ],
        users=[GOOD['users.csv'][0], 'SN-2,Ann Admin,ann@acme.test,+44 20 7946 0001,global_admin'],
    )

    report = import_directory(db=db, directory=write_folder(tmp_path / 'second', moved))

    contacts = dict(session.exec(select(Organisation.serial_number, Organisation.main_contact_id)).all())
    ann = session.exec(select(User).where(User.email_key == 'ann@acme.test')).one()
    assert contacts == {'SN-1': None, 'SN-2': ann.id}
    assert report.organisations.updated == 2


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


def test_a_history_file_of_50_000_rows_imports(db: Database, session: Session, tmp_path: Path) -> None:
    rows = (f'SN-{1 + n % 2},2026-01-01T00:00:00Z,Admin Team,other,,{n},{n + 1},' for n in range(50_000))
    files = good_files(licence_history=[GOOD['licence_history.csv'][0], *rows])
    directory = write_folder(tmp_path, files)
    started = time.monotonic()

    report = import_directory(db=db, directory=directory)

    assert (report.history_added, report.history_skipped) == (50_000, 0)
    assert counts(session)['LicenceHistory'] == 50_000
    assert time.monotonic() - started < 30  # typically a few seconds; the bound only catches a pathological slowdown


def test_progress_is_shown_for_the_history_file_when_asked(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import_directory(db=db, directory=write_folder(tmp_path, good_files()), progress=True)

    shown = capsys.readouterr().err
    assert 'Checking licence_history.csv [' in shown
    assert shown.endswith(f'Importing licence_history.csv [{"#" * 30}] 100%\n')


def test_no_progress_is_shown_unless_asked(db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import_directory(db=db, directory=write_folder(tmp_path, good_files()))

    assert capsys.readouterr().err == ''


def test_the_progress_bar_follows_the_bytes_read() -> None:
    stream = io.StringIO()
    with ProgressBar(label='Reading', total_bytes=200, enabled=True, stream=stream) as bar:
        bar.update(50)

    assert stream.getvalue() == f'\rReading [{"#" * 8}{"." * 22}]  25%\rReading [{"#" * 30}] 100%\n'


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
