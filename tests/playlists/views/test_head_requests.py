"""HEAD works wherever GET does (uptime monitors, link checkers), and changes nothing."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.usefixtures("spotify_settings")


@pytest.mark.parametrize(
    ("path", "status"),
    [("/", 200), ("/login/", 302), ("/callback/", 400), ("/generate/", 302), ("/preview/", 302)],
)
def test_head_answers_like_get_for_a_visitor(path: str, status: int) -> None:
    client = Client()
    head, get = client.head(path), Client().get(path)
    assert head.status_code == get.status_code == status
    assert head.content == b""


@pytest.mark.parametrize("path", ["/generate/", "/preview/", "/artists/search/?q=Neon"])
def test_head_answers_like_get_when_signed_in(connected_client, path: str) -> None:
    head = connected_client.head(path)
    assert head.status_code == connected_client.get(path).status_code
    assert head.status_code != 405


def test_post_only_actions_still_refuse_head(connected_client) -> None:
    for path in ["/logout/", "/save/", "/preview/shuffle/", "/preview/remove/"]:
        assert connected_client.head(path).status_code == 405, path
