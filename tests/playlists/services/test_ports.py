"""The real gateway and the test fakes are what the services' ports say (checked by mypy:
``make lint``/``make test`` type-check this file), and they agree at run time too."""

from __future__ import annotations

from playlists.services import ports
from playlists.spotify.gateway import SpotifyGateway

from .fakes import FakeSpotify

UNREACHABLE = "http://127.0.0.1:9/v1/"


def test_the_gateway_satisfies_every_port() -> None:
    with SpotifyGateway("token", api_base_url=UNREACHABLE, max_workers=5) as gateway:
        reader: ports.CatalogueReader = gateway
        writer: ports.PlaylistWriter = gateway
        lister: ports.EarlierPlaylistReader = gateway
        assert reader.max_workers == 5 == lister.max_workers
        assert writer.request_timeout == gateway.request_timeout
        assert reader.album_batch_size == 1  # Development Mode: one album per request


def test_the_fakes_satisfy_every_port() -> None:
    fake = FakeSpotify(supports_popularity=True)
    reader: ports.CatalogueReader = fake
    writer: ports.PlaylistWriter = fake
    lister: ports.EarlierPlaylistReader = fake
    assert lister.max_workers == 1
    assert reader.album_batch_size == 20 and writer.request_timeout > 0
