"""What the benchmarks share: percentiles of timed runs, and the query plans of what a call sends."""

import statistics
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import event, text
from sqlmodel import Session

from dashboard.db import Database


def percentile(times: list[float], percent: int) -> float:
    return statistics.quantiles(times, n=100, method='inclusive')[percent - 1] if len(times) > 1 else times[0]


def explain(session: Session, db: Database, name: str, call: Callable[[], object]) -> None:
    """The plan of every statement the call sends, as the database would run it."""
    print(f'\nQuery plan of "{name}":')
    with statements_sent(db) as sent:
        call()
    prefix = 'EXPLAIN QUERY PLAN ' if db.is_sqlite else 'EXPLAIN '
    connection = session.connection().connection.driver_connection
    for statement, parameters in sent:
        print(f'  {" ".join(statement.split())}')
        cursor = connection.cursor()
        cursor.execute(prefix + statement, parameters)
        for row in cursor.fetchall():
            print(f'    {row[-1]}')
        cursor.close()


@contextmanager
def statements_sent(db: Database) -> Iterator[list[tuple[str, object]]]:
    statements: list[tuple[str, object]] = []

    def capture(_connection, _cursor, statement, parameters, _context, _executemany) -> None:
        statements.append((statement, parameters))

    event.listen(db.engine, 'before_cursor_execute', capture)
    try:
        yield statements
    finally:
        event.remove(db.engine, 'before_cursor_execute', capture)


def analyse(db: Database) -> None:
    """Gives the query planner statistics (and PostgreSQL its visibility map, for index-only scans)."""
    with db.engine.connect().execution_options(isolation_level='AUTOCOMMIT') as connection:
        connection.execute(text('ANALYZE' if db.is_sqlite else 'VACUUM ANALYZE'))
