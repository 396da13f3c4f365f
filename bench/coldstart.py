"""Cold start: a fresh Python process importing the Lambda entry point and setting Django up.

With ``build/moodystream-prod.zip`` (``deploy/package.sh``): the zip is unpacked to a temporary
folder and a new interpreter (``-I -S -B``: no site-packages, no project on the path, no
bytecode writes, like Lambda's read-only /var/task) gets only the unpacked package plus the
libraries Lambda's runtime provides (boto3, botocore, s3transfer), production environment
variables, fake AWS credentials, and ``AWS_ENDPOINT_URL_SECRETS_MANAGER`` pointing at a small
Secrets Manager stand-in on 127.0.0.1 answering ``GetSecretValue``.  moto is not used here on
purpose: starting it imports and patches botocore before the clock starts, which would hide
the boto3/botocore import that a real cold start pays.  Three phases are timed:

* ``import``: the handler named by ``zappa_settings.json``'s ``lambda_handler``, Lambda's init
  phase: ``moodystream.lambda_handler`` makes Zappa's ``LambdaHandler()`` on import (settings,
  ``django.setup()``, the middleware; the secret is read later, by the first request);
* ``set-up``: ``LambdaHandler()`` again, as Zappa's first invocation asks for it: nothing left
  to do when the import made it (it was the first invocation's work before 2026-12-07);
* ``first request``: GET / as an API Gateway event (URL resolution, views, first template).

"Cold import" = import + set-up.  Without the zip, the fallback times the same from the project
with production settings: importing the handler module, then ``django.setup()`` and what the
init phase loads after it (``load_what_requests_use``).
"""

from __future__ import annotations

import importlib.util
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import zipfile
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
ZIP = PROJECT_ROOT / "build" / "moodystream-prod.zip"
REGION = "eu-west-1"
RUNTIME_PROVIDED = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil")
API_HOST = "abc123defg.execute-api.eu-west-1.amazonaws.com"


class _SecretsManager(BaseHTTPRequestHandler):
    secret: dict[str, str] = {}

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        request = json.loads(self.rfile.read(length) or b"{}")
        body = json.dumps({
            "ARN": f"arn:aws:secretsmanager:{REGION}:123456789012:secret:{request.get('SecretId')}",
            "Name": request.get("SecretId"),
            "VersionId": "00000000-0000-0000-0000-000000000001",
            "SecretString": json.dumps(self.secret),
            "VersionStages": ["AWSCURRENT"],
            "CreatedDate": 1.7e9,
        }).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def _secrets_endpoint() -> ThreadingHTTPServer:
    _SecretsManager.secret = {
        "SPOTIPY_CLIENT_ID": "bench" + secrets.token_hex(8),
        "SPOTIPY_CLIENT_SECRET": secrets.token_hex(16),
        "SPOTIPY_REDIRECT_URI": f"https://{API_HOST}/prod/callback/",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    }
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SecretsManager)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


HARNESS = r"""
import importlib, json, os, sys, time

task_root, handler_spec, runtime = sys.argv[1], sys.argv[2], sys.argv[3:]
sys.path[:0] = [task_root]
sys.path += runtime
os.chdir(task_root)

started = time.perf_counter()
module_name, function_name = handler_spec.rsplit(".", 1)
entry = getattr(importlib.import_module(module_name), function_name)
imported = time.perf_counter()
from zappa.handler import LambdaHandler
LambdaHandler()
set_up = time.perf_counter()

class Context:
    function_name = "moodystream-prod"
    function_version = "$LATEST"
    memory_limit_in_mb = 1024
    aws_request_id = "bench"
    invoked_function_arn = "arn:aws:lambda:eu-west-1:123456789012:function:moodystream-prod"
    @staticmethod
    def get_remaining_time_in_millis():
        return 28_000

host = os.environ["BENCH_API_HOST"]
headers = {"Host": host, "X-Forwarded-Proto": "https", "X-Forwarded-Port": "443",
           "Accept": "text/html", "User-Agent": "bench"}
event = {
    "resource": "/", "path": "/", "httpMethod": "GET", "headers": headers,
    "multiValueHeaders": {k: [v] for k, v in headers.items()},
    "queryStringParameters": None, "multiValueQueryStringParameters": None,
    "pathParameters": None, "stageVariables": None,
    "requestContext": {"resourcePath": "/", "httpMethod": "GET", "path": "/prod/",
                       "stage": "prod", "domainName": host, "requestId": "bench",
                       "identity": {"sourceIp": "203.0.113.7"}},
    "body": None, "isBase64Encoded": False,
}
before = time.perf_counter()
response = entry(event, Context())
first = time.perf_counter()
entry(event, Context())
second = time.perf_counter()
print("@@BENCH@@" + json.dumps({
    "import": imported - started, "setup": set_up - imported,
    "first_request": first - before, "warm_request": second - first,
    "status": response.get("statusCode"),
}))
"""

