"""The dashboard's HTTP routes, mounted under ``/admin`` on the shared web app.

Every page needs a session; every POST carries the session's CSRF token (the login form a
double-submit cookie, as there is no session yet). Group pages check, on each request, that
the session may manage that group; community pages are for superusers.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import secrets
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, quote

from pydantic import ValidationError

from shequn.internal.client_address import address_key, client_address
from shequn.internal.dashboard import auth, broadcast, store, throttle
from shequn.internal.dashboard.forms import (
    FormErrors,
    form_fields,
    parse_submission,
    validation_messages,
)
from shequn.internal.dashboard.health import group_health
from shequn.internal.dashboard.members import members
from shequn.internal.dashboard.pages import LOCALES, render
from shequn.internal.dashboard.panels import panels
from shequn.internal.dashboard.shared import changes, shared_fields
from shequn.internal.dashboard.state import DashboardState, GroupView, state_of
from shequn.internal.group_settings import GroupRefused

if TYPE_CHECKING:
    from fastapi import FastAPI, Request
    from starlette.responses import Response

    from shequn.internal.app import App
    from shequn.internal.event import Scene
    from shequn.internal.identity import CommunityInfo
    from shequn.internal.plugin import Plugin

log = logging.getLogger("shequn.dashboard")

PREFIX = "/admin"
SESSION_COOKIE = "shequn_session"
LOGIN_COOKIE = "shequn_login"
LANG_COOKIE = "shequn_lang"
MAX_BODY = 64 * 1024


class Refused(Exception):
    """A request answered with an error page: ``status`` and a translation key."""

    def __init__(self, status: int, key: str) -> None:
        super().__init__(key)
        self.status = status
        self.key = key


def mount(app: App) -> None:
    """Add the dashboard's routes to ``app.web.app`` (once)."""
    web = app.web.app
    if any(getattr(r, "path", "").startswith(PREFIX + "/") for r in web.router.routes):
        return
    Routes(app).add_to(web)


