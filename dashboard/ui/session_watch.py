"""How an open page learns, without asking the database every few seconds, that its sign-in session has ended: the
change feed announces ended sessions (log-out, a password change, a deactivation, a role change, idleness), and each
process keeps the recently ended ones in memory for its pages' timers. Sessions ended by another process (the
`set-password` command, an import, another instance) are found by one query a second for the whole process: which of
the sessions its open pages hold have ended."""

import asyncio
import logging
import threading
import time
import weakref
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from nicegui import background_tasks
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import col, select

from dashboard.config import get_settings
from dashboard.db import Database
from dashboard.domain.auth.models import UserSession
from dashboard.domain.auth.sessions import live_session
from dashboard.domain.changes import SESSIONS_ENDED, Change
from dashboard.ui.io_bound import io_bound

# A page opened after a session ended was refused by the database; remembering ends this long covers the pages
# that were being built while the end was announced.
REMEMBER_SECONDS = 600
# A page with activity records it in the database at most this often (the session's last_seen_at).
SYNC_SECONDS = 60
POLL_SECONDS = 1  # how soon a session ended by another process is noticed (the pages' timers add up to 2 s)
log = logging.getLogger(__name__)


class EndedSessions:
    """The sessions of one `Database` ended lately, as its change feed announced them or the poll found them."""

    def __init__(self, db: Database) -> None:
        self._db = weakref.ref(db)
        self._ended: dict[int, float] = {}
        self._watched: Counter[int] = Counter()
        self._poll: asyncio.Task | None = None
        self._lock = threading.Lock()
        db.changes.subscribe(self._hear)

    def watch(self, session_id: int) -> Callable[[], None]:
        """A page holds this session until the returned function is called; call it on the event loop."""
        self._watched[session_id] += 1
        if self._poll is None or self._poll.done():
            self._poll = background_tasks.create(self._poll_forever(), name='ended sessions poll')

        def unwatch() -> None:
            self._watched[session_id] -= 1
            if self._watched[session_id] <= 0:
                del self._watched[session_id]
        return unwatch

    async def _poll_forever(self) -> None:
        while True:
            await asyncio.sleep(POLL_SECONDS)
            db = self._db()
            if db is None:
                return
            watched = [session_id for session_id in self._watched if not self.has_ended(session_id)]
            if not watched:
                continue
            try:
                ended = await io_bound(_ended_among, db, watched)
            except SQLAlchemyError:  # the database busy or away: the next poll tries again
                log.warning('Could not check for ended sessions', exc_info=True)
                continue
            self._hear(Change(organisation_id=0, what=SESSIONS_ENDED, session_ids=tuple(ended)))

    def _hear(self, change: Change) -> None:  # on whatever thread committed
        if change.what != SESSIONS_ENDED:
            return
        now = time.monotonic()
        with self._lock:
            for session_id in change.session_ids:
                self._ended[session_id] = now
            if len(self._ended) > 1000:
                self._ended = {key: at for key, at in self._ended.items() if now - at < REMEMBER_SECONDS}

    def has_ended(self, session_id: int) -> bool:
        return session_id in self._ended


def _ended_among(db: Database, session_ids: list[int]) -> list[int]:
    ended: list[int | None] = []
    with db.session() as session:
        for start in range(0, len(session_ids), 500):
            chunk = session_ids[start:start + 500]
            ended += session.exec(select(col(UserSession.id)).where(col(UserSession.id).in_(chunk),
                                                               col(UserSession.ended_at).is_not(None))).all()
    return [session_id for session_id in ended if session_id is not None]


_registries: weakref.WeakKeyDictionary[Database, EndedSessions] = weakref.WeakKeyDictionary()
_registries_lock = threading.Lock()


def ended_sessions(db: Database) -> EndedSessions:
    with _registries_lock:
        if db not in _registries:
            _registries[db] = EndedSessions(db)
        return _registries[db]


@dataclass
class PageSession:
    """The sign-in session an open page was built for."""

    db: Database
    session_id: int
    user_id: int
    token: str = field(repr=False)
    ended: bool = False
    active: bool = False  # something was done on the page since the database last heard of it
    synced_at: float = field(default_factory=time.monotonic)

    def is_live(self) -> bool:
        """Cheap: in memory only. The session has not been announced as ended."""
        if not self.ended and ended_sessions(self.db).has_ended(self.session_id):
            self.ended = True
        return not self.ended

    def note_activity(self) -> None:
        self.active = True

    async def check(self, idle_timeout_seconds: float) -> bool:
        """For the page's timer: in memory, and at most once a minute (when the page was used) or once per idle
        period (when it was not) in the database, which ends a session idle for too long."""
        if not self.is_live():
            return False
        elapsed = time.monotonic() - self.synced_at
        if (self.active and elapsed >= SYNC_SECONDS) or elapsed > idle_timeout_seconds:
            touch, self.active, self.synced_at = self.active, False, time.monotonic()
            self.ended = not await io_bound(self._still_live, touch)
        return not self.ended

    def _still_live(self, touch: bool) -> bool:
        with self.db.session() as session:
            row = live_session(session=session, token=self.token, idle_timeout=get_settings().session_idle_timeout,
                               touch=touch)
            return row is not None and row.id == self.session_id
