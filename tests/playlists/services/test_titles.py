"""Title folding: titles in every script stay distinct and still match across editions."""

from __future__ import annotations

import pytest

from playlists.services.dedupe import group_songs
from playlists.services.titles import fold, song_key

from .test_filters_and_dedupe import album, track


@pytest.mark.parametrize(
    ("title", "folded"),
    [
        ("Beyoncé", "beyonce"),
        ("ÇA VA", "ca va"),
        ("Straße", "strasse"),
        ("Ｆｕｌｌ Ｗｉｄｔｈ", "full width"),  # compatibility forms normalised
        ("Ελπίδα", "ελπιδα"),
        ("ΕΛΠΊΔΑ", "ελπιδα"),
        ("Любовь", "любовь"),
        ("Мой", "мой"),  # й is a letter of its own, not и with an accent
        ("夜に駆ける", "夜に駆ける"),
        ("사랑해", "사랑해"),
        ("سلام", "سلام"),
        ("नमस्ते", "नमस्ते"),
        ("Love ❤️", "love ❤"),  # the emoji stays, its variation selector goes
        ("!!!", "!!!"),  # nothing but punctuation: kept rather than folded to ""
    ],
)
def test_fold_keeps_the_letters_of_every_script(title: str, folded: str) -> None:
    assert fold(title) == folded


@pytest.mark.parametrize(
    "titles",
    [
        ("夜に駆ける", "群青", "アイドル", "怪物"),
        ("사랑해", "봄날", "피 땀 눈물"),
        ("Любовь", "Звезда", "Мой", "Мои"),
        ("Ελπίδα", "Θάλασσα"),
        ("سلام", "حبيبي"),
        ("नमस्ते", "नमस्त", "दिल"),
        ("がき", "かき"),  # dakuten makes another word
        ("❤️", "💔", "🔥"),
        ("!!!", "???"),
    ],
)
def test_different_titles_in_any_script_are_different_songs(titles: tuple[str, ...]) -> None:
    lp = album("Debut")
    assert len({fold(t) for t in titles}) == len(titles)
    assert len(group_songs([track(t, lp) for t in titles])) == len(titles)


@pytest.mark.parametrize(
    ("original", "reissue"),
    [
        ("夜に駆ける", "夜に駆ける (Remastered 2021)"),
        ("사랑해", "사랑해 - Deluxe Edition"),
        ("Любовь", "ЛЮБОВЬ (2011 Remaster)"),
        ("Ελπίδα", "ΕΛΠΊΔΑ - Radio Edit"),
        ("Ｌｏｖｅ ❤️", "Love ❤ (Bonus Track)"),
    ],
)
def test_the_same_title_matches_across_editions(original: str, reissue: str) -> None:
    assert song_key(original) == song_key(reissue)
    groups = group_songs([track(original, album("Debut")), track(reissue, album("Debut (Deluxe)"))])
    assert len(groups) == 1
