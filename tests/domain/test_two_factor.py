"""Two-factor sign-in in the domain: which codes pass, replays, recovery codes, the throttle, and whose factor each
person may touch."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from dashboard.domain import clock
from dashboard.domain.actor import Actor
from dashboard.domain.auth.models import RecoveryCode, SignInEvent, SignInEventKind, UserSession
from dashboard.domain.auth.sessions import open_session
from dashboard.domain.auth.totp import code_at_step, new_secret, step_at
from dashboard.domain.auth.two_factor import (
    SecondFactor,
    SecondFactorRefused,
    disable_two_factor,
    enable_two_factor,
    new_recovery_codes,
    pass_with_code,
    pass_with_recovery_code,
    reset_two_factor,
    second_factor_needed,
    two_factor_status,
)
from dashboard.domain.errors import InvalidInput, PermissionDenied
from dashboard.domain.models import User
from tests.factories import make_organisation, make_user

NOW = datetime(2026, 6, 1, 12, 0, 10, tzinfo=UTC)  # 10 s into a step


@pytest.fixture
def now(monkeypatch):
    moment = {'now': NOW}
    monkeypatch.setattr(clock, 'now', lambda: moment['now'])
    return moment


@pytest.fixture
def people(session: Session):
    organisation = make_organisation(session)
    return {role: Actor.of(make_user(session, organisation if role != 'vendor_admin' else None, role,
                                     **({'totp_secret': None} if role == 'vendor_admin' else {})))
            for role in ('billing_admin', 'user', 'vendor_admin')}


def enrolled(session: Session, actor: Actor, now) -> tuple[str, list[str]]:
    """Turns two-factor sign-in on for the actor; returns the secret and the recovery codes."""
    secret = new_secret()
    codes = enable_two_factor(session=session, actor=actor, secret=secret, code=code_at_step(secret, step_at(NOW)))
    now['now'] = NOW + timedelta(seconds=60)  # two steps later: the enrolment's step is history
    return secret, codes


def code(secret: str, steps_from_now: int, now) -> str:
    return code_at_step(secret, step_at(now['now']) + steps_from_now)


def test_the_secret_is_stored_only_once_a_code_confirms_it(session, people, now):
    actor, secret = people['user'], new_secret()
    with pytest.raises(SecondFactorRefused):
        enable_two_factor(session=session, actor=actor, secret=secret, code='000000' if code_at_step(
            secret, step_at(NOW)) != '000000' else '111111')
    assert session.get(User, actor.user_id).totp_secret is None
    assert second_factor_needed(session=session, actor=actor) is SecondFactor.NONE
    codes = enable_two_factor(session=session, actor=actor, secret=secret, code=code_at_step(secret, step_at(NOW)))
    assert len(codes) == 10 and len(set(codes)) == 10
    user = session.get(User, actor.user_id)
    assert user.totp_secret == secret and user.totp_enabled_at == NOW
    assert second_factor_needed(session=session, actor=actor) is SecondFactor.CODE
    stored = [row.code_hash for row in session.exec(select(RecoveryCode)).all()]
    assert len(stored) == 10 and not any(c.replace('-', '') in h for c in codes for h in stored)
    kinds = [event.kind for event in session.exec(select(SignInEvent)).all()]
    assert kinds == [SignInEventKind.TWO_FACTOR_FAILED, SignInEventKind.TWO_FACTOR_ENABLED]


@pytest.mark.parametrize('steps', [-1, 0, 1])
def test_a_right_code_passes_one_step_early_or_late(session, people, now, steps):
    secret, _ = enrolled(session, people['billing_admin'], now)
    pass_with_code(session=session, actor=people['billing_admin'], code=code(secret, steps, now))


@pytest.mark.parametrize('steps', [-2, 2])
def test_a_code_two_steps_off_is_refused(session, people, now, steps):
    secret, _ = enrolled(session, people['billing_admin'], now)
    with pytest.raises(SecondFactorRefused, match='not correct'):
        pass_with_code(session=session, actor=people['billing_admin'], code=code(secret, steps, now))


def test_a_code_is_never_accepted_twice(session, people, now):
    actor = people['billing_admin']
    secret, _ = enrolled(session, actor, now)
    pass_with_code(session=session, actor=actor, code=code(secret, 0, now))
    with pytest.raises(SecondFactorRefused):
        pass_with_code(session=session, actor=actor, code=code(secret, 0, now))
    with pytest.raises(SecondFactorRefused):  # nor an older one, once a newer step has passed
        pass_with_code(session=session, actor=actor, code=code(secret, -1, now))
    pass_with_code(session=session, actor=actor, code=code(secret, 1, now))


def test_the_enrolment_code_cannot_be_replayed_at_sign_in(session, people, now):
    actor, secret = people['user'], new_secret()
    first = code_at_step(secret, step_at(NOW))
    enable_two_factor(session=session, actor=actor, secret=secret, code=first)
    with pytest.raises(SecondFactorRefused):
        pass_with_code(session=session, actor=actor, code=first)


@pytest.mark.parametrize('typed', ['', '12345', '1234567', 'abcdef', '١٢٣٤٥٦', '1' * 10_000, '12 34 5x', None,
                                   123456, ['123456']])
def test_anything_but_six_digits_is_a_wrong_code(session, people, now, typed):
    enrolled(session, people['user'], now)
    with pytest.raises(SecondFactorRefused):
        pass_with_code(session=session, actor=people['user'], code=typed)
    with pytest.raises(SecondFactorRefused):
        pass_with_recovery_code(session=session, actor=people['user'], code=typed)


def test_a_recovery_code_works_once(session, people, now):
    actor = people['billing_admin']
    _, codes = enrolled(session, actor, now)
    assert pass_with_recovery_code(session=session, actor=actor, code=f'  {codes[3].upper()} ') == 9
    with pytest.raises(SecondFactorRefused, match='used already'):
        pass_with_recovery_code(session=session, actor=actor, code=codes[3])
    assert pass_with_recovery_code(session=session, actor=actor, code=codes[4].replace('-', '')) == 8
    assert two_factor_status(session=session, actor=actor).recovery_codes_left == 8
    used = session.exec(select(SignInEvent).where(SignInEvent.kind == SignInEventKind.RECOVERY_CODE_USED)).all()
    assert len(used) == 2


def test_new_recovery_codes_replace_the_old_ones(session, people, now):
    actor = people['billing_admin']
    secret, old = enrolled(session, actor, now)
    new = new_recovery_codes(session=session, actor=actor, code=code(secret, 0, now))
    assert len(new) == 10 and not set(new) & set(old)
    with pytest.raises(SecondFactorRefused):
        pass_with_recovery_code(session=session, actor=actor, code=old[0])
    assert pass_with_recovery_code(session=session, actor=actor, code=new[0]) == 9


def test_wrong_codes_back_off_then_lock_the_account(session, people, now):
    actor = people['billing_admin']
    secret, _ = enrolled(session, actor, now)
    for _ in range(3):  # the free failures
        with pytest.raises(SecondFactorRefused, match='not correct'):
            pass_with_code(session=session, actor=actor, code='999999' if code(secret, 0, now) != '999999' else '1')
    with pytest.raises(SecondFactorRefused, match='not correct'):
        pass_with_code(session=session, actor=actor, code='abc')
    with pytest.raises(SecondFactorRefused, match='wait 1 seconds'):  # even the right code must wait
        pass_with_code(session=session, actor=actor, code=code(secret, 0, now))
    for _ in range(6):
        now['now'] += timedelta(seconds=31)
        with pytest.raises(SecondFactorRefused):
            pass_with_recovery_code(session=session, actor=actor, code='2222-2222-2222-2222')
    now['now'] += timedelta(seconds=31)
    with pytest.raises(SecondFactorRefused, match='locked until'):
        pass_with_code(session=session, actor=actor, code=code(secret, 0, now))
    now['now'] += timedelta(minutes=16)
    pass_with_code(session=session, actor=actor, code=code(secret, 0, now))
    kinds = [e.kind for e in session.exec(select(SignInEvent)).all()]
    assert kinds.count(SignInEventKind.TWO_FACTOR_FAILED) == 10 and kinds.count(SignInEventKind.LOCKED) == 1


def test_turning_it_off_needs_a_current_code(session, people, now):
    actor = people['user']
    secret, _ = enrolled(session, actor, now)
    with pytest.raises(SecondFactorRefused):
        disable_two_factor(session=session, actor=actor, code='12')
    assert two_factor_status(session=session, actor=actor).enabled
    disable_two_factor(session=session, actor=actor, code=code(secret, 0, now))
    user = session.get(User, actor.user_id)
    assert (user.totp_secret, user.totp_enabled_at, user.totp_last_step) == (None, None, None)
    assert session.exec(select(RecoveryCode)).all() == []
    assert second_factor_needed(session=session, actor=actor) is SecondFactor.NONE


def test_the_admin_team_must_enrol_and_cannot_turn_it_off(session, people, now):
    admin = people['vendor_admin']
    assert second_factor_needed(session=session, actor=admin) is SecondFactor.ENROL
    secret, _ = enrolled(session, admin, now)
    assert second_factor_needed(session=session, actor=admin) is SecondFactor.CODE
    with pytest.raises(PermissionDenied, match='must use'):
        disable_two_factor(session=session, actor=admin, code=code(secret, 0, now))
    assert two_factor_status(session=session, actor=admin).required


def test_another_users_factor_is_untouchable(session, people, now):
    """Every operation acts on the caller's own account: an Actor naming someone else is refused."""
    victim = people['billing_admin']
    secret, codes = enrolled(session, victim, now)
    stranger = people['user']
    forged = Actor(user_id=victim.user_id, name=stranger.name, email=stranger.email, role=stranger.role,
                   organisation_id=stranger.organisation_id)
    with pytest.raises(PermissionDenied):
        disable_two_factor(session=session, actor=forged, code=code(secret, 0, now))
    with pytest.raises(PermissionDenied):
        reset_two_factor(session=session, actor=stranger, user_id=victim.user_id)
    with pytest.raises(PermissionDenied):
        reset_two_factor(session=session, actor=people['billing_admin'], user_id=stranger.user_id)
    with pytest.raises(InvalidInput, match='not on'):  # the stranger's own, which is off: nothing else is reachable
        pass_with_recovery_code(session=session, actor=stranger, code=codes[0])
    assert two_factor_status(session=session, actor=victim).recovery_codes_left == 10


