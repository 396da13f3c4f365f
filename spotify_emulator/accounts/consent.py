"""HTML for the accounts service: the consent page, error pages and their stylesheet.

No inline scripts or styles (the host app's Content-Security-Policy forbids them); the
stylesheet is served by the emulator at ``{root}/static/consent.css``.
"""

from __future__ import annotations

from html import escape
from string import Template

SCOPE_DESCRIPTIONS: dict[str, str] = {
    "app-remote-control": "Communicate with the Spotify app on your device",
    "playlist-read-private": "Access your private playlists",
    "playlist-read-collaborative": "Access your collaborative playlists",
    "playlist-modify-public": "Manage your public playlists",
    "playlist-modify-private": "Manage your private playlists",
    "user-library-read": "Access your saved content",
    "user-library-modify": "Manage your saved content",
    "user-read-private": "Access your subscription details",
    "user-read-email": "Get your real email address",
    "user-follow-read": "Access your followers and who you are following",
    "user-follow-modify": "Manage who you are following",
    "user-top-read": "Read your top artists and content",
    "user-read-playback-position": "Read your position in content you have played",
    "user-read-playback-state": "Read your currently playing content and devices",
    "user-read-recently-played": "Access your recently played items",
    "user-read-currently-playing": "Read your currently playing content",
    "user-modify-playback-state": "Control playback on your Spotify clients",
    "ugc-image-upload": "Upload images to Spotify on your behalf",
    "streaming": "Play content and control playback on your other devices",
}

BANNER = "Spotify emulator \u2014 demo, not the real Spotify"

CONSENT_CSS = """\
body { font-family: system-ui, sans-serif; background: #121212; color: #f5f5f5;
       margin: 0; padding: 2rem 1rem; }
main { max-width: 34rem; margin: 0 auto; background: #1e1e1e; border-radius: 8px;
       padding: 1.5rem 2rem; }
.banner { background: #ffcc00; color: #111; font-weight: 700; padding: .5rem .75rem;
          border-radius: 4px; margin: 0 0 1rem; }
h1 { font-size: 1.4rem; }
ul.scopes { padding-left: 1.2rem; }
ul.scopes code { color: #9ad; }
label, select { display: block; margin: .5rem 0; }
select { width: 100%; padding: .4rem; }
.buttons { display: flex; gap: 1rem; margin-top: 1.5rem; }
button { flex: 1; padding: .7rem; border-radius: 999px; border: 0; font-weight: 700;
         cursor: pointer; }
button#approve { background: #1ed760; color: #000; }
button#deny { background: transparent; color: #f5f5f5; border: 1px solid #888; }
.error { color: #ff8a80; }
input, textarea { width: 100%; box-sizing: border-box; padding: .4rem; margin-bottom: .5rem; }
input[type=checkbox] { width: auto; }
fieldset { border: 1px solid #444; border-radius: 4px; margin: .75rem 0; }
code#client-id { font-size: 1.1rem; color: #1ed760; }
form.developer button, .buttons button { background: #1ed760; color: #000; }
.note { color: #aaa; font-size: .85rem; }
a { color: #8ab4ff; }
main { overflow-wrap: anywhere; }
code { word-break: break-all; }
button, select, input:not([type=checkbox]):not([type=hidden]) { min-height: 44px; }
label:has(input[type=checkbox]) { display: flex; align-items: center; gap: .5rem;
                                  min-height: 44px; margin: 0; }
@media (max-width: 480px) { body { padding: 1rem .5rem; } main { padding: 1rem; } }
"""

_PAGE = Template("""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>$title</title>
<link rel="icon" href="$icon_url" type="image/svg+xml">
<link rel="stylesheet" href="$css_url">
</head>
<body>
<main>
<p class="banner" role="note">$banner</p>
$content
</main>
</body>
</html>
""")


def render_page(title: str, content: str, css_url: str) -> str:
    icon_url = css_url.rsplit("/", 1)[0] + "/favicon.svg"  # served beside the stylesheet
    return _PAGE.substitute(title=escape(title), css_url=escape(css_url), banner=escape(BANNER),
                            icon_url=escape(icon_url), content=content)


def render_consent(*, app_name: str, scopes: list[str], users: list[tuple[str, str]],
                   form_action: str, hidden: dict[str, str], redirect_host: str,
                   css_url: str) -> str:
    """The consent page: who asks, for what, as which demo user; Agree or Cancel."""
    scope_items = "\n".join(
        f"<li>{escape(SCOPE_DESCRIPTIONS.get(s, s))} <code>{escape(s)}</code></li>"
        for s in scopes) or "<li>Only your public profile</li>"
    options = "\n".join(f'<option value="{escape(uid)}">{escape(label)}</option>'
                        for uid, label in users)
    fields = "\n".join(f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">'
                       for k, v in hidden.items())
    content = f"""<h1>{escape(app_name)} wants to connect to your account</h1>
<p>It will be able to:</p>
<ul class="scopes">
{scope_items}
</ul>
<form method="post" action="{escape(form_action)}">
{fields}
<label for="user_id">Sign in as demo user</label>
<select id="user_id" name="user_id">
{options}
</select>
<div class="buttons">
<button type="submit" id="deny" name="decision" value="deny">Cancel</button>
<button type="submit" id="approve" name="decision" value="approve">Agree</button>
</div>
</form>
<p class="note">You will be sent back to {escape(redirect_host)}. The emulator has no real
accounts: pick a demo user above.</p>"""
    return render_page(f"{app_name} \u2014 {BANNER}", content, css_url)


def render_error(message: str, css_url: str, detail: str = "") -> str:
    """Spotify shows these errors on its own page when redirecting back is unsafe."""
    extra = f"<p>{escape(detail)}</p>" if detail else ""
    content = f'<h1>Oops! Something went wrong</h1>\n<p class="error">{escape(message)}</p>{extra}'
    return render_page(f"Error \u2014 {BANNER}", content, css_url)
