"""`python -m dashboard import DIR` as a person runs it: problems on stderr and exit code 1, or a summary and 0."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.importer.folders import GOOD, SAMPLE, good_files, write_folder

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def test_the_command_lists_problems_and_exits_1_then_imports_good_data(tmp_path: Path) -> None:
    database = tmp_path / 'cli.db'
    history = [GOOD['licence_history.csv'][0]] + [f'SN-1,2026-03-01 10:15,Admin Team,other,,,,{n}' for n in range(52)]
    bad = write_folder(tmp_path / 'bad', good_files(licence_history=history))

    failed = _run_import(bad, database)

    assert failed.returncode == 1
    assert failed.stdout == ''
    lines = failed.stderr.splitlines()
    assert lines[0] == (
        "licence_history.csv:2: occurred_at '2026-03-01 10:15' has no offset from UTC; "
        "add 'Z' for UTC or one such as '+01:00'"
    )
    assert lines[49].startswith('licence_history.csv:51: ')
    assert lines[50:] == ['... and 2 more problems', 'Nothing was imported.']

    imported = _run_import(SAMPLE, database)

    assert imported.returncode == 0, imported.stderr
    assert imported.stdout == (
        'Imported 6 organisations (6 new, 0 updated, 0 unchanged), 16 users (16 new, 0 updated, 0 unchanged), '
        '11 licence pools (11 new, 0 updated, 0 unchanged) and 40 history rows (40 new, 0 already stored).\n'
    )
    with sqlite3.connect(database) as connection:
        assert connection.execute('SELECT count(*) FROM licence_history').fetchone() == (40,)


def _run_import(directory: Path, database: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, 'DATABASE_URL': f'sqlite:///{database}'}
    return subprocess.run(
        [sys.executable, '-m', 'dashboard', 'import', str(directory)],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
