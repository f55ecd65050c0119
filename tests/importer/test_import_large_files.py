"""Importing a large history file: fast enough, with a progress bar when asked."""

import io
import time
from pathlib import Path

import pytest
from sqlmodel import Session

from dashboard.db import Database
from dashboard.importer import import_directory
from dashboard.importer.progress import ProgressBar
from tests.importer.folders import GOOD, counts, good_files, write_folder


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
