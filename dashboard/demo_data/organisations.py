"""What each demo organisation is: its name, plan, region, story, licence pools and users.

The first organisations are fixed so that even a small demo shows everything: the paid showcase organisation of
the screenshots (index 0), a trial (index 1) and an expired one without On-demand licences (index 2).
"""

import enum
import math
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from dashboard.demo_data.logins import SHOWCASE_LOGINS, TRIAL_LOGIN, VENDOR_DOMAIN
from dashboard.demo_data.names import BRITAIN, GERMANY, ascii_slug, company_name, locale_for
from dashboard.demo_data.people import UserPlan, demo_user, main_contact_of, organisation_users, user_count
from dashboard.domain.models import LicenceKind, Plan, Region

HISTORY_DAYS = 730  # two years of licence history, up to yesterday
TERM_DAYS = 365
TRIAL_DAYS = 30
SHOWCASE_HISTORY_ROWS = 400  # enough for sixteen pages of 25
SERIAL_LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'


class Story(enum.Enum):
    TRIAL = 'trial'  # on a free trial, running or lapsed
    CONVERTED = 'converted'  # started a trial within the two years shown, then bought
    CUSTOMER = 'customer'  # paying since before the two years shown


@dataclass(frozen=True)
class PoolPlan:
    kind: LicenceKind
    expiry_date: date
    target: int  # the size its total drifts around


@dataclass(frozen=True)
class OrganisationPlan:
    index: int
    name: str
    serial_number: str
    plan: Plan
    region: Region
    story: Story
    subscription_end: date
    started_on: date  # the trial's first day; for customers the first day of the history shown
    trial_ends_on: date | None  # as first set, before any extension
    converted_on: date | None
    pools: tuple[PoolPlan, ...]
    users: tuple[UserPlan, ...]
    main_contact: int | None  # index into users
    history_rows: int  # how many rows to aim for
    created_at: datetime

    def user_created_at(self, position: int) -> datetime:
        """The account's users joined a day apart, starting with the one who set it up."""
        return self.created_at + timedelta(days=position)


