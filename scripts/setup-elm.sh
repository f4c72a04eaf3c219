#!/bin/sh
# Fills the Elm package cache (ELM_HOME, default ~/.elm) offline from git mirrors of the
# official Elm packages, so `elm make` / `elm-test-rs --offline` work without the package server.
#
# Mirrors are looked for in $HAMLET_ELM_MIRRORS (default: <repo>/../.mirror), one per package,
# as <author>+<project>/repo (a git dir) or <author>+<project> itself being a git dir.
# If the layout is not exactly what ../shared/elm/setup-elm-home.sh expects, a folder of
# symlinks is built in $HAMLET_ELM_LINKS (default: <repo>/../.elm-mirror) and used instead.
#
# Idempotent: does nothing when elm/core 1.0.5 is already in the cache (FORCE=1 to redo).
# On a machine without mirrors it prints a loud warning and exits 0: tests needing Elm skip.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(git -C "$HERE" rev-parse --show-toplevel 2>/dev/null || (cd "$HERE/.." && pwd))
SHARED=$TOP/../shared/elm
ELM_HOME=${ELM_HOME:-$HOME/.elm}
export ELM_HOME
SRC=${HAMLET_ELM_MIRRORS:-$TOP/../.mirror}
LINKS=${HAMLET_ELM_LINKS:-$TOP/../.elm-mirror}
PACKAGES="elm/core elm/json elm/http elm/browser elm/url elm/time elm/file elm/bytes elm/html
elm/virtual-dom elm/random elm/regex elm/parser elm-explorations/test mpizenberg/elm-test-runner"

warn() {
  echo "" >&2
  echo "################################################################################" >&2
  echo "## WARNING (scripts/setup-elm.sh): $1" >&2
  echo "## The Elm package cache was NOT set up; Elm compile/test checks will be SKIPPED." >&2
  echo "################################################################################" >&2
  echo "" >&2
}

if [ "${FORCE:-0}" != 1 ] && [ -f "$ELM_HOME/0.19.1/packages/elm/core/1.0.5/elm.json" ]; then
  echo "Elm package cache already present in $ELM_HOME (FORCE=1 to rebuild)"
  exit 0
fi

if [ ! -x "$SHARED/setup-elm-home.sh" ] && [ ! -f "$SHARED/setup-elm-home.sh" ]; then
  warn "missing $SHARED/setup-elm-home.sh"
  exit 0
fi

is_git_dir() {
  [ -d "$1" ] && git --git-dir="$1" rev-parse --git-dir >/dev/null 2>&1
}

# Find each package's git dir; note whether the layout already matches <name>/repo.
direct=1
missing=""
for name in $PACKAGES; do
  dir=$(echo "$name" | tr / +)
  if is_git_dir "$SRC/$dir/repo"; then
    :
  elif is_git_dir "$SRC/$dir"; then
    direct=0
  else
    missing="$missing $name"
  fi
done

if [ -n "$missing" ]; then
  warn "no git mirror in $SRC for:$missing"
  exit 0
fi

if [ "$direct" = 1 ]; then
  MIRROR=$SRC
else
  mkdir -p "$LINKS"
  for name in $PACKAGES; do
    dir=$(echo "$name" | tr / +)
    if is_git_dir "$SRC/$dir/repo"; then target=$SRC/$dir/repo; else target=$SRC/$dir; fi
    mkdir -p "$LINKS/$dir"
    ln -sfn "$(cd "$target" && pwd)" "$LINKS/$dir/repo"
  done
  MIRROR=$LINKS
fi

echo "Filling $ELM_HOME from mirrors in $MIRROR"
if ! MIRROR=$MIRROR sh "$SHARED/setup-elm-home.sh"; then
  warn "setup-elm-home.sh failed (see above)"
  exit 0
fi
