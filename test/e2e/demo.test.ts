// "Done means": `ispw-mcp demo` starts, an MCP client lists the tools and drives generate →
// promote → deploy of the demo assignment to completion, with progress, then Ctrl-C stops it.
// And what the demo prints works: the stdio client configuration reaches the same simulator with
// the printed token file, the audit trail goes to the printed file (not the console), and the
// demo says that it stopped.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterAll, describe, expect, it } from 'vitest';

import { DEMO } from '../../simulator/index.js';
import { choosePort } from '../../src/commands/demo.js';
import { connectHttp } from '../support/clients.js';
import { MAIN, serverEnv, startServerProcess, type ServerProcess } from '../support/server-process.js';

const started: ServerProcess[] = [];
// The demo's folders (token file, audit trail) go under this test's own temporary directory.
const tmp = mkdtempSync(join(tmpdir(), 'issue-18-demo-e2e-'));
afterAll(async () => {
  for (const demo of started) await demo.stop('SIGINT');
  rmSync(tmp, { recursive: true, force: true });
});

async function startDemo(args: string[] = []): Promise<ServerProcess> {
  const demo = await startServerProcess(['demo', '--port', '0', '--step-ms', '100', ...args], serverEnv({ TMPDIR: tmp }));
  started.push(demo);
  // The banner is printed in one write after the URL line; wait for its end.
  await new Promise<void>((resolve) => {
    const done = () => demo.stderr().includes('Press Ctrl-C to stop.') && (resolve(), true);
    if (!done()) demo.proc.stderr!.on('data', done);
  });
  return demo;
}

/** The JSON block printed after `heading` in the demo's banner. */
function printedJson(stderr: string, heading: string): Record<string, unknown> {
  const after = stderr.slice(stderr.indexOf(heading) + heading.length);
  const text = after.slice(after.indexOf('{'), after.indexOf('\n}\n') + 2);
  return JSON.parse(text) as Record<string, unknown>;
}
const printed = (stderr: string, label: string) => new RegExp(`${label}:\\s+(\\S+)`).exec(stderr)?.[1];

describe('ispw-mcp demo', () => {
  it('drives generate → promote → deploy of the demo assignment to completion with progress', async () => {
    const demo = await startDemo();
    expect(demo.stderr()).toContain('"servers"');
    const { client } = await connectHttp(demo.url, '2026');
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['ispw_generate', 'ispw_promote', 'ispw_deploy']));

    const steps = [
      { tool: 'ispw_generate', level: DEMO.assignmentLevel },
      { tool: 'ispw_promote', level: DEMO.assignmentLevel },
      { tool: 'ispw_deploy', level: 'QA' },
    ];
    for (const step of steps) {
      const progress: string[] = [];
      const result = await client.callTool(
        {
          name: step.tool,
          arguments: { container_type: 'assignment', container_id: DEMO.assignmentId, level: step.level, wait_seconds: 30 },
        },
        { onprogress: (p) => progress.push(p.message ?? '') },
      );
      expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
      expect(result.structuredContent).toMatchObject({ setId: expect.stringMatching(/^S\d{9}$/), outcome: 'succeeded' });
      expect(progress.length).toBeGreaterThan(0);
    }
    const tasks = await client.callTool({ name: 'ispw_list_tasks', arguments: { container_type: 'assignment', container_id: DEMO.assignmentId } });
    expect(JSON.stringify(tasks.structuredContent)).toContain('"QA"');
    await client.close();

    // The audit trail went to the printed file, not to the console, and its chain is intact.
    const auditFile = printed(demo.stderr(), 'Audit trail')!;
    expect(auditFile.startsWith(join(tmp, 'ispw-mcp-demo-'))).toBe(true);
    expect(demo.stderr()).not.toContain('"stream":"audit"');
    const events = readFileSync(auditFile, 'utf8').trim().split('\n');
    expect(events.length).toBeGreaterThanOrEqual(6); // attempt + outcome per write
    const verify = spawnSync(process.execPath, [MAIN, 'audit', 'verify', auditFile], { encoding: 'utf8' });
    expect(verify.status, verify.stdout + verify.stderr).toBe(0);

    const tokenFile = printed(demo.stderr(), 'CES token file')!;
    expect(await demo.stop('SIGINT')).toBe(0);
    expect(demo.stderr()).toContain(`ispw-mcp demo stopped. Its audit trail stays in ${auditFile}.`);
    expect(existsSync(auditFile)).toBe(true);
    expect(existsSync(tokenFile)).toBe(false);
  });

  it('prints a stdio client configuration that reaches the same simulator with the printed token file', async () => {
    const demo = await startDemo();
    const config = printedJson(demo.stderr(), 'can use the same simulator:') as {
      servers: { 'ispw-stdio': { command: string; args: string[]; env: Record<string, string> } };
    };
    const server = config.servers['ispw-stdio'];
    expect(server.args).toEqual([MAIN]);
    expect(server.env.ISPW_MCP_CES_TOKEN_FILE).toBe(printed(demo.stderr(), 'CES token file'));
    // Exactly what a client would run, plus PATH; nothing from this test's environment.
    const client = new Client({ name: 'demo-stdio-e2e', version: '1.0.0' });
    await client.connect(
      new StdioClientTransport({ command: server.command, args: server.args, env: { PATH: process.env.PATH ?? '', ...server.env }, stderr: 'pipe' }),
    );
    const result = await client.callTool({ name: 'ispw_get_assignment', arguments: { assignment_id: DEMO.assignmentId } });
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    expect(JSON.stringify(result.structuredContent)).toContain(DEMO.assignmentId);
    await client.close();
    expect(await demo.stop('SIGTERM')).toBe(0);
    expect(demo.stderr()).toContain('ispw-mcp demo stopped.');
  });

  it('--audit-stderr keeps the audit stream on stderr', async () => {
    const demo = await startDemo(['--audit-stderr']);
    expect(demo.stderr()).toContain('Audit trail:                    on stderr');
    const { client } = await connectHttp(demo.url, '2026');
    const result = await client.callTool({
      name: 'ispw_generate',
      arguments: { container_type: 'assignment', container_id: DEMO.assignmentId, level: DEMO.assignmentLevel },
    });
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    await client.close();
    expect(await demo.stop('SIGINT')).toBe(0);
    expect(demo.stderr()).toContain('"stream":"audit"');
  });
});

describe('the demo port', () => {
  const holders: Server[] = [];
  afterAll(() => holders.forEach((s) => s.close()));
  const hold = (port = 0) =>
    new Promise<number>((resolve) => {
      const server = createServer().listen(port, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
      holders.push(server);
    });

  it('without --port, takes the next free port after a busy one and says so', async () => {
    const busy = await hold();
    const notes: string[] = [];
    const port = await choosePort(undefined, (t) => notes.push(t), busy);
    expect(port).toBeGreaterThan(busy);
    expect(notes.join('\n')).toContain(`Port ${busy} is in use, so the demo listens on ${port}`);
  });

  it('a busy --port is refused with the npm command that picks another', async () => {
    const busy = await hold();
    await expect(choosePort(String(busy), () => undefined)).rejects.toThrow(
      `port ${busy} on 127.0.0.1 is already in use: choose another with \`npm run demo -- --port ${busy + 1}\``,
    );
    await expect(choosePort('eighty', () => undefined)).rejects.toThrow('expected a port number');
  });

  it('the real command exits 1 with that hint', async () => {
    const busy = await hold();
    const result = spawnSync(process.execPath, [MAIN, 'demo', '--port', String(busy)], { encoding: 'utf8', env: serverEnv({}) });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`npm run demo -- --port ${busy + 1}`);
  });
});
