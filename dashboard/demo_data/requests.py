"""What waits on the vendor: requests to delete an account (open ones, and a few withdrawn in the past) and "Need
more licences?" requests; `request_rows` turns them into rows, with the audit entries the product writes for them.

Planned per organisation from the seed, like everything else. The showcase organisation (index 0) never asks for its
deletion, so its billing admin's screenshots stay clean; the expired organisation at index 2 always has a pending one,
so that even a small demo shows the back office a deletion to process. No email is queued: the demo must never mail.
"""

import functools
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from dashboard.demo_data.organisations import TERM_DAYS, OrganisationPlan
from dashboard.demo_data.request_messages import FIRST_LICENCES, MORE_LICENCES, PURCHASE
from dashboard.domain.actor import BILLING_ROLES
from dashboard.domain.deletion.requests import effective_date_for
from dashboard.domain.models import OPEN_DELETION_STATUSES, DeletionStatus, LicenceKind, Plan, Role

OPEN_DELETION_SHARE = 0.012  # of the organisations within their subscription period
EXPIRED_OPEN_DELETION_SHARE = 0.03  # of those whose period has ended: they are leaving anyway
IN_PROGRESS_SHARE = 0.35  # of open requests whose effective date has passed: the vendor has begun
WITHDRAWN_DELETION_SHARE = 0.012  # of paying organisations: asked once, then changed their mind
LICENCE_REQUEST_SHARE = 0.04
SECOND_LICENCE_REQUEST_SHARE = 0.25  # of those with both licence types: one request for each
# Which organisations ask is spread evenly over any run of them, so that a demo of any size has close to its share:
# each kind of request steps through a Weyl sequence (these irrational steps) from a start drawn from the seed.
WITHDRAWN_STEP, OPEN_DELETION_STEP, LICENCE_REQUEST_STEP = 0.7548776662466927, 0.6180339887498949, 0.4142135623730950
NICE_QUANTITIES = (2, 3, 5, 10, 15, 20, 25, 30, 40, 50, 75, 100, 150, 200, 250, 300, 400, 500, 750, 1000, 1500)


@dataclass(frozen=True)
class DeletionPlan:
    requester: int  # index into the organisation's users
    requested_at: datetime
    effective_date: date
    status: DeletionStatus
    started_at: datetime | None = None  # the vendor began processing it
    withdrawn_at: datetime | None = None
    withdrawn_by: int | None = None  # index into the organisation's users


@dataclass(frozen=True)
class LicenceRequestPlan:
    requester: int  # index into the organisation's users
    requested_at: datetime
    kind: LicenceKind
    quantity: int
    message: str | None
    purchase: bool  # "Buy now" on a trial rather than "Need more licences?"


@dataclass(frozen=True)
class RequestsPlan:
    deletions: tuple[DeletionPlan, ...]  # oldest first: any withdrawn one before the open one
    licence_requests: tuple[LicenceRequestPlan, ...]


def plan_requests(plan: OrganisationPlan, *, seed: int, today: date) -> RequestsPlan:
    """The organisation's requests; the same seed on the same day gives the same ones."""
    return _Planner(plan, random.Random(f'{seed}:requests:{plan.index}'), today, _starts(seed)).run()


