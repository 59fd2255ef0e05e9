# shellcheck shell=bash
# Shared by the test scripts (source it): Node 24 on PATH, a scratch dir cleaned on exit, and a
# CES simulator from the built server on a free loopback port. Sets: root, work, pids, token, sim_port.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
node_bin="$(bash scripts/install-tools.sh | tail -n 1)"
export PATH="$node_bin:$PATH"
work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
wait_for() { # url: waits until it answers at all
  for _ in $(seq 1 100); do
    node -e 'fetch(process.argv[1]).then(()=>process.exit(0),()=>process.exit(1))' "$1" && return 0
    sleep 0.1
  done
  echo "timed out waiting for $1" >&2
  return 1
}

token="test-$(node -e 'console.log(require("crypto").randomUUID())')"
sim_port="$(free_port)"
# Output redirected: a background child must not hold a caller's $(...) pipe open.
node dist/src/main.js simulator --port "$sim_port" --token "$token" --step-ms 0 </dev/null >/dev/null 2>"$work/sim.log" &
pids+=($!)
wait_for "http://127.0.0.1:$sim_port/"
