"""The one error the generation services raise: options that cannot make a playlist, with a
message the web page or the terminal shows as it is."""

from __future__ import annotations


class GenerationError(Exception):
    """The options cannot produce a playlist; ``user_message`` says what to change."""

    def __init__(self, user_message: str) -> None:
        super().__init__(user_message)
        self.user_message = user_message
