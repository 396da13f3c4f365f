"""The Lambda artefact run as AWS runs it: unpacked, in a clean process, fed API Gateway events.

``deploy/package.sh`` builds ``build/moodystream-prod.zip`` once per session (set
``MOODYSTREAM_LAMBDA_ZIP`` to test a zip built elsewhere). It is unpacked into a temporary folder
and the function's handler (the stage's ``lambda_handler`` in zappa_settings.json,
``moodystream.lambda_handler.handler``, which wraps Zappa's) is imported from there by a separate
Python (``-S -I``: no site-packages,
no project on ``sys.path``, ``-B``: no bytecode written, as ``/var/task`` is read-only), with:

* ``sys.path`` = [the unpacked package, the standard library, "runtime", "moto"], like Lambda's
  [``/var/task``, ..., ``/var/runtime``]. "runtime" holds boto3/botocore/s3transfer only, which
  the Lambda runtime provides and the package leaves out; "moto" holds moto and the few
  libraries it needs that the package does not ship (nothing the app imports). So a module
  missing from the zip fails the test instead of being found in the dev virtualenv.
* moto started inside that process (``mock_aws``) with the Spotify secret created in it, before
  the first event: ``settings.py`` reads it through ``load_app_secret`` as on Lambda.

Events are API Gateway REST (v1) proxy events for ``https://<api-id>.execute-api.eu-west-1
.amazonaws.com/prod/...`` (``path`` without the stage, as API Gateway sends it) or for a custom
domain; responses are what that handler returns to API Gateway.

Three cold starts: the package as built (Spotify's real URLs); the package with a custom domain
added to DJANGO_ALLOWED_HOSTS (the README's custom-domain step); and the package signing a user
in through the bundled Spotify emulator on 127.0.0.1 (SPOTIFY_*_BASE_URL pointed at it), which
is the only way to get responses that set several cookies without the internet.
"""

from __future__ import annotations

import base64
import fnmatch
import gzip
import importlib.metadata
import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
import textwrap
import zipfile
from collections.abc import Iterator
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
STAGE = "prod"
REGION = "eu-west-1"
API_HOST = "abc123defg.execute-api.eu-west-1.amazonaws.com"
API_BASE = f"https://{API_HOST}/{STAGE}"
CUSTOM_DOMAIN = "moodystream.example.com"
SECRET_NAME = "moodystream/spotify"
RUNTIME_PROVIDED = ("boto3", "botocore", "s3transfer")
MARKER = "@@LAMBDA@@ "
# What AWS calls: the stage's "lambda_handler" (Zappa's default is its zip-root handler.py).
LAMBDA_HANDLER = json.loads((PROJECT_ROOT / "zappa_settings.json").read_text())[STAGE].get(
    "lambda_handler", "handler.lambda_handler"
)
ZAPPA_HANDLER = "handler.lambda_handler"

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]


# --- Build, unpack, and the two extra path entries ------------------------------------------


