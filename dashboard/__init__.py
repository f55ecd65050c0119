"""Licence billing dashboard: the Account > Billing page of a remote-support SaaS portal and its vendor back office."""
