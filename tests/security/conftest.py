"""Attacks on the running app, over HTTP and in Chromium: each test tries what an attacker would and checks that it
fails. They reuse the browser tests' fixtures (a server started on its own database, Chromium, `open_as`), in a
pytest run of their own, for the same reason as the browser tests."""

from tests.browser.conftest import *  # noqa: F403  (the server, browser and sign-in fixtures)
