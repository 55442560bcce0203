"""Real platform payloads, each with the core event it must become (see ``SOURCES.md``)."""
