#!/bin/sh
# Entry point behind `npm test`, `npm run dev` and `npm run tools`. It makes a clean clone
# self-sufficient: brings a Node >= 22 when the system one is older, installs the npm
# dependencies when package-lock.json changed, builds the pinned toolchain, then runs the task.
set -eu
cd "$(dirname "$0")/.."
ROOT=$(pwd)
NODE_PIN=24.21.0
LOCAL_NODE="$ROOT/.node/node_modules/node/bin"

node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ -x "$LOCAL_NODE/node" ]; then
  PATH="$LOCAL_NODE:$PATH"
elif [ "$(node_major node)" -lt 22 ]; then
  echo "bootstrap: system Node $(node --version 2>/dev/null || echo none) is older than 22; installing node@$NODE_PIN into .node/"
  npm install --prefix "$ROOT/.node" --no-save --no-package-lock --loglevel=error "node@$NODE_PIN"
  PATH="$LOCAL_NODE:$PATH"
fi
export PATH

# npm ci only when the lockfile changed since the last install.
STAMP=node_modules/.ballast-lock-stamp
if [ ! -f "$STAMP" ] || ! cmp -s package-lock.json "$STAMP"; then
  echo "bootstrap: installing npm dependencies (node $(node --version))"
  npm ci --loglevel=error --no-fund --no-audit
  cp package-lock.json "$STAMP"
fi

# Debian packages some tests run for real: the Temporal UI browser test drives Debian's Chromium
# (never a downloaded browser); the production-cluster test runs the Temporal server on PostgreSQL.
ensure_debian_packages() {
  missing=""
  [ -x /usr/bin/chromium ] || missing="$missing chromium"
  ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing="$missing postgresql"
  [ -z "$missing" ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "bootstrap: installing Debian packages for the tests:$missing"
    apt-get update -qq
    # shellcheck disable=SC2086 # one word per package
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
  else
    echo "bootstrap: missing Debian packages$missing and this user cannot install them; run: sudo apt-get install$missing" >&2
  fi
}

task="$1"; shift
case "$task" in
  test) ensure_debian_packages ;;
esac
# Only the tasks that run the local environment need the infrastructure binaries.
case "$task" in
  tools) node --import tsx tools/toolchain/main.ts "$@" ;; # --flux: Flux's controllers too, for the benchmark
  test|dev|bench|faults) node --import tsx tools/toolchain/main.ts ;;
esac
case "$task" in
  tools) ;;
  *) exec node --import tsx "tools/$task.ts" "$@" ;;
esac
