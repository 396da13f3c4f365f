"""A copied session cookie stops acting as the user: 24 hours idle, 7 days after sign-in.

Sign-out cannot reach a copy (nothing is stored server-side), so these limits, sealed into the
cookie, are what bound it. Driven through the real views: sign in against the emulator, copy
the cookie, sign out, then use the copy as a thief would, with the session clock moved on.
"""

from __future__ import annotations

import pytest
from django.test import Client

from moodystream import sessions

COOKIE = "moodystream_session"
HOUR = 3600


@pytest.fixture
def clock(monkeypatch):
    """The sessions' clock, which tests can move forward."""

    class Clock:
        offset = 0

        def advance(self, seconds: int) -> None:
            self.offset += seconds

    travel = Clock()
    real_now = sessions.now
    monkeypatch.setattr(sessions, "now", lambda: real_now() + travel.offset)
    return travel


def copy_of(client: Client) -> Client:
    thief = Client()
    thief.cookies[COOKIE] = client.cookies[COOKIE].value
    return thief


def acts_as_the_user(client: Client) -> bool:
    page = client.get("/generate/")
    return page.status_code == 200 and "Connected as" in page.content.decode()


def sign_out(client: Client) -> None:
    token = client.get("/generate/").context["csrf_token"]
    assert client.post("/logout/", {"csrfmiddlewaretoken": str(token)}).status_code == 302


def test_sign_out_ends_the_session_in_this_browser(connected_client) -> None:
    sign_out(connected_client)
    assert not acts_as_the_user(connected_client)


def test_a_copy_made_before_sign_out_stops_after_24_hours_idle(connected_client, clock) -> None:
    thief = copy_of(connected_client)
    sign_out(connected_client)
    clock.advance(23 * HOUR)
    assert acts_as_the_user(copy_of(thief))  # what sign-out cannot do: said in the README
    clock.advance(2 * HOUR)
    assert not acts_as_the_user(thief)


def test_use_renews_the_idle_limit_but_never_the_7_days(connected_client, clock) -> None:
    thief = copy_of(connected_client)
    sign_out(connected_client)
    for _ in range(8):  # used every 20 hours (never idle for 24), up to 160 hours
        clock.advance(20 * HOUR)
        assert acts_as_the_user(thief)
    clock.advance(10 * HOUR)  # 170 hours: past 7 days (168) from sign-in
    assert not acts_as_the_user(thief)
    assert not acts_as_the_user(copy_of(thief))


def test_the_browser_is_told_to_drop_the_cookie_when_its_lifetime_ends(
    connected_client, clock
) -> None:
    for _ in range(2):
        clock.advance(20 * HOUR)
        assert acts_as_the_user(connected_client)
    cookie = connected_client.cookies[COOKIE]
    assert 168 * HOUR - 40 * HOUR - 60 <= int(cookie["max-age"]) <= 168 * HOUR - 40 * HOUR


def test_a_cookie_from_the_future_or_without_lifetime_is_no_session(connected_client) -> None:
    live = sessions.unseal(connected_client.cookies[COOKIE].value, max_age=HOUR)
    for born in (None, sessions.now() + 10 * HOUR, "yesterday"):
        data = {k: v for k, v in live.items() if k != sessions.BORN_KEY}
        if born is not None:
            data[sessions.BORN_KEY] = born
        forged = copy_of(connected_client)
        forged.cookies[COOKIE] = sessions.seal(data)
        assert not acts_as_the_user(forged), born


def test_sign_out_says_what_it_can_and_cannot_do(connected_client) -> None:
    token = connected_client.get("/generate/").context["csrf_token"]
    page = connected_client.post(
        "/logout/", {"csrfmiddlewaretoken": str(token)}, follow=True
    ).content.decode()
    assert "within 24 hours (7 days at most)" in page
    assert "spotify.com/account/apps" in page
