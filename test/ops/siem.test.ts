// Shipping the audit trail and the JSON logs to a SIEM with a real shipper: the minimal
// OpenTelemetry Collector built from deploy/siem/otelcol/builder-config.yaml runs the shipped
// configuration (deploy/siem/otelcol/config.yaml) against a real server's audit files and log file
// during a mixed workload, and posts OTLP/HTTP to a receiver written here. The server rotates its
// audit file every few events, the receiver answers the first request 503 (the collector must
// retry), the collector is restarted mid-run while the server keeps writing, and at the end every
// audit event of every file has arrived exactly once and byte for byte, the hash chain verifies at
// the receiving end, log lines keep their correlation ids, and no secret travelled anywhere.
import { once } from 'node:events';
import { appendFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { basename, join } from 'node:path';
import { gunzipSync } from 'node:zlib';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEMO } from '../../simulator/index.js';
import { verifyAuditLines } from '../../src/audit/verify.js';
import { CANARY_TOKEN } from '../support/canary.js';
import { connectHttp } from '../support/clients.js';
import { freePort, startProcess, until, type Proc } from './support/processes.js';
import { opsTool, repoPath } from './support/tools.js';
import { mixedWorkload, startOpsServer, type OpsServer } from './support/workload.js';

const SIEM_TOKEN = 'siem-hec-token-canary-4f1b9e2d77';
const POD = 'ispw-mcp-7d9f8-x2k4q';

interface ReceivedRecord {
  pod: string | undefined;
  body: string;
  attributes: Record<string, string | number>;
  timeUnixNano: string;
  severityText: string | undefined;
}

interface OtlpValue {
  stringValue?: string;
  intValue?: string;
  doubleValue?: number;
}

/** An OTLP/HTTP logs endpoint (JSON encoding): keeps every record; answers the first request 503. */
async function startReceiver() {
  const records: ReceivedRecord[] = [];
  const raw: string[] = [];
  const authorizations = new Set<string | undefined>();
  let requests = 0;
  const server: Server = createServer((req, res) => void receive(req, res));
  async function receive(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    requests += 1;
    authorizations.add(req.headers.authorization);
    if (requests === 1) {
      res.writeHead(503, { 'retry-after': '1', 'content-type': 'application/json' }).end('{}');
      return;
    }
    let body = Buffer.concat(chunks);
    if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
    const text = body.toString('utf8');
    raw.push(text);
    const payload = JSON.parse(text) as {
      resourceLogs: {
        resource?: { attributes?: { key: string; value: OtlpValue }[] };
        scopeLogs: { logRecords: { body: OtlpValue; attributes?: { key: string; value: OtlpValue }[]; timeUnixNano: string; severityText?: string }[] }[];
      }[];
    };
    for (const rl of payload.resourceLogs) {
      const pod = rl.resource?.attributes?.find((a) => a.key === 'k8s.pod.name')?.value.stringValue;
      for (const sl of rl.scopeLogs) {
        for (const r of sl.logRecords) {
          const attributes: Record<string, string | number> = {};
          for (const a of r.attributes ?? []) attributes[a.key] = a.value.stringValue ?? Number(a.value.intValue ?? a.value.doubleValue);
          records.push({ pod, body: r.body.stringValue ?? '', attributes, timeUnixNano: r.timeUnixNano, severityText: r.severityText });
        }
      }
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  }
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return { server, url: `http://127.0.0.1:${port}/v1/logs`, records, raw, authorizations, requests: () => requests };
}

let receiver: Awaited<ReturnType<typeof startReceiver>>;
let ops: OpsServer;
let collector: Proc;
let collectorOutput = '';
let logFile: string;
let auditLines: string[];
let rotated: string[];
let logLines: string[];

const collectorEnv = (dir: string, metricsPort: number): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  ISPW_MCP_AUDIT_FILES: join(dir, 'audit.jsonl*'),
  ISPW_MCP_LOG_FILES: join(dir, 'server.log'),
  OTELCOL_STORAGE_DIR: join(dir, 'otelcol'),
  OTELCOL_METRICS_PORT: String(metricsPort),
  SIEM_OTLP_LOGS_ENDPOINT: receiver.url,
  SIEM_AUTHORIZATION: `Splunk ${SIEM_TOKEN}`,
  SIEM_OTLP_ENCODING: 'json',
  POD_NAME: POD,
});

