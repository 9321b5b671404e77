#!/usr/bin/env bash
# The whole test suite, as the README gives it: formatting, lints, and every test.
#
# Database tests run on SQLite always, and on PostgreSQL when TEST_POSTGRES_URL is set; when it
# is not set and a PostgreSQL server answers on 127.0.0.1:5432, that one is used.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${TEST_POSTGRES_URL:-}" ] && command -v pg_isready >/dev/null 2>&1 \
    && pg_isready -q -h 127.0.0.1 -p 5432; then
    export TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:5432/postgres"
fi
if [ -n "${TEST_POSTGRES_URL:-}" ]; then
    echo "tests/run.sh: database tests run on SQLite and on PostgreSQL (${TEST_POSTGRES_URL%%\?*})"
else
    echo "tests/run.sh: WARNING: no PostgreSQL (set TEST_POSTGRES_URL); database tests run on SQLite only"
fi

if [ -n "${MEILI_URL:-}" ]; then
    echo "tests/run.sh: search tests run on the embedded engine and on Meilisearch at ${MEILI_URL}"
else
    echo "tests/run.sh: search tests run on the embedded engine (set MEILI_URL to add Meilisearch)"
fi
echo "tests/run.sh: cargo fmt --check"
cargo fmt --all --check
echo "tests/run.sh: cargo clippy -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings

if cargo nextest --version >/dev/null 2>&1; then
    cargo nextest run --workspace --locked --no-fail-fast
else
    cargo test --workspace --locked --no-fail-fast
fi
