#!/usr/bin/env bash
# Installs the Debian packages the test suite needs, only those missing. Safe to run repeatedly.
set -uo pipefail
need=()
command -v zstd >/dev/null || need+=(zstd)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo -n"
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq "${need[@]}"
fi
