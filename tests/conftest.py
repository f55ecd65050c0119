"""Shared fixtures: a migrated database (SQLite, or PostgreSQL where TEST_DATABASE_URL says so), emptied per test."""

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlmodel import Session, SQLModel

from dashboard.db import Database


def _test_database(tmp_dir: Path) -> tuple[str, str | None]:
    """The URL to test against, and the PostgreSQL schema made for this run (None on SQLite)."""
    url = os.environ.get('TEST_DATABASE_URL')
    if not url:
        return f'sqlite:///{tmp_dir / "test.db"}', None
    # Each run gets a schema of its own, so runs on one server never see each other's rows.
    schema = f'test_{uuid.uuid4().hex[:12]}'
    parsed = make_url(url)
    return parsed.set(query={**parsed.query, 'options': f'-csearch_path={schema}'}).render_as_string(False), schema


@pytest.fixture(scope='session')
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    url, schema = _test_database(tmp_path_factory.mktemp('db'))
    server = Database(os.environ['TEST_DATABASE_URL']) if schema else None
    if server:
        with server.engine.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA {schema}'))
    db = Database(url)
    db.migrate()
    yield db
    db.engine.dispose()
    if server:
        with server.engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA {schema} CASCADE'))
        server.engine.dispose()


@pytest.fixture
def db(database: Database) -> Iterator[Database]:
    """The database, empty at the start of each test."""
    empty_database(database)
    yield database


@pytest.fixture
def session(db: Database) -> Iterator[Session]:
    with db.session() as session:
        yield session


def empty_database(db: Database) -> None:
    tables = [table.name for table in reversed(SQLModel.metadata.sorted_tables)]
    with db.engine.begin() as connection:
        if db.is_sqlite:
            connection.execute(text('UPDATE organisation SET main_contact_id = NULL'))
            for table in tables:
                connection.execute(text(f'DELETE FROM {table}'))
        else:
            connection.execute(text(f'TRUNCATE {", ".join(tables)} RESTART IDENTITY CASCADE'))
