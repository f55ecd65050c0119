"""Password checks on a pool of their own. An Argon2 check takes 64 MiB and most of a core, so a flood of sign-in
attempts must not take the threads that every page's database work runs on: here at most `workers` checks run at
once and `queue` more wait; anything beyond is refused at once, without hashing."""

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from dashboard.domain.errors import DomainError

T = TypeVar('T')
BUSY = 'The service is busy; try again in a moment.'


class ServiceBusy(DomainError):
    """Too many password checks are running or waiting."""


class PasswordCheckPool:
    def __init__(self, *, workers: int = 1, queue: int = 8) -> None:
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix='password-check')
        self._places = threading.BoundedSemaphore(workers + queue)

    def submit(self, check: Callable[..., T], *args: object) -> Future[T]:
        """Runs `check(*args)` on the pool, or raises `ServiceBusy` when every place is taken."""
        if not self._places.acquire(blocking=False):
            raise ServiceBusy(BUSY)
        try:
            future = self._executor.submit(check, *args)
        except BaseException:
            self._places.release()
            raise
        future.add_done_callback(lambda _: self._places.release())
        return future

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