class Routes:
    def __init__(self, app: App) -> None:
        self.app = app
        self.state: DashboardState = state_of(app)

    # -- helpers ------------------------------------------------------------------------

    def now(self) -> float:
        return self.app.clock.now().timestamp()

    def locale(self, request: Request) -> str:
        chosen = request.cookies.get(LANG_COOKIE, "")
        return chosen if chosen in LOCALES else self.app.settings.locale

    def page(self, request: Request, name: str, status: int = 200, **values: Any) -> Response:
        from fastapi.responses import HTMLResponse

        html = render(self.app, self.locale(request), name, prefix=PREFIX, **values)
        response = HTMLResponse(html, status_code=status)
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'"
        )
        return response

    def redirect(self, path: str) -> Response:
        from fastapi.responses import RedirectResponse

        return RedirectResponse(path, status_code=303)

    def cookie(self, response: Response, name: str, value: str, max_age: int) -> None:
        response.set_cookie(
            name,
            value,
            max_age=max_age,
            path=PREFIX,
            httponly=True,
            samesite="strict",
            secure=self.app.settings.web.cookie_secure,
        )

    async def form(self, request: Request) -> dict[str, str]:
        body = await request.body()
        if len(body) > MAX_BODY:
            raise Refused(413, "error.too_large")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise Refused(400, "error.bad_form") from None
        return dict(parse_qsl(text, keep_blank_values=True, max_num_fields=500))

    async def session(self, request: Request) -> auth.Session:
        found = await auth.find_session(
            self.app.db, request.cookies.get(SESSION_COOKIE), self.now()
        )
        if found is None:
            raise Refused(401, "error.login")
        return found

    async def posted(self, request: Request) -> tuple[auth.Session, dict[str, str]]:
        """The session and form of a POST whose CSRF token matches, else refused."""
        session = await self.session(request)
        form = await self.form(request)
        if not hmac.compare_digest(form.get("csrf", "").encode(), session.csrf.encode()):
            log.warning("dashboard form without a valid CSRF token refused (%s)", request.url.path)
            raise Refused(403, "error.csrf")
        return session, form

    async def managed_group(self, session: auth.Session, key: str) -> GroupView:
        group = await self.state.group(key)
        if group is None:
            raise Refused(404 if session.superuser else 403, "error.no_group")
        if not await self.state.can_manage(session, group):
            raise Refused(403, "error.forbidden")
        return group

    async def community(self, session: auth.Session, key: str) -> CommunityInfo:
        """The community, if the session may manage every one of its groups."""
        info = next((c for c in self.app.identity.communities() if c.key == key), None)
        if info is None:
            raise Refused(404 if session.superuser else 403, "error.no_community")
        if not await self.state.can_manage_community(session, info):
            raise Refused(403, "error.community_forbidden")
        return info

    # -- wiring -------------------------------------------------------------------------

    def add_to(self, web: FastAPI) -> None:
        get, post = "GET", "POST"
        routes: list[tuple[str, str, Callable[..., Awaitable[Response]]]] = [
            (get, "/", self.overview),
            (get, "/login", self.login_page),
            (post, "/login", self.login),
            (post, "/logout", self.logout),
            (get, "/lang/{code}", self.language),
            (get, "/g/{key:path}", self.group_page),  # keys may hold "/" (wechat)
            (post, "/g/{key:path}/switch", self.switch),
            (post, "/g/{key:path}/config/{plugin}", self.configure),
            (get, "/c/{key:path}", self.community_page),
            (post, "/c/{key:path}/switch", self.community_switch),
            (post, "/c/{key:path}/config/{plugin}", self.community_configure),
            (post, "/c/{key:path}/broadcast", self.start_broadcast),
        ]
        for method, path, handler in routes:
            web.add_route(PREFIX + path, self.guarded(handler), methods=[method])

    def guarded(self, handler: Callable[..., Awaitable[Response]]) -> Callable[..., Any]:
        """Turn :class:`Refused` into an error page (or the login page for no session)."""

        async def endpoint(request: Request) -> Response:
            try:
                return await handler(request, **request.path_params)
            except Refused as refused:
                if refused.status == 401:
                    return self.redirect(PREFIX + "/login")
                return self.page(request, "error.html", refused.status, key=refused.key)

        endpoint.__name__ = handler.__name__
        return endpoint

    # -- login --------------------------------------------------------------------------

    async def login_page(self, request: Request, error: str = "", status: int = 200) -> Response:
        nonce = secrets.token_urlsafe(24)
        response = self.page(request, "login.html", status, csrf=nonce, error=error)
        self.cookie(response, LOGIN_COOKIE, nonce, 3600)
        return response

    async def login(self, request: Request) -> Response:
        form = await self.form(request)
        expected = request.cookies.get(LOGIN_COOKIE, "")
        given = form.get("csrf", "")
        if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
            raise Refused(403, "error.csrf")
        trusted = self.app.settings.web.trusted_proxies
        client = address_key(client_address(request.scope, trusted))
        now = self.now()
        allowed = await throttle.take_attempt(self.app.db, client, now)  # counted first
        token, code = form.get("token", "").strip(), form.get("code", "").strip()
        subject: str | None = None
        superuser = False
        if token:  # checked even when throttled: see throttle for why that is sound
            token_id = await auth.check_token(self.app.db, token, now)
            if token_id is not None:
                subject, superuser = f"token:{token_id}", True
        elif code and allowed:
            subject = await auth.redeem_code(self.app.db, code, now)
            # Only the account the code was sent to counts, never an account linked to it.
            superuser = subject is not None and subject in self.app.superusers
        if subject is None:
            if not allowed:
                return await self.login_page(request, "login.throttled", 429)
            return await self.login_page(request, "login.failed", 403)
        hours = self.app.settings.web.session_hours
        sid, _ = await auth.open_session(self.app.db, subject, superuser, now, hours)
        await store.record(self.app.db, now, subject, "dashboard", "login", client)
        response = self.redirect(PREFIX + "/")
        self.cookie(response, SESSION_COOKIE, sid, int(hours * 3600))
        response.delete_cookie(LOGIN_COOKIE, path=PREFIX)
        return response

    async def logout(self, request: Request) -> Response:
        await self.posted(request)
        sid = request.cookies.get(SESSION_COOKIE, "")
        await auth.close_session(self.app.db, sid)
        response = self.redirect(PREFIX + "/login")
        response.delete_cookie(SESSION_COOKIE, path=PREFIX)
        return response

    async def language(self, request: Request, code: str) -> Response:
        response = self.redirect(PREFIX + "/")
        if code in LOCALES:
            self.cookie(response, LANG_COOKIE, code, 365 * 86400)
        return response

    # -- overview -----------------------------------------------------------------------

    async def overview(self, request: Request) -> Response:
        session = await self.session(request)
        groups = await self.state.visible_groups(session)
        identity = self.app.identity
        rows = []
        switchable = [p for p in self.app.plugins.values() if p.switchable]
        healths = await self.state.health.overview([g.key for g in groups], self.locale(request))
        for group, health in zip(groups, healths, strict=True):
            community = identity.community_of(group.key)
            enabled = sum(self.app.group_settings.is_enabled(p, group.key) for p in switchable)
            rows.append(
                {
                    "group": group,
                    "community": identity.community_name(community)
                    if community != group.key
                    else "",
                    "enabled": enabled,
                    "health": health,
                    "dropped": self.app.limits.dropped[group.key],
                }
            )
        communities = [
            c for c in identity.communities() if await self.state.can_manage_community(session, c)
        ]
        return self.page(
            request,
            "overview.html",
            session=session,
            rows=rows,
            plugins=len(switchable),
            communities=communities,
        )

    # -- one group ----------------------------------------------------------------------

    async def group_page(
        self,
        request: Request,
        key: str,
        errors: dict[str, dict[str, str]] | None = None,
        status: int = 200,
    ) -> Response:
        session = await self.session(request)
        group = await self.managed_group(session, key)
        app = self.app
        community = app.identity.community_of(key)
        query = request.query_params.get("q", "")[:100]
        plugins = []
        for plugin in sorted(app.plugins.values(), key=lambda p: p.name):
            if not plugin.switchable and plugin.name != "core":
                continue
            config = app.group_settings.config(plugin, key)
            overridden = set(app.group_settings.overrides(plugin, key))
            plugins.append(
                {
                    "plugin": plugin,
                    "enabled": app.group_settings.is_enabled(plugin, key),
                    "fields": form_fields(config, overridden),
                    "errors": (errors or {}).get(plugin.name, {}),
                }
            )
        return self.page(
            request,
            "group.html",
            status,
            session=session,
            group=group,
            community=app.identity.community_name(community) if community != key else "",
            query=query,
            members=await members(app, community, query),
            plugins=plugins,
            panels=await panels(app, "group", key, key),
            audit=await store.recent(app.db, key),
            health=await group_health(app, key, self.locale(request), charts=True),
            dropped=app.limits.dropped[key],
        )

    async def switch(self, request: Request, key: str) -> Response:
        session, form = await self.posted(request)
        await self.managed_group(session, key)
        plugin = self.app.plugin(form.get("plugin", ""))
        if plugin is None or not plugin.switchable:
            raise Refused(400, "error.no_plugin")
        enabled = form.get("enabled") == "1"
        await self.app.group_settings.set_enabled(plugin, key, enabled)
        await store.record(
            self.app.db, self.now(), session.subject, key, "on" if enabled else "off", plugin.name
        )
        return self.redirect(f"{PREFIX}/g/{quote(key, safe='')}#plugins")

    async def configure(self, request: Request, key: str, plugin: str) -> Response:
        session, form = await self.posted(request)
        await self.managed_group(session, key)
        found = self.app.plugin(plugin)
        if found is None:
            raise Refused(400, "error.no_plugin")
        try:
            values, reset = parse_submission(found.config, form)
            await self.app.group_settings.set_many(found, key, values, reset)
        except FormErrors as error:
            return await self.group_page(request, key, {found.name: error.errors}, 400)
        except ValidationError as error:
            return await self.group_page(
                request, key, {found.name: validation_messages(error)}, 400
            )
        changed = ", ".join([*values, *reset])[:400]
        await store.record(
            self.app.db, self.now(), session.subject, key, "config", f"{plugin}: {changed}"
        )
        return self.redirect(f"{PREFIX}/g/{quote(key, safe='')}#plugin-{found.name}")

    # -- communities --------------------------------------------------------------------

    async def community_page(
        self,
        request: Request,
        key: str,
        errors: dict[str, dict[str, str]] | None = None,
        status: int = 200,
    ) -> Response:
        session = await self.session(request)
        info = await self.community(session, key)
        switchable = sorted(
            (p for p in self.app.plugins.values() if p.switchable), key=lambda p: p.name
        )
        states = {
            p.name: [self.app.group_settings.is_enabled(p, g) for g in info.groups]
            for p in switchable
        }
        shared = [
            {
                "plugin": plugin,
                "fields": shared_fields(self.app, plugin, info.groups),
                "errors": (errors or {}).get(plugin.name, {}),
            }
            for plugin in self.configurable()
        ]
        return self.page(
            request,
            "community.html",
            status,
            session=session,
            community=info,
            plugins=switchable,
            states=states,
            shared=[item for item in shared if item["fields"]],
            panels=await panels(self.app, "community", info.key, ""),
            health=await group_health(
                self.app, info.key, self.locale(request), charts=True, community=True
            ),
            dropped=sum(self.app.limits.dropped[group] for group in info.groups),
            broadcasts=await broadcast.recent(self.app, info.key),
            audit=await store.recent(self.app.db, info.key),
        )

    def configurable(self) -> list[Plugin]:
        """Plugins with a settings form: the switchable ones and the core."""
        return sorted(
            (p for p in self.app.plugins.values() if p.switchable or p.name == "core"),
            key=lambda p: p.name,
        )

    async def community_switch(self, request: Request, key: str) -> Response:
        session, form = await self.posted(request)
        info = await self.community(session, key)
        plugin = self.app.plugin(form.get("plugin", ""))
        if plugin is None or not plugin.switchable:
            raise Refused(400, "error.no_plugin")
        enabled = form.get("enabled") == "1"
        for group_key in info.groups:
            await self.app.group_settings.set_enabled(plugin, group_key, enabled)
        await store.record(
            self.app.db,
            self.now(),
            session.subject,
            info.key,
            "on" if enabled else "off",
            plugin.name,
        )
        return self.redirect(f"{PREFIX}/c/{quote(info.key, safe='')}")

    async def community_configure(self, request: Request, key: str, plugin: str) -> Response:
        """One plugin's settings for every group of the community, all groups or none."""
        session, form = await self.posted(request)
        info = await self.community(session, key)
        found = next((p for p in self.configurable() if p.name == plugin), None)
        if found is None:
            raise Refused(400, "error.no_plugin")
        try:
            values, reset = changes(found.config, form)
            if values or reset:
                await self.app.group_settings.set_many_groups(found, info.groups, values, reset)
        except FormErrors as error:
            return await self.community_page(request, key, {found.name: error.errors}, 400)
        except GroupRefused as refused:
            t = self.app.translator.translate
            messages = {
                field: t(
                    "dashboard",
                    self.locale(request),
                    "community.refused_in",
                    group=refused.group_key,
                    error=message,
                )
                for field, message in validation_messages(refused.error).items()
            }
            return await self.community_page(request, key, {found.name: messages}, 400)
        if values or reset:
            changed = ", ".join([*values, *reset])[:400]
            await store.record_many(
                self.app.db,
                self.now(),
                session.subject,
                [info.key, *info.groups],
                "config",
                f"{found.name}: {changed} ({info.name})",
            )
        return self.redirect(f"{PREFIX}/c/{quote(info.key, safe='')}#shared-{found.name}")

    async def start_broadcast(self, request: Request, key: str) -> Response:
        session, form = await self.posted(request)
        info = await self.community(session, key)
        key = info.key
        text = form.get("text", "").strip()
        if not text or len(text) > broadcast.MAX_TEXT:
            raise Refused(400, "error.broadcast_text")
        scenes = {g.key: g.scene for g in await self.state.groups()}
        broadcast_id = await broadcast.create(
            self.app, key, list(info.groups), text, session.subject
        )
        await store.record(
            self.app.db, self.now(), session.subject, key, "broadcast", f"#{broadcast_id}"
        )
        task = asyncio.create_task(
            self._deliver(broadcast_id, scenes), name=f"shequn-broadcast-{broadcast_id}"
        )
        self.state.tasks.add(task)
        task.add_done_callback(self.state.tasks.discard)
        return self.redirect(f"{PREFIX}/c/{quote(key, safe='')}#broadcasts")

    async def _deliver(self, broadcast_id: int, scenes: dict[str, Scene]) -> None:
        try:
            await broadcast.run(
                self.app, broadcast_id, scenes, self.app.settings.web.broadcast_interval
            )
        except Exception:
            log.exception("broadcast %d stopped; its undelivered groups stay waiting", broadcast_id)
