"""The accounts service: ``/authorize`` (consent) and ``/api/token`` (codes, refresh).

Behaves like accounts.spotify.com: errors that make redirecting unsafe (unknown client,
unregistered redirect URI) are shown as an HTML page; later errors go back to the app as
``?error=...&state=...``.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode, urlsplit

from werkzeug.datastructures import MultiDict
from werkzeug.utils import redirect
from werkzeug.wrappers import Request, Response

from spotify_emulator.accounts.clients import ClientApps
from spotify_emulator.accounts.consent import (
    CONSENT_CSS,
    SCOPE_DESCRIPTIONS,
    render_consent,
    render_error,
)
from spotify_emulator.accounts.tokens import OAuthError, TokenStore
from spotify_emulator.catalogue.users import DemoUser
from spotify_emulator.config import (
    LOOPBACK_HOSTS,
    ClientApp,
    check_redirect_uri_allowed,
    is_insecure_redirect_uri,
)
from spotify_emulator.responses import json_response, root_url

AUTHORIZE_PARAMS = ("client_id", "response_type", "redirect_uri", "state", "scope",
                    "code_challenge", "code_challenge_method", "show_dialog")


def css_url(request: Request) -> str:
    return f"{root_url(request)}/static/consent.css"


def stylesheet(request: Request) -> Response:
    return Response(CONSENT_CSS, content_type="text/css; charset=utf-8",
                    headers={"Cache-Control": "max-age=3600"})


def redirect_uri_matches(client: ClientApp, uri: str) -> bool:
    """Exact match, or any port on a registered port-less loopback URI if the client allows."""
    if uri in client.redirect_uris:
        return True
    if not client.allow_any_loopback_port:
        return False
    try:
        asked = urlsplit(uri)
        asked.port  # noqa: B018 - validates the port
    except ValueError:
        return False
    if asked.scheme != "http" or asked.hostname not in LOOPBACK_HOSTS:
        return False
    for registered in client.redirect_uris:
        reg = urlsplit(registered)
        if (reg.scheme == "http" and reg.hostname == asked.hostname and reg.port is None
                and reg.path == asked.path and reg.query == asked.query):
            return True
    return False


def _with_query(uri: str, params: dict[str, str]) -> str:
    clean = {k: v for k, v in params.items() if v is not None}
    return uri + ("&" if "?" in uri else "?") + urlencode(clean)


def _error_page(request: Request, message: str, detail: str = "") -> Response:
    return Response(render_error(message, css_url(request), detail), status=400,
                    content_type="text/html; charset=utf-8")


def _redirect_back(uri: str, params: dict[str, str]) -> Response:
    return redirect(_with_query(uri, params), code=303)


def authorize(apps: ClientApps, users: Mapping[str, DemoUser], tokens: TokenStore,
              request: Request) -> Response:
    """GET shows the consent page; POST records the user's decision."""
    params = request.form if request.method == "POST" else request.args
    client = apps.get(params.get("client_id", ""))
    if client is None:
        return _error_page(request, "INVALID_CLIENT: Invalid client")
    redirect_uri = params.get("redirect_uri", "")
    if redirect_uri and is_insecure_redirect_uri(redirect_uri):
        return _error_page(request, "INVALID_CLIENT: Insecure redirect URI",
                           check_redirect_uri_allowed(redirect_uri) or "")
    problem = check_redirect_uri_allowed(redirect_uri) if redirect_uri else "missing"
    if problem or not redirect_uri_matches(client, redirect_uri):
        detail = problem if problem and problem != "missing" else (
            "The redirect_uri is not registered for this client (exact match required).")
        return _error_page(request, "INVALID_CLIENT: Invalid redirect URI", detail)
    state = params.get("state")
    if params.get("response_type") != "code":
        return _redirect_back(redirect_uri, {"error": "unsupported_response_type",
                                             "state": state})
    scopes = params.get("scope", "").split()
    unknown = [s for s in scopes if s not in SCOPE_DESCRIPTIONS]
    if unknown:
        # Spotify shows this on its own page rather than redirecting back.
        return _error_page(request, "Illegal scope",
                           f"Unknown scope: {', '.join(unknown)}")
    challenge = params.get("code_challenge") or None
    method = params.get("code_challenge_method") or None
    if (challenge or method) and (method != "S256" or not challenge):
        return _redirect_back(redirect_uri, {"error": "invalid_request", "state": state})
    if request.method == "POST":
        return _decide(users, tokens, request, client, params, redirect_uri, scopes, challenge)
    hidden = {k: params[k] for k in AUTHORIZE_PARAMS if k in params}
    html = render_consent(
        app_name=client.name, scopes=scopes,
        users=[(u.id, u.label) for u in users.values()],
        form_action=f"{root_url(request)}/authorize", hidden=hidden,
        redirect_host=urlsplit(redirect_uri).netloc, css_url=css_url(request))
    return Response(html, content_type="text/html; charset=utf-8",
                    headers={"Cache-Control": "no-store"})


