#!/usr/bin/env bash
# Runs the official MCP conformance suite against the built HTTP server (with the CES simulator
# behind it), for the 2025 era (sessions and stateless) and the 2026-07-28 era. Scenarios that need
# the suite's own fixture tools/resources/prompts are listed in test/conformance/*.yaml; any other
# failure — or a listed scenario that starts passing — fails the run.
source "$(dirname "$0")/lib/simulator.sh"
conformance="$root/.tools/conformance/node_modules/@modelcontextprotocol/conformance/dist/index.js"

# Not called through $(...): a background child would hold the substitution's pipe open.
start_server() { # sessions-mode; sets $port
  port="$(free_port)"
  ISPW_MCP_CES_URL="http://127.0.0.1:$sim_port" ISPW_MCP_SRID=CW09-47623 ISPW_MCP_CES_TOKEN="$token" \
    node dist/src/main.js serve --transport http --host 127.0.0.1 --port "$port" --http-sessions "$1" \
    --log-level warn </dev/null >/dev/null 2>>"$work/server.log" &
  pids+=($!)
  wait_for "http://127.0.0.1:$port/livez"
}

# Prints the failed checks of a run's results (for scenarios outside the baseline).
show_failures() {
  # shellcheck disable=SC2016 # JavaScript in single quotes: ${…} is a template literal, not shell
  node -e '
    const fs = require("fs"), path = require("path");
    for (const run of fs.readdirSync(process.argv[1])) {
      const file = path.join(process.argv[1], run, "checks.json");
      if (!fs.existsSync(file)) continue;
      for (const c of JSON.parse(fs.readFileSync(file, "utf8")))
        if (c.status === "FAILURE") console.log(`  ${run}: ${c.id}: ${c.errorMessage ?? JSON.stringify(c.details ?? {})}`.slice(0, 400));
    }' "$1"
}

run() { # label, url, baseline, extra args...
  local label="$1" url="$2" baseline="$3"; shift 3
  local out="$work/results-${label//[^a-z0-9]/-}"
  echo "== conformance: $label"
  if ! node "$conformance" server --url "$url" --expected-failures "$baseline" -o "$out" "$@" 2>&1 \
      | sed 's/\x1b\[[0-9;]*m//g' | sed -n '/=== SUMMARY ===/,$p' \
      | sed -E 's/^Total: ([0-9]+) passed, ([0-9]+) failed/checks: \1 succeeded, \2 did not (see the baseline)/'; then
    echo "conformance run failed: $label; failed checks:" >&2
    show_failures "$out" >&2
    exit 1
  fi
}

start_server stateful
stateful="$port"
start_server stateless
stateless="$port"
run "2025 era, sessions" "http://localhost:$stateful/mcp" test/conformance/expected-failures.2025.yaml --suite active
run "2025 era, stateless" "http://localhost:$stateless/mcp" test/conformance/expected-failures.2025-stateless.yaml --suite active
run "2026-07-28 era" "http://localhost:$stateless/mcp" test/conformance/expected-failures.2026.yaml --suite all --spec-version 2026-07-28

# server-stateless is in the 2026 baseline only for its fixture-dependent checks: any other failed
# check in it is a real failure.
echo "== conformance: server-stateless, generic checks"
node "$conformance" server --url "http://localhost:$stateless/mcp" --scenario server-stateless --spec-version 2026-07-28 \
  -o "$work/stateless" >/dev/null 2>&1 || true
node -e '
  const fs = require("fs"), path = require("path");
  const fixtureChecks = new Set(["sep-2575-server-rejects-undeclared-capability", "sep-2575-missing-capability-http-400",
    "sep-2575-http-server-no-independent-requests-on-stream", "sep-2575-server-no-log-without-loglevel"]);
  const dir = process.argv[1]; const runs = fs.readdirSync(dir);
  if (runs.length !== 1) { console.error("expected one server-stateless result, got", runs); process.exit(1); }
  const checks = JSON.parse(fs.readFileSync(path.join(dir, runs[0], "checks.json"), "utf8"));
  const bad = checks.filter((c) => c.status === "FAILURE" && !fixtureChecks.has(c.id));
  const passed = checks.filter((c) => c.status === "SUCCESS").length;
  if (bad.length) { console.error("server-stateless failures:", bad.map((c) => c.id + ": " + (c.errorMessage ?? "")).join("\n")); process.exit(1); }
  if (passed < 20) { console.error("server-stateless: only", passed, "checks passed"); process.exit(1); }
  console.log("server-stateless: " + passed + " checks passed; only the " + fixtureChecks.size + " fixture-dependent checks may fail");
' "$work/stateless"
echo "conformance: all runs passed"
