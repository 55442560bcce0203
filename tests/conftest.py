"""Shared fixtures. The ``make_bot`` fixture comes from Shequn's own pytest plugin."""
