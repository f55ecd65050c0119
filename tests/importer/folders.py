"""Small CSV import folders written into tmp_path: the good folder, variations of it, and what the database holds."""

from pathlib import Path

from sqlalchemy import text
from sqlmodel import Session, func, select

from dashboard.db import Database
from dashboard.domain.models import LicenceHistory, LicencePool, Organisation, User

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
