"""Envelopes of time and the time bank: a ledger of hours per package."""