async function startCollector(dir: string): Promise<Proc> {
  const proc = startProcess(opsTool('otelcol-ispw'), ['--config', repoPath('deploy/siem/otelcol/config.yaml')], collectorEnv(dir, await freePort()));
  await until(
    'the collector to start',
    () => (proc.output().includes('Everything is ready') ? true : proc.child.exitCode !== null ? Promise.reject(new Error(proc.output())) : undefined),
    30_000,
  );
  return proc;
}

async function stopCollector(proc: Proc): Promise<void> {
  await proc.stop();
  collectorOutput += proc.output();
}

/** A few writes and a failed read (used while the collector is down, and after it is back). */
async function someWrites(): Promise<void> {
  const { client } = await connectHttp(ops.server.url, '2026');
  try {
    for (let i = 0; i < 3; i++) {
      const result = await client.callTool({
        name: 'ispw_generate',
        arguments: { container_type: 'assignment', container_id: DEMO.dev2AssignmentId, level: 'DEV2', wait_seconds: 10 },
      });
      expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    }
    await client.callTool({ name: 'ispw_get_assignment', arguments: { assignment_id: 'PLAY999999' } });
  } finally {
    await client.close();
  }
}

beforeAll(async () => {
  receiver = await startReceiver();
  // Rotation every ~4 KiB (about three events): the shipper must follow renamed files to their end.
  ops = await startOpsServer('siem', { ISPW_MCP_LOG_LEVEL: 'debug', ISPW_MCP_AUDIT_ROTATE_BYTES: '4096' });
  mkdirSync(join(ops.dir, 'otelcol'));
  // The container runtime's part: the server's stderr, appended to a file as it is written.
  logFile = join(ops.dir, 'server.log');
  writeFileSync(logFile, ops.server.stderr());
  ops.server.proc.stderr!.on('data', (chunk: string) => appendFileSync(logFile, chunk));

  collector = await startCollector(ops.dir);
  await mixedWorkload(ops);
  // Restart the shipper in the middle of the run; the server keeps writing while it is down.
  await stopCollector(collector);
  await someWrites();
  collector = await startCollector(ops.dir);
  await someWrites();
  await ops.server.stop();

  // The rotated files (audit.jsonl.<UTC time>, names in chain order) and the active one.
  rotated = readdirSync(ops.dir)
    .filter((f) => f.startsWith(`${basename(ops.auditFile)}.`))
    .sort();
  auditLines = [...rotated.map((f) => join(ops.dir, f)), ops.auditFile].flatMap((f) => readFileSync(f, 'utf8').split('\n').filter(Boolean));
  logLines = readFileSync(logFile, 'utf8').split('\n').filter(Boolean);
  const count = (stream: string) => receiver.records.filter((r) => r.attributes['ispw.stream'] === stream).length;
  await until(
    'every audit event and log line at the receiver',
    () => (count('audit') >= auditLines.length && count('log') >= logLines.length ? true : undefined),
    90_000,
    250,
  ).catch((error: Error) => {
    throw new Error(
      `${error.message}: audit ${count('audit')}/${auditLines.length}, log ${count('log')}/${logLines.length}\n${collector.output().slice(-3000)}`,
    );
  });
  await stopCollector(collector);
}, 240_000);

afterAll(async () => {
  await collector?.stop();
  await ops?.close();
  receiver?.server.close();
});

const audit = () => receiver.records.filter((r) => r.attributes['ispw.stream'] === 'audit');
const logs = () => receiver.records.filter((r) => r.attributes['ispw.stream'] === 'log');

