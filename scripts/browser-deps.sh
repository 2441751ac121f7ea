#!/usr/bin/env bash
# What the browser tests (tests/test_browser.py) need, installed where it is missing:
# Debian's chromium (apt, when run as root), Playwright's Python driver (pinned in the dev
# extras: `pip install -e '.[dev]'` has it) and axe-core from the npm registry (pinned below,
# into .cache/browser). Never fails the build: what cannot be installed makes the browser tests
# skip, each saying what is missing.
set -u
cd "$(dirname "$0")/.."
AXE_VERSION=4.14.1
CACHE=.cache/browser
mkdir -p "$CACHE"
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "browser tests: installing Debian's chromium (apt-get)…" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >"$CACHE/apt.log" 2>&1 \
      || { apt-get update -q >>"$CACHE/apt.log" 2>&1 && \
           DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >>"$CACHE/apt.log" 2>&1; } \
      || echo "browser tests: chromium could not be installed (see $CACHE/apt.log); they will skip" >&2
  else
    echo "browser tests: no chromium and no root to install it; they will skip" >&2
  fi
fi
if [ ! -f "$CACHE/node_modules/axe-core/axe.min.js" ] || \
   ! grep -q "\"version\": \"$AXE_VERSION\"" "$CACHE/node_modules/axe-core/package.json" 2>/dev/null; then
  if command -v npm >/dev/null 2>&1; then
    (cd "$CACHE" && npm install --silent --no-audit --no-fund --no-save "axe-core@$AXE_VERSION" \
      >npm.log 2>&1) \
      || echo "browser tests: axe-core could not be installed (see $CACHE/npm.log); the accessibility checks will skip" >&2
  else
    echo "browser tests: no npm to install axe-core; the accessibility checks will skip" >&2
  fi
fi
exit 0
