// The CES simulator for the wait and await scenarios (bench/waits.ts, bench/awaits.ts), in its own
// process so it never shares the load generator's event loop. Every set runs for a random duration
// in [minMs, maxMs] (SetRealism.setDurationMs), so the set's real end time is known exactly; a
// second listener answers what only the simulator knows:
//   GET /stats → { now, requests, setPolls, connections }   (counters since start)
//   GET /ends  → { [setId]: { endedAt, polls } }             (finished sets: when they ended, polls seen)
// argv: token minMs maxMs awaitTimeoutMs. Prints one JSON line { url, srid, statsUrl } when ready.
import http from 'node:http';

import { FINISHED_SET_STATES } from '../simulator/estate.js';
import { startSimulator } from '../simulator/index.js';

const [token = 'bench-token', minMs = '30000', maxMs = '120000', awaitTimeoutMs = '600000'] = process.argv.slice(2);
const SET_POLL = /^\/ispw\/[^/]+\/sets\/(S\d+)$/;

let requests = 0;
let setPolls = 0;
const pollsBySet = new Map<string, number>();
const sim = await startSimulator({
  tokens: [token],
  stepMs: 1000,
  maxRecordedRequests: 1,
  awaitTimeoutMs: Number(awaitTimeoutMs),
  // Real clock: a held await wakes at its set's end (set-await.ts), so no 10 ms polling per await.
  awaitPollMs: 1000,
  realism: { setDurationMs: [Number(minMs), Number(maxMs)] },
  onRequest: (method, path) => {
    requests++;
    const poll = method === 'GET' ? SET_POLL.exec(path) : null;
    if (poll) {
      setPolls++;
      pollsBySet.set(poll[1]!, (pollsBySet.get(poll[1]!) ?? 0) + 1);
    }
  },
});

const stats = http.createServer((req, res) => {
  let body: unknown;
  if (req.url === '/stats') {
    body = { now: Date.now(), requests, setPolls, connections: sim.openConnections() };
  } else if (req.url === '/ends') {
    sim.estate.settle(); // apply every transition due by now; each keeps its exact due time
    const ends: Record<string, { endedAt: number; state: string; polls: number }> = {};
    for (const set of sim.estate.sets.values()) {
      if (FINISHED_SET_STATES.has(set.state) && set.stepMs !== undefined) {
        ends[set.setId] = { endedAt: set.since, state: set.state, polls: pollsBySet.get(set.setId) ?? 0 };
      }
    }
    body = ends;
  } else {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
});
await new Promise<void>((resolve) => stats.listen(0, '127.0.0.1', resolve));
const port = (stats.address() as { port: number }).port;
process.stdout.write(`${JSON.stringify({ url: sim.url, srid: sim.srids[0], statsUrl: `http://127.0.0.1:${port}` })}\n`);

const stop = () => void Promise.all([sim.close(), new Promise((r) => stats.close(r))]).finally(() => process.exit(0));
process.once('SIGTERM', stop);
process.stdin.on('end', stop).resume();
