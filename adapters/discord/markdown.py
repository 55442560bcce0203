"""Text that Discord shows exactly as written: never markdown, never a mention.

Discord's markdown reads a backslash before any ASCII punctuation as "this character,
literally" (the escape rule of the simple-markdown grammar its clients use), so every ASCII
punctuation character gets one. Then nothing a member typed can open a masked link
(``[Claim](https://…)``), a mention, channel, emoji or timestamp (``<@…>``, ``<#…>``,
``<t:…>``), a spoiler, code, emphasis, a quote, a header, subtext or a list, wherever it
stands and however the text is cut into messages. ``discord.utils.escape_markdown`` is no
substitute: it escapes whole patterns once, so ``[a] [Claim](https://evil.example)`` keeps
its link.

Web addresses stay clickable: Discord links ``https?://`` up to a space or a ``<`` (giving
back a final ``.,:;"')]``) and shows the address itself, so one is left as it is; a backslash
inside would change it. Right after one, a backslash would be taken into the link as well:
so the punctuation Discord gives back stays as typed (alone it opens nothing), and before a
``<`` there goes an invisible U+FEFF, which ends the address for Discord (JavaScript counts it
as a space) and lets the ``<`` be escaped.

Form feeds are left out, as Discord's clients drop them before reading the markdown (so an
address they split is seen whole). ``@everyone`` and ``@here`` also get a zero-width space,
as discord.py does; whether anyone is pinged is up to the message's ``allowed_mentions``
(see the exporter).
"""

from __future__ import annotations

import re
import string

from shequn import well_formed

PUNCTUATION = frozenset(string.punctuation)

_SPACE = "\t\n\v\f\r \xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
"""JavaScript's ``\\s`` (Discord's rules are JavaScript; Python's ``\\s`` differs), so an
address here is exactly the one Discord sees."""
ADDRESS = re.compile(rf"https?://[^{_SPACE}<]+[^{_SPACE}<.,:;\"')\]]")
"""Discord's rule for a web address shown as a link."""
GIVEN_BACK = re.compile(r"[.,:;\"')\]]*")
"""What Discord's rule gives back at the end of an address (see the module notes)."""
END = "\ufeff"
"""Ends an address before a ``<`` (see the module notes)."""
EVERYONE = re.compile(r"@(everyone|here)")


def escaped(text: str) -> list[str]:
    """Each character of ``text``, ASCII punctuation behind a backslash."""
    return ["\\" + c if c in PUNCTUATION else c for c in text]


def atoms(text: str) -> list[str]:
    """``text`` as Discord will show it literally, in pieces a message may be cut between:
    single (escaped) characters, and whole web addresses."""
    text = EVERYONE.sub("@\u200b\\1", well_formed(text).replace("\f", ""))
    out: list[str] = []
    start = 0
    for found in ADDRESS.finditer(text):
        out.extend(escaped(text[start : found.start()]))
        trail = GIVEN_BACK.match(text, found.end())
        end = trail.end() if trail else found.end()
        out.append(text[found.start() : end] + (END if text.startswith("<", end) else ""))
        start = end
    out.extend(escaped(text[start:]))
    return out
