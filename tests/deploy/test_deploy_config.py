"""zappa_settings.json, the IAM policies and the deploy scripts, checked without building or AWS."""

from __future__ import annotations

import fnmatch
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = json.loads((ROOT / "zappa_settings.json").read_text())
STAGES = sorted(SETTINGS)
SECRET_KEYS = (
    "SPOTIFY_CLIENT_SECRET",
    "SPOTIFY_CLIENT_ID",
    "SPOTIPY_CLIENT_SECRET",
    "SPOTIPY_CLIENT_ID",
    "DJANGO_SECRET_KEY",
)


def load_inspect_package():
    spec = importlib.util.spec_from_file_location(
        "inspect_package", ROOT / "deploy" / "inspect_package.py"
    )
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    sys.modules.setdefault("inspect_package", module)  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_stages() -> None:
    assert STAGES == ["dev", "prod"]


@pytest.mark.parametrize("stage", STAGES)
def test_runtime_sizing_and_safety(stage: str) -> None:
    config = SETTINGS[stage]

    assert config["runtime"] == "python3.12"
    assert config["django_settings"] == "moodystream.settings"
    assert config["project_name"] == "moodystream"
    # API Gateway's integration timeout is 29 s: the function must give up first.
    assert config["timeout_seconds"] < 29
    assert config["memory_size"] >= 1024  # CPU share for dozens of concurrent Spotify calls
    assert config["debug"] is False  # Zappa's debug logs every raw event (cookies included)
    assert config["log_level"] in {"INFO", "WARNING"}
    assert config["binary_support"] is True  # gzip'd static files go out base64-encoded
    assert config.get("slim_handler", False) is False
    assert config["use_precompiled_packages"] is False  # package.sh picks Lambda's wheels


@pytest.mark.parametrize("stage", STAGES)
def test_lambda_handler_is_the_cookie_deduplicating_wrapper(stage: str) -> None:
    # Zappa's own handler.lambda_handler sends every Set-Cookie four times (Zappa 0.63).
    assert SETTINGS[stage]["lambda_handler"] == "moodystream.lambda_handler.handler"
    module, function = SETTINGS[stage]["lambda_handler"].rsplit(".", 1)
    assert callable(getattr(importlib.import_module(module), function))
    assert "moodystream/lambda_handler.py" in load_inspect_package().REQUIRED


def test_prod_is_kept_warm() -> None:
    assert SETTINGS["prod"]["keep_warm"] is True
    assert SETTINGS["prod"]["keep_warm_expression"].startswith("rate(")


