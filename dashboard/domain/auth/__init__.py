"""Signing in and staying signed in: sessions, the sign-in throttle, the sign-in log, two-factor sign-in, and the
single-use links for password resets and invitations."""
