"""Storage: engines, group commit, dialect helpers and the core's migrations."""
