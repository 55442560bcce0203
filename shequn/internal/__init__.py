"""Implementation of the Shequn core. Import from :mod:`shequn`, not from here."""
