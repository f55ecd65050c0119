"""A name with a control, separator or invisible character would stop (or disguise) every email naming it: the import
refuses such a character in every text column with `FILE:LINE:`, names it, and changes nothing."""

from pathlib import Path

import pytest
from sqlmodel import Session, select

from dashboard.db import Database
from dashboard.domain.models import LicenceHistory, Organisation, User
from dashboard.importer import ImportFailed, import_directory
from tests.importer.folders import snapshot, with_line, write_folder

ORG, USERS, HISTORY = 'organisations.csv', 'users.csv', 'licence_history.csv'
# (file, line, the line with {} where the bad value goes, column)
COLUMNS = [
    (ORG, 3, 'SN-2,"{}",trial,eu,2026-12-31,', 'name'),
    (USERS, 3, 'SN-2,"{}",bob@globex.test,,viewer', 'full_name'),
    (HISTORY, 3, 'SN-2,2026-01-01T09:00:00Z,"{}",other,,,,', 'actor'),
    (HISTORY, 3, 'SN-2,2026-01-01T09:00:00Z,Admin Team,other,,"{}",,', 'old_value'),
    (HISTORY, 3, 'SN-2,2026-01-01T09:00:00Z,Admin Team,other,,,"{}",', 'new_value'),
    (HISTORY, 3, 'SN-2,2026-01-01T09:00:00Z,Admin Team,other,,,,"{}"', 'note'),
]
CHARACTERS = {
    '\r': 'U+000D (CARRIAGE RETURN)',
    '\x00': 'U+0000 (NUL)',
    '\t': 'U+0009 (TAB)',
    '\x1b': 'U+001B (ESCAPE)',
    '\x85': 'U+0085 (NEXT LINE)',
    '\u2028': 'U+2028 (LINE SEPARATOR)',
    '\u2029': 'U+2029 (PARAGRAPH SEPARATOR)',
    '\u202e': 'U+202E (RIGHT-TO-LEFT OVERRIDE)',
    '\u2066': 'U+2066 (LEFT-TO-RIGHT ISOLATE)',
    '\u200b': 'U+200B (ZERO WIDTH SPACE)',
    '\ufeff': 'U+FEFF (ZERO WIDTH NO-BREAK SPACE)',
}


@pytest.mark.parametrize(('file', 'line', 'template', 'column'), COLUMNS, ids=[c[3] for c in COLUMNS])
@pytest.mark.parametrize('char', CHARACTERS, ids=[name.split()[0] for name in CHARACTERS.values()])
def test_an_unsafe_character_in_any_text_column_is_refused_with_its_line(
        db: Database, tmp_path: Path, file: str, line: int, template: str, column: str, char: str) -> None:
    before = snapshot(db)
    folder = write_folder(tmp_path, with_line(file, line, template.format(f'Acme{char}Ltd')))

    with pytest.raises(ImportFailed) as failure:
        import_directory(db=db, directory=folder)

    assert failure.value.problems == [
        f'{file}:{line}: {column} has the control or invisible character {CHARACTERS[char]} at character 5; '
        'remove it (it could stop or disguise the emails that name it)']
    assert snapshot(db) == before


@pytest.mark.parametrize('char', ['\x00', '\u2028'])
def test_an_email_address_with_such_a_character_is_refused(db: Database, tmp_path: Path, char: str) -> None:
    folder = write_folder(tmp_path, with_line(USERS, 3, f'SN-2,Bob Viewer,"bob{char}x@globex.test",,viewer'))

    with pytest.raises(ImportFailed) as failure:
        import_directory(db=db, directory=folder)

    assert failure.value.problems[0].startswith(f'{USERS}:3: email has the control or invisible character U+')


def test_a_note_may_have_line_feeds_and_names_keep_the_joiners_their_scripts_need(
        db: Database, session: Session, tmp_path: Path) -> None:
    persian = 'می\u200cخواهم'  # the zero-width non-joiner is part of the word
    family = 'Team \U0001f468\u200d\U0001f469\u200d\U0001f467'  # emoji joined by zero-width joiners
    files = with_line(ORG, 3, f'SN-2,{persian},trial,eu,2026-12-31,')
    files[USERS][2] = f'SN-2,{family},bob@globex.test,,viewer'
    files[HISTORY][2] = 'SN-2,2026-01-01T09:00:00Z,Admin Team,other,,,,"first line\nsecond line"'

    import_directory(db=db, directory=write_folder(tmp_path, files))

    assert session.exec(select(Organisation.name).where(Organisation.serial_number == 'SN-2')).one() == persian
    assert session.exec(select(User.full_name).where(User.email == 'bob@globex.test')).one() == family
    assert 'first line\nsecond line' in session.exec(select(LicenceHistory.note)).all()