class OrganisationPlanner:
    """Plans organisations in index order: the same seed and the same today give the same organisations."""

    def __init__(self, *, seed: int, today: date, showcase_history_rows: int = SHOWCASE_HISTORY_ROWS) -> None:
        self.seed = seed
        self.today = today
        self.showcase_history_rows = showcase_history_rows
        self.history_start = today - timedelta(days=HISTORY_DAYS)
        self._domains = {'brightwater', 'nordlicht', VENDOR_DOMAIN.removesuffix('.example')}

    def plan(self, index: int) -> OrganisationPlan:
        rng = random.Random(f'{self.seed}:organisation:{index}')
        if index == 0:
            return self._showcase(rng)
        if index == 1:
            return self._trial_showcase(rng)
        return self._random(rng, index)

    def _showcase(self, rng: random.Random) -> OrganisationPlan:
        expiry = self._day(135)
        converted_on = expiry - timedelta(days=2 * TERM_DAYS)
        pools = (PoolPlan(LicenceKind.MANAGED_AGENT, expiry, 250), PoolPlan(LicenceKind.ON_DEMAND, self._day(21), 25))
        users = [demo_user(login) for login in SHOWCASE_LOGINS]
        users += organisation_users(rng, BRITAIN, 'brightwater', 10, style=0, roles_from=len(users))
        return self._organisation(
            rng,
            0,
            'Brightwater Logistics Ltd',
            Region.UK,
            Story.CONVERTED,
            expiry,
            pools,
            users,
            main_contact=1,
            history_rows=self.showcase_history_rows,
            started_on=converted_on - timedelta(days=21),
            converted_on=converted_on,
        )

    def _trial_showcase(self, rng: random.Random) -> OrganisationPlan:
        trial_end = self._day(18)
        pools = tuple(PoolPlan(kind, trial_end, 0) for kind in LicenceKind)
        users = organisation_users(rng, GERMANY, 'nordlicht', 3, style=0)
        users.insert(1, demo_user(TRIAL_LOGIN))
        return self._organisation(
            rng,
            1,
            'Nordlicht Medien GmbH',
            Region.EU,
            Story.TRIAL,
            trial_end,
            pools,
            users,
            main_contact=1,
            history_rows=6,
            started_on=trial_end - timedelta(days=TRIAL_DAYS),
            trial_ends_on=trial_end,
        )

    def _random(self, rng: random.Random, index: int) -> OrganisationPlan:
        region = Region.US if index == 2 else rng.choices(list(Region), (40, 30, 30))[0]
        locale = locale_for(rng, region)
        company = company_name(rng, locale)
        domain = self._unique_domain(company.domain_words)
        story = Story.CUSTOMER if index == 2 else rng.choices(list(Story), (15, 30, 55))[0]
        users = organisation_users(rng, locale, domain, user_count(rng), style=rng.choices((0, 1, 2), (6, 3, 1))[0])
        main_contact = main_contact_of(users) if rng.random() < 0.9 else None
        with_on_demand = index != 2 and rng.random() < 0.65
        if story is Story.TRIAL:
            return self._random_trial(rng, index, company.name, region, users, main_contact, with_on_demand)
        expiry = self._day(-rng.randint(30, 300) if index == 2 else _days_to_end(rng, lapsed=0.2, longest=365))
        converted_on = self._conversion_day(rng, expiry) if story is Story.CONVERTED else None
        if converted_on is None:
            story = Story.CUSTOMER
        pools = [PoolPlan(LicenceKind.MANAGED_AGENT, expiry, _lognormal(rng, 60, 1.1, 3, 5000))]
        if with_on_demand:
            pools.append(
                PoolPlan(
                    LicenceKind.ON_DEMAND,
                    self._on_demand_expiry(rng, expiry, converted_on),
                    _lognormal(rng, 6, 0.8, 1, 250),
                )
            )
        started_on = converted_on - timedelta(days=rng.randint(10, 28)) if converted_on else self.history_start
        return self._organisation(
            rng,
            index,
            company.name,
            region,
            story,
            expiry,
            tuple(pools),
            users,
            main_contact,
            history_rows=_history_rows(rng, pools[0].target),
            started_on=started_on,
            converted_on=converted_on,
        )

    def _random_trial(
        self,
        rng: random.Random,
        index: int,
        name: str,
        region: Region,
        users: list[UserPlan],
        main_contact: int | None,
        with_on_demand: bool,
    ) -> OrganisationPlan:
        trial_end = self._day(_days_to_end(rng, lapsed=0.5, longest=28))
        subscription_end = trial_end + timedelta(days=14 if rng.random() < 0.25 else 0)
        kinds = list(LicenceKind) if with_on_demand else [LicenceKind.MANAGED_AGENT]
        pools = tuple(PoolPlan(kind, subscription_end, 0) for kind in kinds)
        return self._organisation(
            rng,
            index,
            name,
            region,
            Story.TRIAL,
            subscription_end,
            pools,
            users,
            main_contact,
            history_rows=rng.randint(2, 10),
            started_on=trial_end - timedelta(days=TRIAL_DAYS),
            trial_ends_on=trial_end,
        )

    def _organisation(
        self,
        rng: random.Random,
        index: int,
        name: str,
        region: Region,
        story: Story,
        subscription_end: date,
        pools: tuple[PoolPlan, ...],
        users: list[UserPlan],
        main_contact: int | None,
        *,
        history_rows: int,
        started_on: date,
        converted_on: date | None = None,
        trial_ends_on: date | None = None,
    ) -> OrganisationPlan:
        if trial_ends_on is None and story is not Story.CUSTOMER:
            trial_ends_on = started_on + timedelta(days=TRIAL_DAYS)
        created_on = started_on - timedelta(days=rng.randint(30, 2500) if story is Story.CUSTOMER else 0)
        serial = f'247C-{index + 1:06d}-{"".join(rng.choices(SERIAL_LETTERS, k=4))}'
        return OrganisationPlan(
            index=index,
            name=name,
            serial_number=serial,
            plan=Plan.TRIAL if story is Story.TRIAL else Plan.PAID,
            region=region,
            story=story,
            subscription_end=subscription_end,
            started_on=started_on,
            trial_ends_on=trial_ends_on,
            converted_on=converted_on,
            pools=pools,
            users=tuple(users),
            main_contact=main_contact,
            history_rows=history_rows,
            created_at=datetime.combine(created_on, time(8 + rng.randrange(10), rng.randrange(60)), UTC),
        )

    def _conversion_day(self, rng: random.Random, expiry: date) -> date | None:
        """A trial converted within the history shown starts a yearly term that renews into today's expiry."""
        earliest, latest = self.history_start + timedelta(days=45), self.today - timedelta(days=2)
        choices = [
            day for years in range(4) if earliest <= (day := expiry - timedelta(days=TERM_DAYS * (years + 1))) <= latest
        ]
        return rng.choice(choices) if choices else None

    def _on_demand_expiry(self, rng: random.Random, expiry: date, converted_on: date | None) -> date:
        """Mostly co-termed with the Managed Agent licences; expired accounts let both lapse."""
        if expiry < self.today or rng.random() < 0.6:
            return expiry
        lowest = max(self._day(-365), converted_on + timedelta(days=61) if converted_on else self._day(-365))
        shifted = expiry + timedelta(days=rng.randint(-150, 150))
        return min(max(shifted, lowest), self._day(365))

    def _unique_domain(self, words: str) -> str:
        domain = base = ascii_slug(words)[:40].strip('-') or 'company'
        number = 1
        while domain in self._domains:
            number += 1
            domain = f'{base}-{number}'
        self._domains.add(domain)
        return domain

    def _day(self, days_from_today: int) -> date:
        return self.today + timedelta(days=days_from_today)


def _days_to_end(rng: random.Random, *, lapsed: float, longest: int) -> int:
    """Days from today to the end of the subscription: within the coming `longest` days, or for a share that let it
    lapse, within the last year."""
    return -rng.randint(1, 365) if rng.random() < lapsed else rng.randint(0, longest)


def _history_rows(rng: random.Random, licences: int) -> int:
    """About a hundred rows on average; bigger organisations change their licences more often."""
    return _lognormal(rng, 100 * (licences / 60) ** 0.35, 0.4, 15, 900)


def _lognormal(rng: random.Random, median: float, sigma: float, lowest: int, highest: int) -> int:
    return min(highest, max(lowest, round(rng.lognormvariate(math.log(median), sigma))))
