"""Errors the generation services raise for the web layer to show as they are."""

from __future__ import annotations


class GenerationError(Exception):
    """The options cannot produce a playlist; ``user_message`` says what to change."""

    def __init__(self, user_message: str) -> None:
        super().__init__(user_message)
        self.user_message = user_message
