"""One press of "Log in": the throttle first (on the database threads, cheap), then the Argon2 check on the
password pool (never on `run.io_bound`, which every page's database work shares), then the outcome recorded."""

import asyncio
import logging
from dataclasses import dataclass

from dashboard.db import Database
from dashboard.domain.actor import Actor
from dashboard.domain.auth.accounts import MAX_EMAIL_LENGTH, check_password
from dashboard.domain.auth.password_pool import PasswordCheckPool, ServiceBusy
from dashboard.domain.auth.sign_in_attempts import record_failed_sign_in, record_password_accepted, sign_in_refusal
from dashboard.ui.client_address import client_address
from dashboard.ui.io_bound import io_bound

logger = logging.getLogger('dashboard.sign_in')


@dataclass(frozen=True)
class Attempt:
    actor: Actor | None  # who signed in; None when refused
    message: str = ''  # why not, as the person reads it


async def attempt_sign_in(db: Database, pool: PasswordCheckPool, *, email: str, password: str,
                          address: str) -> Attempt:
    email = email.strip()[:MAX_EMAIL_LENGTH]
    refused = await io_bound(_refusal, db, email, address)
    if refused:
        return Attempt(actor=None, message=refused)
    try:
        future = pool.submit(_check, db, email, password, address)
    except ServiceBusy as busy:
        logger.warning('Sign-in refused unchecked (password checks busy): email %r from %s', email[:100], address)
        return Attempt(actor=None, message=str(busy))
    return await asyncio.wrap_future(future)


def current_client_address() -> str:
    """The address of the browser behind this page (X-Forwarded-For only behind a trusted proxy)."""
    return client_address() or ''


def _refusal(db: Database, email: str, address: str) -> str | None:
    with db.session() as session:
        return sign_in_refusal(session=session, email=email, client_address=address)


def _check(db: Database, email: str, password: str, address: str) -> Attempt:
    with db.session() as session:
        # Asked again: while this attempt queued, others from a parallel flood may have locked the email.
        refused = sign_in_refusal(session=session, email=email, client_address=address)
        if refused:
            return Attempt(actor=None, message=refused)
        check = check_password(session=session, email=email, password=password)
        if check.user is None:
            message = record_failed_sign_in(session=session, email=email, client_address=address, check=check)
            session.commit()
            return Attempt(actor=None, message=message)
        record_password_accepted(session=session, user=check.user, email=email, client_address=address)
        session.commit()
        return Attempt(actor=Actor.of(check.user))
