"""A demo of Spotify's developer dashboard: register an app, get its Client ID.

What a listener does on developer.spotify.com before using MoodyStream with their own app,
reduced to what matters for it: pick which demo account you are (the developer account that
will own the app), name the app, list its redirect URIs, tick "Web API", and receive a
32-hexadecimal-character Client ID. The app page shows the Client ID, lets you change the
redirect URIs and the app's users (User Management), and warns when the owner has no Premium.

    GET  {root}/dashboard[?developer=ID]   your apps and the "Create app" form
    POST {root}/dashboard/apps             create an app (form fields as on the page)
    GET  {root}/dashboard/apps/<client_id> the app's settings
    POST {root}/dashboard/apps/<client_id> save redirect URIs and users

The rules are Spotify's: redirect URIs must be HTTPS or loopback literals (no ``localhost``),
at most five users in Development Mode (the owner counts and is always one of them). Apps
live until the emulator is reset. Forms carry a double-submit token (cookie + hidden field).
No inline scripts or styles; the pages share the consent page's stylesheet.
"""

from __future__ import annotations

import dataclasses
import hmac
import secrets
from collections.abc import Mapping
from html import escape
from urllib.parse import quote

from werkzeug.utils import redirect
from werkzeug.wrappers import Request, Response

from spotify_emulator.accounts.clients import ClientApps
from spotify_emulator.accounts.consent import render_page
from spotify_emulator.catalogue.users import DemoUser
from spotify_emulator.config import MAX_DEV_MODE_USERS, ClientApp, check_redirect_uri_allowed

CSRF_COOKIE = "emulator_dashboard_csrf"
MAX_NAME_LENGTH = 100
MAX_REDIRECT_URIS = 20


