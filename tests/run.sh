#!/usr/bin/env bash
# The whole test suite, as the README gives it: formatting, lints, and every test.
#
# Database tests run on SQLite always, and on PostgreSQL when TEST_POSTGRES_URL is set; when it
# is not set and a PostgreSQL server answers on 127.0.0.1:5432, that one is used.
# The API document is checked against the running demo server by schemathesis
# (tests/schemathesis.sh: Python 3 with venv; pip installs the pinned version into target/).
# The front end's checks and unit tests need Node.js and npm; its browser tests need Chromium
# at $CHROMIUM (default /usr/bin/chromium, Debian's `chromium` package): without it they are
# skipped, and said so loudly, and everything else still runs.
# The search tests run on the embedded engine always, and on Meilisearch too: on the server at
# MEILI_URL (with MEILI_MASTER_KEY) when it is set, else on one this script starts from
# $MEILI_BIN (default ../shared/bin/meilisearch, beside the repository) on a free port with a
# throw-away database and master key, and stops at the end. Without either the Meilisearch
# variants are skipped, and said so loudly.
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

meili_bin="${MEILI_BIN:-$(cd .. && pwd)/shared/bin/meilisearch}"
meili_pid=""
meili_dir=""
meili_skipped=""
meili_skipped_banner() {
    {
        echo "tests/run.sh: ################################################################"
        echo "tests/run.sh: ## WARNING: THE MEILISEARCH VARIANTS OF THE SEARCH TESTS $1 SKIPPED:"
        echo "tests/run.sh: ## no MEILI_URL and no Meilisearch binary at $meili_bin"
        echo "tests/run.sh: ## Set MEILI_URL (and MEILI_MASTER_KEY) to a server, or MEILI_BIN to a binary."
        echo "tests/run.sh: ## The search tests ran on the embedded engine only."
        echo "tests/run.sh: ################################################################"
    } >&2
}
on_exit() {
    local status=$?
    # Clean up whatever happens to the output (a closed pipe must not leave a server behind).
    set +e
    trap '' PIPE
    if [ -n "$meili_pid" ]; then
        kill "$meili_pid" 2>/dev/null
        wait "$meili_pid" 2>/dev/null
        if [ "$status" -ne 0 ] && [ -f "$meili_dir/meilisearch.log" ]; then
            echo "tests/run.sh: the last lines of the Meilisearch log:" >&2
            tail -n 20 "$meili_dir/meilisearch.log" >&2
        fi
    fi
    if [ -n "$meili_dir" ]; then
        rm -rf "$meili_dir"
    fi
    if [ -n "$meili_skipped" ]; then
        meili_skipped_banner WERE
    fi
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Whether the server on this port of 127.0.0.1 answers GET /health with 200 (curl, or bash's
# /dev/tcp where there is no curl).
meili_healthy() {
    if command -v curl >/dev/null 2>&1; then
        curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$1/health" 2>/dev/null
    else
        timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" &&
            printf "GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n" >&3 &&
            head -n 1 <&3 | grep -q " 200 "' _ "$1" 2>/dev/null
    fi
}

# Starts $meili_bin on a free port of 127.0.0.1 with a throw-away database and a random master
# key, waits (30 s at most) until it answers GET /health, and exports MEILI_URL and
# MEILI_MASTER_KEY. A port taken meanwhile by someone else makes it try another one.
start_meilisearch() {
    local key port attempt
    # Meilisearch sizes (and zeroes) buffers for every indexing batch from this, 2/3 of the
    # machine's memory by default: about 1.3 s a write on a 24 GB machine, whatever the write's
    # size. The tests write a few documents at a time; 1 GiB keeps a write near 0.1 s.
    local meili_indexing_memory="${MEILI_MAX_INDEXING_MEMORY:-1GiB}"
    if command -v openssl >/dev/null 2>&1; then
        key="$(openssl rand -hex 16)"
    else
        key="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
    fi
    meili_dir="$(mktemp -d "${TMPDIR:-/tmp}/duijie-meili.XXXXXX")"
    for attempt in 1 2 3 4 5; do
        # Below Linux's ephemeral range (32768-60999), so that no outgoing connection holds it.
        port=$((20000 + RANDOM % 12000))
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            continue # someone listens there
        fi
        rm -rf "$meili_dir/data.ms"
        NO_COLOR=1 "$meili_bin" --http-addr "127.0.0.1:$port" --master-key "$key" \
            --db-path "$meili_dir/data.ms" --dump-dir "$meili_dir/dumps" \
            --snapshot-dir "$meili_dir/snapshots" --no-analytics --env development \
            --max-indexing-memory "$meili_indexing_memory" \
            >"$meili_dir/meilisearch.log" 2>&1 &
        meili_pid=$!
        local started=$SECONDS
        while kill -0 "$meili_pid" 2>/dev/null && [ $((SECONDS - started)) -lt 30 ]; do
            if meili_healthy "$port"; then
                export MEILI_URL="http://127.0.0.1:$port"
                export MEILI_MASTER_KEY="$key"
                return 0
            fi
            sleep 0.2
        done
        if kill -0 "$meili_pid" 2>/dev/null; then
            echo "tests/run.sh: Meilisearch ($meili_bin) did not answer GET /health within 30 s" >&2
            tail -n 20 "$meili_dir/meilisearch.log" >&2 || true
            return 1
        fi
        # It stopped: most likely the port was taken between the check and the bind.
        wait "$meili_pid" 2>/dev/null || true
        meili_pid=""
        echo "tests/run.sh: Meilisearch stopped at start on port $port (attempt $attempt):" >&2
        tail -n 5 "$meili_dir/meilisearch.log" >&2 || true
    done
    echo "tests/run.sh: Meilisearch ($meili_bin) could not be started" >&2
    return 1
}

if [ -z "${MEILI_URL:-}" ] && [ -x "$meili_bin" ]; then
    start_meilisearch
    echo "tests/run.sh: search tests run on the embedded engine and on Meilisearch at ${MEILI_URL}" \
        "($("$meili_bin" --version), started from $meili_bin, throw-away database)"
elif [ -n "${MEILI_URL:-}" ]; then
    echo "tests/run.sh: search tests run on the embedded engine and on Meilisearch at ${MEILI_URL}"
else
    echo "tests/run.sh: search tests run on the embedded engine only"
    meili_skipped=yes
    meili_skipped_banner "WILL BE"
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

# The hostile-input tests (issue #18: the domain's properties, the API fuzz pass) each add a line
# with their case counts to this file; nextest hides a passing test's output, so it is printed
# after the run.
mkdir -p "${CARGO_TARGET_DIR:-target}"
export DUIJIE_HOSTILE_REPORT="$(cd "${CARGO_TARGET_DIR:-target}" && pwd)/hostile-report.txt"
rm -f "$DUIJIE_HOSTILE_REPORT"
# The fault suite writes its reports there: none left from an earlier run.
fault_reports="${CARGO_TARGET_DIR:-target}/fault-report"
rm -f "$fault_reports"/*.txt "$fault_reports"/*.json
if cargo nextest --version >/dev/null 2>&1; then
    cargo nextest run --workspace --locked --no-fail-fast
else
    cargo test --workspace --locked --no-fail-fast
fi
echo "tests/run.sh: hostile input (proptest cases, API fuzz requests):"
if [ -f "$DUIJIE_HOSTILE_REPORT" ]; then
    sort "$DUIJIE_HOSTILE_REPORT" | sed 's/^/tests\/run.sh:   /'
else
    echo "tests/run.sh: WARNING: no hostile-input report was written" >&2
    exit 1
fi
for report in "$fault_reports"/*.txt; do
    [ -f "$report" ] || continue
    echo "tests/run.sh: the fault suite's report ($report):"
    cat "$report"
done

echo "tests/run.sh: the API document against the server (schemathesis, a token of each demo role)"
[ -x "${CARGO_TARGET_DIR:-target}/debug/duijie" ] || cargo build --locked --bin duijie
tests/schemathesis.sh "$(cd "${CARGO_TARGET_DIR:-target}" && pwd)/debug/duijie"

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
