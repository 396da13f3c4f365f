"""The load test's shared pieces: the moto_server the shared-state tests use."""

from tests.shared_state.conftest import moto_server  # noqa: F401 - a fixture