class FormProblems(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def handle(apps: ClientApps, users: Mapping[str, DemoUser], request: Request) -> Response:
    """Route a ``/dashboard...`` request."""
    parts = [p for p in request.path.split("/") if p][1:]  # drop "dashboard"
    if request.method == "HEAD":  # answered as GET; werkzeug leaves the body out for HEAD
        request.method = "GET"
    if request.method not in ("GET", "POST"):
        return _page(request, "Method not allowed", "<h1>Method not allowed</h1>", 405)
    if request.method == "POST" and not _csrf_ok(request):
        return _page(request, "Form expired",
                     "<h1>This form has expired</h1><p class=\"error\">Reload the dashboard "
                     "and try again.</p>", 403)
    if not parts:
        if request.method != "GET":
            return _page(request, "Method not allowed", "<h1>Method not allowed</h1>", 405)
        return _home(apps, users, request)
    if parts == ["apps"] and request.method == "POST":
        return _create(apps, users, request)
    if len(parts) == 2 and parts[0] == "apps":
        client = apps.get(parts[1])
        if client is None or client.owner not in users:
            return _page(request, "No such app", "<h1>No such app</h1>", 404)
        if request.method == "POST":
            return _update(apps, users, request, client)
        return _app_page(apps, users, request, client)
    return _page(request, "Not found", "<h1>Not found</h1>", 404)


# -- pages -------------------------------------------------------------------------------
def _home(apps: ClientApps, users: Mapping[str, DemoUser], request: Request, *,
          problems: list[str] | None = None, values: dict[str, str] | None = None,
          status: int = 200) -> Response:
    developer = (values or {}).get("developer") or request.args.get("developer", "")
    if developer not in users:
        developer = next(iter(users))
    values = {"name": "", "description": "", "redirect_uris": "", **(values or {})}
    own_apps = [c for c in apps.all() if c.owner == developer]
    app_items = "\n".join(
        f'<li><a href="{escape(_app_url(request, c.client_id))}">{escape(c.name)}</a> '
        f'<code>{escape(c.client_id)}</code></li>' for c in own_apps
    ) or "<li>No apps yet.</li>"
    errors = ""
    if problems:
        errors = ('<ul class="error" id="problems">'
                  + "".join(f"<li>{escape(p)}</li>" for p in problems) + "</ul>")
    content = f"""<h1>Developer dashboard</h1>
<form method="get" action="{escape(_root(request))}/dashboard" class="developer">
<label for="developer-choice">Signed in as (demo developer account)</label>
<select id="developer-choice" name="developer">
{_user_options(list(users.values()), developer)}
</select>
<button type="submit" id="switch-developer">Switch account</button>
</form>
<h2>Your apps</h2>
<ul class="apps" id="apps">
{app_items}
</ul>
<h2>Create app</h2>
{errors}
<form method="post" action="{escape(_root(request))}/dashboard/apps" id="create-app">
{_csrf_field(request)}
<input type="hidden" name="developer" value="{escape(developer)}">
<label for="app-name">App name</label>
<input id="app-name" name="name" maxlength="{MAX_NAME_LENGTH}" required
 value="{escape(values["name"])}">
<label for="app-description">App description</label>
<input id="app-description" name="description" maxlength="300"
 value="{escape(values["description"])}">
<label for="redirect-uris">Redirect URIs (one per line)</label>
<textarea id="redirect-uris" name="redirect_uris" rows="3" required>
{escape(values["redirect_uris"])}</textarea>
<fieldset><legend>Which API/SDKs are you planning to use?</legend>
<label><input type="checkbox" name="web_api" value="1" id="web-api"> Web API</label>
</fieldset>
<label><input type="checkbox" name="terms" value="1" id="terms"> I understand and agree with
the Developer Terms of Service (demo)</label>
<div class="buttons"><button type="submit" id="save-app">Save</button></div>
</form>
<p class="note">Apps in Development Mode serve at most {MAX_DEV_MODE_USERS} users, and only while
their owner has Premium. Rate limits and quota are counted per developer account.</p>"""
    return _page(request, "Developer dashboard", content, status)


def _app_page(apps: ClientApps, users: Mapping[str, DemoUser], request: Request,
              client: ClientApp, *, problems: list[str] | None = None, saved: bool = False,
              status: int = 200) -> Response:
    owner = users[client.owner or ""]
    others = [u for u in users.values() if u.id != owner.id]
    listed = set(client.allowed_users or ())
    user_boxes = "\n".join(
        f'<label><input type="checkbox" name="users" value="{escape(u.id)}"'
        f'{" checked" if u.id in listed else ""}> {escape(u.label)}</label>' for u in others
    )
    warning = ""
    if owner.product != "premium":
        warning = (f'<p class="error" id="premium-warning">The owner of this app, '
                   f'{escape(owner.display_name)}, has no Premium subscription: in Development '
                   "Mode Spotify refuses every Web API request for this app until the owner "
                   "has Premium.</p>")
    notice = '<p class="note" id="saved">Saved.</p>' if saved else ""
    errors = ""
    if problems:
        errors = ('<ul class="error" id="problems">'
                  + "".join(f"<li>{escape(p)}</li>" for p in problems) + "</ul>")
    content = f"""<h1>{escape(client.name)}</h1>
<p><a href="{escape(_root(request))}/dashboard?developer={quote(owner.id)}">Back to your
apps</a></p>
{warning}{notice}
<h2>Basic information</h2>
<p>Client ID</p>
<p><code id="client-id">{escape(client.client_id)}</code></p>
<p class="note">A public value: paste it where an app asks for your Client ID. The client
secret is not shown here; apps that sign in with PKCE never need it.</p>
<p>Owner: <strong id="owner">{escape(owner.label)}</strong> ({escape(owner.product)})</p>
<p>Mode: <strong>{escape(apps.mode.capitalize())}</strong></p>
<h2>Settings</h2>
{errors}
<form method="post" action="{escape(_app_url(request, client.client_id))}" id="app-settings">
{_csrf_field(request)}
<label for="redirect-uris">Redirect URIs (one per line)</label>
<textarea id="redirect-uris" name="redirect_uris" rows="4">
{escape(chr(10).join(client.redirect_uris))}</textarea>
<fieldset><legend>User Management: who besides the owner may use this app</legend>
{user_boxes}
</fieldset>
<div class="buttons"><button type="submit" id="save-settings">Save</button></div>
</form>"""
    return _page(request, client.name, content, status)


# -- actions -----------------------------------------------------------------------------
def _create(apps: ClientApps, users: Mapping[str, DemoUser], request: Request) -> Response:
    form = request.form
    values = {k: form.get(k, "") for k in ("developer", "name", "description", "redirect_uris")}
    problems: list[str] = []
    developer = values["developer"]
    if developer not in users:
        problems.append("Choose which demo account you are signed in as.")
    name = values["name"].strip()
    if not name:
        problems.append("Give the app a name.")
    elif len(name) > MAX_NAME_LENGTH:
        problems.append(f"The app name can be at most {MAX_NAME_LENGTH} characters.")
    try:
        uris = _redirect_uris(values["redirect_uris"])
    except FormProblems as err:
        problems.extend(err.problems)
        uris = ()
    if not form.get("web_api"):
        problems.append("Tick Web API: MoodyStream calls Spotify's Web API.")
    if not form.get("terms"):
        problems.append("Agree to the Developer Terms of Service.")
    if problems:
        return _home(apps, users, request, problems=problems, values=values, status=400)
    client = ClientApp(client_id=secrets.token_hex(16), client_secret=secrets.token_hex(16),
                       redirect_uris=uris, allowed_users=(), owner=developer, name=name)
    apps.register(client)
    return redirect(_app_url(request, client.client_id), code=303)


def _update(apps: ClientApps, users: Mapping[str, DemoUser], request: Request,
            client: ClientApp) -> Response:
    problems: list[str] = []
    try:
        uris = _redirect_uris(request.form.get("redirect_uris", ""))
    except FormProblems as err:
        problems.extend(err.problems)
        uris = ()
    listed = [u for u in dict.fromkeys(request.form.getlist("users"))
              if u in users and u != client.owner]
    if len(listed) + 1 > MAX_DEV_MODE_USERS:
        problems.append(f"Development Mode apps have at most {MAX_DEV_MODE_USERS} users, "
                        "the owner included.")
    if problems:
        return _app_page(apps, users, request, client, problems=problems, status=400)
    apps.register(dataclasses.replace(client, redirect_uris=uris, allowed_users=tuple(listed)))
    updated = apps.get(client.client_id)
    assert updated is not None
    return _app_page(apps, users, request, updated, saved=True)


def _redirect_uris(text: str) -> tuple[str, ...]:
    uris = tuple(dict.fromkeys(line.strip() for line in text.splitlines() if line.strip()))
    if not uris:
        raise FormProblems(["Add at least one redirect URI."])
    if len(uris) > MAX_REDIRECT_URIS:
        raise FormProblems([f"At most {MAX_REDIRECT_URIS} redirect URIs."])
    problems = []
    for uri in uris:
        problem = check_redirect_uri_allowed(uri)
        if problem:
            problems.append(f"{uri}: {problem}.")
    if problems:
        raise FormProblems(problems)
    return uris


# -- helpers -----------------------------------------------------------------------------
def _root(request: Request) -> str:
    return request.root_url.rstrip("/")


def _app_url(request: Request, client_id: str) -> str:
    return f"{_root(request)}/dashboard/apps/{quote(client_id)}"


def _user_options(users: list[DemoUser], selected: str) -> str:
    return "\n".join(
        f'<option value="{escape(u.id)}"{" selected" if u.id == selected else ""}>'
        f'{escape(u.label)} \u2014 {"Premium" if u.product == "premium" else "Free"}</option>'
        for u in users
    )


def _csrf_token(request: Request) -> str:
    token = request.cookies.get(CSRF_COOKIE, "")
    if len(token) < 32:
        token = request.environ.setdefault("emulator.dashboard_csrf", secrets.token_urlsafe(32))
    return token


def _csrf_field(request: Request) -> str:
    return f'<input type="hidden" name="csrf" value="{escape(_csrf_token(request))}">'


def _csrf_ok(request: Request) -> bool:
    cookie = request.cookies.get(CSRF_COOKIE, "")
    sent = request.form.get("csrf", "")
    return len(cookie) >= 32 and hmac.compare_digest(cookie, sent)


def _page(request: Request, title: str, content: str, status: int = 200) -> Response:
    html = render_page(f"{title} \u2014 Spotify for Developers (demo)", content,
                       f"{_root(request)}/static/consent.css")
    response = Response(html, status=status, content_type="text/html; charset=utf-8",
                        headers={"Cache-Control": "no-store"})
    fresh = request.environ.get("emulator.dashboard_csrf")
    if fresh:
        response.set_cookie(CSRF_COOKIE, fresh, path=(request.script_root or "") + "/dashboard",
                            httponly=True, samesite="Lax", secure=request.scheme == "https")
    return response

