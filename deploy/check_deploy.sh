#!/usr/bin/env bash
# `manage.py check --deploy` on a stage's production settings (see deploy/check_deploy.py).
#   deploy/check_deploy.sh [STAGE]     (STAGE: prod by default; needs .venv with the dev tools)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec "${PYTHON:-.venv/bin/python}" deploy/check_deploy.py "$@"
