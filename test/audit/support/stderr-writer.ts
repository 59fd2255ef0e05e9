// Child process of test/audit/stderr-backpressure.test.ts: writes audit events to stderr (no audit
// file) as the server does, then reports on stdout how many writes failed.
import { createAuditSink } from '../../../src/audit/sink.js';
import { sampleEvent } from '../fixtures.js';

// The server's logger opens process.stderr, which makes fd 2 a non-blocking pipe: do the same.
void process.stderr;
const count = Number(process.argv[2] ?? '200');
const sink = await createAuditSink({ durability: 'write' });
let failed = 0;
await Promise.all(Array.from({ length: count }, (_, i) => sink.write(sampleEvent(i)).catch(() => (failed += 1))));
process.stdout.write(`${JSON.stringify({ failed, writable: sink.health().writable })}\n`);
