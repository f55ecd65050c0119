"""What a flood of page loads that never connect a websocket does to the server's memory: 10,000 unauthenticated
GET /login from a few concurrent clients, as anyone on the internet could send them.

    .venv/bin/python benchmarks/page_flood.py [--database-file PATH] [--orgs N] [--loads N] [--concurrency N]
                                              [--addresses N]

Fills a temporary SQLite file with a small demo (or reuses --database-file), starts `python -m dashboard serve` on
127.0.0.1 (jobs off), reads its resident memory (VmRSS), loads /login --loads times without cookies and without ever
connecting a websocket, waits --settle seconds for the unconnected clients to be pruned, reads it again and prints
start, peak and end RSS, the growth, loads per second and the failed loads. The loads come from --addresses client
addresses (X-Forwarded-For, which the server is told to trust from 127.0.0.1): many, as from a botnet, by
default; 1 for a single attacker. Target: the end within 50 MB of the start, and no failed load. Exits 1 when it
misses.
"""

import argparse
import asyncio
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
from server_process import free_port, rss_mb, wait_until_up

REPO = Path(__file__).resolve().parent.parent
TARGET_MB = 50
# Loaded into the server through PYTHONPATH: on SIGUSR1 it prints its CPU seconds collecting garbage, and in all.
GC_PROBE = '''
import gc, signal, time
_collecting = [0.0, 0.0]
def _time(phase, _info):
    if phase == 'start':
        _collecting[1] = time.thread_time()
    else:
        _collecting[0] += time.thread_time() - _collecting[1]
gc.callbacks.append(_time)
signal.signal(signal.SIGUSR1, lambda *_: print(f'GC {_collecting[0]:.3f} CPU {time.process_time():.3f}', flush=True))
'''
GC_LINE = re.compile(r'^GC ([0-9.]+) CPU ([0-9.]+)$', re.MULTILINE)
STARTUP_SECONDS = 180  # a busy machine
REQUEST_TIMEOUT_SECONDS = 15


def main() -> int:
    args = _arguments()
    with tempfile.TemporaryDirectory() as folder:
        database = Path(args.database_file or f'{folder}/flood.db')
        env = _environment(folder, database)
        if not args.database_file or not database.exists():
            subprocess.run([sys.executable, '-m', 'dashboard', 'demo', '--orgs', str(args.orgs)], cwd=folder, env=env,
                           check=True, stdout=subprocess.DEVNULL)
        return _flood_server(args, folder, env)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--database-file', help='SQLite file: filled with the demo if missing, else reused')
    parser.add_argument('--orgs', type=int, default=200, help='organisations of the demo (default 200)')
    parser.add_argument('--loads', type=int, default=10_000, help='page loads (default 10,000)')
    parser.add_argument('--concurrency', type=int, default=4, help='loads in flight at once (default 4)')
    parser.add_argument('--addresses', type=int, default=1000, help='client addresses the loads come from (1,000)')
    parser.add_argument('--settle', type=float, default=15, help='seconds to wait after the flood (default 15)')
    parser.add_argument('--max-seconds', type=float, default=600, help='the flood stops after this (default 600)')
    return parser.parse_args()


def _environment(folder: str, database: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith('PYTEST')}
    env.update(DATABASE_URL=f'sqlite:///{database}', DATA_DIR=folder, DASHBOARD_SECRET='page-flood-benchmark',
               NICEGUI_STORAGE_PATH=f'{folder}/storage', JOBS_ENABLED='false', PYTHONUNBUFFERED='1',
               TRUSTED_PROXIES='127.0.0.1', PYTHONPATH=f'{folder}/probe{os.pathsep}{REPO}')
    Path(f'{folder}/probe').mkdir()
    Path(f'{folder}/probe/sitecustomize.py').write_text(GC_PROBE)
    return env


def _flood_server(args: argparse.Namespace, folder: str, env: dict[str, str]) -> int:
    port = free_port()
    base_url = f'http://127.0.0.1:{port}'
    log_path = Path(folder) / 'server.log'
    with log_path.open('wb') as log:
        server = subprocess.Popen([sys.executable, '-m', 'dashboard', 'serve', '--host', '127.0.0.1', '--port',
                                   str(port)], cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_until_up(server, base_url, log_path, STARTUP_SECONDS)
        time.sleep(args.settle)  # the warm-up load's client goes the way every flooded one should
        start = rss_mb(server.pid)
        peak = _PeakRss(server.pid)
        server.send_signal(signal.SIGUSR1)
        started = time.perf_counter()
        done, failed = asyncio.run(_flood(base_url, args))
        seconds = time.perf_counter() - started
        server.send_signal(signal.SIGUSR1)
        time.sleep(args.settle)
        end = rss_mb(server.pid)
        peak.stop()
    finally:
        server.terminate()
        server.wait(timeout=10)
    growth = end - start
    (gc_before, cpu_before), (gc_after, cpu_after) = [tuple(map(float, found)) for found in
                                                      GC_LINE.findall(log_path.read_text())][:2]
    print(f'{done:,} GET /login in {seconds:.1f} s ({done / seconds:,.0f} loads/s, concurrency {args.concurrency}, '
          f'{args.addresses:,} addresses), {failed:,} failed')
    print(f'RSS start {start:,.0f} MB, peak {max(peak.value, end):,.0f} MB, end {end:,.0f} MB '
          f'({args.settle:.0f} s after the flood): {growth:+,.0f} MB (target within {TARGET_MB} MB)')
    print(f'During the flood the server spent {gc_after - gc_before:.1f} s of its {cpu_after - cpu_before:.1f} s CPU '
          f'collecting garbage ({(gc_after - gc_before) / max(cpu_after - cpu_before, 1e-9):.0%})')
    missed = growth > TARGET_MB or failed > 0 or done < args.loads
    if missed:
        print('MISSED')
    return 1 if missed else 0


async def _flood(base_url: str, args: argparse.Namespace) -> tuple[int, int]:
    """Loads /login --loads times, --concurrency at once, each with no cookie (a new browser session every time)."""
    deadline = time.monotonic() + args.max_seconds
    remaining = iter(range(args.loads))
    counts = {'done': 0, 'failed': 0}

    async def worker() -> None:
        async with httpx.AsyncClient(base_url=base_url, timeout=REQUEST_TIMEOUT_SECONDS) as client:
            for number in remaining:
                if time.monotonic() > deadline:
                    return
                client.cookies.clear()
                address = number % args.addresses
                try:
                    response = await client.get('/login', headers={
                        'X-Forwarded-For': f'10.{address >> 16 & 255}.{address >> 8 & 255}.{address & 255}'})
                    ok = response.status_code == 200 and 'client_id' in response.text
                except httpx.HTTPError:
                    ok = False
                counts['done'] += 1
                counts['failed'] += not ok

    await asyncio.gather(*(worker() for _ in range(args.concurrency)))
    return counts['done'], counts['failed']


class _PeakRss:
    """The highest RSS of a process, sampled every 0.2 s in a thread until stopped."""

    def __init__(self, pid: int) -> None:
        self.value = rss_mb(pid)
        self._pid = pid
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stopped.wait(0.2):
            self.value = max(self.value, rss_mb(self._pid))

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join()


if __name__ == '__main__':
    raise SystemExit(main())
