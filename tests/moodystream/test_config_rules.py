"""The deployment rules settings and apps share: sign-in modes, where credentials come from."""

from __future__ import annotations

import pytest

from moodystream.config_rules import (
    check_sign_in_modes,
    credentials_from_secret,
    offered_sign_in_modes,
)


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


@pytest.mark.parametrize(("production", "secret_name", "demo", "from_secret"), [
    (True, "", False, True),  # production always: a missing name is reported as unavailable
    (False, "moodystream/spotify", False, True),
    (False, "", False, False),
    (False, "moodystream/spotify", True, False),  # the demo never reads a secret
])
def test_credentials_come_from_the_secret_in_production_or_when_named(
    production: bool, secret_name: str, demo: bool, from_secret: bool
) -> None:
    assert credentials_from_secret(
        is_production=production, secret_name=secret_name, demo_mode=demo
    ) is from_secret
