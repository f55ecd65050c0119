"""The database engine, made once per process, and the migrations that give it its schema."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, Table, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.pool import ConnectionPoolEntry
from sqlmodel import Session, SQLModel, create_engine

from dashboard.domain.auth import models as _auth_tables  # noqa: F401  (registers the sign-in tables)
from dashboard.domain.changes import FEED_KEY
from dashboard.live import ChangeFeed, LocalChangeFeed

MIGRATIONS_DIR = Path(__file__).resolve().parent / 'migrations'


class Database:
    """One engine per process; every unit of work opens a session with `with db.session() as session:`."""

    def __init__(self, url: str, *, changes: ChangeFeed | None = None) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.changes: ChangeFeed = changes or LocalChangeFeed()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """What the session's transactions change is published on `changes` as each commits."""
        with Session(self.engine, expire_on_commit=False, info={FEED_KEY: self.changes}) as session:
            yield session

    def migrate(self) -> None:
        """Bring the schema up to the newest migration (a no-op when it already is)."""
        if not self.is_sqlite:
            migrate(self.engine)
            return
        # Python's sqlite3 commits before every DDL statement by itself, so a migration that failed half-way would
        # stay half done. Migrations get an engine of their own that runs each one in a real transaction.
        engine = make_engine(self.url, transactional_ddl=True)
        try:
            migrate(engine)
        finally:
            engine.dispose()

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == 'sqlite'


def table_of(model: type[SQLModel]) -> Table:
    """`model.__table__`, typed, for Core statements: SQLModel sets it on every table model but does not declare it."""
    table = inspect(model).local_table
    assert isinstance(table, Table), f'{model.__name__} is not a table model'
    return table


def make_engine(url: str, *, transactional_ddl: bool = False) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == 'sqlite':
        if parsed.database and parsed.database != ':memory:':
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={'check_same_thread': False, 'timeout': 30})
        event.listen(engine, 'connect', _tune_sqlite)
        if transactional_ddl:  # SQLAlchemy's recipe: the driver leaves transactions alone, we BEGIN ourselves
            event.listen(engine, 'connect', lambda connection, _record: setattr(connection, 'isolation_level', None))
            event.listen(engine, 'begin', lambda connection: connection.exec_driver_sql('BEGIN'))
        return engine
    if parsed.get_backend_name() == 'postgresql' and parsed.drivername == 'postgresql':
        url = str(parsed.set(drivername='postgresql+psycopg'))
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def _tune_sqlite(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute('PRAGMA journal_mode=WAL')
    cursor.execute('PRAGMA synchronous=NORMAL')
    cursor.execute('PRAGMA foreign_keys=ON')
    cursor.execute('PRAGMA busy_timeout=30000')
    cursor.close()


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option('script_location', str(MIGRATIONS_DIR))
    config.attributes['engine'] = engine
    return config


def migrate(engine: Engine) -> None:
    command.upgrade(alembic_config(engine), 'head')
