"""Settings, read from the environment (or a `.env` file) once at start-up."""

import secrets
from datetime import timedelta
from functools import lru_cache
from ipaddress import ip_network
from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from dashboard.domain.vendor import DEFAULT_VENDOR, Vendor

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / 'data'
LOCAL_HOSTS = frozenset({'localhost', '127.0.0.1', '::1'})


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file='.env', extra='ignore')

    database_url: str = f'sqlite:///{DATA_DIR / "dashboard.db"}'
    dashboard_secret: str = ''
    product_name: str = DEFAULT_VENDOR.product_name
    vendor_support_email: str = DEFAULT_VENDOR.support_email
    vendor_sales_email: str = DEFAULT_VENDOR.sales_email
    data_dir: Path = DATA_DIR
    # Where people reach the app: the base of the links in emails (password resets, invitations).
    public_url: str = 'http://localhost:8080'

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

    # Behind HTTPS: HSTS is sent on requests that arrived over HTTPS, also through a trusted proxy that sets
    # X-Forwarded-Proto. 0 seconds sends no HSTS.
    hsts_seconds: int = Field(default=365 * 24 * 3600, ge=0)
    # The reverse proxies in front of the app (addresses or networks, e.g. HAProxy's): only from these direct peers
    # are X-Forwarded-For (the client address that sign-in throttling counts) and X-Forwarded-Proto believed.
    trusted_proxies: Annotated[list[str], NoDecode] = []
    # Origins besides the page's own (`scheme://host[:port]`) from which a browser may open the live connection.
    websocket_origins: Annotated[list[str], NoDecode] = []
    # Argon2 checks (64 MiB each) run on a pool of their own: this many at once, this many waiting, then "busy".
    password_check_workers: int = Field(default=1, ge=1, le=4)
    password_check_queue: int = Field(default=8, ge=0, le=100)

    @field_validator('public_url')
    @classmethod
    def _public_url(cls, value: str) -> str:
        if not value.startswith(('http://', 'https://')):
            raise ValueError('the public URL must start with http:// or https://')
        return value.rstrip('/')

    @field_validator('renewal_reminder_days', 'websocket_origins', mode='before')
    @classmethod
    def _comma_list(cls, value: object) -> object:
        """`90,30,7,0` or `[90, 30, 7, 0]` in the environment (reminder days: whole days before expiry, 0 = the day
        itself; websocket origins: `https://portal.example.com,https://other.example`)."""
        if isinstance(value, str):
            text = value.strip().removeprefix('[').removesuffix(']')
            return [part.strip() for part in text.split(',') if part.strip()]
        return value

    @field_validator('trusted_proxies', mode='before')
    @classmethod
    def _proxy_list(cls, value: object) -> object:
        """`10.0.0.2,10.0.1.0/24` in the environment; each must be an IP address or network."""
        if isinstance(value, str):
            value = [part.strip() for part in value.strip().removeprefix('[').removesuffix(']').split(',')]
        if isinstance(value, list):
            parts = [str(part).strip().strip('\'"') for part in value]
            for part in filter(None, parts):
                ip_network(part, strict=False)
            return [part for part in parts if part]
        return value

    @field_validator('renewal_reminder_days')
    @classmethod
    def _days_valid(cls, value: list[int]) -> list[int]:
        if any(day < 0 for day in value):
            raise ValueError('days before expiry cannot be negative')
        return sorted(set(value), reverse=True)

    def vendor(self) -> Vendor:
        """What the domain's emails say and where they go: handed to the operations that send mail."""
        return Vendor(product_name=self.product_name, sales_email=self.vendor_sales_email,
                      support_email=self.vendor_support_email)

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
