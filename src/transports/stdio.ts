// stdio transport: one connection over stdin/stdout; stdout carries only JSON-RPC.
import type { Server as SdkServer } from '@modelcontextprotocol/server';
import { serveStdio } from '@modelcontextprotocol/server/stdio';

import type { Logger } from '../telemetry/logger.js';

export interface RunningStdioServer {
  close(): Promise<void>;
}

export function startStdioServer(factory: () => SdkServer, logger: Logger): RunningStdioServer {
  const handle = serveStdio(factory, { onerror: (error) => logger.warn({ err: error }, 'stdio transport error') });
  logger.info('MCP stdio server ready');
  return { close: () => handle.close() };
}
