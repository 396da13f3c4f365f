#!/usr/bin/env bash
# Build the AWS Lambda artefact of a Zappa stage, offline: no AWS account, no credentials.
#
#   deploy/package.sh [STAGE]            build/moodystream-STAGE.zip (STAGE: prod by default),
#                                        checked by deploy/inspect_package.py; prints its size
#   deploy/package.sh --prepare [STAGE]  only what `zappa deploy|update` packages by itself:
#                                        .venv-lambda/ and staticfiles/ (alias: --venv-only)
#
# Zappa zips the *active* virtualenv (the one VIRTUAL_ENV names), so the package is built from a
# dedicated one, .venv-lambda/, holding requirements.txt and nothing else: never the dev and test
# tools of .venv/. It is rebuilt from scratch whenever requirements.txt, the Python version or the
# install recipe changes (so a dropped requirement cannot linger), and reused otherwise.
# Idempotent: every run rebuilds staticfiles/ (collectstatic --clear) and the zip.
#
# Environment: LAMBDA_PYTHON (default python3.12), LAMBDA_VENV (default .venv-lambda).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"

mode=package
stage=prod
for arg in "$@"; do
    case "$arg" in
        --prepare | --prepare-only | --venv-only) mode=prepare ;;
        -h | --help)
            sed -n '2,15p' "$0"
            exit 0
            ;;
        -*)
            echo "package.sh: unknown option $arg" >&2
            exit 2
            ;;
        *) stage="$arg" ;;
    esac
done

VENV="${LAMBDA_VENV:-$ROOT/.venv-lambda}"
PYTHON="${LAMBDA_PYTHON:-python3.12}"
OUT="build/moodystream-$stage.zip"
RECIPE=1 # bump when the install commands below change

if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 12))' 2>/dev/null; then
    echo "package.sh: '$PYTHON' is not Python 3.12, Lambda's runtime here (set LAMBDA_PYTHON)" >&2
    exit 1
fi
if ! python3 -c "import json, sys; sys.exit('$stage' not in json.load(open('zappa_settings.json')))"; then
    echo "package.sh: no stage '$stage' in zappa_settings.json" >&2
    exit 2
fi

# One build at a time in this working tree (a second `make package` or packaging test waits):
# they share .venv-lambda, staticfiles/ and the zip.
mkdir -p build
if command -v flock >/dev/null 2>&1; then
    exec 9>"build/.package.lock"
    flock -w 900 9 || {
        echo "package.sh: another build holds build/.package.lock" >&2
        exit 1
    }
fi

# Everything that runs the project's code or Zappa gets a clean environment: none of the
# developer's DEBUG, DEMO_MODE, .env, AWS profile or credentials, PYTHONPATH or other virtualenv.
# `zappa package` needs no AWS region or credentials (it never creates a boto3 client for it).
clean_env=(
    env -i
    "PATH=$VENV/bin:/usr/local/bin:/usr/bin:/bin"
    "HOME=${HOME:-/tmp}"
    "LANG=C.UTF-8"
    "TMPDIR=${TMPDIR:-/tmp}"
    "VIRTUAL_ENV=$VENV"
    "AWS_EC2_METADATA_DISABLED=true"
)
# Zappa asks PyPI whether it is up to date; let it use the system's CA bundle where there is one.
for ca in "${REQUESTS_CA_BUNDLE:-}" "${SSL_CERT_FILE:-}" /etc/ssl/certs/ca-certificates.crt; do
    if [ -n "$ca" ] && [ -f "$ca" ]; then
        clean_env+=("REQUESTS_CA_BUNDLE=$ca")
        break
    fi
done

# --- 1. The virtualenv: requirements.txt only -------------------------------------------------
fingerprint="$(
    {
        cat requirements.txt deploy/lambda_manylinux.py
        "$PYTHON" -VV
        echo "recipe $RECIPE"
    } | sha256sum | cut -d' ' -f1
)"
if [ "$(cat "$VENV/.fingerprint" 2>/dev/null)" != "$fingerprint" ]; then
    echo "==> Building $VENV from requirements.txt with $("$PYTHON" -V)"
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV"
    # pip may only choose wheels that Lambda's Amazon Linux 2023 (glibc 2.34, x86_64) can load.
    cp deploy/lambda_manylinux.py "$VENV/lib/python3.12/site-packages/_manylinux.py"
    "$VENV/bin/python" -m pip install -qq --disable-pip-version-check -r requirements.txt
    "$VENV/bin/python" deploy/inspect_package.py --site-packages "$VENV/lib/python3.12/site-packages"
    echo "$fingerprint" >"$VENV/.fingerprint"
else
    echo "==> $VENV is up to date with requirements.txt"
fi

# --- 2. Static files: production settings, hashed names, compressed copies ---------------------
# Built with the stage's DJANGO_STATIC_URL (or older STATIC_URL, if it sets one) and without SPOTIFY_SECRET_NAME, so nothing
# here reaches AWS.
static_url="$(python3 -c "
import json
env = json.load(open('zappa_settings.json'))['$stage'].get('environment_variables', {}); print(env.get('DJANGO_STATIC_URL', env.get('STATIC_URL', '')))
")"
echo "==> collectstatic with production settings"
"${clean_env[@]}" DJANGO_ENV=production MOODYSTREAM_IGNORE_DOTENV=1 \
    DJANGO_SETTINGS_MODULE=moodystream.settings ${static_url:+"DJANGO_STATIC_URL=$static_url"} \
    "$VENV/bin/python" manage.py collectstatic --noinput --clear --verbosity 0
echo "    $(find staticfiles -type f | wc -l) files in staticfiles/"

if [ "$mode" = prepare ]; then
    echo "==> Ready for: VIRTUAL_ENV=$VENV $VENV/bin/zappa deploy|update $stage"
    exit 0
fi

# --- 3. The zip -------------------------------------------------------------------------------
echo "==> zappa package $stage"
rm -f "$OUT"
"${clean_env[@]}" "$VENV/bin/zappa" package "$stage" -o "$OUT"

# --- 4. Bytecode: a cold start on read-only /var/task would otherwise compile every module -----
echo "==> Adding bytecode (unchecked-hash .pyc, Python 3.12)"
"$VENV/bin/python" deploy/add_bytecode.py "$OUT"

# --- 5. What is in it, and how big ------------------------------------------------------------
echo "==> Checking $OUT"
"$VENV/bin/python" deploy/inspect_package.py "$OUT"
