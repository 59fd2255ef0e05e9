// The CES simulator in its own process for the benchmark, with zero latency (`stepMs: 0`), so the
// "direct" path is the physical limit and the simulator never shares the load client's event loop.
// Prints one JSON line ({ url, srid }) on stdout when ready; exits when stdin closes or on SIGTERM.
import { startSimulator } from '../simulator/index.js';

const token = process.argv[2] ?? 'bench-token';
// The request log is only for tests; keep it tiny so memory stays flat under load.
const sim = await startSimulator({ tokens: [token], stepMs: 0, maxRecordedRequests: 1 });
process.stdout.write(`${JSON.stringify({ url: sim.url, srid: sim.srids[0] })}\n`);

const stop = () => void sim.close().finally(() => process.exit(0));
process.once('SIGTERM', stop);
process.stdin.on('end', stop).resume();
