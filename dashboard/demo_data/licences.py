"""An organisation's two years of licence history, and the licence pools it leads to.

The history is played forward in time, so its chains always link up: each count change starts at the total the
previous one for that licence type left, each expiry change at the previous expiry, and the last of them end at the
pool's total and expiry date.
"""

import random
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta

from dashboard.demo_data.notes import DECREASE_NOTES, INCREASE_NOTES, OTHER_EVENTS, RENEWAL_NOTES
from dashboard.demo_data.organisations import HISTORY_DAYS, TERM_DAYS, OrganisationPlan, Story
from dashboard.domain.history.recording import history_values
from dashboard.domain.models import HistoryAction, LicenceKind, Role

HOUR = 3600
DAY = 24 * HOUR
SYSTEM = 'System'
TRIAL_COUNTS = {LicenceKind.MANAGED_AGENT: (10, 10, 25), LicenceKind.ON_DEMAND: (2, 2, 5)}
# actor, by vendor staff?, action, licence type, old value, new value, note
Row = tuple[str, bool, HistoryAction, LicenceKind | None, str | None, str | None, str | None]
Handler = Callable[..., Row]


def simulate_licences(
    plan: OrganisationPlan, *, organisation_id: int, seed: int, today: date, vendor_admins: Sequence[str]
) -> tuple[list[dict], list[dict]]:
    """The organisation's licence_pool rows and licence_history rows, ready for a bulk insert."""
    return _Simulation(plan, organisation_id, random.Random(f'{seed}:history:{plan.index}'), today, vendor_admins).run()


