"""Fault injection, rate limiting, quota mode, the request log and the control API."""

from __future__ import annotations

import json
import time

import pytest
import requests

from spotify_emulator import USER_TYPICAL, EmulatorConfig, EmulatorServer

from .conftest import Api, LoginFactory, error_of


def control(server: EmulatorServer, method: str, path: str, body: object = None):
    return requests.request(method, f"{server.base_url}/_control/{path}", json=body, timeout=10)


class TestLatency:
    def test_fixed_latency(self, api: Api):
        api.server.app.faults.set_latency(150)
        started = time.perf_counter()
        assert api.get("/v1/me").status_code == 200
        assert time.perf_counter() - started >= 0.15

    def test_jittered_latency_over_http(self, api: Api):
        control(api.server, "POST", "latency", {"min_ms": 50, "max_ms": 80})
        started = time.perf_counter()
        api.get("/v1/me")
        assert 0.05 <= time.perf_counter() - started < 2

    def test_configured_latency(self, make_emulator, login: LoginFactory):
        server = make_emulator(EmulatorConfig(latency_ms=(40, 60)))
        started = time.perf_counter()
        assert login(server=server).get("/v1/me").status_code == 200
        assert time.perf_counter() - started >= 0.04


class TestErrors:
    @pytest.mark.parametrize("status", [500, 502, 503])
    def test_next_n_matching_requests_fail(self, api: Api, status: int):
        api.server.app.faults.add_error("/v1/me/top/*", status, count=2)
        assert api.get("/v1/me").status_code == 200  # does not match
        assert error_of(api.get("/v1/me/top/artists"))[0] == status
        assert error_of(api.get("/v1/me/top/tracks"))[0] == status
        assert api.get("/v1/me/top/artists").status_code == 200

    def test_429_carries_the_chosen_retry_after(self, api: Api):
        api.server.app.faults.add_error("/v1/search", 429, retry_after=7, count=1)
        answer = api.get("/v1/search?q=a&type=track")
        assert error_of(answer)[0] == 429
        assert answer.headers["Retry-After"] == "7"

    def test_probability_uses_the_seeded_rng(self, make_emulator, login: LoginFactory):
        def pattern() -> list[int]:
            server = make_emulator(EmulatorConfig(seed=7))
            server.app.faults.add_error("/v1/me", 503, probability=0.5)
            client = login(server=server)
            return [client.get("/v1/me").status_code for _ in range(30)]

        first, second = pattern(), pattern()
        assert first == second
        assert 5 < first.count(503) < 25

    def test_method_filter_and_removal(self, api: Api):
        rule = api.server.app.faults.add_error("/v1/me/playlists", 500, method="POST")
        assert api.get("/v1/me/playlists").status_code == 200
        assert api.post("/v1/me/playlists", json={"name": "x"}).status_code == 500
        api.server.app.faults.remove(rule.id)
        assert api.post("/v1/me/playlists", json={"name": "x"}).status_code == 201

    def test_rules_from_the_configuration_survive_resets(self, make_emulator, login):
        server = make_emulator(EmulatorConfig(fault_rules=[
            {"pattern": "/v1/me", "status": 502, "count": 1}]))
        client = login(server=server)
        assert client.get("/v1/me").status_code == 502
        assert client.get("/v1/me").status_code == 200
        server.app.reset()
        client = login(server=server)
        assert client.get("/v1/me").status_code == 502

    def test_token_endpoint_can_fail_too(self, emulator: EmulatorServer):
        emulator.app.faults.add_error("/api/token", 503, count=1)
        answer = requests.post(emulator.token_url, data={"grant_type": "refresh_token"},
                               timeout=10)
        assert answer.status_code == 503


class TestTimeoutsAndBrokenBodies:
    def test_timeout_holds_the_request_longer_than_the_client_waits(self, api: Api):
        api.server.app.faults.add_timeout("/v1/me", seconds=0.6, count=1)
        with pytest.raises(requests.exceptions.ReadTimeout):
            api.get("/v1/me", timeout=0.2)
        time.sleep(0.5)  # let the held request finish before the reset
        assert api.get("/v1/me").status_code == 200

    def test_drop_closes_the_connection_without_an_answer(self, api: Api):
        api.server.app.faults.add_timeout("/v1/me", seconds=0.05, drop=True, count=1)
        with pytest.raises(requests.exceptions.ConnectionError):
            requests.get(f"{api.server.base_url}/v1/me", headers=api.headers(), timeout=5)
        assert api.get("/v1/me").status_code == 200

    def test_malformed_body_is_truncated_json_with_200(self, api: Api):
        api.server.app.faults.add_malformed("/v1/me/top/artists", count=1)
        answer = api.get("/v1/me/top/artists")
        assert answer.status_code == 200
        with pytest.raises(json.JSONDecodeError):
            json.loads(answer.text)
        assert answer.text.startswith('{"href"')


