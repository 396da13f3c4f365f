#!/usr/bin/env bash
# Run Zappa from .venv-lambda, the runtime-only virtualenv (never the dev one: Zappa zips whichever
# virtualenv VIRTUAL_ENV names, and .venv holds moto, pytest, Playwright...). Needs AWS credentials
# for everything but `package`.
#
#   deploy/zappa.sh deploy prod      first deployment: the shared-state table (DynamoDB), IAM role
#                                    + policy, function, API Gateway, keep-warm; then the checked
#                                    artefact is uploaded (update -z)
#   deploy/zappa.sh update prod      build + check build/moodystream-prod.zip, upload exactly it
#   deploy/zappa.sh tail prod | status prod | certify prod | undeploy prod | rollback prod -n 1
#
# Zappa's own `deploy` packages the working tree itself (without the bytecode and the checks of
# deploy/package.sh), so a first deployment is followed by `update --zip` with the checked zip.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [ $# -lt 1 ]; then
    sed -n '2,14p' "$0" >&2
    exit 2
fi
command="$1"
stage="${2:-prod}"
zip="build/moodystream-$stage.zip"

run_zappa() {
    VIRTUAL_ENV="$PWD/.venv-lambda" PATH="$PWD/.venv-lambda/bin:$PATH" PYTHONPATH="" \
        "$PWD/.venv-lambda/bin/zappa" "$@"
}

# The shared-state table (DynamoDB, on demand, TTL) the stage's function uses; idempotent.
state_table() {
    PYTHONPATH="" "$PWD/.venv-lambda/bin/python" deploy/state_table.py "$stage"
}

case "$command" in
    deploy)
        bash deploy/package.sh "$stage"
        state_table
        run_zappa deploy "$stage" "${@:3}"
        run_zappa update "$stage" --zip "$zip"
        ;;
    update)
        bash deploy/package.sh "$stage"
        state_table
        run_zappa update "$stage" --zip "$zip" "${@:3}"
        ;;
    package)
        bash deploy/package.sh "$stage"
        ;;
    *)
        [ -x .venv-lambda/bin/zappa ] || bash deploy/package.sh --prepare "$stage"
        run_zappa "$@"
        ;;
esac
