"""Settings, read from the environment (or a `.env` file) once at start-up."""

import secrets
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / 'data'
LOCAL_HOSTS = frozenset({'localhost', '127.0.0.1', '::1'})


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file='.env', extra='ignore')

    database_url: str = f'sqlite:///{DATA_DIR / "dashboard.db"}'
    dashboard_secret: str = ''
    product_name: str = '247connect'
    vendor_support_email: str = 'support@netsupportsoftware.com'
    vendor_sales_email: str = 'sales@netsupportsoftware.com'
    data_dir: Path = DATA_DIR

    # Sign-in sessions: idle ones end; the cookie is Secure unless said otherwise, or served on this machine only.
    session_idle_hours: float = Field(default=8, gt=0, description='a session unused this long ends')
    session_cookie_secure: bool | None = Field(default=None, description='None: Secure unless on localhost')

    # Mail: with no SMTP host, nothing is sent and every email stays readable on the Outbox page.
    smtp_host: str = ''
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_username: str = ''
    smtp_password: str = ''
    smtp_starttls: bool = True
    smtp_timeout: float = Field(default=30, gt=0, description='seconds one SMTP operation may take')
    mail_from: str = '247connect <no-reply@247connect.example>'
    outbox_max_attempts: int = Field(default=10, ge=1, description='then an email is marked failed')

    # Jobs: delivery, reminders and the deletion lifecycle; `serve` runs them itself unless switched off (cron).
    jobs_enabled: bool = True
    jobs_interval_seconds: float = Field(default=10, gt=0)
    renewal_reminder_days: Annotated[list[int], NoDecode] = [90, 30, 7, 0]
    sales_digest_weekday: int = Field(default=0, ge=0, le=6, description='0 = Monday')

    @field_validator('renewal_reminder_days', mode='before')
    @classmethod
    def _days_list(cls, value: object) -> object:
        """`90,30,7,0` or `[90, 30, 7, 0]` in the environment; whole days before expiry, 0 = the day itself."""
        if isinstance(value, str):
            text = value.strip().removeprefix('[').removesuffix(']')
            return [part.strip() for part in text.split(',') if part.strip()]
        return value

    @field_validator('renewal_reminder_days')
    @classmethod
    def _days_valid(cls, value: list[int]) -> list[int]:
        if any(day < 0 for day in value):
            raise ValueError('days before expiry cannot be negative')
        return sorted(set(value), reverse=True)

    @property
    def session_idle_timeout(self) -> timedelta:
        return timedelta(hours=self.session_idle_hours)

    def secure_cookies(self, host: str) -> bool:
        """Whether the session cookie is sent over HTTPS only: by default, everywhere but on this machine."""
        if self.session_cookie_secure is not None:
            return self.session_cookie_secure
        return host not in LOCAL_HOSTS

    def session_secret(self) -> str:
        """The secret that signs session cookies: `DASHBOARD_SECRET`, else one generated once and kept under data/."""
        if self.dashboard_secret:
            return self.dashboard_secret
        path = self.data_dir / 'secret.key'
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(32))
            path.chmod(0o600)
        return path.read_text().strip()


@lru_cache
def get_settings() -> Settings:
    return Settings()
