"""The people of the demo: each organisation's users, and the vendor's own staff."""

import itertools
import math
import random
from dataclasses import dataclass

from dashboard.demo_data.logins import VENDOR_DOMAIN, VENDOR_LOGINS, DemoLogin
from dashboard.demo_data.names import Locale, email_local_part, person_name, phone_number
from dashboard.domain.models import Role

MORE_VENDOR_STAFF = (
    ('Hannah Whitfield', Role.VENDOR_ADMIN),
    ('Tomasz Nowak', Role.VENDOR_ADMIN),
    ('Priya Raman', Role.VENDOR_ADMIN),
    ('Sophie Laurent', Role.SALES),
    ('Marcus Feld', Role.SALES),
    ('Aiko Tanaka', Role.SALES),
)


@dataclass(frozen=True)
class UserPlan:
    full_name: str
    email: str
    role: Role
    phone: str | None
    is_active: bool = True
    demo_login: bool = False


def vendor_staff() -> list[UserPlan]:
    staff = [demo_user(login) for login in VENDOR_LOGINS]
    for number, (full_name, role) in enumerate(MORE_VENDOR_STAFF):
        email = f'{email_local_part(full_name, 0)}@{VENDOR_DOMAIN}'
        staff.append(UserPlan(full_name, email, role, f'+44 113 496 0{110 + number}'))
    return staff


def demo_user(login: DemoLogin) -> UserPlan:
    return UserPlan(login.full_name, login.email, login.role, login.phone, demo_login=True)


def organisation_users(
    rng: random.Random, locale: Locale, domain: str, count: int, *, style: int, roles_from: int = 0
) -> list[UserPlan]:
    """`count` people with addresses at `domain`.example, unique within it; the first one set the account up."""
    local_parts: set[str] = set()
    users = []
    for position in range(roles_from, roles_from + count):
        full_name, latin_name = person_name(rng, locale)
        local = base = email_local_part(latin_name, style)
        for number in itertools.count(2):
            if local not in local_parts:
                break
            local = f'{base}{number}'
        local_parts.add(local)
        if rng.random() < 0.08:
            local = '.'.join(part.capitalize() for part in local.split('.'))
        role = _role(rng, position)
        phone = phone_number(rng, locale) if rng.random() < 0.8 else None
        is_active = role is not Role.USER or rng.random() > 0.04
        users.append(UserPlan(full_name, f'{local}@{domain}.example', role, phone, is_active=is_active))
    return users


def main_contact_of(users: list[UserPlan]) -> int:
    """The billing admin if there is one, else the global admin who set the account up."""
    roles = [user.role for user in users]
    return roles.index(Role.BILLING_ADMIN) if Role.BILLING_ADMIN in roles else 0


def user_count(rng: random.Random) -> int:
    return min(60, max(1, round(rng.lognormvariate(math.log(6.5), 0.55))))


def _role(rng: random.Random, position: int) -> Role:
    """Most accounts have a billing admin after the global admin; the rest of the people use the product."""
    if position == 0:
        return Role.GLOBAL_ADMIN
    if position == 1 and rng.random() < 0.85:
        return Role.BILLING_ADMIN
    draw = rng.random()
    return Role.GLOBAL_ADMIN if draw < 0.05 else Role.VIEWER if draw < 0.25 else Role.USER
