"""The terminal command end to end in demo mode (emulator in-process, consent auto-approved)."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

DEMO = override_settings(DEMO_MODE=True, SPOTIFY_API_MODE="development")
ROW = re.compile(r"^\s*\d+\s+(top|deep)\s")


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("generate_playlist", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@DEMO
def test_dry_run_prints_the_preview_and_saves_nothing() -> None:
    out, _ = run("--dry-run", "--seed", "5", "--artists", "5", "--length", "20")
    assert "DEMO — not your real Spotify" in out
    rows = [line for line in out.splitlines() if ROW.match(line)]
    assert len(rows) == 20
    assert sum(" deep " in row for row in rows) == 8
    assert "Dry run: nothing was saved." in out and "Saved" not in out
    again, _ = run("--dry-run", "--seed", "5", "--artists", "5", "--length", "20")
    assert [line for line in again.splitlines() if ROW.match(line)] == rows


@DEMO
def test_saves_with_a_progress_bar_and_private_by_default() -> None:
    out, err = run("--seed", "6", "--length", "120", "--name", "Terminal mix")
    assert "Saved “Terminal mix” (120 tracks, private)" in out  # as Spotify answered
    assert "in the demo emulator only" in out
    assert "Saving" in err and "120/120" in err


@DEMO
def test_public_only_when_asked() -> None:
    out, _ = run("--seed", "6", "--length", "10", "--public")
    assert "(10 tracks, public)" in out
    out, _ = run("--seed", "6", "--length", "10", "--private")
    assert "(10 tracks, private)" in out
    with pytest.raises(CommandError, match="not allowed with argument"):
        run("--dry-run", "--public", "--private")


@DEMO
def test_the_options_rules_and_messages_are_the_web_forms() -> None:
    from playlists.services.options import MESSAGES

    with pytest.raises(CommandError, match=re.escape(MESSAGES["track_count"])):
        run("--dry-run", "--length", "500")
    with pytest.raises(CommandError, match=re.escape(MESSAGES["control_characters"])):
        run("--dry-run", "--name", "bell\x07")


@DEMO
def test_picked_artists_with_notes() -> None:
    out, _ = run("--dry-run", "--pick", "Hazel Wren", "--pick", "Nobody At All", "--seed", "1",
                 "--length", "10")
    assert "Hazel Wren" in out and "Note: Spotify has no artist called “Nobody At All”." in out


@DEMO
def test_user_errors_are_command_errors() -> None:
    with pytest.raises(CommandError, match="track_count"):
        run("--dry-run", "--length", "5")
    with pytest.raises(CommandError, match="no top artists"):
        run("--dry-run", "--demo-user", "jordan")


@override_settings(DEMO_MODE=False, SPOTIFY_CLIENT_ID="", SPOTIFY_CLIENT_SECRET="")
def test_without_credentials_it_says_what_to_do() -> None:
    with pytest.raises(CommandError, match="DEMO_MODE"):
        run("--dry-run")


@DEMO
def test_the_leave_out_choices_and_fresh_deep_cuts_are_terminal_flags_too(monkeypatch) -> None:
    """Skits and intros are left out and deep cuts kept fresh unless the flags say otherwise
    (the demo emulator forgets saved playlists between commands, so the options are read)."""
    from playlists.management.commands import generate_playlist

    asked = []

    def generate(gateway, options):
        asked.append(options)
        return real_generate(gateway, options)

    real_generate = generate_playlist.generate
    monkeypatch.setattr(generate_playlist, "generate", generate)
    args = ("--dry-run", "--seed", "9", "--artists", "5", "--length", "20")
    run(*args)
    run(*args, "--repeat-earlier", "--allow-version", "skit")
    default, allowing = asked
    assert "skit" in default.exclude_versions and default.exclude_earlier
    assert "skit" not in allowing.exclude_versions and not allowing.exclude_earlier