def test_the_admin_team_resets_a_lost_phone_and_ends_the_sessions(session, people, now):
    victim, admin = people['billing_admin'], people['vendor_admin']
    enrolled(session, victim, now)
    open_session(session=session, user_id=victim.user_id)
    open_session(session=session, user_id=victim.user_id)
    session.commit()
    assert reset_two_factor(session=session, actor=admin, user_id=victim.user_id, client_address='10.0.0.9') == 2
    assert not two_factor_status(session=session, actor=victim).enabled
    assert all(row.ended_at for row in session.exec(select(UserSession)).all())
    event = session.exec(select(SignInEvent).where(SignInEvent.kind == SignInEventKind.TWO_FACTOR_DISABLED)).one()
    assert event.user_id == victim.user_id and admin.name in event.detail and event.client_address == '10.0.0.9'
    with pytest.raises(InvalidInput, match='Security page'):
        reset_two_factor(session=session, actor=admin, user_id=admin.user_id)


def test_a_deactivated_user_cannot_pass_the_second_step(session, people, now):
    actor = people['billing_admin']
    secret, _ = enrolled(session, actor, now)
    user = session.get(User, actor.user_id)
    user.is_active = False
    session.add(user)
    session.commit()
    with pytest.raises(PermissionDenied):
        pass_with_code(session=session, actor=actor, code=code(secret, 0, now))
