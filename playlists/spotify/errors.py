"""What can go wrong when talking to Spotify: the only exceptions ``playlists/spotify`` raises
(nothing above it sees spotipy, requests or HTTP status codes), each with a page's sentence."""


class SpotifyError(Exception):
    """Base class: a call to Spotify did not give us what we needed."""
    user_message = "Spotify could not complete the request."


class SpotifyUnavailable(SpotifyError):
    """5xx, time-outs or malformed bodies that survived our retries."""
    user_message = "Spotify is not answering right now. Please try again in a minute."


class SpotifyWriteUnconfirmed(SpotifyUnavailable):
    """A write that must not be repeated was sent but its answer was lost: ``applied`` is ``True``
    after a 2xx with an unreadable body, ``None`` after a time-out or dropped connection (it may
    be applied even later); the caller reads Spotify back to find out."""

    def __init__(self, message: str, *, applied: bool | None) -> None:
        super().__init__(message)
        self.applied = applied


class SpotifyRateLimited(SpotifyError):
    """429 whose Retry-After is longer than we are willing to wait inside one request."""
    user_message = "Spotify asked us to slow down."

    def __init__(self, retry_after_seconds: int, *, quota_exceeded: bool = False,
                 endpoint: str = "") -> None:
        super().__init__(f"rate limited for {retry_after_seconds}s")
        self.retry_after_seconds, self.quota_exceeded = retry_after_seconds, quota_exceeded
        self.endpoint = endpoint  # the call Spotify paused ("" when not known)


class SpotifyAuthError(SpotifyError):
    """The user's authorisation is gone (401 we cannot refresh past, or invalid_grant)."""
    user_message = "Your Spotify connection has expired. Please connect again."


class SpotifyForbidden(SpotifyError):
    """403: a missing scope or an action Spotify refuses for this app or user."""
    user_message = "Spotify refused this action."


class SpotifyUserNotRegistered(SpotifyForbidden):
    """403 for a user who is not on a Development Mode app's allow-list."""
    user_message = (
        "This MoodyStream installation is in Spotify's Development Mode and your Spotify "
        "account is not on its list of allowed users."
    )


class SpotifyOwnerNeedsPremium(SpotifyForbidden):
    """403 for every call of a Development Mode app whose owner has no Premium (Feb 2026)."""
    user_message = (
        "Spotify refuses this app's requests because the Spotify account that owns the app "
        "has no Premium subscription."
    )


class SpotifyNotFound(SpotifyError):
    """404: the playlist, artist or track does not exist (or is not visible to this user)."""
    user_message = "Spotify could not find that."


class SpotifyBadRequest(SpotifyError):
    """400: we sent something Spotify rejects; a bug on our side or bad user input."""
    user_message = "Spotify rejected the request."
