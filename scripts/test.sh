#!/usr/bin/env bash
# Runs every test Yizhan has: format, lints, unit tests, store and API tests on SQLite AND
# PostgreSQL, browser tests in headless Chromium, and API fuzzing with schemathesis. Installs what
# it needs (Debian).
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# Browser tests need Chromium and its driver; a CJK font makes Chinese visible in screenshots.
# The e-mail channel's tests talk to a real SMTP server (Debian's aiosmtpd, on Debian's Python)
# over STARTTLS with certificates openssl makes.
if ! command -v chromedriver >/dev/null 2>&1 || ! command -v chromium >/dev/null 2>&1 \
   || ! fc-list :lang=zh 2>/dev/null | grep -q . || ! command -v openssl >/dev/null 2>&1 \
   || ! /usr/bin/python3 -c 'import aiosmtpd' >/dev/null 2>&1; then
  echo "== installing chromium, chromium-driver, fonts-noto-cjk, python3-aiosmtpd, openssl"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium chromium-driver \
    fonts-noto-cjk python3-aiosmtpd openssl >/dev/null
fi

# PostgreSQL: tests create and drop their own databases. Unreachable is a failure, not a skip.
PG_URL="${YIZHAN_TEST_PG:-postgres://postgres@127.0.0.1:5432/postgres}"
export YIZHAN_TEST_PG="$PG_URL"
if command -v pg_isready >/dev/null 2>&1 && ! pg_isready -q -h 127.0.0.1 -p 5432; then
  echo "== PostgreSQL is down; trying to start the local cluster"
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  fi
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
if command -v pg_isready >/dev/null 2>&1 && ! pg_isready -q -h 127.0.0.1 -p 5432; then
  echo "FAIL: PostgreSQL is not reachable at 127.0.0.1:5432 (set YIZHAN_TEST_PG to point elsewhere)" >&2
  exit 1
fi

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== cargo test (SQLite + PostgreSQL + Chromium)"
cargo test --workspace --locked 2>&1 | tee target/test-output.txt
# schemathesis against /api/v1/openapi.json of a real server, logged in: no 5xx, no panic, the
# document kept true (installs python3-venv and schemathesis itself when missing).
echo "== API fuzzing (schemathesis)"
scripts/api_fuzz.sh
# A closing summary line for whoever reads the log.
passed=$(grep -Eo '[0-9]+ passed' target/test-output.txt | awk '{s+=$1} END {print s+0}')
failed=$(grep -Eo '[0-9]+ failed' target/test-output.txt | awk '{s+=$1} END {print s+0}')
echo "tests: ${passed} passed, ${failed} failed"
