"""Every rule of import-format.md: a folder breaking it is refused with `FILE:LINE: what is wrong` and changes nothing.

The cases are in broken_rules.py; each takes the good folder of folders.py and replaces one line of one file."""

from pathlib import Path

import pytest
from sqlmodel import Session

from dashboard.db import Database
from dashboard.importer import ImportFailed, import_directory
from tests.factories import make_organisation, make_pool, make_user
from tests.importer.broken_rules import RULES
from tests.importer.folders import good_files, snapshot, with_line, write_folder


@pytest.mark.parametrize(('file', 'line', 'content', 'problem'), RULES, ids=[rule[3][:70] for rule in RULES])
def test_a_rule_broken_is_named_and_nothing_changes(
    db: Database, session: Session, tmp_path: Path, file: str, line: int, content: str, problem: str
) -> None:
    before = _stored_data(db, session)

    with pytest.raises(ImportFailed) as failure:
        import_directory(db=db, directory=write_folder(tmp_path, with_line(file, line, content)))

    assert failure.value.problems == [problem]
    assert failure.value.more == 0
    assert snapshot(db) == before


def test_a_missing_organisations_csv_is_named(db: Database, session: Session, tmp_path: Path) -> None:
    before = _stored_data(db, session)

    with pytest.raises(ImportFailed) as failure:
        import_directory(db=db, directory=write_folder(tmp_path, good_files(organisations=None, users=None)))

    assert failure.value.problems == [f'organisations.csv: not found in {tmp_path}; this file is required']
    assert snapshot(db) == before


def test_a_file_that_is_not_utf8_is_named_with_its_line(db: Database, session: Session, tmp_path: Path) -> None:
    before = _stored_data(db, session)
    write_folder(tmp_path, good_files())
    (tmp_path / 'users.csv').write_bytes(
        '\n'.join(good_files()['users.csv'][:2] + ['SN-2,Björn Viewer,bjorn@globex.test,,viewer']).encode('latin-1')
    )

    with pytest.raises(ImportFailed) as failure:
        import_directory(db=db, directory=tmp_path)

    assert failure.value.problems == [
        'users.csv:3: the file is not UTF-8 text (byte 0xF6 cannot be read); save it as UTF-8 and retry'
    ]
    assert snapshot(db) == before


def test_an_empty_file_is_named(db: Database, session: Session, tmp_path: Path) -> None:
    before = _stored_data(db, session)

    with pytest.raises(ImportFailed) as failure:
        import_directory(db=db, directory=write_folder(tmp_path, good_files(licences=[])))

    assert failure.value.problems == [
        'licences.csv:1: the file is empty; the first line must name the columns: serial_number, kind, total, in_use, '
        'expiry_date'
    ]
    assert snapshot(db) == before


def test_every_problem_of_every_file_is_listed_in_file_order(db: Database, tmp_path: Path) -> None:
    files = good_files()
    files['organisations.csv'][2] = 'SN-2,Globex GmbH,gold,mars,2026-12-31,'
    files['licences.csv'][3] = 'SN-2,managed_agent,ten,0,2026-12-31'

    with pytest.raises(ImportFailed) as failure:
        import_directory(db=db, directory=write_folder(tmp_path, files))

    assert failure.value.problems == [
        "organisations.csv:3: plan 'gold' is not one of trial, paid",
        "organisations.csv:3: region 'mars' is not one of eu, uk, us",
        "licences.csv:4: total 'ten' is not a whole number of 0 or more",
    ]


def _stored_data(db: Database, session: Session) -> dict[str, list[tuple]]:
    """Data a bad import must leave alone: the good folder's SN-1 with other values, and an organisation SN-DB."""
    acme = make_organisation(session, serial_number='SN-1', name='Acme (before)', plan='trial')
    make_user(session, acme, email='ann@acme.test', phone=None)
    make_pool(session, acme, total=7, in_use=0)
    make_user(session, make_organisation(session, serial_number='SN-DB'), email='stored@example.com')
    return snapshot(db)
