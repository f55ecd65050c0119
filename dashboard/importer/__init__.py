"""The CSV import of `python -m dashboard import DIR` (the format is in import-format.md).

Every file is checked to the end first, and any problem stops the import before anything is written; then
everything is written in one database transaction. Importing the same folder again changes nothing.
"""

from pathlib import Path

from dashboard.db import Database
from dashboard.importer.problems import ImportFailed
from dashboard.importer.report import Counts, ImportReport
from dashboard.importer.validation import check_folder
from dashboard.importer.writer import write_folder

__all__ = ['Counts', 'ImportFailed', 'ImportReport', 'import_directory']


def import_directory(*, db: Database, directory: Path, progress: bool = False) -> ImportReport:
    """Raises ImportFailed, having changed nothing, when any file has a problem."""
    folder = check_folder(db=db, directory=directory, progress=progress)
    return write_folder(db=db, folder=folder, progress=progress)