class TestRevocationClockReset:
    def test_revoke_a_users_tokens_over_http(self, api: Api):
        answer = control(api.server, "POST", "revoke", {"user_id": USER_TYPICAL})
        assert answer.json()["revoked"] >= 1
        assert error_of(api.get("/v1/me")) == (401, "Invalid access token")

    def test_advance_the_clock_over_http(self, api: Api):
        control(api.server, "POST", "clock/advance", {"seconds": 3601})
        assert error_of(api.get("/v1/me")) == (401, "The access token expired")

    def test_reset_restores_everything(self, api: Api):
        app = api.server.app
        app.faults.add_error("/v1/*", 500)
        app.faults.set_latency(10)
        app.rate_limiter.configure(1)
        app.clock.advance(10)
        app.set_mode("extended")
        api.post("/v1/me/playlists", json={"name": "x"})
        control(api.server, "POST", "reset")
        assert app.faults.rules == [] and app.faults.latency_ms == 0
        assert app.rate_limiter.per_30s is None and app.clock.offset == 0
        assert app.mode == "development"
        assert len(app.state.user_playlists(USER_TYPICAL)) == 4
        assert app.tokens.access_tokens == {}

    def test_faults_over_http(self, api: Api):
        created = control(api.server, "POST", "faults",
                          {"pattern": "/v1/me", "status": 502, "count": 1})
        assert created.status_code == 201
        assert [r["id"] for r in control(api.server, "GET", "faults").json()] == [
            created.json()["id"]]
        assert api.get("/v1/me").status_code == 502
        control(api.server, "POST", "faults", {"pattern": "/v1/*", "kind": "malformed"})
        assert control(api.server, "DELETE", "faults").status_code == 200
        assert api.get("/v1/me").status_code == 200
        bad = control(api.server, "POST", "faults", {"pattern": "/v1/me", "colour": "red"})
        assert bad.status_code == 400


class TestRateLimits:
    def test_429_with_retry_after_once_the_30s_budget_is_spent(self, make_emulator,
                                                               login: LoginFactory):
        server = make_emulator(EmulatorConfig(rate_limit_per_30s=5))
        client = login(server=server)
        assert [client.get("/v1/me").status_code for _ in range(5)] == [200] * 5
        answer = client.get("/v1/me")
        assert error_of(answer) == (429, "API rate limit exceeded")
        assert 1 <= int(answer.headers["Retry-After"]) <= 30
        server.app.clock.advance(30)
        assert client.get("/v1/me").status_code == 200

    def test_the_window_rolls(self, api: Api):
        app = api.server.app
        app.rate_limiter.configure(3)
        api.get("/v1/me")
        app.clock.advance(20)
        api.get("/v1/me")
        api.get("/v1/me")
        answer = api.get("/v1/me")
        assert answer.status_code == 429
        assert answer.headers["Retry-After"] == "10"
        app.clock.advance(10)
        assert api.get("/v1/me").status_code == 200

    def test_budget_is_per_developer_account_not_per_client_id(self, make_emulator,
                                                               login: LoginFactory):
        from spotify_emulator import DEMO_CLIENT, ClientApp

        mine = ClientApp("mine", "secret", ["https://x.example/cb"], owner="maya")
        also_mine = ClientApp("also-mine", "secret", ["https://x.example/cb"], owner="maya")
        server = make_emulator(EmulatorConfig(rate_limit_per_30s=2,
                                              clients=[DEMO_CLIENT, mine, also_mine]))
        first = login("maya", server=server, client_id="mine")
        second = login("maya", server=server, client_id="also-mine")
        operator = login(server=server)
        assert first.get("/v1/me").status_code == 200
        assert second.get("/v1/me").status_code == 200
        # Two apps of one developer account share its budget ...
        assert first.get("/v1/me").status_code == 429
        assert second.get("/v1/me").status_code == 429
        # ... and another developer's app is not affected.
        assert operator.get("/v1/me").status_code == 200

    def test_quota_of_one_developer_account_runs_out_alone(self, make_emulator,
                                                          login: LoginFactory):
        from spotify_emulator import DEMO_CLIENT, ClientApp

        mine = ClientApp("mine", "secret", ["https://x.example/cb"], owner="maya")
        server = make_emulator(EmulatorConfig(clients=[DEMO_CLIENT, mine]))
        control(server, "POST", "quota", {"exceeded": True, "account": "maya",
                                          "retry_after": 7200})
        answer = login("maya", server=server, client_id="mine").get("/v1/me")
        assert answer.status_code == 429
        assert answer.json()["error"]["reason"] == "QUOTA_EXCEEDED"
        assert answer.headers["Retry-After"] == "7200"
        assert login(server=server).get("/v1/me").status_code == 200
        control(server, "POST", "quota", {"exceeded": False, "account": "maya"})
        assert login("maya", server=server, client_id="mine").get("/v1/me").status_code == 200

    def test_quota_exceeded_body_and_long_retry_after(self, api: Api):
        control(api.server, "POST", "quota", {"exceeded": True, "retry_after": 7200})
        answer = api.get("/v1/me")
        assert answer.status_code == 429
        assert answer.json()["error"]["reason"] == "QUOTA_EXCEEDED"
        assert int(answer.headers["Retry-After"]) >= 3600
        control(api.server, "POST", "quota", {"exceeded": False})
        assert api.get("/v1/me").status_code == 200

    def test_rate_limit_over_http(self, api: Api):
        control(api.server, "POST", "rate-limit", {"per_30s": 1})
        api.get("/v1/me")
        assert api.get("/v1/me").status_code == 429


