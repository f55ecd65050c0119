"""The app as NiceGUI's simulated `User` runs it: the same `build` as `serve`, on the test database."""

from nicegui import ui

from dashboard.app import build
from dashboard.config import get_settings
from dashboard.db import Database

build(Database(get_settings().database_url))
ui.run(storage_secret='user simulation secret')
