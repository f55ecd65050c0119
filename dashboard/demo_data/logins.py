"""The demo's fixed sign-ins: one per role, on memorable addresses, all with one printed password."""

from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import col, select

from dashboard.db import Database
from dashboard.domain.models import Role, User

DEMO_PASSWORD = 'billing-demo-247'
VENDOR_DOMAIN = '247connect.example'


@dataclass(frozen=True)
class DemoLogin:
    role: Role
    email: str
    full_name: str
    phone: str | None


# The paid organisation of the screenshots: every customer role, the billing admin is its main contact.
SHOWCASE_LOGINS = (
    DemoLogin(Role.GLOBAL_ADMIN, 'admin@brightwater.example', 'Olivia Bennett', '+44 20 7946 0182'),
    DemoLogin(Role.BILLING_ADMIN, 'billing@brightwater.example', 'James Okafor', '+44 20 7946 0321'),
    DemoLogin(Role.VIEWER, 'viewer@brightwater.example', 'Priya Shah', '+44 20 7946 0457'),
    DemoLogin(Role.USER, 'user@brightwater.example', 'Tom Fletcher', None),
)
# A billing admin of an organisation on a trial, who sees the Buy now button.
TRIAL_LOGIN = DemoLogin(Role.BILLING_ADMIN, 'trial.billing@nordlicht.example', 'Lena Krüger', '+49 30 90182734')
VENDOR_LOGINS = (
    DemoLogin(Role.VENDOR_ADMIN, f'admin@{VENDOR_DOMAIN}', 'Alex Morgan', '+44 113 496 0101'),
    DemoLogin(Role.SALES, f'sales@{VENDOR_DOMAIN}', 'Sam Rivera', '+44 113 496 0102'),
)
DEMO_LOGINS = (*SHOWCASE_LOGINS, TRIAL_LOGIN, *VENDOR_LOGINS)
TWO_FACTOR_NOTE = ('The Admin Team (vendor_admin) must use two-factor sign-in: at its first sign-in, scan the QR code '
                   'with an authenticator app\n(or type the key shown) and keep the recovery codes. Anyone can turn it '
                   'on under Account > Security.')


def demo_logins(*, db: Database) -> list[tuple[str, str, str]]:
    """(role, email, password) of each demo login in the database that still has the demo password."""
    keys = [login.email.lower() for login in DEMO_LOGINS]
    with db.session() as session:
        stored = {
            user.email_key: user.password_hash
            for user in session.exec(select(User).where(col(User.email_key).in_(keys))).all()
        }
    verified: dict[str, bool] = {}  # the demo logins share one hash, so this verifies (slowly) only once
    logins = []
    for login, key in zip(DEMO_LOGINS, keys, strict=True):
        password_hash = stored.get(key)
        if password_hash and verified.setdefault(password_hash, _is_demo_password(password_hash)):
            logins.append((login.role.value, login.email, DEMO_PASSWORD))
    return logins


def demo_password_hash() -> str:
    """One argon2 hash (about a tenth of a second) that every demo login shares: they share the password anyway."""
    return PasswordHasher().hash(DEMO_PASSWORD)


def _is_demo_password(password_hash: str) -> bool:
    try:
        return PasswordHasher().verify(password_hash, DEMO_PASSWORD)
    except (VerificationError, InvalidHashError):
        return False
