// `ispw-mcp demo`: the CES simulator and the HTTP MCP server in one process, wired together with a
// throw-away token, ready for a real MCP client. Ctrl-C stops both.
//
// What a first-time user needs is printed once: the MCP URL, a client configuration for it, the
// simulator's URL and token file (so a second client can run the server over stdio against the
// same simulator), and where the audit trail goes — to a file, so the console is not filled with
// audit JSON (`--audit-stderr` puts it back on stderr).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { startSimulator } from '../../simulator/index.js';
import { createCesDirectory } from '../ces/directory.js';
import { instanceOptions } from '../app/ces-directory.js';
import { ConfigSchema } from '../config/schema.js';
import { createLogger, type LogLevel } from '../telemetry/logger.js';
import { serve } from './serve.js';

export const DEMO_PORT = 8080;
/** Without --port the demo takes the first free port from 8080 on, trying this many. */
const PORT_TRIES = 10;
const HOST = '127.0.0.1';

export interface DemoFlags {
  port?: string;
  simPort?: string;
  stepMs?: string;
  logLevel?: string;
  auditFile?: string;
  auditStderr?: boolean;
}

export interface DemoDeps {
  print: (text: string) => void;
  /** How to start this same server: the Node binary and the entry file, for the stdio client configuration. */
  self: { node: string; entry: string };
}

/** Whether `port` can be bound on the demo's host right now. */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ port, host: HOST, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

const portHint = (port: number) =>
  `choose another with \`npm run demo -- --port ${port + 1}\` (or \`ispw-mcp demo --port ${port + 1}\`; --port 0 takes any free port)`;

/** The port the demo listens on: the one asked for, or the first free one from `first` (8080) on. */
export async function choosePort(asked: string | undefined, print: (text: string) => void, first = DEMO_PORT): Promise<number> {
  if (asked !== undefined) {
    const port = Number(asked);
    if (asked.trim() === '' || !Number.isInteger(port) || port < 0 || port > 65535)
      throw new Error(`--port ${asked}: expected a port number (0 takes any free port)`);
    if (port !== 0 && !(await portFree(port))) throw new Error(`port ${port} on ${HOST} is already in use: ${portHint(port)}`);
    return port;
  }
  for (let port = first; port < first + PORT_TRIES; port++) {
    if (await portFree(port)) {
      if (port !== first) print(`Port ${first} is in use, so the demo listens on ${port} (choose with \`npm run demo -- --port <port>\`).`);
      return port;
    }
  }
  throw new Error(`ports ${first}–${first + PORT_TRIES - 1} on ${HOST} are all in use: ${portHint(first + PORT_TRIES - 1)}`);
}

export async function runDemo(flags: DemoFlags, deps: DemoDeps): Promise<{ url: string; close(): Promise<void> }> {
  const port = await choosePort(flags.port, deps.print);
  // One folder per demo run for what a second client or a person may want to read.
  const dir = mkdtempSync(join(tmpdir(), 'ispw-mcp-demo-'));
  const tokenFile = join(dir, 'ces-token');
  const auditFile = flags.auditStderr ? undefined : (flags.auditFile ?? join(dir, 'audit.jsonl'));
  const token = randomUUID();
  writeFileSync(tokenFile, token, { mode: 0o600 });

  const sim = await startSimulator({ tokens: [token], port: Number(flags.simPort ?? 0), stepMs: Number(flags.stepMs ?? 1500) });
  const config = ConfigSchema.parse({
    transport: 'http',
    http: { port },
    log: { level: (flags.logLevel ?? 'warn') as LogLevel },
    ces: { instances: [{ name: 'simulator', url: sim.url, srids: sim.srids, token, runtimeConfig: 'TPZP' }] },
    ...(auditFile === undefined ? {} : { audit: { file: auditFile } }),
  });
  const logger = createLogger({ level: config.log.level });
  const directory = createCesDirectory({ instances: [instanceOptions(config.ces.instances[0]!, { logger })] }, { logger });
  let server;
  try {
    server = await serve(config, { directory, logger });
  } catch (error) {
    await sim.close();
    await directory.close();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const url = server.url!;
  const srid = sim.srids[0]!;
  const stdioClient = {
    type: 'stdio',
    command: deps.self.node,
    args: [deps.self.entry],
    env: { ISPW_MCP_CES_URL: sim.url, ISPW_MCP_SRID: srid, ISPW_MCP_CES_TOKEN_FILE: tokenFile, ISPW_MCP_RUNTIME_CONFIG: 'TPZP' },
  };
  deps.print(
    [
      '',
      `ispw-mcp demo is running.`,
      `  MCP endpoint (Streamable HTTP): ${url}`,
      `  CES simulator:                  ${sim.url}  (SRID ${srid})`,
      `  CES token file:                 ${tokenFile}`,
      auditFile === undefined ? '  Audit trail:                    on stderr ("stream":"audit")' : `  Audit trail:                    ${auditFile}`,
      '',
      'Client configuration (VS Code .vscode/mcp.json, Claude Code .mcp.json — key "servers" or "mcpServers"):',
      JSON.stringify({ servers: { ispw: { type: 'http', url } } }, null, 2),
      '',
      'A client that starts its own server over stdio can use the same simulator:',
      JSON.stringify({ servers: { 'ispw-stdio': stdioClient } }, null, 2),
      '',
      'Try: list assignments, then generate, promote and deploy assignment PLAY000313 from DEV1 with wait_seconds 30.',
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
  return {
    url,
    close: async () => {
      await server.close();
      await directory.close();
      await sim.close();
      // The token is useless without the simulator; the audit trail stays for whoever wants to read it.
      rmSync(tokenFile, { force: true });
      if (auditFile === undefined || !auditFile.startsWith(dir)) rmSync(dir, { recursive: true, force: true });
      deps.print(auditFile === undefined ? 'ispw-mcp demo stopped.' : `ispw-mcp demo stopped. Its audit trail stays in ${auditFile}.`);
    },
  };
}