class _Simulation:
    """Times are whole seconds since the start of the history shown; every row is from before today."""

    def __init__(
        self,
        plan: OrganisationPlan,
        organisation_id: int,
        rng: random.Random,
        today: date,
        vendor_admins: Sequence[str],
    ) -> None:
        self.plan, self.organisation_id, self.rng = plan, organisation_id, rng
        self.first_day = today - timedelta(days=HISTORY_DAYS)
        self.origin = datetime.combine(self.first_day, time.min, UTC)
        self.end = HISTORY_DAYS * DAY
        self.expired = plan.subscription_end < today
        self.active_until = min(self.end, self._second(plan.subscription_end)) if self.expired else self.end
        self.vendor_admins = vendor_admins
        admins = [user.full_name for user in plan.users if user.role in (Role.GLOBAL_ADMIN, Role.BILLING_ADMIN)]
        self.billing_people = admins or [plan.users[0].full_name]
        self.kinds = [pool.kind for pool in plan.pools]
        self.targets = {pool.kind: pool.target for pool in plan.pools}
        self.counts: dict[LicenceKind, int] = {}
        self.expiries: dict[LicenceKind, date] = {}
        self.events: list[tuple[int, int, Handler, tuple[object, ...]]] = []

    def run(self) -> tuple[list[dict], list[dict]]:
        {Story.TRIAL: self._trial, Story.CONVERTED: self._converted, Story.CUSTOMER: self._customer}[self.plan.story]()
        rows = self._replay()
        return self._pools(), rows

    # --- the stories ---

    def _trial(self) -> None:
        plan = self.plan
        assert plan.trial_ends_on is not None
        start = self._office_time(plan.started_on)
        self._start_trial(start)
        trial_end = min(self._second(plan.subscription_end), self.end)
        if plan.subscription_end != plan.trial_ends_on:
            extended_at = self._random_time(start + DAY, min(self._second(plan.trial_ends_on), self.end))
            for offset, kind in enumerate(self.kinds):
                note = f'Trial extended by {(plan.subscription_end - plan.trial_ends_on).days} days'
                self._at(extended_at + offset, self._change_expiry, kind, plan.subscription_end, note)
        self._random_events(start + HOUR, trial_end, plan.history_rows - len(self.events), trial=True)

    def _converted(self) -> None:
        plan = self.plan
        assert plan.converted_on is not None
        start, converted = self._office_time(plan.started_on), self._office_time(plan.converted_on)
        self._start_trial(start)
        self._random_events(start + HOUR, converted - HOUR, self.rng.randint(0, 2), trial=True)
        buyer = self._buyer()
        self._at(converted, self._convert, buyer)
        for offset, kind in enumerate(self.kinds):
            paid = max(1, round(self._target(kind, converted) * self.rng.uniform(0.8, 1.1)))
            self._at(converted + 1 + offset, self._set_count, kind, paid, buyer)
            first_term_end = self._renewals(kind, after=converted)
            self._at(converted + 3 + offset, self._change_expiry, kind, first_term_end, None, buyer)
        self._lapse()
        self._random_events(converted + HOUR, self.active_until, self.plan.history_rows - len(self.events))

    def _customer(self) -> None:
        for kind in self.kinds:
            self.counts[kind] = max(1, round(self._target(kind, 0) * self.rng.uniform(0.8, 1.2)))
            self.expiries[kind] = self._renewals(kind, after=HOUR)
        self._lapse()
        self._random_events(HOUR, self.active_until, self.plan.history_rows - len(self.events))

    def _start_trial(self, start: int) -> None:
        assert self.plan.trial_ends_on is not None
        by_sales = self.rng.random() < 0.3
        for offset, kind in enumerate(self.kinds):
            self.expiries[kind] = self.plan.trial_ends_on
            self._at(start + offset, self._trial_started, kind, self.rng.choice(TRIAL_COUNTS[kind]), by_sales)

    def _renewals(self, kind: LicenceKind, *, after: int) -> date:
        """Schedules the yearly renewals that end at the pool's expiry date, each a few weeks before the old expiry
        and none before `after`; returns the expiry they start from."""
        expiry = next(pool.expiry_date for pool in self.plan.pools if pool.kind == kind)
        while True:
            previous = expiry - timedelta(days=TERM_DAYS)
            renewed_at = self._office_time(previous - timedelta(days=self.rng.randint(1, 40)))
            if renewed_at <= after or self._second(previous) < after + 60 * DAY:
                return expiry
            renewer = self._renewer()
            self._at(renewed_at, self._change_expiry, kind, expiry, renewer[2], renewer)
            expiry = previous

    def _lapse(self) -> None:
        if self.expired:
            lapsed_at = self._second(self.plan.subscription_end) + self.rng.randint(1, 10) * DAY + 9 * HOUR
            if lapsed_at < self.end:
                self._at(lapsed_at, self._lapsed)

    def _random_events(self, start: int, stop: int, count: int, *, trial: bool = False) -> None:
        if stop - start < HOUR:
            return
        for _ in range(max(0, count)):
            at = self._random_time(start, stop)
            if not trial and self.rng.random() < 0.1:
                self._at(at, self._other)
            else:
                kind = self.kinds[0] if len(self.kinds) == 1 or self.rng.random() < 0.7 else self.kinds[1]
                self._at(at, self._step, kind, trial, self._target(kind, at))

    # --- the rows, written in time order ---

    def _trial_started(self, kind: LicenceKind, count: int, by_sales: bool) -> Row:
        self.counts[kind] = count
        actor, by_vendor = (self._vendor(), True) if by_sales else (self.billing_people[0], False)
        note = 'Trial set up by sales' if by_sales else 'Signed up on the website'
        return actor, by_vendor, HistoryAction.TRIAL_STARTED, kind, None, str(count), note

    def _convert(self, buyer: tuple[str, bool, str]) -> Row:
        actor, by_vendor, note = buyer
        return actor, by_vendor, HistoryAction.TRIAL_CONVERTED, None, 'Trial', 'Paid', note

    def _set_count(self, kind: LicenceKind, count: int, buyer: tuple[str, bool, str]) -> Row:
        old = self.counts[kind]
        count = count if count != old else count + 1
        self.counts[kind] = count
        action = HistoryAction.LICENCES_INCREASED if count > old else HistoryAction.LICENCES_DECREASED
        return buyer[0], buyer[1], action, kind, str(old), str(count), None

    def _step(self, kind: LicenceKind, trial: bool, target: float) -> Row:
        """Mostly growth, now and then a reduction; the total keeps near the organisation's size at the time."""
        old = self.counts[kind]
        step = max(1, round(old * self.rng.uniform(0.02, 0.15)))
        up = trial or old - step < 1 or old < 0.75 * target or (old < 1.3 * target and self.rng.random() < 0.62)
        new = old + step if up else old - step
        self.counts[kind] = new
        note: str | None
        if trial:
            actor, by_vendor, note = self._vendor(), True, 'More trial licences for the evaluation'
        elif up and self.rng.random() < 0.25:
            actor, by_vendor, note = self._customer_name(), False, f'Bought online, order WEB-{self._number()}'
        else:
            actor, by_vendor, note = self._vendor(), True, self._note(INCREASE_NOTES if up else DECREASE_NOTES)
        action = HistoryAction.LICENCES_INCREASED if up else HistoryAction.LICENCES_DECREASED
        return actor, by_vendor, action, kind, str(old), str(new), note

    def _change_expiry(
        self, kind: LicenceKind, expiry: date, note: str | None, who: tuple[str, bool, str | None] | None = None
    ) -> Row:
        old = self.expiries[kind]
        self.expiries[kind] = expiry
        actor, by_vendor = (who[0], who[1]) if who else (self._vendor(), True)
        return actor, by_vendor, HistoryAction.EXPIRY_CHANGED, kind, old.isoformat(), expiry.isoformat(), note

    def _other(self) -> Row:
        note, about_a_kind, old, new, who = self.rng.choice(OTHER_EVENTS)
        kind = self.rng.choice(self.kinds) if about_a_kind else None
        actor, by_vendor = {
            'vendor': (self._vendor(), True),
            'system': (SYSTEM, False),
            'customer': (self._customer_name(), False),
        }[who]
        return actor, by_vendor, HistoryAction.OTHER, kind, old, new, self._fill(note)

    def _lapsed(self) -> Row:
        return SYSTEM, False, HistoryAction.OTHER, None, None, None, 'Subscription lapsed: no renewal received'

    def _replay(self) -> list[dict]:
        rows = []
        previous = -1
        for at, _, handler, arguments in sorted(self.events, key=lambda event: event[:2]):
            previous = at = max(at, previous + 1)  # one row a second at most: every row hashes differently
            actor, by_vendor, action, kind, old, new, note = handler(*arguments)
            occurred_at = self.origin + timedelta(seconds=at)
            rows.append(
                history_values(
                    organisation_id=self.organisation_id,
                    occurred_at=occurred_at,
                    actor=actor,
                    by_vendor=by_vendor,
                    action=str(action),
                    kind=kind and str(kind),
                    old_value=old,
                    new_value=new,
                    note=note,
                )
            )
        return rows

    def _pools(self) -> list[dict]:
        pools = []
        for pool in self.plan.pools:
            total = self.counts[pool.kind]
            pools.append(
                {
                    'organisation_id': self.organisation_id,
                    'kind': pool.kind.value,
                    'total': total,
                    'in_use': self._in_use(total),
                    'expiry_date': pool.expiry_date,
                }
            )
        return pools

    def _in_use(self, total: int) -> int:
        if self.plan.story is Story.TRIAL:
            return self.rng.randint(0, total)
        draw = self.rng.random()
        share = 1.0 if draw < 0.1 else self.rng.uniform(0.1, 0.5) if draw < 0.3 else self.rng.uniform(0.5, 1.0)
        return min(total, round(total * share))

    # --- small helpers ---

    def _at(self, at: int, handler: Handler, *arguments: object) -> None:
        self.events.append((at, len(self.events), handler, arguments))

    def _target(self, kind: LicenceKind, at: int) -> float:
        """Organisations grow: to the planned size today from 60 % of it two years ago."""
        return self.targets[kind] * (0.6 + 0.4 * at / self.end)

    def _buyer(self) -> tuple[str, bool, str]:
        if self.rng.random() < 0.35:
            return self._customer_name(), False, f'Bought online, order WEB-{self._number()}'
        return self._vendor(), True, f'Order SO-{self._number()}'

    def _renewer(self) -> tuple[str, bool, str | None]:
        if self.rng.random() < 0.2:
            return self._customer_name(), False, f'Renewed online, order WEB-{self._number()}'
        return self._vendor(), True, self._note(RENEWAL_NOTES)

    def _vendor(self) -> str:
        return self.rng.choice(self.vendor_admins)

    def _customer_name(self) -> str:
        return self.rng.choice(self.billing_people)

    def _note(self, notes: Sequence[str | None]) -> str | None:
        note = self.rng.choice(notes)
        return self._fill(note) if note else None

    def _fill(self, note: str) -> str:
        if '{' not in note:
            return note
        return note.format(po=f'45{self._number()}', quote=f'Q-{self._number()}', invoice=f'INV-{self._number()}')

    def _number(self) -> str:
        return f'{self.rng.randrange(10**6):06d}'

    def _second(self, day: date) -> int:
        return (day - self.first_day).days * DAY

    def _office_time(self, day: date) -> int:
        return self._second(day) + 7 * HOUR + self.rng.randrange(11 * HOUR)

    def _random_time(self, start: int, stop: int) -> int:
        """Mostly office hours (07:00 to 18:00 UTC), sometimes any time."""
        at = start + self.rng.randrange(stop - start)
        if self.rng.random() < 0.85:
            office = at - at % DAY + 7 * HOUR + self.rng.randrange(11 * HOUR)
            if start <= office < stop:
                return office
        return at
