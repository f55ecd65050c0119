"""Settings, read from the environment (or a `.env` file) once at start-up."""

import secrets
from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / 'data'


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file='.env', extra='ignore')

    database_url: str = f'sqlite:///{DATA_DIR / "dashboard.db"}'
    dashboard_secret: str = ''
    product_name: str = '247connect'
    vendor_support_email: str = 'support@netsupportsoftware.com'
    vendor_sales_email: str = 'sales@netsupportsoftware.com'
    data_dir: Path = DATA_DIR

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