FALLBACK = r"""
import json, time
started = time.perf_counter()
import moodystream.lambda_handler  # Zappa's handler; off Lambda it sets nothing up
imported = time.perf_counter()
import django
django.setup()
moodystream.lambda_handler.load_what_requests_use()  # what the init phase loads after set-up
set_up = time.perf_counter()
from django.urls import resolve
resolve("/generate/")
done = time.perf_counter()
print("@@BENCH@@" + json.dumps({"import": imported - started, "setup": set_up - imported,
                                "first_request": done - set_up, "warm_request": 0.0,
                                "status": None}))
"""


@dataclass
class ColdStart:
    source: str  # what was timed
    runs: int
    import_s: float
    setup_s: float
    first_request_s: float
    warm_request_s: float
    status: int | None
    zip_bytes: int | None
    unzipped_bytes: int | None

    @property
    def cold_import_s(self) -> float:
        return self.import_s + self.setup_s


def _runtime_dir(target: Path, packaged: set[str]) -> Path:
    """Symlinks to what Lambda's Python runtime provides (and the package leaves out)."""
    target.mkdir()
    for name in RUNTIME_PROVIDED:
        if name in packaged:
            continue
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.origin:
            continue
        source = Path(spec.origin).parent if spec.submodule_search_locations else Path(
            spec.origin
        )
        (target / source.name).symlink_to(source)
    return target


def _handler_spec() -> str:
    settings = json.loads((PROJECT_ROOT / "zappa_settings.json").read_text())
    return settings.get("prod", {}).get("lambda_handler", "handler.lambda_handler")


def _median_of(samples: list[dict], key: str) -> float:
    return statistics.median(s[key] for s in samples)


def measure(runs: int = 5) -> ColdStart:
    endpoint = _secrets_endpoint()
    try:
        if ZIP.is_file():
            return _measure_zip(runs, endpoint)
        return _measure_project(runs, endpoint)
    finally:
        endpoint.shutdown()
        endpoint.server_close()


def _aws_env(endpoint: ThreadingHTTPServer) -> dict[str, str]:
    return {
        "PATH": "/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "TZ": "UTC",
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_ENDPOINT_URL_SECRETS_MANAGER": f"http://127.0.0.1:{endpoint.server_address[1]}",
    }


def _run(command: list[str], env: dict[str, str], cwd: Path) -> dict:
    completed = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    for line in completed.stdout.splitlines():
        if line.startswith("@@BENCH@@"):
            return json.loads(line[len("@@BENCH@@") :])
    raise RuntimeError(f"cold start probe failed:\n{completed.stderr[-3000:]}")


def _measure_zip(runs: int, endpoint: ThreadingHTTPServer) -> ColdStart:
    with zipfile.ZipFile(ZIP) as archive:
        unzipped = sum(info.file_size for info in archive.infolist())
        with tempfile.TemporaryDirectory(prefix="bench-lambda-") as folder:
            task_root = Path(folder) / "task"
            archive.extractall(task_root)
            packaged = {p.name.removesuffix(".py") for p in task_root.iterdir()}
            runtime = _runtime_dir(Path(folder) / "runtime", packaged)
            env = {
                **_aws_env(endpoint),
                "HOME": str(task_root),
                "LAMBDA_TASK_ROOT": str(task_root),
                "AWS_LAMBDA_FUNCTION_NAME": "moodystream-prod",
                "BENCH_API_HOST": API_HOST,
            }
            command = [sys.executable, "-I", "-S", "-B", "-c", HARNESS, str(task_root),
                       _handler_spec(), str(runtime)]
            samples = [_run(command, env, task_root) for _ in range(runs)]
    return ColdStart(
        source=f"{ZIP.relative_to(PROJECT_ROOT)} unpacked, fresh `python -I -S -B` per run",
        runs=runs,
        import_s=_median_of(samples, "import"),
        setup_s=_median_of(samples, "setup"),
        first_request_s=_median_of(samples, "first_request"),
        warm_request_s=_median_of(samples, "warm_request"),
        status=samples[-1]["status"],
        zip_bytes=ZIP.stat().st_size,
        unzipped_bytes=unzipped,
    )


def _measure_project(runs: int, endpoint: ThreadingHTTPServer) -> ColdStart:
    env = {
        **os.environ,
        **_aws_env(endpoint),
        "DJANGO_ENV": "production",
        "DJANGO_SETTINGS_MODULE": "moodystream.settings",
        "MOODYSTREAM_IGNORE_DOTENV": "1",
        "SPOTIFY_SECRET_NAME": "moodystream/spotify",
        "SPOTIFY_SECRET_REGION": REGION,
        "ALLOWED_HOSTS": API_HOST,
        "PYTHONPATH": str(PROJECT_ROOT),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    samples = [_run([sys.executable, "-c", FALLBACK], env, PROJECT_ROOT) for _ in range(runs)]
    return ColdStart(
        source="no build/moodystream-prod.zip: the handler's import, django.setup() and what the "
        "init phase loads, from the project, production settings",
        runs=runs,
        import_s=_median_of(samples, "import"),
        setup_s=_median_of(samples, "setup"),
        first_request_s=_median_of(samples, "first_request"),
        warm_request_s=0.0,
        status=None,
        zip_bytes=None,
        unzipped_bytes=None,
    )


if __name__ == "__main__":
    print(measure(int(sys.argv[1]) if len(sys.argv) > 1 else 3))
