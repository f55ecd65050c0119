"""Every export's response: refused with an error status before the first byte when it cannot begin, and cut off
with a broken connection (never a clean end) when it fails midway, so no one mistakes a part for the whole file."""

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from dashboard.domain.errors import InvalidInput
from dashboard.ui.csv_download import csv_download


class FakeDatabase:
    def __init__(self) -> None:
        self.closed = 0

    @contextmanager
    def session(self) -> Iterator[object]:
        try:
            yield object()
        finally:
            self.closed += 1


def whole_file(_session: object) -> Iterator[str]:
    yield 'Name,Total\r\n'
    yield '"Acme",5\r\n'


def fails_midway(_session: object) -> Iterator[str]:
    yield 'Name,Total\r\n' + '"Acme",5\r\n' * 5000
    raise RuntimeError('the database went away')


def refused(_session: object) -> Iterator[str]:
    raise InvalidInput('You may not export this.')


def fails_at_once(_session: object) -> Iterator[str]:
    yield from ()
    raise OverflowError('date value out of range')


@pytest.fixture(scope='module')
def server() -> Iterator[tuple[str, FakeDatabase]]:
    db = FakeDatabase()
    app = FastAPI()
    exports = {'whole': whole_file, 'midway': fails_midway, 'refused': refused, 'at-once': fails_at_once}

    @app.get('/{name}.csv')
    async def export(name: str):
        return await csv_download(db, exports[name], f'{name}.csv')  # type: ignore[arg-type]

    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        port = probe.getsockname()[1]
    running = uvicorn.Server(uvicorn.Config(app, host='127.0.0.1', port=port, log_level='critical'))
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    while not running.started:
        time.sleep(0.05)
    yield f'http://127.0.0.1:{port}', db
    running.should_exit = True
    thread.join(timeout=10)


def test_a_whole_file_ends_cleanly_with_its_headers(server) -> None:
    base, _db = server
    response = httpx.get(f'{base}/whole.csv')
    assert response.status_code == 200
    assert response.text == '\ufeffName,Total\r\n"Acme",5\r\n'
    assert response.headers['cache-control'] == 'no-store'
    assert response.headers['x-content-type-options'] == 'nosniff'
    assert response.headers['content-disposition'] == 'attachment; filename="whole.csv"'


def test_a_failure_midway_breaks_the_connection_instead_of_ending_the_file(server) -> None:
    base, _db = server
    with pytest.raises(httpx.RemoteProtocolError, match='incomplete'):
        httpx.get(f'{base}/midway.csv')


@pytest.mark.parametrize(('name', 'status'), [('refused', 403), ('at-once', 400)])
def test_an_export_that_cannot_begin_is_an_error_status_and_sends_no_file(server, name: str, status: int) -> None:
    base, db = server
    closed = db.closed
    response = httpx.get(f'{base}/{name}.csv')
    assert response.status_code == status
    assert 'text/csv' not in response.headers['content-type']
    assert db.closed == closed + 1  # the session is given back
