"""The CSV import: what a good folder puts in the database, and that importing again changes nothing."""

from datetime import UTC, date, datetime
from pathlib import Path

from sqlmodel import Session, col, select

from dashboard.db import Database
from dashboard.domain.models import LicenceHistory, LicencePool, Organisation, User
from dashboard.importer import import_directory
from tests.factories import make_organisation, make_user
from tests.importer.folders import GOOD, SAMPLE, counts, good_files, snapshot, write_folder


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
