#!/usr/bin/env bash
# Smoke calls with the MCP Inspector CLI — an independent client — against the built server over
# stdio, in both protocol eras: list the tools, read an assignment, and check a bad id is a tool error.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
node_bin="$(bash scripts/install-tools.sh | tail -n 1)"
export PATH="$node_bin:$PATH"
inspector="$root/.tools/inspector/node_modules/@modelcontextprotocol/inspector/clients/launcher/build/index.js"
work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
export HOME="$work" # the Inspector writes ~/.mcp-inspector

free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
token="inspector-$(node -e 'console.log(require("crypto").randomUUID())')"
sim_port="$(free_port)"
node dist/src/main.js simulator --port "$sim_port" --token "$token" --step-ms 0 </dev/null >/dev/null 2>"$work/sim.log" &
pids+=($!)
for _ in $(seq 1 100); do
  node -e 'fetch(process.argv[1]).then(()=>process.exit(0),()=>process.exit(1))' "http://127.0.0.1:$sim_port/" && break
  sleep 0.1
done

env_args=(-e "ISPW_MCP_CES_URL=http://127.0.0.1:$sim_port" -e ISPW_MCP_SRID=CW09-47623 -e "ISPW_MCP_CES_TOKEN=$token" -e ISPW_MCP_LOG_LEVEL=warn)
server=(node "$root/dist/src/main.js")
passed=0
failed=0
check() { # description, expected exit code, inspector args...
  local what="$1" want="$2"; shift 2
  local code=0
  node "$inspector" --cli --format json "$@" >"$work/out.json" 2>"$work/err.json" || code=$?
  if [ "$code" = "$want" ]; then passed=$((passed + 1)); echo "ok   $what"
  else failed=$((failed + 1)); echo "FAIL $what (exit $code, wanted $want)"; cat "$work/out.json" "$work/err.json"; fi
}
has() { grep -q "$1" "$work/out.json" || { failed=$((failed + 1)); echo "FAIL output lacks $1"; }; }

for era in legacy modern; do
  check "$era: tools/list" 0 --protocol-era "$era" "${env_args[@]}" "${server[@]}" --method tools/list
  has '"ispw_promote"'
  check "$era: ispw_get_assignment" 0 --protocol-era "$era" "${env_args[@]}" "${server[@]}" --method tools/call --tool-name ispw_get_assignment --tool-args-json '{"assignment_id":"PLAY000313"}'
  has 'PLAY000313'
  check "$era: bad id is a tool error" 5 --protocol-era "$era" "${env_args[@]}" "${server[@]}" --method tools/call --tool-name ispw_get_assignment --tool-args-json '{"assignment_id":"../x"}'
done
echo "inspector smoke: $passed ok, $failed failing"
echo "$passed" > "${INSPECTOR_COUNT_FILE:-/dev/null}"
[ "$failed" = 0 ]
