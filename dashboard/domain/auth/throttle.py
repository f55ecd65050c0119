"""Throttling guesses: failed attempts are counted per account and per client address, in the database so that
the count holds across instances. A few failures are free; then each attempt must wait longer (back-off); past a limit
the key is locked for a while. A success clears the account's count, never the address's.

The policy (`ACCOUNT_POLICY`, per typed email, whether or not an account has it): 4 free failures, then waits of
1, 2 and 4 seconds, and the 8th failure within 15 minutes locks the email for 15 minutes. Someone who mistypes a
few times never notices; a guesser gets 8 tries per 15 minutes per account. The price is that a stranger can lock
a known email out for 15 minutes: the lock ends by itself, and every lock is logged.

`ADDRESS_POLICY`, per client address, catches one client trying many emails: 20 free failures (an office may share
an address), then waits from 1 second doubling to 15, and the 50th failure within 15 minutes locks the address."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from dashboard.domain import clock
from dashboard.domain.auth.models import SignInThrottle


@dataclass(frozen=True)
class ThrottlePolicy:
    free_failures: int = 3
    lock_after: int = 10  # failures inside the window
    window: timedelta = timedelta(minutes=15)
    lock_for: timedelta = timedelta(minutes=15)
    first_wait: timedelta = timedelta(seconds=1)
    max_wait: timedelta = timedelta(seconds=30)

    def wait_after(self, failures: int) -> timedelta:
        """The back-off after this many failures: none for the free ones, then doubling up to `max_wait`."""
        if failures <= self.free_failures:
            return timedelta(0)
        return min(self.first_wait * 2 ** (failures - self.free_failures - 1), self.max_wait)


ACCOUNT_POLICY = DEFAULT_POLICY = ThrottlePolicy(free_failures=4, lock_after=8)
# An address may fail more often than one account: several people can share an office's address.
ADDRESS_POLICY = ThrottlePolicy(free_failures=20, lock_after=50, max_wait=timedelta(seconds=15))


@dataclass(frozen=True)
class Refusal:
    until: datetime
    locked: bool  # a lock rather than a short back-off


def account_key(email: str) -> str:
    return 'account:' + email.strip().lower()[:320]


def address_key(address: str | None) -> str:
    return 'address:' + (address or 'unknown')[:64]


def refusal(*, session: Session, key: str, policy: ThrottlePolicy = DEFAULT_POLICY,
            now: datetime | None = None) -> Refusal | None:
    """Whether the key must wait now, and until when."""
    now = now or clock.now()
    row = session.get(SignInThrottle, key)
    if row is None:
        return None
    if row.locked_until is not None and row.locked_until > now:
        return Refusal(until=row.locked_until, locked=True)
    if now - row.window_started_at > policy.window:
        return None
    until = row.updated_at + policy.wait_after(row.failures)
    return Refusal(until=until, locked=False) if until > now else None


def record_failure(*, session: Session, key: str, policy: ThrottlePolicy = DEFAULT_POLICY,
                   now: datetime | None = None) -> bool:
    """Counts one failure in the caller's transaction; True when this failure locks the key."""
    now = now or clock.now()
    row = session.get(SignInThrottle, key, with_for_update=True)
    if row is None:
        row = SignInThrottle(key=key, failures=0, window_started_at=now, updated_at=now)
    if now - row.window_started_at > policy.window or (row.locked_until is not None and row.locked_until <= now):
        row.failures, row.window_started_at, row.locked_until = 0, now, None
    row.failures += 1
    row.updated_at = now
    locks = row.failures >= policy.lock_after and row.locked_until is None
    if locks:
        row.locked_until = now + policy.lock_for
    session.add(row)
    return locks


def clear(*, session: Session, key: str) -> None:
    """Forgets a key's failures (a successful sign-in clears its account), in the caller's transaction."""
    row = session.get(SignInThrottle, key)
    if row is not None:
        session.delete(row)
