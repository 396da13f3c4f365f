"""Drive the emulator's consent page over real HTTP, as a browser would."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin

import requests


class ConsentError(AssertionError):
    """The consent page could not be shown or submitted (the page text says why)."""


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.fields: dict[str, str] = {}
        self.options: list[str] = []
        self.buttons: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.action = a.get("action", "")
        elif tag == "input" and a.get("type") == "hidden":
            self.fields[a.get("name", "")] = a.get("value", "")
        elif tag == "option":
            self.options.append(a.get("value", ""))
        elif tag == "button" and a.get("name") == "decision":
            self.buttons[a.get("id", "")] = a.get("value", "")


def approve_consent(authorize_url: str, user_id: str, http_session: Any = requests,
                    decision: str = "approve") -> str:
    """Open the consent page at ``authorize_url``, choose ``user_id`` and press Agree
    (or Cancel with ``decision="deny"``); return the redirect ``Location`` for the app.

    If the emulator redirects straight away (an error such as ``invalid_scope``), that
    Location is returned. An error page (unknown client, bad redirect URI) raises
    ConsentError with the page text.
    """
    page = http_session.get(authorize_url, allow_redirects=False)
    if page.status_code in (301, 302, 303, 307, 308):
        return page.headers["Location"]
    if page.status_code != 200:
        raise ConsentError(f"consent page answered {page.status_code}: {page.text}")
    form = _FormParser()
    form.feed(page.text)
    if form.action is None:
        raise ConsentError("no consent form on the page")
    if user_id not in form.options:
        raise ConsentError(f"{user_id!r} is not offered; demo users: {form.options}")
    if decision not in form.buttons.values():
        raise ConsentError(f"no {decision!r} button on the consent page")
    data = dict(form.fields, user_id=user_id, decision=decision)
    answer = http_session.post(urljoin(authorize_url, form.action), data=data,
                               allow_redirects=False)
    if answer.status_code not in (302, 303):
        raise ConsentError(f"consent form answered {answer.status_code}: {answer.text}")
    return answer.headers["Location"]