def _decide(users: Mapping[str, DemoUser], tokens: TokenStore, request: Request,
            client: ClientApp, params: MultiDict, redirect_uri: str, scopes: list[str],
            challenge: str | None) -> Response:
    state = params.get("state")
    decision = params.get("decision")
    if decision == "deny":
        return _redirect_back(redirect_uri, {"error": "access_denied", "state": state})
    if decision != "approve":
        return _error_page(request, "Invalid decision", "Use the Agree or Cancel button.")
    user_id = params.get("user_id", "")
    if user_id not in users:
        return _error_page(request, "Unknown demo user", f"No demo user {user_id!r}.")
    code = tokens.create_code(client.client_id, user_id, redirect_uri, tuple(scopes),
                              challenge)
    return _redirect_back(redirect_uri, {"code": code, "state": state})


def _oauth_error(err: OAuthError) -> Response:
    return json_response({"error": err.error, "error_description": err.description},
                         status=err.status, headers={"Cache-Control": "no-store"})


def token(apps: ClientApps, tokens: TokenStore, request: Request) -> Response:
    """``POST /api/token``: authorization_code, refresh_token and client_credentials grants."""
    try:
        return json_response(_token(apps, tokens, request),
                             headers={"Cache-Control": "no-store", "Pragma": "no-cache"})
    except OAuthError as err:
        return _oauth_error(err)


def _token(apps: ClientApps, tokens: TokenStore, request: Request) -> dict:
    form = request.form
    auth_header = request.headers.get("Authorization")
    secret: str | None
    if auth_header:
        auth = request.authorization
        if auth is None or auth.type != "basic" or not auth.username:
            raise OAuthError("invalid_client", "Invalid client")
        client_id, secret = auth.username, auth.password or ""
    else:
        client_id, secret = form.get("client_id", ""), form.get("client_secret")
    client = apps.get(client_id)
    if client is None:
        raise OAuthError("invalid_client", "Invalid client")
    if secret is not None and secret != client.client_secret:
        raise OAuthError("invalid_client", "Invalid client secret")
    authenticated = secret is not None
    grant_type = form.get("grant_type")
    if not grant_type:
        raise OAuthError("unsupported_grant_type", "grant_type parameter is missing")
    if grant_type == "authorization_code":
        code = form.get("code")
        if not code:
            raise OAuthError("invalid_request", "code must be supplied")
        return tokens.redeem_code(code, client.client_id, form.get("redirect_uri"),
                                  form.get("code_verifier"), authenticated)
    if grant_type == "refresh_token":
        refresh_token = form.get("refresh_token")
        if not refresh_token:
            raise OAuthError("invalid_request", "refresh_token must be supplied")
        return tokens.refresh(refresh_token, client.client_id, authenticated)
    if grant_type == "client_credentials":
        if not authenticated:
            raise OAuthError("invalid_client", "Invalid client secret")
        tok = tokens.issue_access_token(client.client_id, "", ())
        return {"access_token": tok.token, "token_type": "Bearer",
                "expires_in": tokens.access_token_ttl}
    raise OAuthError("unsupported_grant_type",
                     "grant_type must be client_credentials, authorization_code or refresh_token")
