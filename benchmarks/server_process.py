"""What the benchmarks that start `python -m dashboard serve` share: a free port, waiting for the server to answer,
and reading its memory and CPU time from /proc."""

import os
import socket
import subprocess
import time
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def wait_until_up(server: subprocess.Popen, base_url: str, log_path: Path, seconds: float) -> None:
    """Until GET /login answers; stops the benchmark with the server's log if it exits or takes too long."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f'The server exited with {server.returncode}:\n{log_path.read_text()}')
        try:
            if httpx.get(f'{base_url}/login', timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    server.kill()
    raise SystemExit(f'The server did not answer within {seconds:.0f} s:\n{log_path.read_text()}')


def rss_mb(pid: int) -> float:
    """The process's resident memory, in MB."""
    for line in Path(f'/proc/{pid}/status').read_text().splitlines():
        if line.startswith('VmRSS:'):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f'no VmRSS for process {pid}')


def cpu_seconds(pid: int) -> float:
    """User and system CPU time the process has used so far."""
    fields = Path(f'/proc/{pid}/stat').read_text().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')