class _Planner:
    def __init__(self, plan: OrganisationPlan, rng: random.Random, today: date, starts: dict[float, float]) -> None:
        self.plan, self.rng, self.today, self.starts = plan, rng, today, starts
        self.billing_people = [position for position, user in enumerate(plan.users) if user.role in BILLING_ROLES]
        self.expired = plan.subscription_end < today

    def run(self) -> RequestsPlan:
        if self.plan.index == 0:  # the showcase: never a deletion, always one licence request
            return RequestsPlan((), self._licence_requests(1))
        deletions = []
        if self.plan.plan is Plan.PAID and self._asks(WITHDRAWN_STEP, WITHDRAWN_DELETION_SHARE):
            deletions.append(self._withdrawn_deletion())
        share = EXPIRED_OPEN_DELETION_SHARE if self.expired else OPEN_DELETION_SHARE
        if self.plan.index == 2 or self._asks(OPEN_DELETION_STEP, share):
            deletions.append(self._open_deletion(may_be_in_progress=self.plan.index != 2))
        opened = [deletion for deletion in deletions if deletion is not None]
        if any(deletion.status in OPEN_DELETION_STATUSES for deletion in opened):
            return RequestsPlan(tuple(opened), ())  # leaving: they ask for no more licences
        wanted = 0
        if self._asks(LICENCE_REQUEST_STEP, LICENCE_REQUEST_SHARE):
            wanted = 2 if len(self.plan.pools) == 2 and self.rng.random() < SECOND_LICENCE_REQUEST_SHARE else 1
        return RequestsPlan(tuple(opened), self._licence_requests(wanted))

    def _asks(self, step: float, share: float) -> bool:
        return (self.starts[step] + step * self.plan.index) % 1 < share

    def _open_deletion(self, *, may_be_in_progress: bool) -> DeletionPlan | None:
        """Asked a few days to weeks ago; effective at the end of the period, or on the day asked once it has ended."""
        requester = self._requester()
        requested_at = self._time_between(requester, self._day(-42), self._day(-2))
        if requested_at is None:
            return None
        effective = effective_date_for(self.plan.subscription_end, requested_at.date())
        if may_be_in_progress and effective < self.today and self.rng.random() < IN_PROGRESS_SHARE:
            started_on = self._day_between(max(effective, requested_at.date() + timedelta(days=1)), self._day(-1))
            if started_on is not None:
                return DeletionPlan(
                    requester,
                    requested_at,
                    effective,
                    DeletionStatus.IN_PROGRESS,
                    started_at=self._office_time(started_on),
                )
        return DeletionPlan(requester, requested_at, effective, DeletionStatus.PENDING)

    def _withdrawn_deletion(self) -> DeletionPlan | None:
        """Asked within the current subscription period, whose end was then what it is now; withdrawn within weeks."""
        plan = self.plan
        requester = self._requester()
        period_start = plan.subscription_end - timedelta(days=TERM_DAYS)
        after_conversion = plan.converted_on + timedelta(days=14) if plan.converted_on else period_start
        requested_at = self._time_between(
            requester, max(period_start, after_conversion, self._day(-330)), self._day(-70)
        )
        if requested_at is None:
            return None
        withdrawn_at = requested_at + timedelta(days=self.rng.randint(1, 20), minutes=self.rng.randrange(8 * 60))
        withdrawer = requester if self.rng.random() < 0.8 else self._requester()
        if plan.user_created_at(withdrawer) >= withdrawn_at:
            withdrawer = requester
        effective = effective_date_for(plan.subscription_end, requested_at.date())
        return DeletionPlan(
            requester,
            requested_at,
            effective,
            DeletionStatus.WITHDRAWN,
            withdrawn_at=withdrawn_at,
            withdrawn_by=withdrawer,
        )

    def _licence_requests(self, wanted: int) -> tuple[LicenceRequestPlan, ...]:
        """A trial's are "Buy now" purchases; a customer's mostly more of what it has, sometimes a type it lacks."""
        if not wanted:
            return ()
        targets = {pool.kind: pool.target for pool in self.plan.pools}
        kinds = list(targets)
        if len(kinds) == 1 and self.rng.random() < 0.15:
            kinds = [next(kind for kind in LicenceKind if kind not in targets)]
        elif len(kinds) == 2 and self.rng.random() < 0.35:
            kinds.reverse()
        requests = []
        for kind in kinds[:wanted]:
            requester = self._requester()
            requested_at = self._time_between(requester, self._day(-35), self._day(-1))
            if requested_at is None:
                continue
            purchase = self.plan.plan is Plan.TRIAL
            messages: tuple[str | None, ...]
            if purchase:
                quantity = self.rng.choice(
                    (10, 15, 20, 25, 30, 50, 75, 100) if kind is LicenceKind.MANAGED_AGENT else (2, 3, 5, 10)
                )
                messages = PURCHASE
            elif kind in targets:
                quantity = _nice(targets[kind] * self.rng.uniform(0.05, 0.4))
                messages = MORE_LICENCES[kind]
            else:
                quantity = _nice(self.rng.uniform(2, 15))
                messages = FIRST_LICENCES[kind]
            if self.plan.index == 0:  # the showcase's request is in the screenshots: it says what it is for
                messages = tuple(message for message in messages if message)
            message = self.rng.choice(messages)
            requests.append(
                LicenceRequestPlan(
                    requester, requested_at, kind, quantity, message and message.format(n=quantity), purchase
                )
            )
        return tuple(sorted(requests, key=lambda request: request.requested_at))

    def _requester(self) -> int:
        """One of the organisation's global and billing admins, most often its billing admin."""
        weights = [3 if self.plan.users[position].role is Role.BILLING_ADMIN else 1 for position in self.billing_people]
        return self.rng.choices(self.billing_people, weights)[0]

    def _time_between(self, requester: int, earliest: date, latest: date) -> datetime | None:
        """A time in office hours on a day from `earliest` to `latest` after the requester joined; None if none."""
        joined = self.plan.user_created_at(requester).date() + timedelta(days=1)
        day = self._day_between(max(earliest, joined, self.plan.started_on), latest)
        return None if day is None else self._office_time(day)

    def _day_between(self, first: date, last: date) -> date | None:
        return None if first > last else first + timedelta(days=self.rng.randint(0, (last - first).days))

    def _office_time(self, day: date) -> datetime:
        return datetime.combine(
            day, time(7 + self.rng.randrange(11), self.rng.randrange(60), self.rng.randrange(60)), UTC
        )

    def _day(self, days_from_today: int) -> date:
        return self.today + timedelta(days=days_from_today)


@functools.cache
def _starts(seed: int) -> dict[float, float]:
    rng = random.Random(f'{seed}:requests')
    return {step: rng.random() for step in (WITHDRAWN_STEP, OPEN_DELETION_STEP, LICENCE_REQUEST_STEP)}


def _nice(quantity: float) -> int:
    """The round number a person would ask for."""
    return min(NICE_QUANTITIES, key=lambda nice: abs(nice - quantity))
