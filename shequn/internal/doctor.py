"""``shequn doctor``: what would stop the bot, or leave it open, before it is found the hard way.

Each check gives findings: a *problem* (exit code 1) or a *note*. Problems: a platform without
its token, a OneBot endpoint without a token, a webhook without its secret, a web server
listening on every interface while something it serves is unprotected, a secret inside a file
git tracks, a database or platform service that cannot be reached. Secrets are never printed.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict
from sqlalchemy import text

from shequn.internal.config import DEFAULT_CONFIG_PATH, Settings, adapter_settings

PLATFORMS = ("telegram", "discord", "qq", "wechat")
SECRET_KEYS = ("token", "access_token", "webhook_secret", "password", "secret")
PUBLIC_HOSTS = ("0.0.0.0", "::", "")
TIMEOUT = 5.0


@dataclass(frozen=True, slots=True)
class Finding:
    problem: bool
    text: str


class _Raw(BaseModel):
    model_config = ConfigDict(extra="allow")


def raw_section(settings: Settings, name: str) -> dict[str, Any] | None:
    """A platform's settings as written (file and environment), unvalidated; None if absent."""
    prefix = f"SHEQUN_{name.upper()}__"
    if settings.section(name) is None and not any(k.upper().startswith(prefix) for k in os.environ):
        return None
    return dict(adapter_settings(settings, name, _Raw).model_extra or {})


def _filled(value: Any) -> bool:
    return bool(str(value or "").strip())


def check_settings(settings: Settings) -> list[Finding]:
    found: list[Finding] = []
    public = settings.web.host in PUBLIC_HOSTS
    configured = {n: s for n in PLATFORMS if (s := raw_section(settings, n)) is not None}
    if not configured:
        found.append(Finding(False, "no platform configured: the bot runs the console only"))
    for name in ("telegram", "discord"):
        section = configured.get(name)
        if section is not None and not _filled(section.get("token")):
            found.append(Finding(True, f"{name}: no token (SHEQUN_{name.upper()}__TOKEN)"))
    telegram = configured.get("telegram")
    if telegram is not None and telegram.get("mode") == "webhook":
        if not _filled(telegram.get("webhook_secret")):
            found.append(
                Finding(True, "telegram: webhook mode without webhook_secret: anyone can post")
            )
        if not str(telegram.get("webhook_url", "")).startswith("https://"):
            found.append(Finding(True, "telegram: webhook_url is not https"))
    for name in ("qq", "wechat"):
        section = configured.get(name)
        if section is None:
            continue
        required = section.get("access_token_required", True) not in (False, "false", 0)
        if not _filled(section.get("access_token")):
            if required:
                found.append(Finding(True, f"{name}: no access_token (it will not start)"))
            else:
                where = "on every interface" if public else "on this machine"
                found.append(
                    Finding(
                        True,
                        f"{name}: empty access_token with access_token_required = false: "
                        f"anyone {where} can act as the OneBot implementation",
                    )
                )
    if public:
        reverse = [
            n
            for n in ("qq", "wechat")
            if n in configured and configured[n].get("mode") != "forward"
        ]
        served = [*reverse, *(["dashboard"] if settings.web.dashboard else [])]
        if telegram is not None and telegram.get("mode") == "webhook":
            served.append("telegram webhook")
        if served:
            found.append(
                Finding(
                    False,
                    f"web server on {settings.web.host or 'every interface'}:{settings.web.port} "
                    f"serves {', '.join(served)}: put it behind TLS (a reverse proxy)",
                )
            )
        if settings.web.dashboard and not settings.web.cookie_secure:
            found.append(Finding(True, "dashboard on every interface with cookie_secure = false"))
    if not settings.superusers:
        found.append(Finding(False, "no superusers: nobody can run superuser commands"))
    return found


def check_tracked_secrets(config: Path | None) -> list[Finding]:
    """A secret in a configuration file that git tracks ends up in every clone."""
    path = config or DEFAULT_CONFIG_PATH
    if not path.is_file():
        return []
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    secret_lines = [
        i + 1
        for i, line in enumerate(lines)
        if not line.lstrip().startswith("#")
        and "=" in line
        and line.split("=", 1)[0].strip().strip('"').lower().endswith(SECRET_KEYS)
        and line.split("=", 1)[1].strip().strip("\"'")
    ]
    if not secret_lines or not _tracked(path):
        return []
    where = ", ".join(str(n) for n in secret_lines)
    return [
        Finding(
            True,
            f"{path} holds a secret (line {where}) and git tracks it: move it to the "
            "environment, rotate it, and remove the file from git",
        )
    ]


def _tracked(path: Path) -> bool:
    try:
        done = subprocess.run(
            ["git", "ls-files", "--error-unmatch", path.name],
            cwd=path.resolve().parent,
            capture_output=True,
            timeout=TIMEOUT,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


async def check_database(settings: Settings) -> list[Finding]:
    from shequn.internal.storage.database import Database

    try:
        db = Database(settings.database.url)
    except Exception as error:
        return [Finding(True, f"database: unusable URL: {error}")]
    shown = db.url.render_as_string(hide_password=True)
    try:
        await asyncio.wait_for(db.run_sync_admin(lambda c: c.execute(text("select 1"))), TIMEOUT)
    except Exception as error:
        return [Finding(True, f"database {shown}: unreachable: {type(error).__name__}: {error}")]
    finally:
        await db.close()
    return [Finding(False, f"database {shown}: reachable")]


def check_services(settings: Settings) -> list[Finding]:
    found: list[Finding] = []
    telegram = raw_section(settings, "telegram")
    if telegram is not None:
        base = str(telegram.get("api_base") or "https://api.telegram.org")
        found.append(_http("telegram Bot API", base))
    discord = raw_section(settings, "discord")
    if discord is not None and _filled(discord.get("api_base")):
        found.append(_http("discord API", str(discord["api_base"])))
    for name in ("qq", "wechat"):
        section = raw_section(settings, name)
        if section is None or section.get("mode") != "forward":
            continue
        urls = section.get("urls") or []
        for url in [urls] if isinstance(urls, str) else urls:
            found.append(_tcp(f"{name} forward {url}", str(url)))
    return found


def _http(what: str, url: str) -> Finding:
    try:
        urllib.request.urlopen(url, timeout=TIMEOUT).close()
    except urllib.error.HTTPError:
        return Finding(False, f"{what} at {url}: reachable")  # it answered
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        return Finding(True, f"{what} at {url}: unreachable ({reason})")
    return Finding(False, f"{what} at {url}: reachable")


def _tcp(what: str, url: str) -> Finding:
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "wss" else 80)
    try:
        socket.create_connection((parts.hostname or "", port), timeout=TIMEOUT).close()
    except (OSError, ValueError) as error:
        return Finding(True, f"{what}: unreachable ({error})")
    return Finding(False, f"{what}: reachable")


async def diagnose(settings: Settings, config: Path | None) -> list[Finding]:
    found = check_settings(settings) + check_tracked_secrets(config)
    found += await check_database(settings)
    loop = asyncio.get_running_loop()
    found += await loop.run_in_executor(None, check_services, settings)
    return found