class TestRequestLog:
    def test_log_via_python_and_http(self, login: LoginFactory):
        api = login()
        api.get("/v1/me/top/artists?limit=3")
        api.get("/v1/artists/bad")
        entries = api.server.app.request_log.entries()
        assert [(e.method, e.path, e.status) for e in entries] == [
            ("GET", "/v1/me/top/artists", 200), ("GET", "/v1/artists/bad", 400)]
        first = entries[0]
        assert first.query == "limit=3" and first.user_id == USER_TYPICAL
        assert first.client_id == "moodystream-demo" and first.duration_ms >= 0
        over_http = control(api.server, "GET", "requests").json()
        assert [e["path"] for e in over_http] == ["/v1/me/top/artists", "/v1/artists/bad"]
        control(api.server, "DELETE", "requests")
        assert api.server.app.request_log.entries() == []

    def test_injected_faults_are_marked(self, api: Api):
        api.server.app.faults.add_error("/v1/me", 503, count=1)
        api.get("/v1/me")
        assert api.server.app.request_log.entries()[-1].fault == "error"


class TestControlApiSwitch:
    def test_can_be_disabled(self, make_emulator):
        server = make_emulator(EmulatorConfig(enable_control_api=False))
        assert control(server, "GET", "state").status_code == 404
        assert control(server, "POST", "reset").status_code == 404

    def test_state_summary_and_mode_switch(self, emulator: EmulatorServer):
        assert control(emulator, "GET", "state").json()["mode"] == "development"
        assert control(emulator, "POST", "mode", {"mode": "extended"}).json() == {
            "mode": "extended"}
        assert control(emulator, "POST", "mode", {"mode": "party"}).status_code == 400
        users = control(emulator, "GET", "users").json()
        assert len(users) >= 6 and all(u["label"] for u in users)

    def test_token_shortcut(self, emulator: EmulatorServer):
        token = control(emulator, "POST", "token",
                        {"user_id": USER_TYPICAL, "scopes": ["user-top-read"]}).json()
        client = Api(emulator, token["access_token"])
        assert client.get("/v1/me/top/artists").status_code == 200


class TestEndpointLockouts:
    """Spotify keeps limits per endpoint: ~100 artist-albums calls in a short time lock that
    endpoint for about a day (Retry-After ≈ 86,000 s) while search keeps working, for that
    developer account only."""

    def test_artist_albums_locks_for_a_day_after_about_100_calls(self, make_emulator,
                                                                  login: LoginFactory):
        from spotify_emulator import DEMO_CLIENT, ClientApp

        mine = ClientApp("mine", "secret", ["https://x.example/cb"], owner="maya")
        server = make_emulator(EmulatorConfig(clients=[DEMO_CLIENT, mine]))
        operator, other = login(server=server), login("maya", server=server, client_id="mine")
        artist = next(iter(server.app.catalogue.artists))
        albums = f"/v1/artists/{artist}/albums?limit=10"
        assert all(operator.get(albums).status_code == 200 for _ in range(100))
        locked = operator.get(albums)
        assert locked.status_code == 429
        assert locked.headers["Retry-After"] == "86000"
        assert "QUOTA_EXCEEDED" not in locked.text
        assert operator.get("/v1/search?q=a&type=track&limit=10").status_code == 200
        assert other.get(albums).status_code == 200  # another developer account
        server.app.clock.advance(1800)
        assert operator.get(albums).status_code == 429
        assert int(operator.get(albums).headers["Retry-After"]) <= 86000 - 1800
        server.app.clock.advance(86000)
        assert login(server=server).get(albums).status_code == 200  # a day later (new token)

    def test_any_endpoint_can_be_locked_for_a_test(self, api: Api):
        account = api.server.app.clients[
            api.server.app.tokens.lookup(api.token).client_id].developer_account
        api.server.app.rate_limiter.lock_endpoint(account, "/v1/search", 600)
        assert api.get("/v1/search?q=a&type=track&limit=10").status_code == 429
        assert api.get("/v1/me").status_code == 200
