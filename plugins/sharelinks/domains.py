"""Which site an address leads to, and whether a community's ``allowed_domains`` cover it.

Hosts are compared in their ASCII (IDNA) form and lower case, so ``例子.cn`` and its
``xn--`` spelling are one site; ``example.org`` covers ``www.example.org`` but not
``badexample.org``."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit


def _ascii(host: str) -> str:
    host = host.strip().rstrip(".").lower()
    try:
        return host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return host


def normal_domain(text: str) -> str:
    """A domain as configured (``*.example.org``, ``.example.org``, ``Example.org``) in the
    form compared; raises ValueError for what is not a bare domain."""
    domain = text.strip().lower().removeprefix("*.").lstrip(".")
    if not domain or any(c in domain for c in "/:@?#[]\\ ") or len(domain) > 253:
        raise ValueError(f"not a domain: {text!r} (write it as example.org)")
    return _ascii(domain)


def host_of(url: str) -> str:
    """The host a browser opening ``url`` (a cleaned http(s) address) goes to."""
    return _ascii(unquote(urlsplit(url).hostname or ""))


def allowed(url: str, domains: list[str]) -> bool:
    """True when ``url`` leads to one of ``domains`` or a subdomain of one."""
    host = host_of(url)
    return bool(host) and any(host == d or host.endswith("." + d) for d in domains)
