#!/usr/bin/env bash
# The whole test suite, as the README gives it: formatting, lints, and every test.
#
# Database tests run on SQLite always, and on PostgreSQL when TEST_POSTGRES_URL is set; when it
# is not set and a PostgreSQL server answers on 127.0.0.1:5432, that one is used.
# The front end's checks and unit tests need Node.js and npm; its browser tests need Chromium
# at $CHROMIUM (default /usr/bin/chromium, Debian's `chromium` package): without it they are
# skipped, and said so loudly, and everything else still runs.
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
chromium="${CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
    echo "tests/run.sh: WARNING: no Chromium at $chromium: the browser tests will be SKIPPED" >&2
fi

echo "tests/run.sh: front end: npm ci, generated API types current, eslint, build, size budget, vue-tsc, vitest"
(
    cd frontend
    npm ci --no-audit --no-fund --loglevel=error
    npm run --silent api:check
    npm run --silent lint
    # The build first: it regenerates the declarations of the components used on demand.
    npm run --silent build
    npm run --silent budget
    npm run --silent typecheck
    npm run --silent test:unit
)

echo "tests/run.sh: cargo fmt --check"
cargo fmt --all --check
echo "tests/run.sh: cargo clippy -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings

if cargo nextest --version >/dev/null 2>&1; then
    cargo nextest run --workspace --locked --no-fail-fast
else
    cargo test --workspace --locked --no-fail-fast
fi

if [ -x "$chromium" ]; then
    binary="$(cd "${CARGO_TARGET_DIR:-target}" 2>/dev/null && pwd)/debug/duijie"
    echo "tests/run.sh: browser tests (Playwright, $chromium) against $binary"
    # The integration tests above built the binary (with the tests' feature set: building it
    # again alone would only recompile the same code).
    [ -x "$binary" ] || cargo build --locked --bin duijie
    binary="$(cd "${CARGO_TARGET_DIR:-target}" && pwd)/debug/duijie"
    (cd frontend && CHROMIUM="$chromium" DUIJIE_BIN="$binary" npx playwright test)
    echo "tests/run.sh: screenshots of the main pages are in frontend/test-results/screenshots/"
else
    {
        echo "tests/run.sh: ################################################################"
        echo "tests/run.sh: ## WARNING: THE BROWSER TESTS WERE SKIPPED: no Chromium at $chromium"
        echo "tests/run.sh: ## Install Debian's package (apt-get install chromium), or set CHROMIUM."
        echo "tests/run.sh: ## Everything else above ran and passed."
        echo "tests/run.sh: ################################################################"
    } >&2
fi
