"""The demo's logins, and `python -m dashboard demo` on the command line."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from dashboard import cli
from dashboard.db import Database
from dashboard.demo_data import DEMO_PASSWORD, demo_logins
from dashboard.domain import clock
from dashboard.domain.actor import Actor
from dashboard.domain.auth.accounts import authenticate
from dashboard.domain.auth.two_factor import SecondFactor, second_factor_needed
from dashboard.domain.models import Organisation, Role, User
from dashboard.domain.organisations.account_types import AccountType

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def test_demo_logins_sign_in_with_the_printed_password(demo: Database, session: Session) -> None:
    logins = demo_logins(db=demo)

    assert {role for role, _, _ in logins} == set(Role)
    assert {password for _, _, password in logins} == {DEMO_PASSWORD}
    assert len(DEMO_PASSWORD) >= 10
    for role, email, password in logins:
        user = authenticate(session=session, email=email, password=password)
        assert user is not None and user.role == role, email
    trial_billing = session.exec(select(User).where(User.email_key == 'trial.billing@nordlicht.example')).one()
    assert AccountType.of(session.get(Organisation, trial_billing.organisation_id), clock.today()) == 'Trial'
    others = session.exec(select(User).where(col(User.email_key).not_in([email for _, email, _ in logins]))).all()
    assert all(user.password_hash is None for user in others)


def test_the_demo_admin_team_sets_up_two_factor_at_first_sign_in(demo: Database, session: Session, capsys) -> None:
    admin = session.exec(select(User).where(User.role == Role.VENDOR_ADMIN)).first()
    assert admin is not None and admin.totp_secret is None
    assert second_factor_needed(session=session, actor=Actor.of(admin)) is SecondFactor.ENROL
    cli._print_logins(demo_logins(db=demo))
    assert 'must use two-factor sign-in' in capsys.readouterr().out


def test_demo_logins_of_a_database_without_the_demo_are_none(db: Database) -> None:
    assert demo_logins(db=db) == []


def test_the_cli_fills_an_empty_database_once(tmp_path: Path) -> None:
    environment = {**os.environ, 'DATABASE_URL': f'sqlite:///{tmp_path / "demo.db"}'}

    def demo() -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, '-m', 'dashboard', 'demo', '--orgs', '10', '--seed', '1'],
            cwd=PROJECT_ROOT,
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
        )

    first = demo()
    assert first.returncode == 0, first.stderr
    assert 'Created 10 organisations' in first.stdout
    assert 'admin@brightwater.example' in first.stdout and DEMO_PASSWORD in first.stdout
    second = demo()
    assert second.returncode == 1
    assert 'already has 10 organisations' in second.stderr


@pytest.mark.parametrize('value', ['0', 'abc', '-3'])
def test_the_cli_refuses_a_number_of_organisations_that_is_not_positive(
    value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main(['demo', '--orgs', value])

    assert exit_.value.code == 2
    assert f"argument --orgs: '{value}' is not a whole number of at least 1" in capsys.readouterr().err