describe('SIEM shipping with the OpenTelemetry Collector', () => {
  it('the run rotated the audit file, wrote attempts, outcomes, a confirmation and denials, and the receiver refused the first delivery', () => {
    expect(rotated.length).toBeGreaterThanOrEqual(3);
    const types = new Set(auditLines.map((l) => (JSON.parse(l) as { type: string }).type));
    for (const type of ['write.attempt', 'write.outcome', 'policy.confirmation_required', 'policy.denied']) expect(types).toContain(type);
    expect(auditLines.length).toBeGreaterThan(12);
    expect(receiver.requests()).toBeGreaterThan(1);
    expect(collectorOutput).toMatch(/Exporting failed\. Will retry the request after interval|retry/i);
  });

  it('delivers every audit event exactly once, byte for byte', () => {
    const bodies = audit().map((r) => r.body);
    expect(bodies.length).toBe(auditLines.length);
    expect(new Set(bodies).size).toBe(bodies.length);
    expect([...bodies].sort()).toEqual([...auditLines].sort());
  });

  it('the hash chain verifies at the receiving end, up to the file’s last hash', async () => {
    const bySeq = [...audit()].sort((a, b) => Number(a.attributes.seq) - Number(b.attributes.seq)).map((r) => r.body);
    const result = await verifyAuditLines(bySeq);
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.events).toBe(auditLines.length);
    expect(result.lastHash).toBe((JSON.parse(auditLines.at(-1)!) as { hash: string }).hash);
  });

  it('records carry the replica, and audit records their file name, the event time, seq, type and correlation id as searchable fields', () => {
    for (const r of receiver.records) expect(r.pod).toBe(POD);
    // The name the file had when the line was read: the active file, or a rotated one.
    const names = new Set([...rotated, basename(ops.auditFile)]);
    for (const r of audit()) expect(names).toContain(r.attributes['log.file.name']);
    for (const r of audit()) {
      const event = JSON.parse(r.body) as { time: string; seq: number; type: string; eventId: string; correlation: { correlationId: string } };
      expect(r.attributes.seq).toBe(event.seq);
      expect(r.attributes.type).toBe(event.type);
      expect(r.attributes.eventId).toBe(event.eventId);
      expect(r.attributes['ispw.correlation_id']).toBe(event.correlation.correlationId);
      expect(BigInt(r.timeUnixNano)).toBe(BigInt(Date.parse(event.time)) * 1_000_000n);
    }
  });

  it('delivers every log line exactly once, unchanged, with its correlation id, time and level', () => {
    const bodies = logs().map((r) => r.body);
    expect(bodies.length).toBe(logLines.length);
    expect(new Set(bodies).size).toBe(bodies.length);
    expect([...bodies].sort()).toEqual([...logLines].sort());
    let correlated = 0;
    for (const r of logs()) {
      const line = JSON.parse(r.body) as { correlationId?: string; level: string; time: string };
      expect(r.attributes['ispw.correlation_id']).toBe(line.correlationId);
      expect(r.severityText).toBe(line.level);
      expect(BigInt(r.timeUnixNano)).toBe(BigInt(Date.parse(line.time)) * 1_000_000n);
      if (line.correlationId) correlated += 1;
    }
    expect(correlated).toBeGreaterThan(10);
  });

  it('every audited call can be followed into the logs by its correlation id', () => {
    const logged = new Set(logs().map((r) => r.attributes['ispw.correlation_id']));
    for (const r of audit()) expect(logged, `correlation id of audit seq ${r.attributes.seq}`).toContain(r.attributes['ispw.correlation_id']);
  });

  it('sends the SIEM credential only in the Authorization header, and no secret anywhere', () => {
    expect([...receiver.authorizations]).toEqual([`Splunk ${SIEM_TOKEN}`]);
    const everything = [receiver.raw.join('\n'), collectorOutput, readFileSync(logFile, 'utf8'), auditLines.join('\n')].join('\n');
    const confirmKey = readFileSync(join(ops.dir, 'confirm.key'), 'utf8');
    for (const secret of [CANARY_TOKEN, SIEM_TOKEN, confirmKey]) {
      for (const form of [secret, Buffer.from(secret).toString('base64'), encodeURIComponent(secret)]) expect(everything).not.toContain(form);
    }
  });
});
