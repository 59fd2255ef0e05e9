// `ispw-mcp demo`: the CES simulator and the HTTP MCP server in one process, wired together with a
// throw-away token, ready for a real MCP client. Ctrl-C stops both.
import { randomUUID } from 'node:crypto';

import { startSimulator } from '../../simulator/index.js';
import { createCesDirectory } from '../ces/directory.js';
import { instanceOptions } from '../app/ces-directory.js';
import { ConfigSchema } from '../config/schema.js';
import { createLogger, type LogLevel } from '../telemetry/logger.js';
import { serve } from './serve.js';

export async function runDemo(
  flags: Record<string, string>,
  deps: { print: (text: string) => void },
): Promise<{ url: string; close(): Promise<void> }> {
  const token = randomUUID();
  const sim = await startSimulator({ tokens: [token], port: Number(flags.simPort ?? 0), stepMs: Number(flags.stepMs ?? 1500) });
  const config = ConfigSchema.parse({
    transport: 'http',
    http: { port: Number(flags.port ?? 8080) },
    log: { level: (flags.logLevel ?? 'warn') as LogLevel },
    ces: { instances: [{ name: 'simulator', url: sim.url, srids: sim.srids, token, runtimeConfig: 'TPZP' }] },
  });
  const logger = createLogger({ level: config.log.level });
  const directory = createCesDirectory({ instances: [instanceOptions(config.ces.instances[0]!, { logger })] }, { logger });
  let server;
  try {
    server = await serve(config, { directory, logger });
  } catch (error) {
    await sim.close();
    await directory.close();
    throw error;
  }
  const url = server.url!;
  deps.print(
    [
      '',
      `ispw-mcp demo is running.`,
      `  MCP endpoint (Streamable HTTP): ${url}`,
      `  CES simulator:                  ${sim.url}  (SRID ${sim.srids[0]})`,
      '',
      'Client configuration (VS Code .vscode/mcp.json, Claude Code .mcp.json — key "servers" or "mcpServers"):',
      JSON.stringify({ servers: { ispw: { type: 'http', url } } }, null, 2),
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
    },
  };
}