@pytest.fixture(scope="session")
def lambda_zip() -> Path:
    prebuilt = os.environ.get("MOODYSTREAM_LAMBDA_ZIP")
    if prebuilt:
        return Path(prebuilt)
    completed = subprocess.run(
        ["bash", "deploy/package.sh", STAGE],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=850,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    zip_path = PROJECT_ROOT / "build" / f"moodystream-{STAGE}.zip"
    assert zip_path.is_file()
    return zip_path


@pytest.fixture(scope="session")
def unpacked(lambda_zip: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("var-task")
    with zipfile.ZipFile(lambda_zip) as archive:
        archive.extractall(target)
    return target


def _top_level_names(distribution: importlib.metadata.Distribution) -> set[str]:
    names = set()
    for file in distribution.files or ():
        first = file.parts[0]
        if first.endswith((".dist-info", ".egg-info", ".pth")) or first in {"..", "__pycache__"}:
            continue
        names.add(first.removesuffix(".py") if first.endswith(".py") else first)
    return names


def _dependency_closure(name: str) -> list[importlib.metadata.Distribution]:
    from packaging.requirements import Requirement

    seen: dict[str, importlib.metadata.Distribution] = {}
    pending = [name]
    while pending:
        current = pending.pop()
        key = current.lower().replace("_", "-")
        if key in seen:
            continue
        distribution = importlib.metadata.distribution(current)
        seen[key] = distribution
        for text in distribution.requires or ():
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                pending.append(requirement.name)
    return list(seen.values())


@pytest.fixture(scope="session")
def extra_paths(unpacked: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """("runtime", "moto"): symlinks into the dev virtualenv, nothing the package already has."""
    runtime = tmp_path_factory.mktemp("lambda-runtime")
    moto_dir = tmp_path_factory.mktemp("moto-only")
    packaged = {path.name.removesuffix(".py") for path in unpacked.iterdir()}
    for distribution in _dependency_closure("moto"):
        site = Path(distribution.locate_file(""))
        metadata = {
            f.parts[0] for f in distribution.files or () if f.parts[0].endswith(".dist-info")
        }
        for top in sorted(_top_level_names(distribution)) + sorted(metadata):
            if top in packaged or top.removesuffix(".dist-info").split("-")[0] in packaged:
                continue
            source = site / top if (site / top).exists() else site / f"{top}.py"
            if not source.exists():
                continue
            folder = runtime if top in RUNTIME_PROVIDED else moto_dir
            link = folder / source.name
            if not link.exists():
                link.symlink_to(source)
    for top in RUNTIME_PROVIDED:
        assert (runtime / top).exists(), f"{top} not found in the dev virtualenv"

    # Nothing the app needs may come from the "moto" entry: the only app dependencies allowed
    # there are those zappa_settings.json excludes on purpose (Zappa's command-line tools).
    excluded = json.loads((PROJECT_ROOT / "zappa_settings.json").read_text())[STAGE]["exclude"]
    app_tops: set[str] = set()
    for line in (PROJECT_ROOT / "requirements.txt").read_text().splitlines():
        requirement = line.split("#", 1)[0].strip()
        if requirement:
            for distribution in _dependency_closure(re.split(r"[=<>!~\[ ;]", requirement)[0]):
                app_tops |= _top_level_names(distribution)
    stand_ins = {
        path.name.removesuffix(".py")
        for path in moto_dir.iterdir()
        if path.name.removesuffix(".py") in app_tops
        and not any(fnmatch.fnmatch(path.name, pattern) for pattern in excluded)
    }
    assert not stand_ins, f"the package lacks app dependencies: {sorted(stand_ins)}"
    return runtime, moto_dir


# --- A Lambda "container": one process, events in on stdin, responses out on stdout ----------

HARNESS = textwrap.dedent(
    r"""
    import json, os, sys, time

    task_root, runtime, moto_dir = sys.argv[1:4]
    sys.path[:0] = [task_root]
    sys.path += [runtime, moto_dir]
    os.chdir(task_root)
    MARKER = "@@LAMBDA@@ "

    def emit(payload):
        sys.stdout.write(MARKER + json.dumps(payload) + "\n")
        sys.stdout.flush()

    from moto import mock_aws

    mock = mock_aws()
    mock.start()
    import boto3

    boto3.client("secretsmanager", region_name=os.environ["AWS_REGION"]).create_secret(
        Name=os.environ["HARNESS_SECRET_NAME"], SecretString=os.environ.pop("HARNESS_SECRET")
    )

    import zappa_settings  # the module the handler reads its settings from

    extra_hosts = os.environ.get("HARNESS_EXTRA_ALLOWED_HOSTS")
    if extra_hosts:  # what the README's custom-domain step does in zappa_settings.json
        variables = zappa_settings.ENVIRONMENT_VARIABLES
        hosts = variables["DJANGO_ALLOWED_HOSTS"] + "," + extra_hosts
        variables["DJANGO_ALLOWED_HOSTS"] = hosts
        zappa_settings.DOMAIN = extra_hosts.split(",")[0]

    # The function's handler, as zappa_settings.json's "lambda_handler" names it to AWS: Lambda's
    # init phase, which sets Django up (moodystream.lambda_handler).
    import importlib

    module_name, function_name = os.environ["HARNESS_LAMBDA_HANDLER"].rsplit(".", 1)
    started = time.perf_counter()
    entry_point = getattr(importlib.import_module(module_name), function_name)
    import_seconds = time.perf_counter() - started

    class Context:
        function_name = "moodystream-prod"
        function_version = "$LATEST"
        memory_limit_in_mb = 1024
        aws_request_id = "00000000-0000-0000-0000-000000000000"
        invoked_function_arn = "arn:aws:lambda:eu-west-1:123456789012:function:moodystream-prod"

        @staticmethod
        def get_remaining_time_in_millis():
            return 28_000

    emit({"ready": True, "import_seconds": import_seconds})
    for line in sys.stdin:
        event = json.loads(line)
        started = time.perf_counter()
        response = entry_point(event, Context())
        emit({"response": response, "seconds": time.perf_counter() - started})

    modules = {
        name: getattr(module, "__file__", None) or ""
        for name, module in list(sys.modules.items())
    }
    emit({"modules": modules, "path": sys.path})
    """
)


class LambdaContainer:
    """A cold Lambda container running the unpacked package; ``invoke(event)`` -> response."""

    def __init__(
        self,
        unpacked: Path,
        extra_paths: tuple[Path, Path],
        secret: dict[str, str],
        environment: dict[str, str] | None = None,
    ) -> None:
        env = {
            "PATH": "/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "HOME": str(unpacked),
            "TZ": "UTC",
            "AWS_REGION": REGION,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_LAMBDA_FUNCTION_NAME": "moodystream-prod",
            "LAMBDA_TASK_ROOT": str(unpacked),
            "HARNESS_SECRET_NAME": SECRET_NAME,
            "HARNESS_SECRET": json.dumps(secret),
            "HARNESS_LAMBDA_HANDLER": LAMBDA_HANDLER,
            **(environment or {}),
        }
        # stderr goes to a file: a pipe nobody reads until the end could fill up and block.
        self._stderr_file = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            # -B: /var/task is read-only on Lambda, no bytecode gets written there either.
            [
                sys.executable,
                "-S",
                "-I",
                "-B",
                "-c",
                HARNESS,
                str(unpacked),
                *map(str, extra_paths),
            ],
            cwd=unpacked,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr_file,
            text=True,
        )
        self.stdout_noise: list[str] = []
        self.timings: list[float] = []
        self.responses: list[dict[str, Any]] = []
        self.finished: dict[str, Any] = {}
        self.stderr = ""
        ready = self._read()
        self.import_seconds = ready["import_seconds"]

    def _read(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if line.startswith(MARKER):
                return json.loads(line[len(MARKER) :])
            self.stdout_noise.append(line)
        self.process.wait(timeout=30)
        self.stderr = self._read_stderr()
        raise AssertionError(f"the Lambda process died:\n{self.logs}")

    def _read_stderr(self) -> str:
        self._stderr_file.seek(0)
        return self._stderr_file.read()

    def invoke(self, event: dict[str, Any]) -> dict[str, Any]:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(event) + "\n")
        self.process.stdin.flush()
        answer = self._read()
        self.timings.append(answer["seconds"])
        self.responses.append(answer["response"])
        return answer["response"]

    def stop(self) -> None:
        if self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.close()
            self.finished = self._read()
            assert self.process.stdout is not None
            self.stdout_noise.append(self.process.stdout.read())
            self.process.wait(timeout=60)
            self.stderr = self._read_stderr()

    @property
    def logs(self) -> str:
        return "".join(self.stdout_noise) + self.stderr


def make_secret(redirect_uri: str = f"{API_BASE}/callback/") -> dict[str, str]:
    return {
        "SPOTIFY_CLIENT_ID": "cid" + secrets.token_hex(8),
        "SPOTIFY_CLIENT_SECRET": "SECRETVALUE" + secrets.token_hex(12),
        "SPOTIFY_REDIRECT_URI": redirect_uri,
        "DJANGO_SECRET_KEY": "SECRETVALUE" + secrets.token_urlsafe(48),
    }


# --- API Gateway REST proxy events and a browser-like cookie jar -----------------------------


def rest_event(
    method: str,
    url: str,
    *,
    cookies: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The event API Gateway sends for ``url`` (an execute-api stage URL or a custom domain)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    path = parts.path or "/"
    if host.endswith(".amazonaws.com"):
        stage_prefix = f"/{STAGE}"
        if path != stage_prefix and not path.startswith(stage_prefix + "/"):
            raise AssertionError(f"{url} is outside the stage: API Gateway answers 403 there")
        resource_path = path[len(stage_prefix) :] or "/"
        request_path = path
    else:
        resource_path = request_path = path
    all_headers = {
        "Host": host,
        "X-Forwarded-Proto": parts.scheme or "https",
        "X-Forwarded-Port": "443",
        "X-Forwarded-For": "203.0.113.7, 130.176.0.1",
        "User-Agent": "Mozilla/5.0 (pytest)",
        "Accept": "text/html,*/*",
        "Accept-Encoding": "gzip, deflate, br",
        "CloudFront-Forwarded-Proto": "https",
        **(headers or {}),
    }
    if cookies:
        all_headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
    body = None
    if form is not None:
        # binary_support makes Zappa register */* as binary media types: API Gateway then hands
        # every request body over base64-encoded.
        body = base64.b64encode(urlencode(form).encode()).decode()
        all_headers["Content-Type"] = "application/x-www-form-urlencoded"
    query = parse_qs(parts.query, keep_blank_values=True)
    return {
        "resource": "/{proxy+}" if resource_path != "/" else "/",
        "path": resource_path,
        "httpMethod": method,
        "headers": all_headers,
        "multiValueHeaders": {name: [value] for name, value in all_headers.items()},
        "queryStringParameters": {k: v[-1] for k, v in query.items()} or None,
        "multiValueQueryStringParameters": query or None,
        "pathParameters": {"proxy": resource_path.lstrip("/")} if resource_path != "/" else None,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": "/{proxy+}",
            "httpMethod": method,
            "path": request_path,
            "stage": STAGE,
            "domainName": host,
            "apiId": API_HOST.split(".")[0],
            "accountId": "123456789012",
            "protocol": "HTTP/1.1",
            "requestId": secrets.token_hex(8),
            "identity": {"sourceIp": "203.0.113.7", "userAgent": "Mozilla/5.0 (pytest)"},
        },
        "body": body,
        "isBase64Encoded": body is not None,
    }


def header(response: dict[str, Any], name: str) -> str | None:
    for key, value in (response.get("headers") or {}).items():
        if key.lower() == name.lower():
            return value
    return None


def set_cookies(response: dict[str, Any]) -> list[str]:
    """Every Set-Cookie value API Gateway (REST) will send: all of multiValueHeaders, any case."""
    values: list[str] = []
    for key, items in (response.get("multiValueHeaders") or {}).items():
        if key.lower() == "set-cookie":
            values += items
    return values


def distinct_cookies(response: dict[str, Any]) -> dict[str, str]:
    """Cookie name -> its Set-Cookie line (Zappa 0.63 repeats each line; see the xfail below)."""
    return {line.split("=", 1)[0]: line for line in set_cookies(response)}


def body_bytes(response: dict[str, Any]) -> bytes:
    body = response.get("body") or ""
    return base64.b64decode(body) if response.get("isBase64Encoded") else body.encode()


def update_jar(jar: dict[str, str], response: dict[str, Any]) -> None:
    for line in set_cookies(response):
        cookie = SimpleCookie()
        cookie.load(line)
        for name, morsel in cookie.items():
            if morsel["max-age"] == "0" or morsel.value == "":
                jar.pop(name, None)
            else:
                jar[name] = morsel.value


def page_links(html: str) -> list[str]:
    return re.findall(r'(?:href|src|action)="([^"]+)"', html)


# --- Container 1: the package as built ------------------------------------------------------


@pytest.fixture(scope="module")
def container(unpacked: Path, extra_paths: tuple[Path, Path]) -> Iterator[LambdaContainer]:
    lam = LambdaContainer(unpacked, extra_paths, make_secret())
    try:
        yield lam
    finally:
        lam.stop()


def test_package_leaves_out_what_lambda_must_not_get(unpacked: Path, lambda_zip: Path) -> None:
    names = {path.name for path in unpacked.iterdir()}
    for absent in (
        "spotify_emulator",
        "tests",
        "bench",
        "deploy",
        ".venv",
        ".venv-lambda",
        "README.md",
        ".env",
        *RUNTIME_PROVIDED,
        "moto",
        "pytest",
        "playwright",
        "troposphere",
    ):
        assert absent not in names
    for present in (
        "handler.py", "zappa_settings.py", "moodystream", "accounts", "playlists", "templates"
    ):
        assert present in names
    # Bytecode for every module, compiled from the zipped sources (deploy/add_bytecode.py).
    for module in ("moodystream/settings.py", "django/__init__.py", "zappa/handler.py"):
        source = unpacked / module
        cached = source.parent / "__pycache__" / f"{source.stem}.cpython-312.pyc"
        assert cached.is_file(), cached
    inspect_package = subprocess.run(
        [sys.executable, "deploy/inspect_package.py", str(lambda_zip)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert inspect_package.returncode == 0, inspect_package.stderr
    size_mb = lambda_zip.stat().st_size / 1_000_000
    print(f"\nLambda package: {size_mb:.1f} MB zipped")
    assert size_mb < 20


def test_home_page_under_the_stage_prefix(container: LambdaContainer) -> None:
    response = container.invoke(rest_event("GET", f"{API_BASE}/"))

    assert response["statusCode"] == 200, response.get("body", "")[:2000]
    assert header(response, "Content-Type").startswith("text/html")
    html = body_bytes(response).decode()
    assert "MoodyStream" in html
    # Django's reverse() follows SCRIPT_NAME, which Zappa sets to the stage for execute-api hosts.
    app_links = [link for link in page_links(html) if link.startswith("/") and "static" not in link]
    assert app_links, html
    assert all(link.startswith(f"/{STAGE}/") for link in app_links), app_links
    # Production headers: HSTS, CSP, nosniff, framing refused.
    assert "max-age=31536000" in header(response, "Strict-Transport-Security")
    assert "default-src 'self'" in header(response, "Content-Security-Policy")
    assert header(response, "X-Content-Type-Options") == "nosniff"
    assert header(response, "X-Frame-Options") == "DENY"


def test_login_redirects_to_spotify_with_pkce_and_state(container: LambdaContainer) -> None:
    response = container.invoke(rest_event("GET", f"{API_BASE}/login/"))

    assert response["statusCode"] == 302
    location = header(response, "Location")
    assert location.startswith("https://accounts.spotify.com/authorize?")
    query = parse_qs(urlsplit(location).query)
    assert query["response_type"] == ["code"]
    assert query["code_challenge_method"] == ["S256"]
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", query["code_challenge"][0])
    assert len(query["state"][0]) >= 16
    assert query["redirect_uri"] == [f"{API_BASE}/callback/"]
    cookies = distinct_cookies(response)
    assert list(cookies) == ["moodystream_session"]
    session_cookie = cookies["moodystream_session"]
    for flag in ("Secure", "HttpOnly", "SameSite=Lax"):
        assert flag in session_cookie


def test_post_without_csrf_token_is_refused(container: LambdaContainer) -> None:
    response = container.invoke(rest_event("POST", f"{API_BASE}/logout/", form={}))

    assert response["statusCode"] == 403


def test_admin_is_not_routed(container: LambdaContainer) -> None:
    response = container.invoke(rest_event("GET", f"{API_BASE}/admin/"))

    assert response["statusCode"] == 404


def test_plain_http_is_redirected_to_https(container: LambdaContainer) -> None:
    event = rest_event("GET", f"{API_BASE}/", headers={"X-Forwarded-Proto": "http"})

    response = container.invoke(event)

    assert response["statusCode"] == 301
    assert header(response, "Location") == f"https://{API_HOST}/{STAGE}/"


def test_hashed_static_file_is_served_compressed(
    container: LambdaContainer, unpacked: Path
) -> None:
    manifest = json.loads((unpacked / "staticfiles" / "staticfiles.json").read_text())
    hashed = manifest["paths"]["css/app.css"]
    assert hashed != "css/app.css"

    response = container.invoke(rest_event("GET", f"{API_BASE}/static/{hashed}"))

    assert response["statusCode"] == 200
    assert header(response, "Content-Type").startswith("text/css")
    assert "immutable" in header(response, "Cache-Control")
    content = body_bytes(response)
    if header(response, "Content-Encoding") == "gzip":
        assert response["isBase64Encoded"] is True  # binary_support: API Gateway decodes it
        content = gzip.decompress(content)
    assert content == (unpacked / "staticfiles" / hashed).read_bytes()


def test_pages_link_static_files_inside_the_stage(container: LambdaContainer) -> None:
    """A browser on the execute-api URL must get stylesheet URLs under /prod/.

    WhiteNoise serves /prod/static/... (it matches PATH_INFO, the stage stripped), but a
    stylesheet linked as /static/... is requested outside the stage, where API Gateway answers
    403, so the page would render unstyled. moodystream.storage prefixes the request's script
    name (the stage) to each static URL; the custom-domain test checks it adds nothing there.
    """
    response = container.invoke(rest_event("GET", f"{API_BASE}/"))
    html = body_bytes(response).decode()
    static_links = [link for link in page_links(html) if "/static/" in link]
    assert static_links, html

    for link in static_links:
        assert link.startswith(f"/{STAGE}/static/"), (
            f"{link} is outside the API Gateway stage /{STAGE}: API Gateway answers 403 there"
        )
        served = container.invoke(rest_event("GET", f"https://{API_HOST}{link}"))
        assert served["statusCode"] == 200


def test_secret_values_and_oauth_codes_stay_out_of_the_logs(unpacked: Path, extra_paths) -> None:
    secret = make_secret()
    lam = LambdaContainer(unpacked, extra_paths, secret)
    try:
        lam.invoke(rest_event("GET", f"{API_BASE}/"))
        lam.invoke(rest_event("GET", f"{API_BASE}/callback/?code=OAUTHCODE4242&state=nope"))
        lam.invoke(rest_event("GET", f"{API_BASE}/login/"))
    finally:
        lam.stop()

    logs = lam.logs
    assert "/callback/" in logs  # the access log line is there...
    assert "OAUTHCODE4242" not in logs  # ...with the code scrubbed
    for name in ("SPOTIFY_CLIENT_SECRET", "DJANGO_SECRET_KEY"):
        assert secret[name] not in logs
    assert "SECRETVALUE" not in logs


def test_cold_start_and_module_origins(container: LambdaContainer, unpacked: Path) -> None:
    """Runs last in this container: what was imported, from where, and how long the first took."""
    container.invoke(rest_event("GET", f"{API_BASE}/"))
    container.invoke(rest_event("GET", f"{API_BASE}/login/"))
    container.stop()
    modules: dict[str, str] = container.finished["modules"]

    assert "spotify_emulator" not in modules
    assert "moodystream.wsgi" not in modules  # Zappa builds its own WSGI app
    for name, path in modules.items():
        assert not path.startswith(f"{PROJECT_ROOT}/"), f"{name} was imported from {path}"
    for name in ("moodystream.settings", "moodystream.aws_secrets", "playlists.urls", "django"):
        assert modules[name].startswith(str(unpacked)), f"{name}: {modules[name]}"
    for name in RUNTIME_PROVIDED[:2]:
        assert "/lambda-runtime" in modules[name]

    first, later = container.timings[0], sorted(container.timings[1:])
    print(
        f"\ncold start: import handler (Django set-up) {container.import_seconds:.2f} s, first "
        f"request (secret from moto) {first:.2f} s, later requests median "
        f"{later[len(later) // 2] * 1000:.0f} ms"
    )
    assert container.import_seconds + first < 10


# --- Container 2: a custom domain (no stage prefix) -----------------------------------------


def test_custom_domain_serves_without_prefix(unpacked: Path, extra_paths) -> None:
    lam = LambdaContainer(
        unpacked,
        extra_paths,
        make_secret(f"https://{CUSTOM_DOMAIN}/callback/"),
        {"HARNESS_EXTRA_ALLOWED_HOSTS": CUSTOM_DOMAIN},
    )
    try:
        home = lam.invoke(rest_event("GET", f"https://{CUSTOM_DOMAIN}/"))
        login = lam.invoke(rest_event("GET", f"https://{CUSTOM_DOMAIN}/login/"))
        html = body_bytes(home).decode()
        links = [link for link in page_links(html) if link.startswith("/")]
        static_links = [link for link in links if "/static/" in link]
        statics = [
            lam.invoke(rest_event("GET", f"https://{CUSTOM_DOMAIN}{link}")) for link in static_links
        ]
    finally:
        lam.stop()

    assert home["statusCode"] == 200
    assert links and not any(link.startswith(f"/{STAGE}/") for link in links), links
    assert static_links and all(link.startswith("/static/") for link in static_links)
    assert all(response["statusCode"] == 200 for response in statics)
    query = parse_qs(urlsplit(header(login, "Location")).query)
    assert query["redirect_uri"] == [f"https://{CUSTOM_DOMAIN}/callback/"]


# --- Container 3: signing in through the Spotify emulator -----------------------------------


def test_sign_in_flow_cookies_and_csrf(unpacked: Path, extra_paths) -> None:
    from spotify_emulator import create_app
    from spotify_emulator.catalogue.users import USER_TYPICAL
    from spotify_emulator.config import ClientApp, EmulatorConfig
    from spotify_emulator.server import serve_in_thread
    from spotify_emulator.testing import approve_consent

    secret = make_secret()
    client = ClientApp(
        client_id=secret["SPOTIFY_CLIENT_ID"],
        client_secret=secret["SPOTIFY_CLIENT_SECRET"],
        redirect_uris=[secret["SPOTIFY_REDIRECT_URI"]],
    )
    server = serve_in_thread(create_app(EmulatorConfig(clients=[client])))
    lam = LambdaContainer(
        unpacked,
        extra_paths,
        secret,
        {
            "SPOTIFY_ACCOUNTS_BASE_URL": server.base_url + "/",
            "SPOTIFY_API_BASE_URL": server.api_url,
        },
    )
    jar: dict[str, str] = {}

    def browse(method: str, url: str, form: dict[str, str] | None = None) -> dict[str, Any]:
        origin = {"Origin": f"https://{API_HOST}"} if method == "POST" else {}
        event = rest_event(method, url, cookies=dict(jar), form=form, headers=origin)
        response = lam.invoke(event)
        update_jar(jar, response)
        return response

    def sign_in(decision: str) -> dict[str, Any]:
        login = browse("GET", f"{API_BASE}/login/")
        assert login["statusCode"] == 302
        callback_url = approve_consent(header(login, "Location"), USER_TYPICAL, decision=decision)
        assert callback_url.startswith(f"{API_BASE}/callback/?")
        return browse("GET", callback_url)

    try:
        connected = sign_in("approve")
        assert connected["statusCode"] == 302, body_bytes(connected)[:2000]
        assert header(connected, "Location").startswith(f"/{STAGE}/")
        assert "moodystream_session" in jar

        # Signed in, start again and cancel on Spotify's page: the page that says so carries the
        # sign-out form, so it sets the CSRF cookie *and* the updated session cookie at once.
        jar.pop("csrftoken", None)
        denied = sign_in("deny")
        cookies = distinct_cookies(denied)
        assert sorted(cookies) == ["csrftoken", "moodystream_session"], set_cookies(denied)
        assert len(set_cookies(denied)) == 2, set_cookies(denied)  # each once (lambda_handler)
        assert all("Secure" in line for line in cookies.values())

        # Sign out with the token from the page: accepted (and refused without it).
        html = body_bytes(denied).decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]
        refused = lam.invoke(
            rest_event(
                "POST",
                f"{API_BASE}/logout/",
                cookies=dict(jar),
                form={},
                headers={"Origin": f"https://{API_HOST}"},
            )
        )
        assert refused["statusCode"] == 403
        signed_out = browse(
            "POST",
            f"{API_BASE}/logout/",
            form={"csrfmiddlewaretoken": token},
        )
        assert signed_out["statusCode"] == 302
        assert header(signed_out, "Location") == f"/{STAGE}/"
    finally:
        lam.stop()
        server.stop()

    for name in ("SPOTIFY_CLIENT_SECRET", "DJANGO_SECRET_KEY"):
        assert secret[name] not in lam.logs


def test_how_zappa_returns_cookies(unpacked: Path, extra_paths) -> None:
    """Why moodystream.lambda_handler exists: Zappa 0.63's own handler, called directly.

    Its ``ZappaWSGIMiddleware`` keeps each Set-Cookie header and appends a lower-cased copy, and
    the REST branch lists ``getlist(key)`` (case-insensitive: both copies) under both names in
    ``multiValueHeaders``, which API Gateway's events always have: every cookie goes out four
    times. ``headers`` keeps one value per spelling. Without ``multiValueHeaders`` in the event,
    only ``headers``. If a Zappa upgrade changes this, the wrapper may no longer be needed.
    """
    lam = LambdaContainer(
        unpacked, extra_paths, make_secret(), {"HARNESS_LAMBDA_HANDLER": ZAPPA_HANDLER}
    )
    try:
        response = lam.invoke(rest_event("GET", f"{API_BASE}/login/"))
        event = rest_event("GET", f"{API_BASE}/login/")
        del event["multiValueHeaders"]
        without_multi = lam.invoke(event)
    finally:
        lam.stop()

    assert list(distinct_cookies(response)) == ["moodystream_session"]
    assert {"Set-Cookie", "set-cookie"} <= set(response["multiValueHeaders"])
    assert len(set_cookies(response)) == 4
    assert "multiValueHeaders" not in without_multi
    assert header(without_multi, "Set-Cookie").startswith("moodystream_session=")
    assert without_multi["headers"]["Set-Cookie"] == without_multi["headers"]["set-cookie"]


def test_each_cookie_is_sent_once(unpacked: Path, extra_paths) -> None:
    """The function's handler (moodystream.lambda_handler) sends each Set-Cookie once, and lets
    what is not an HTTP request through to Zappa untouched. Several cookies at once: see
    test_sign_in_flow_cookies_and_csrf."""
    assert LAMBDA_HANDLER == "moodystream.lambda_handler.handler"
    keep_warm = {
        "version": "0",
        "id": "5f6b1c1e-0000-0000-0000-000000000000",
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": "2026-01-01T00:00:00Z",
        "region": REGION,
        "resources": [
            f"arn:aws:events:{REGION}:123456789012:rule/"
            "moodystream-prod-zappa-keep-warm-handler.keep_warm_callback"
        ],
        "detail": {},
    }
    lam = LambdaContainer(unpacked, extra_paths, make_secret())
    try:
        warmed = lam.invoke(keep_warm)
        response = lam.invoke(rest_event("GET", f"{API_BASE}/login/"))
        event = rest_event("GET", f"{API_BASE}/login/")
        del event["multiValueHeaders"]
        without_multi = lam.invoke(event)
        no_cookie = lam.invoke(rest_event("GET", f"{API_BASE}/"))
        managed = lam.invoke({"manage": "check"})
    finally:
        lam.stop()

    assert warmed is None  # Zappa's keep-warm short cut: the app is loaded, nothing to return
    assert response["statusCode"] == 302
    assert len(set_cookies(response)) == len(distinct_cookies(response)) == 1
    assert [key for key in response["multiValueHeaders"] if key.lower() == "set-cookie"] == [
        "Set-Cookie"
    ]
    assert header(response, "Set-Cookie") == set_cookies(response)[0]
    assert [key for key in response["headers"] if key.lower() == "set-cookie"] == ["Set-Cookie"]
    # Everything else is as Zappa returns it.
    assert header(response, "Location").startswith("https://accounts.spotify.com/authorize?")
    assert response["multiValueHeaders"]["Location"] == [header(response, "Location")]
    assert "multiValueHeaders" not in without_multi
    assert [key for key in without_multi["headers"] if key.lower() == "set-cookie"] == [
        "Set-Cookie"
    ]
    assert header(without_multi, "Set-Cookie").startswith("moodystream_session=")
    assert no_cookie["statusCode"] == 200
    assert set_cookies(no_cookie) == []
    assert managed == {}  # a Django management command run through Zappa
    assert "System check identified no issues" in lam.logs
