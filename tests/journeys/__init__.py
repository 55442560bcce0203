"""Journey tests: whole stories of members in a real community, every plugin on."""
