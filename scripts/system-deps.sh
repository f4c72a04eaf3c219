#!/usr/bin/env bash
# Installs what the tests need besides npm packages, when it is missing:
#   - PostgreSQL 15 server binaries (tests start throwaway servers on loopback themselves),
#   - Debian's Chromium (the Swagger UI browser test),
#   - the offline Elm package cache (scripts/setup-elm.sh).
# Safe to run again; installs nothing that is already there. Needs root (or sudo) for apt-get.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

need=()
[ -x /usr/lib/postgresql/15/bin/initdb ] || need+=(postgresql-15)
[ -x /usr/bin/chromium ] || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else
    echo "system-deps: please install ${need[*]} (needs root)" >&2
    exit 1
  fi
  echo "system-deps: installing ${need[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  # The Debian package starts a cluster of its own; the tests never use it.
  if command -v pg_lsclusters >/dev/null && [ "$(id -u)" = 0 ]; then
    pg_lsclusters -h 2>/dev/null | while read -r version name _; do pg_ctlcluster "$version" "$name" stop 2>/dev/null || true; done
  fi
fi
"$here/setup-elm.sh"
