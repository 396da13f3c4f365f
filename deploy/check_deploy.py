"""Run ``manage.py check --deploy`` on a Zappa stage's production settings, offline.

    .venv/bin/python deploy/check_deploy.py [STAGE]      (STAGE: prod by default)

The settings see exactly the stage's ``environment_variables`` from zappa_settings.json (and none
of the caller's DEBUG, .env or AWS configuration); moto stands in for Secrets Manager with a
freshly generated secret, read through ``moodystream.credentials`` as on Lambda (Django's
security check reads the secret key). Any warning fails.
Needs the dev virtualenv (moto).
"""

from __future__ import annotations

import json
import os
import secrets
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CALLER_VARIABLES = ("AWS_", "DJANGO_", "SPOTIFY_", "SPOTIPY_", "MOODYSTREAM_")
CALLER_SETTINGS = {
    "DEBUG",
    "DEMO_MODE",
    "ENABLE_ADMIN",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "STATIC_URL",
    "SECURE_COOKIES",
    "LOG_LEVEL",
}


def main(argv: list[str]) -> int:
    stage = argv[0] if argv else "prod"
    stage_settings = json.loads((ROOT / "zappa_settings.json").read_text())[stage]
    stage_env = stage_settings.get("environment_variables", {})

    for name in list(os.environ):
        if name.startswith(CALLER_VARIABLES) or name in CALLER_SETTINGS:
            del os.environ[name]
    os.environ.update(stage_env)
    os.environ.update(
        MOODYSTREAM_IGNORE_DOTENV="1",
        DJANGO_SETTINGS_MODULE="moodystream.settings",
        AWS_EC2_METADATA_DISABLED="true",
        AWS_REGION=stage_settings["aws_region"],
    )
    sys.path.insert(0, str(ROOT))

    import boto3
    from moto import mock_aws

    with mock_aws():
        boto3.client(
            "secretsmanager", region_name=stage_env["SPOTIFY_SECRET_REGION"]
        ).create_secret(
            Name=stage_env["SPOTIFY_SECRET_NAME"],
            SecretString=json.dumps(
                {
                    "SPOTIFY_CLIENT_ID": secrets.token_hex(16),
                    "SPOTIFY_CLIENT_SECRET": secrets.token_hex(16),
                    "SPOTIFY_REDIRECT_URI": "https://example.execute-api.eu-west-1.amazonaws.com"
                    f"/{stage}/callback/",
                    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
                }
            ),
        )

        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command

        from moodystream import credentials

        failure = credentials.unavailable()
        if failure is not None:
            print(f"credentials not loaded: {failure}", file=sys.stderr)
            return 1
        print(
            f"Stage {stage}: DJANGO_ENV={settings.DJANGO_ENV}, DEBUG={settings.DEBUG}, "
            f"ALLOWED_HOSTS={settings.ALLOWED_HOSTS}"
        )
        call_command("check", deploy=True, fail_level="WARNING")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
