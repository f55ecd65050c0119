"""The scheduled jobs: renewal reminders, the weekly sales digest, the deletion lifecycle and outbox delivery.

Every job is idempotent and safe when several processes run it at once (`serve` on two machines, plus cron): the
jobs that queue email queue each one under a dedupe key, so a second run queues nothing new, and delivery claims
each email before sending it (see `dashboard.jobs.outbox_claims`). Running them more often than needed does no harm.
"""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from dashboard.config import get_settings
from dashboard.db import Database
from dashboard.domain import clock
from dashboard.domain.deletion.lifecycle import advance_deletions
from dashboard.domain.deletion.purge import purge_personal_data
from dashboard.domain.renewals.reminders import queue_renewal_reminders, queue_sales_digest
from dashboard.jobs.delivery import deliver_outbox

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[Database, datetime], int]  # returns how many things it did (emails sent, reminders queued, ...)
    every: timedelta
    counts: str = 'done'  # what `run`'s number counts, for people: 'emails sent'


def session_job(operation: Callable[..., int], **values: Callable[[], object]) -> Callable[[Database, datetime], int]:
    """A job's `run` for a domain operation `operation(*, session, now, ...) -> int`: one session, committed.
    `values` are read when the job runs, e.g. `stages=lambda: get_settings().renewal_reminder_days`."""
    def run(db: Database, now: datetime) -> int:
        with db.session() as session:
            done = operation(session=session, now=now, **{name: value() for name, value in values.items()})
            session.commit()
            return done
    return run


# Jobs that queue email run before delivery, so their mail goes out in the same round.
QUEUEING_JOBS: list[Job] = [
    Job('renewal reminders', session_job(queue_renewal_reminders, stages=lambda: get_settings().renewal_reminder_days,
                                         vendor=lambda: get_settings().vendor()),
        every=timedelta(hours=1), counts='reminders queued'),
    Job('sales digest', session_job(queue_sales_digest, weekday=lambda: get_settings().sales_digest_weekday,
                                    vendor=lambda: get_settings().vendor()),
        every=timedelta(hours=1), counts='digests queued'),
    Job('account deletions', session_job(advance_deletions, vendor=lambda: get_settings().vendor()),
        every=timedelta(minutes=5), counts='accounts cancelled'),
    Job('personal data purge', session_job(purge_personal_data), every=timedelta(hours=1),
        counts='accounts purged'),
]

# Delivery always reads the real clock, never the jobs' `now`: mail the jobs before it queued a moment ago is due now,
# not at the next round, and a simulated `jobs run-once --at` must not stamp a sent time or reschedule a failed send
# to a date that has not come.
DELIVERY = Job('outbox delivery', lambda db, _now: deliver_outbox(db, now=clock.now()),
               every=timedelta(seconds=0), counts='emails sent')


def all_jobs() -> list[Job]:
    return [*QUEUEING_JOBS, DELIVERY]


@dataclass
class Schedule:
    """When each job last ran in this process; `serve` keeps one, so a job runs at most every `every`."""

    last_run: dict[str, datetime] = field(default_factory=dict)

    def due(self, job: Job, now: datetime) -> bool:
        last = self.last_run.get(job.name)
        return last is None or now - last >= job.every


def run_due_jobs(db: Database, now: datetime | None = None, *, schedule: Schedule | None = None,
                 jobs: list[Job] | None = None) -> dict[str, int]:
    """Runs each due job once (every job, without a `schedule`) and returns what each did. One that fails is logged
    with its traceback and left out of the result; the others still run."""
    now = now or clock.now()
    results: dict[str, int] = {}
    for job in jobs if jobs is not None else all_jobs():
        if schedule is not None and not schedule.due(job, now):
            continue
        started = time.perf_counter()
        try:
            results[job.name] = job.run(db, now)
        except Exception:
            log.exception('The job "%s" failed', job.name)
        else:
            log.debug('The job "%s" did %s in %.2f s', job.name, results[job.name], time.perf_counter() - started)
        if schedule is not None:
            schedule.last_run[job.name] = now
    return results


def start_in_background(db: Database, interval_seconds: float) -> None:
    """Runs the due jobs every `interval_seconds` while the web app runs, off the event loop."""
    from nicegui import app, run  # only the web app schedules jobs itself

    schedule = Schedule()

    async def tick() -> None:
        await run.io_bound(run_due_jobs, db, schedule=schedule)

    app.timer(interval_seconds, tick, immediate=False)

