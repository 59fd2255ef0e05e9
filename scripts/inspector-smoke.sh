#!/usr/bin/env bash
# Smoke calls with the MCP Inspector CLI — an independent client — against the built server over
# stdio, in both protocol eras: list the tools, read an assignment, and check a bad id is a tool error.
source "$(dirname "$0")/lib/simulator.sh"
inspector="$root/.tools/inspector/node_modules/@modelcontextprotocol/inspector/clients/launcher/build/index.js"
export HOME="$work" # the Inspector writes ~/.mcp-inspector

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
