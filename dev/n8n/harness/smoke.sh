#!/usr/bin/env bash
# Smoke test of an installed harness: Manual Trigger -> Set (with an expression), headless.
#   dev/n8n/harness/smoke.sh <2|1>
# Installs the harness first if needed (install.sh), then in a throw-away
# N8N_USER_FOLDER: n8n import:workflow + n8n execute --id --rawOutput, and checks the Set output.
set -euo pipefail
line=${1:?usage: smoke.sh <2|1>}
here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
harness=$("$here/install.sh" "$line" | tail -n1)

# Line 2: node_modules/.bin holds node 24.21.0 and n8n. Line 1: only n8n; node stays the system 20.
export PATH="$harness/node_modules/.bin:$PATH"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/n8n-smoke-$line.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
export N8N_USER_FOLDER="$tmp/user" N8N_ENCRYPTION_KEY=e2e-smoke-key \
  N8N_DIAGNOSTICS_ENABLED=false N8N_VERSION_NOTIFICATIONS_ENABLED=false N8N_TEMPLATES_ENABLED=false \
  N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS=true N8N_LOG_LEVEL=info \
  N8N_RUNNERS_BROKER_PORT="${N8N_RUNNERS_BROKER_PORT:-$(free_port)}"
if [[ "$line" == 2 ]]; then
  # 2.x only: stops `start` fetching the MCP server list. 1.x has no such module and exits with
  # 'Unknown module "mcp-registry"' on every command if it is set.
  export N8N_DISABLED_MODULES=mcp-registry
else
  export N8N_EXPRESSION_ENGINE=legacy   # 1.x defaults to "vm" (isolated-vm 6: no Node 20 build)
fi
mkdir -p "$N8N_USER_FOLDER"
echo "n8n $(n8n --version) on node $(node --version), user folder $N8N_USER_FOLDER, broker port $N8N_RUNNERS_BROKER_PORT" >&2

ms() { date +%s%3N; }
t=$(ms); n8n import:workflow --input="$here/smoke-workflow.json" >"$tmp/import.log" 2>&1 \
  || { cat "$tmp/import.log" >&2; echo "import:workflow failed" >&2; exit 1; }
t_import=$(( $(ms) - t ))
t=$(ms); rc=0; n8n execute --id=HarnessSmokeWf01 --rawOutput >"$tmp/out.txt" 2>"$tmp/err.txt" || rc=$?
t_exec=$(( $(ms) - t ))
# stdout = info log lines + the pretty-printed IRun: take the lines from the first "{" to the first "}".
if ! node -e '
  const fs=require("fs");const lines=fs.readFileSync(process.argv[1],"utf8").split("\n");
  const a=lines.indexOf("{"),b=lines.indexOf("}",a);if(a<0||b<0)throw new Error("no JSON block in output");
  const run=JSON.parse(lines.slice(a,b+1).join("\n"));
  const j=run.data.resultData.runData.Set[0].data.main[0][0].json;
  if(run.status!=="success"||j.hello!=="world"||j.sum!==3)throw new Error("unexpected: "+run.status+" "+JSON.stringify(j));
  console.error("execute status="+run.status+" Set output="+JSON.stringify(j));' "$tmp/out.txt"; then
  echo "---- stdout" >&2; cat "$tmp/out.txt" >&2; echo "---- stderr" >&2; cat "$tmp/err.txt" >&2
  echo "SMOKE n8n-$line FAILED (execute exit $rc)" >&2; exit 1
fi
if [[ "$rc" == 139 && "$line" == 2 ]]; then
  # n8n 2.41.1 `execute` calls process.exit() without disposing the isolated-vm expression pool;
  # a pool thread still running at exit can SIGSEGV (seen in ~1 of 6 first runs on a new user
  # folder). The result above is complete and stored; see README "Known issue".
  echo "WARNING: n8n execute crashed with SIGSEGV after printing a complete successful result (known exit race)" >&2
elif [[ "$rc" != 0 ]]; then
  echo "SMOKE n8n-$line FAILED: execute exit $rc" >&2; exit 1
fi
echo "SMOKE n8n-$line OK: import:workflow ${t_import} ms (new DB + migrations), execute ${t_exec} ms"
