"""Red envelopes (拼手气红包): a member puts N points into K random shares; the first K to
grab get one each; what nobody grabbed goes back to the giver when the envelope expires.

The giver pays from their balance in the same transaction that creates the shares; grabs are
conditional updates with a unique (envelope, taker) index; every movement is a keyed ledger
posting, so grabbed + returned always equals what was paid.
"""

from shequn.internal import forget

from . import commands  # noqa: F401  (registers handlers)
from .declaration import RedEnvelopeConfig, plugin

# The giver's note is their own words: blanked when they are forgotten.
forget.register_words("redenvelope_envelope", "giver", "note")

__all__ = ["RedEnvelopeConfig", "plugin"]
