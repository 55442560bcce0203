"""Strategies shared by the fuzz tests: odd text, and JSON-like values of any shape."""

from __future__ import annotations

import os
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

FUZZ = settings(
    max_examples=int(os.environ.get("SHEQUN_FUZZ_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
"""Applied to each fuzz test (not as a global profile, so other tests keep their own):
enough examples to matter, bounded in time; ``SHEQUN_FUZZ_EXAMPLES`` raises the count."""

ODD = [
    "\u200b",  # zero-width space
    "\u200d",
    "\u202e",  # right-to-left override
    "\u2066",
    "\ufeff",
    "\x00",
    "\ud7ff",
    "😀",
    "𝕏",
    "@everyone",
    "@here",
    "[CQ:at,qq=all]",
    "<b>",
    "&amp;",
    "*_~`|",
    '"',
    "'",
    "\\",
    "\n",
    "签到",
    "/",
]

odd_text = st.lists(st.one_of(st.text(max_size=12), st.sampled_from(ODD)), max_size=8).map("".join)
"""Text mixing random code points with the characters that break parsers and renderers."""

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    odd_text,
)

json_values: st.SearchStrategy[Any] = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(odd_text, children, max_size=4)
    ),
    max_leaves=12,
)


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """``strategy``, or any other JSON value in its place (a malformed field)."""
    return st.one_of(strategy, strategy, strategy, json_values)
