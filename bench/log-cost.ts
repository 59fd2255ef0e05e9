// Micro-measurement of the logging work on the tool-call hot path: the per-call child logger
// (eager before, lazy now) and one log line written to stderr synchronously (before) or through
// pino's asynchronous destination (now). CPU time from process.cpuUsage; run with stderr on a pipe
// like a real deployment; the figures go to stdout:
//   npx tsx bench/log-cost.ts 2>&1 >bench/tmp/log-cost.txt | cat >/dev/null; cat bench/tmp/log-cost.txt
import { randomUUID } from 'node:crypto';

import { pino } from 'pino';

import { createLogger, flushLogger } from '../src/telemetry/logger.js';

const N = Number(process.argv[2] ?? 20_000);
const bindings = () => ({ correlationId: randomUUID(), mcpMethod: 'tools/call', tool: 'ispw_get_assignment', cesInstance: 'default', srid: 'CW09-47623' });

function measure(label: string, fn: () => void): number {
  for (let i = 0; i < 1000; i++) fn();
  const before = process.cpuUsage();
  for (let i = 0; i < N; i++) fn();
  const used = process.cpuUsage(before);
  const us = (used.user + used.system) / N;
  process.stdout.write(`${label.padEnd(62)} ${us.toFixed(2).padStart(7)} µs CPU per call\n`);
  return us;
}

const info = createLogger({ level: 'info' });
measure('eager child logger per call, nothing logged (before)', () => void info.child(bindings()).debug('tool call succeeded'));
measure('lazy child logger, nothing logged (now)', () => {
  const b = bindings();
  if (info.isLevelEnabled('debug')) info.child(b).debug('tool call succeeded');
});

const sync = createLogger({ level: 'info', destination: pino.destination({ fd: 2, sync: true }) });
const async = createLogger({ level: 'info' });
measure('one log line per call, synchronous stderr (before)', () => sync.child(bindings()).info({ ms: 1 }, 'tool call failed at CES'));
measure('one log line per call, asynchronous stderr (now)', () => async.child(bindings()).info({ ms: 1 }, 'tool call failed at CES'));
await flushLogger(async);
