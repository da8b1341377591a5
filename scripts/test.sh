#!/usr/bin/env bash
# The whole test suite of both environments: `make test` (and CI through .ci/run).
#   scripts/test.sh          everything
#   scripts/test.sh rasa     Rasa side only (knowledge, nlu, actions, bot)
#   scripts/test.sh gateway  gateway side only (knowledge, channels, bench harness, e2e)
# Sets up whatever is missing first: Debian packages, both environments, the Rasa model,
# a throwaway PostgreSQL for the store tests. Ends with one line counting all tests.
set -uo pipefail
cd "$(dirname "$0")/.."
which=${1:-all}
bash scripts/system-deps.sh || exit 1
bash scripts/setup-envs.sh || exit 1
INTAKE_MODEL=$(.venv-rasa/bin/python scripts/train.py) || { echo "training the Rasa model failed" >&2; exit 1; }
export INTAKE_MODEL PYTHONPATH=$PWD TF_CPP_MIN_LOG_LEVEL=2
mkdir -p var/test-results

if [ "$which" != rasa ] && [ -z "${TEST_DATABASE_URL:-}" ] && [ -f scripts/pg-test-server.sh ]; then
  # A server of this run's own (state file and free port), so a leftover of another run
  # can neither block it nor be stopped by it.
  mkdir -p var/run
  export PG_STATE_FILE=$PWD/var/run/pg-test-server.state
  [ -f "$PG_STATE_FILE" ] && bash scripts/pg-test-server.sh stop >/dev/null 2>&1; rm -f "$PG_STATE_FILE"
  PGPORT=$(.venv-gw/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  export PGPORT
  if TEST_DATABASE_URL=$(bash scripts/pg-test-server.sh start); then
    export TEST_DATABASE_URL
    trap 'bash scripts/pg-test-server.sh stop >/dev/null 2>&1' EXIT
  else
    echo "could not start a throwaway PostgreSQL; the PostgreSQL store tests will be skipped" >&2
  fi
fi

status=0
if [ "$which" != gateway ]; then
  echo "==> Rasa side (.venv-rasa, Python 3.10)"
  .venv-rasa/bin/python -m pytest tests/knowledge tests/nlu tests/actions tests/bot \
    --junitxml var/test-results/rasa.xml || status=1
fi
if [ "$which" != rasa ]; then
  echo "==> gateway side (.venv-gw, Python 3.11)"
  [ -f tests/a11y/node_modules/axe-core/axe.min.js ] || npm ci --prefix tests/a11y --no-audit --no-fund
  .venv-gw/bin/python -m pytest tests/knowledge tests/channels tests/bench tests/e2e \
    --junitxml var/test-results/gateway.xml || status=1
fi
.venv-gw/bin/python scripts/test_totals.py var/test-results/*.xml
exit $status
