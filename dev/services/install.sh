#!/usr/bin/env bash
# Installs the system packages the queue-mode e2e suite runs (Debian/Ubuntu, as root): redis-server
# and postgresql, only when they are missing.
#
#   dev/services/install.sh [--dry-run] [--force]
#
#   --dry-run  say what would be installed and let apt-get simulate it (apt-get install -s; no
#              update, nothing changed)
#   --force    treat both packages as missing (to rehearse the install path on a machine that has
#              them; without --dry-run apt-get then upgrades them if the mirror has newer versions)
#
# Non-interactive and bounded: `apt-get update` once (5 min limit), then `apt-get install -y
# --no-install-recommends redis-server postgresql` (15 min limit). The packages' own services are
# not started (a temporary /usr/sbin/policy-rc.d that says "no", unless one exists already): the
# suite starts its own Redis and Postgres on free ports and nothing should listen on 6379 or 5432.
# Exit code != 0 on any failure.
set -euo pipefail

prog=services-install
log() { printf '[%s] %s\n' "$prog" "$*" >&2; }
die() { printf '[%s] ERROR: %s\n' "$prog" "$*" >&2; exit 1; }

dry_run=0
force=0
for arg in "$@"; do
  case "$arg" in
    --dry-run) dry_run=1 ;;
    --force) force=1 ;;
    *) printf 'usage: %s [--dry-run] [--force]\n' "$0" >&2; exit 2 ;;
  esac
done

has_redis() { command -v redis-server >/dev/null 2>&1 || [[ -x /usr/bin/redis-server ]]; }
has_postgres() {
  local bin
  for bin in /usr/lib/postgresql/*/bin; do
    [[ -x "$bin/postgres" && -x "$bin/initdb" && -x "$bin/pg_isready" && -x "$bin/psql" ]] && id -u postgres >/dev/null 2>&1 && return 0
  done
  return 1
}

missing=()
{ [[ "$force" == 1 ]] || ! has_redis; } && missing+=(redis-server)
{ [[ "$force" == 1 ]] || ! has_postgres; } && missing+=(postgresql)

if [[ ${#missing[@]} -eq 0 ]]; then
  log "redis-server and postgresql are installed"
  exit 0
fi

command -v apt-get >/dev/null 2>&1 || die "missing ${missing[*]} and no apt-get here: install them with your system's package manager"
export DEBIAN_FRONTEND=noninteractive
install_args=(-y -q --no-install-recommends -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)

if [[ "$dry_run" == 1 ]]; then
  log "would run: apt-get update, then apt-get install ${install_args[*]} ${missing[*]} (services not started)"
  timeout 120 apt-get install -s "${install_args[@]}" "${missing[@]}" >&2 || die "apt-get install -s ${missing[*]} failed"
  log "dry run: apt-get could install ${missing[*]}"
  exit 0
fi

[[ "$(id -u)" == 0 ]] || die "missing ${missing[*]}: run this as root (or: sudo apt-get install ${missing[*]})"

policy=/usr/sbin/policy-rc.d
if [[ ! -e "$policy" ]]; then
  printf '#!/bin/sh\n# dev/services/install.sh: do not start services while it installs packages\nexit 101\n' >"$policy"
  chmod 755 "$policy"
  trap 'rm -f "$policy"' EXIT
fi

t0=$SECONDS
log "apt-get update ..."
timeout 300 apt-get update -q >&2 || die "apt-get update failed"
log "apt-get install ${missing[*]} ..."
timeout 900 apt-get install "${install_args[@]}" "${missing[@]}" >&2 || die "apt-get install ${missing[*]} failed"

has_redis || die "redis-server still missing after apt-get install"
has_postgres || die "postgresql (its server binaries or the postgres user) still missing after apt-get install"
log "installed ${missing[*]} in $((SECONDS - t0)) s"
