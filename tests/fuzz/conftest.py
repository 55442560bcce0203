"""Hypothesis profile for the fuzz tests: enough examples to matter, bounded in time.

``SHEQUN_FUZZ_EXAMPLES`` raises the count for a longer local run.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "shequn-fuzz",
    max_examples=int(os.environ.get("SHEQUN_FUZZ_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=False,
)
settings.load_profile("shequn-fuzz")
