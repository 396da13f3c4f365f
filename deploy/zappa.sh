#!/usr/bin/env bash
# Run Zappa from .venv-lambda, the runtime-only virtualenv (never the dev one, which Zappa would
# zip whole if it were the active one).
#
#   deploy/zappa.sh deploy prod      first deployment (needs AWS credentials)
#   deploy/zappa.sh update prod      new code and settings
#   deploy/zappa.sh tail prod | status prod | certify prod | undeploy prod | rollback prod -n 1
#
# `deploy` and `update` build their own package from the working tree, so .venv-lambda and
# staticfiles/ are brought up to date first (deploy/package.sh --prepare).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [ $# -lt 1 ]; then
    sed -n '2,11p' "$0" >&2
    exit 2
fi
stage="${2:-prod}"
case "$1" in
    deploy | update | package) bash deploy/package.sh --prepare "$stage" ;;
    *) [ -x .venv-lambda/bin/zappa ] || bash deploy/package.sh --prepare "$stage" ;;
esac

export VIRTUAL_ENV="$PWD/.venv-lambda"
export PATH="$VIRTUAL_ENV/bin:$PATH"
unset PYTHONPATH
exec zappa "$@"
