"""拼手气: ``total`` points cut into ``shares`` random shares, each at least 1, summing exactly.

``shares - 1`` distinct cut points drawn uniformly from ``1 .. total - 1`` split the range
``0 .. total`` into pieces: every composition of ``total`` into ``shares`` positive parts is
equally likely, and the sum is exact by construction.
"""

from __future__ import annotations

import itertools
import random

_random = random.SystemRandom()


def split(total: int, shares: int, rng: random.Random = _random) -> list[int]:
    if shares < 1 or total < shares:
        raise ValueError("need at least one point per share")
    cuts = sorted(rng.sample(range(1, total), shares - 1))
    bounds = [0, *cuts, total]
    return [high - low for low, high in itertools.pairwise(bounds)]
