"""The app as a subprocess for the browser and security tests: `python -m dashboard serve` on a free port."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 30


@contextmanager
def serve(folder: Path, db_url: str, *options: str, env: dict[str, str] | None = None) -> Iterator[str]:
    """`python -m dashboard serve` on a free port, on that database, until the block ends; yields its base URL.
    `env` adds settings, e.g. `{'SESSION_IDLE_HOURS': '0.001'}`."""
    port = _free_port()
    settings, env = env or {}, {key: value for key, value in os.environ.items() if key != 'PYTEST_CURRENT_TEST'}
    # The scheduled jobs stay off: a reminder queued at a moment no test chose would make the outbox unpredictable.
    env.update(DATABASE_URL=db_url, DASHBOARD_SECRET='browser-test-secret', PYTHONPATH=str(REPO),
               NICEGUI_STORAGE_PATH=str(folder / 'storage'), PYTHONUNBUFFERED='1', JOBS_ENABLED='false')
    env.update(settings)
    log_path = folder / 'server.log'
    with log_path.open('wb') as log:
        command = [sys.executable, '-m', 'dashboard', 'serve', '--host', '127.0.0.1', '--port', str(port), *options]
        server = subprocess.Popen(command, cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT)
    base_url = f'http://127.0.0.1:{port}'
    try:
        _wait_until_up(server, base_url, log_path)
        yield base_url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def _wait_until_up(server: subprocess.Popen, base_url: str, log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f'The server exited with {server.returncode}:\n{log_path.read_text()}', pytrace=False)
        try:
            if httpx.get(f'{base_url}/login', timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    server.kill()
    pytest.fail(f'The server did not answer GET /login within {STARTUP_SECONDS} s:\n{log_path.read_text()}',
                pytrace=False)
