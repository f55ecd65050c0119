"""Codes from the tests' authenticator app: every test vendor admin has TEST_TOTP_SECRET (see `make_user`)."""

import time

from dashboard.domain import clock
from dashboard.domain.auth.totp import STEP_SECONDS, code_at_step, step_at

TEST_TOTP_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP'


def fresh_code(secret: str = TEST_TOTP_SECRET, last_step: int | None = None) -> tuple[str, int]:
    """A code the app accepts now and its step: the current step's, or the next one's when the current step has been
    used (one step of drift is allowed); when both have, waits for the clock. The server never takes a step twice."""
    while True:
        current = step_at(clock.now())
        if last_step is None or last_step < current:
            return code_at_step(secret, current), current
        if last_step == current:
            return code_at_step(secret, current + 1), current + 1
        time.sleep(STEP_SECONDS - time.time() % STEP_SECONDS + 0.1)
