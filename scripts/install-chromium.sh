#!/usr/bin/env bash
# install-chromium: make sure Debian's chromium package is installed, for
# the dashboard test that drives a headless browser. It does nothing when
# a chromium binary is already on PATH, and exits non-zero, loudly, when
# the install fails: in CI the dashboard test must then fail, not skip.
# Call it from .ci/run before `make test`.
set -euo pipefail

if command -v chromium >/dev/null 2>&1; then
	echo "install-chromium: $(chromium --version 2>/dev/null || echo chromium) already installed"
	exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
	sudo="sudo"
fi

echo "install-chromium: installing Debian's chromium package"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core

if ! command -v chromium >/dev/null 2>&1; then
	echo "install-chromium: ERROR: chromium is still not on PATH" >&2
	exit 1
fi
echo "install-chromium: $(chromium --version 2>/dev/null) installed"
