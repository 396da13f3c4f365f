"""The Client ID rule shared by the web page and the terminal."""

from __future__ import annotations

import pytest

from accounts.client_id import InvalidClientId, parse_client_id, short_client_id

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
