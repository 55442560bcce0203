"""The published, checkable draw procedure: the only place that decides who wins.

At creation the bot publishes ``commitment = SHA-256(seed)`` (the seed written as 64
lower-case hex characters, hashed as ASCII). At the draw it reveals the seed. Anyone can then
recompute the winners from the sorted entry list:

1. every entrant key ``k`` (``platform:user_id``) gets the score
   ``HMAC-SHA256(key=seed, message=k)`` as hex, with seed and ``k`` encoded as UTF-8;
2. entrants are ranked by (score, key), smallest first;
3. round 1 takes the first ``winners`` entrants of the ranking that were still in the group;
   each reroll takes the next ones, skipping everyone picked before and everyone who had left
   by then.

The draw and ``shequn lottery verify ID`` both call :func:`ranking` and :func:`pick`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Collection, Iterable, Sequence

SEED_BYTES = 32


def new_seed() -> str:
    return secrets.token_hex(SEED_BYTES)


def commitment(seed: str) -> str:
    return hashlib.sha256(seed.encode("ascii")).hexdigest()


def score(seed: str, entrant: str) -> str:
    return hmac.new(seed.encode("utf-8"), entrant.encode("utf-8"), hashlib.sha256).hexdigest()


def ranking(seed: str, entrants: Iterable[str]) -> list[str]:
    """All entrants in draw order (the first ``n`` of the still eligible win)."""
    return sorted(set(entrants), key=lambda key: (score(seed, key), key))


def pick(ranked: Sequence[str], count: int, skip: Collection[str]) -> list[str]:
    """The first ``count`` entrants of ``ranked`` not in ``skip``."""
    chosen: list[str] = []
    for entrant in ranked:
        if len(chosen) >= count:
            break
        if entrant not in skip:
            chosen.append(entrant)
    return chosen


def entry_digest(entrants: Iterable[str]) -> str:
    """SHA-256 of the sorted entry list, one key per line (UTF-8, ``\\n`` after each)."""
    text = "".join(f"{key}\n" for key in sorted(set(entrants)))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def replay(seed: str, excluded: dict[str, int | None], sizes: Sequence[int]) -> list[list[str]]:
    """Every round's winners from the entry list alone.

    ``excluded`` maps each entrant to the round at which it had left the group (None: never);
    ``sizes`` are the numbers of winners of rounds 1, 2, ...
    """
    ranked = ranking(seed, excluded)
    taken: set[str] = set()
    rounds: list[list[str]] = []
    for number, size in enumerate(sizes, start=1):
        gone = {key for key, at in excluded.items() if at is not None and at <= number}
        chosen = pick(ranked, size, taken | gone)
        taken.update(chosen)
        rounds.append(chosen)
    return rounds