@pytest.mark.parametrize("stage", STAGES)
def test_environment_has_no_secret(stage: str) -> None:
    config = SETTINGS[stage]
    env = config["environment_variables"]

    assert env["DJANGO_ENV"] == "production"
    assert env["SPOTIFY_SECRET_REGION"] == config["aws_region"]
    assert env["DJANGO_ALLOWED_HOSTS"]
    assert "DJANGO_CSRF_TRUSTED_ORIGINS" in env
    for name in env:
        assert name not in SECRET_KEYS
        assert not name.startswith(("SPOTIPY_", "AWS_"))
    for name in ("DJANGO_DEBUG", "MOODYSTREAM_DEMO_MODE", "DJANGO_ENABLE_ADMIN"):
        assert name not in env
    old_names = {"DEBUG", "DEMO_MODE", "ENABLE_ADMIN", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS"}
    assert not old_names & set(env)  # the stage uses the current names
    assert not config.get("aws_environment_variables")
    assert not config.get("remote_env")


def test_each_stage_has_its_own_secret() -> None:
    assert SETTINGS["prod"]["environment_variables"]["SPOTIFY_SECRET_NAME"] == "moodystream/spotify"
    names = {SETTINGS[s]["environment_variables"]["SPOTIFY_SECRET_NAME"] for s in STAGES}
    assert len(names) == len(STAGES)  # each stage's redirect URI differs, so does its secret


@pytest.mark.parametrize("stage", STAGES)
def test_exclusions(stage: str) -> None:
    patterns = SETTINGS[stage]["exclude"]

    def excluded(name: str) -> bool:
        return any(fnmatch.fnmatch(name, pattern) for pattern in patterns)

    for name in (
        "spotify_emulator",
        "tests",
        "bench",
        ".venv",
        ".venv-lambda",
        "README.md",
        "deploy",
        "build",
        ".env",
        "__pycache__",
        "boto3",
        "botocore",
        "troposphere",
    ):
        assert excluded(name), name
    for name in (
        "moodystream",
        "accounts",
        "playlists",
        "templates",
        "staticfiles",
        "static",
        "django",
        "zappa",
        "werkzeug",
        "spotipy",
        "cryptography",
        "whitenoise",
        "manage.py",
    ):
        assert not excluded(name), name


@pytest.mark.parametrize("stage", STAGES)
def test_iam_policy_is_least_privilege(stage: str) -> None:
    config = SETTINGS[stage]
    assert config.get("manage_roles", True) is True
    assert "role_arn" not in config and "extra_permissions" not in config
    policy = json.loads((ROOT / config["attach_policy"]).read_text())
    region = config["aws_region"]
    function = f"{config['project_name']}-{stage}"
    account = "${aws:PrincipalAccount}"
    secret_name = config["environment_variables"]["SPOTIFY_SECRET_NAME"]
    table = config["environment_variables"]["MOODYSTREAM_STATE_TABLE"]

    assert policy["Version"] == "2012-10-17"  # needed for the ${...} policy variable
    grants = {}
    for statement in policy["Statement"]:
        assert statement["Effect"] == "Allow"
        assert set(statement) <= {"Sid", "Effect", "Action", "Resource"}
        actions = (
            statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        )
        resources = (
            statement["Resource"]
            if isinstance(statement["Resource"], list)
            else [statement["Resource"]]
        )
        for action in actions:
            assert "*" not in action
            grants.setdefault(action, set()).update(resources)

    assert grants == {
        "secretsmanager:GetSecretValue": {
            f"arn:aws:secretsmanager:{region}:{account}:secret:{secret_name}-??????"
        },
        "logs:CreateLogGroup": {
            f"arn:aws:logs:{region}:{account}:log-group:/aws/lambda/{function}",
            f"arn:aws:logs:{region}:{account}:log-group:/aws/lambda/{function}:*",
        },
        "logs:CreateLogStream": {
            f"arn:aws:logs:{region}:{account}:log-group:/aws/lambda/{function}",
            f"arn:aws:logs:{region}:{account}:log-group:/aws/lambda/{function}:*",
        },
        "logs:PutLogEvents": {
            f"arn:aws:logs:{region}:{account}:log-group:/aws/lambda/{function}",
            f"arn:aws:logs:{region}:{account}:log-group:/aws/lambda/{function}:*",
        },
        # The shared-state table (shared_state/dynamodb.py): exactly the calls it makes.
        **{
            f"dynamodb:{call}": {f"arn:aws:dynamodb:{region}:{account}:table/{table}"}
            for call in ("GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query")
        },
        # Zappa's API Gateway integration invokes the function with this same role.
        "lambda:InvokeFunction": {
            f"arn:aws:lambda:{region}:{account}:function:{function}",
            f"arn:aws:lambda:{region}:{account}:function:{function}:*",
        },
    }


@pytest.mark.parametrize("stage", STAGES)
def test_check_deploy_passes_without_warnings(stage: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["AWS_EC2_METADATA_DISABLED"] = "true"
    completed = subprocess.run(
        [sys.executable, "deploy/check_deploy.py", stage],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "System check identified no issues (0 silenced)." in completed.stdout


@pytest.mark.parametrize("script", ["package.sh", "zappa.sh", "check_deploy.sh"])
def test_scripts_parse_and_are_executable(script: str) -> None:
    path = ROOT / "deploy" / script
    assert os.access(path, os.X_OK)
    subprocess.run(["bash", "-n", str(path)], check=True)


@pytest.mark.parametrize(
    ("tag", "ok"),
    [
        ("py3-none-any", True),
        ("py2.py3-none-any", True),
        ("cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64", True),
        ("cp311-abi3-manylinux_2_34_x86_64", True),
        ("cp312-cp312-manylinux1_x86_64", True),
        ("cp312-cp312-manylinux_2_35_x86_64", False),
        ("cp312-cp312-linux_x86_64", False),  # built on this machine: any glibc
        ("cp312-cp312-manylinux_2_28_aarch64", False),
        ("cp312-cp312-musllinux_1_2_x86_64", False),
        ("cp312-cp312-macosx_11_0_arm64", False),
    ],
)
def test_wheel_tags_lambda_can_load(tag: str, ok: bool) -> None:
    assert (load_inspect_package().platform_problem(tag) is None) is ok


def test_manylinux_ceiling_matches_lambda() -> None:
    spec = importlib.util.spec_from_file_location("guard", ROOT / "deploy" / "lambda_manylinux.py")
    guard = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(guard)

    assert guard.manylinux_compatible(2, 34, "x86_64")
    assert guard.manylinux_compatible(2, 17, "x86_64")
    assert not guard.manylinux_compatible(2, 35, "x86_64")
    assert not guard.manylinux_compatible(2, 17, "aarch64")


def test_zappa_settings_module_checks() -> None:
    inspect_package = load_inspect_package()
    good = (
        "DEBUG=False\nDJANGO_SETTINGS='moodystream.settings'\n"
        "ENVIRONMENT_VARIABLES={'DJANGO_ENV': 'production', 'SPOTIFY_SECRET_NAME': 'x'}\n"
    )
    assert inspect_package.zappa_settings_problems(good) == []
    leaky = good.replace("'x'}", "'x', 'DJANGO_SECRET_KEY': 'oops'}").replace(
        "DEBUG=False", "DEBUG=True"
    )
    problems = inspect_package.zappa_settings_problems(leaky)
    assert any("DEBUG" in p for p in problems)
    assert any("DJANGO_SECRET_KEY" in p for p in problems)


def test_only_unchecked_hash_bytecode_is_accepted(tmp_path: Path) -> None:
    import py_compile

    inspect_package = load_inspect_package()
    source = tmp_path / "module.py"
    source.write_text("VALUE = 1\n")
    names = {"pkg/module.py"}

    def compiled(mode: py_compile.PycInvalidationMode) -> bytes:
        target = tmp_path / f"{mode.name}.pyc"
        py_compile.compile(str(source), cfile=str(target), invalidation_mode=mode, doraise=True)
        return target.read_bytes()

    name = "pkg/__pycache__/module.cpython-312.pyc"
    modes = py_compile.PycInvalidationMode
    assert inspect_package.bytecode_problem(name, compiled(modes.UNCHECKED_HASH), names) is None
    assert "unchecked-hash" in inspect_package.bytecode_problem(
        name, compiled(modes.TIMESTAMP), names
    )
    assert "beside it" in inspect_package.bytecode_problem(
        "pkg/__pycache__/other.cpython-312.pyc", compiled(modes.UNCHECKED_HASH), names
    )
    assert "cpython-312" in inspect_package.bytecode_problem(
        "pkg/module.pyc", compiled(modes.UNCHECKED_HASH), names
    )
