"""The web app, for plugins that serve pages on it (``ctx.app.web.app``): who the client is,
behind the reverse proxies configured in ``[web] trusted_proxies`` and nowhere else."""

from shequn.internal.client_address import address_key, client_address

__all__ = ["address_key", "client_address"]
