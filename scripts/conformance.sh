#!/usr/bin/env bash
# Runs the official MCP conformance suite against the built HTTP server (with the CES simulator
# behind it), for the 2025 era (sessions and stateless) and the 2026-07-28 era. Scenarios that need
# the suite's own fixture tools/resources/prompts are listed in test/conformance/*.yaml; any other
# failure — or a listed scenario that starts passing — fails the run.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
node_bin="$(bash scripts/install-tools.sh | tail -n 1)"
export PATH="$node_bin:$PATH"
conformance="$root/.tools/conformance/node_modules/@modelcontextprotocol/conformance/dist/index.js"
work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
wait_for() { # url
  for _ in $(seq 1 100); do
    node -e 'fetch(process.argv[1]).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))' "$1" && return 0
    sleep 0.1
  done
  echo "timed out waiting for $1" >&2; return 1
}

token="conformance-$(node -e 'console.log(require("crypto").randomUUID())')"
sim_port="$(free_port)"
node dist/src/main.js simulator --port "$sim_port" --token "$token" --step-ms 0 2>"$work/sim.log" &
pids+=($!)

start_server() { # sessions-mode -> prints port
  local port; port="$(free_port)"
  ISPW_MCP_CES_URL="http://127.0.0.1:$sim_port" ISPW_MCP_SRID=CW09-47623 ISPW_MCP_CES_TOKEN="$token" \
    node dist/src/main.js serve --transport http --host 127.0.0.1 --port "$port" --http-sessions "$1" \
    --log-level warn 2>>"$work/server.log" &
  pids+=($!)
  wait_for "http://127.0.0.1:$port/livez"
  echo "$port"
}

run() { # label, url, baseline, extra args...
  local label="$1" url="$2" baseline="$3"; shift 3
  echo "== conformance: $label"
  if ! node "$conformance" server --url "$url" --expected-failures "$baseline" "$@" 2>&1 \
      | sed 's/\x1b\[[0-9;]*m//g' | tee "$work/out.txt" | grep -v '^\s*$' | tail -n 40; then
    echo "conformance run failed: $label" >&2; exit 1
  fi
}

stateful="$(start_server stateful)"
stateless="$(start_server stateless)"
run "2025 era, sessions" "http://localhost:$stateful/mcp" test/conformance/expected-failures.2025.yaml --suite active
run "2025 era, stateless" "http://localhost:$stateless/mcp" test/conformance/expected-failures.2025.yaml --suite active
run "2026-07-28 era" "http://localhost:$stateless/mcp" test/conformance/expected-failures.2026.yaml --spec-version 2026-07-28
echo "conformance: all runs passed"
