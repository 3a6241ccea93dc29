#!/usr/bin/env bash
# Fuzz the JSON API against its own OpenAPI schema, on a live server with the demo data and a personal token.
# Fails on any server error (5xx) or any response that breaks the schema (status code, content type, headers, body).
#
#   bash api/tests/run_schemathesis.sh            # from the repository root; about a few minutes
#
# Environment: PYTHON (default .venv/bin/python), API_FUZZ_PORT (8765), API_FUZZ_MAX_EXAMPLES (30),
# API_FUZZ_DATABASE_URL (default: a fresh SQLite file in a temporary directory; a PostgreSQL URL must name an
# empty database), API_FUZZ_SEED (a fixed seed makes a failure reproducible).
set -euo pipefail
cd "$(dirname "$0")/../.."

BIN=$(dirname "${PYTHON:-.venv/bin/python}")
PYTHON=${PYTHON:-.venv/bin/python}
PORT=${API_FUZZ_PORT:-8765}
BASE="http://127.0.0.1:${PORT}"
WORK=$(mktemp -d)
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

export DEBUG=0 SECRET_KEY="${SECRET_KEY:-schemathesis-only-secret-key}" ALLOWED_HOSTS=127.0.0.1,localhost
export DATABASE_URL="${API_FUZZ_DATABASE_URL:-sqlite:///${WORK}/api-fuzz.sqlite3}"
export MEDIA_ROOT="${WORK}/media" LOG_LEVEL=ERROR
# The fuzzer is one client sending thousands of requests: lift the per-token rate for this run only.
export API_TOKEN_RATE=1000000/min API_SESSION_RATE=1000000/min API_ANONYMOUS_RATE=1000000/min

echo "== seeding ${DATABASE_URL}"
"$PYTHON" manage.py migrate --no-input -v 0
"$PYTHON" manage.py load_reference_data >/dev/null
"$PYTHON" manage.py seed_demo >/dev/null

token_for() {
  "$PYTHON" manage.py shell -c "
from accounts.models import User
from api.services import api_token_create
print(api_token_create(user=User.objects.get(username='$1'), name='schemathesis', days=30, second_factor_verified=True).plaintext)
" | tail -n 1
}
CENTRAL_TOKEN=$(token_for admin.central)   # every menu but issuing receipts, national scope
ISSUER_TOKEN=$(token_for palad.4701)       # a K3 deputy who issues fee, auction and scrap receipts at 4701

echo "== starting the server on ${BASE}"
# No request-line limit: that limit belongs to the front server, and its 414 is not the application's answer.
"$BIN/gunicorn" rightsadmin.wsgi:application --bind "127.0.0.1:${PORT}" --workers 2 --threads 2 --timeout 120 \
  --limit-request-line 0 \
  --error-logfile "${WORK}/server.log" >>"${WORK}/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 60); do
  if "$PYTHON" -c "import urllib.request,sys; urllib.request.urlopen('${BASE}/login/', timeout=2)" 2>/dev/null; then break; fi
  sleep 1
done

# One fuzzing worker: with two, hypothesis parses lambda sources from two threads at once, and CPython 3.11.7's
# ast module keeps its recursion depth in shared state ("AST constructor recursion depth mismatch", fixed in 3.11.8).
run() {
  local token=$1; shift
  "$BIN/schemathesis" run "${BASE}/api/v1/schema/" \
    --header "Authorization: Bearer ${token}" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance,negative_data_rejection \
    --max-examples "${API_FUZZ_MAX_EXAMPLES:-30}" \
    ${API_FUZZ_SEED:+--seed "$API_FUZZ_SEED"} \
    --workers 1 --request-timeout 60 --no-color --warnings off \
    "$@"
}

status=0
echo "== schemathesis as admin.central (every operation)"
run "$CENTRAL_TOKEN" || status=$?
echo "== schemathesis as palad.4701 (receipts, where this account issues)"
run "$ISSUER_TOKEN" --include-path-regex '/receipts' || status=$?
if [ "$status" -ne 0 ] && [ -s "${WORK}/server.log" ]; then
  echo "== server log"; tail -n 200 "${WORK}/server.log"
fi
exit "$status"
