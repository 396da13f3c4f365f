"""The own-app rules shared by the web page and the terminal: Client IDs and sign-in modes."""

from __future__ import annotations

import pytest

from playlists.services.own_app import (
    InvalidClientId,
    check_sign_in_modes,
    offered_sign_in_modes,
    parse_client_id,
    short_client_id,
)

GOOD = "0123456789abcdef0123456789abcdef"


@pytest.mark.parametrize("typed", [GOOD, f"  {GOOD}\n", GOOD.upper()])
def test_a_client_id_is_32_hex_characters_spaces_and_case_forgiven(typed: str) -> None:
    assert parse_client_id(typed) == GOOD


@pytest.mark.parametrize(("typed", "message"), [
    ("", "Paste the Client ID"),
    ("   ", "Paste the Client ID"),
    (GOOD[:-1], "32 characters long; this one has 31"),
    (GOOD + "0", "this one has 33"),
    (GOOD[:-1] + "g", "only the digits 0-9 and the letters a-f"),
    ("0123 4567 89ab cdef 0123 4567 89ab cdef", "only the digits"),
    ("<script>", "only the digits"),
])
def test_anything_else_gets_a_message_saying_what_is_wrong(typed: str, message: str) -> None:
    with pytest.raises(InvalidClientId, match=message):
        parse_client_id(typed)


def test_short_client_id_shows_only_the_end() -> None:
    assert short_client_id(GOOD) == "…abcdef"


@pytest.mark.parametrize(("modes", "credentials", "offered"), [
    ((), True, ("operator", "own-app")),
    ((), False, ("own-app",)),
    (("own-app",), True, ("own-app",)),
    (("operator",), True, ("operator",)),
    (("own-app", "operator"), True, ("operator", "own-app")),
    (("operator",), False, ("own-app",)),  # cannot work without credentials
])
def test_offered_modes(modes, credentials: bool, offered) -> None:
    assert offered_sign_in_modes(modes, credentials) == offered


def test_unknown_modes_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown sign-in mode 'byo'"):
        check_sign_in_modes(["own-app", "byo"])
    assert check_sign_in_modes([" Own-App ", "operator", "operator"]) == ("operator", "own-app")
