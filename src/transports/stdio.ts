// stdio transport: one connection over stdin/stdout; stdout carries only JSON-RPC.
import type { Server as SdkServer } from '@modelcontextprotocol/server';
import { serveStdio, StdioServerTransport } from '@modelcontextprotocol/server/stdio';

import type { Logger } from '../telemetry/logger.js';

export interface RunningStdioServer {
  close(): Promise<void>;
}

type Message = Parameters<StdioServerTransport['send']>[0];

/**
 * The SDK's stdio transport with one change: the messages sent during one turn of the event loop
 * leave in one `writev` instead of one `write(2)` each. stdout on a pipe is synchronous on Linux,
 * and the system call was the largest single item of a call's CPU over stdio (docs/performance.md,
 * optimisation 17). stdout is corked at the first message of a turn and uncorked in the check phase
 * (setImmediate) of the same turn, so a message waits for nothing but the callbacks already due; the
 * bytes, their order and the `drain` back-pressure are the SDK's own.
 */
export class CoalescingStdioTransport extends StdioServerTransport {
  private corked = false;

  constructor(
    // eslint-disable-next-line no-restricted-properties -- the stdio transport is what writes JSON-RPC to stdout
    private readonly out: NodeJS.WritableStream & { cork(): void; uncork(): void } = process.stdout,
  ) {
    super(process.stdin, out as NodeJS.WriteStream);
    // A process that exits in the middle of a turn (an uncaught error) still writes what was sent.
    process.once('exit', this.flush);
  }

  override send(message: Message): Promise<void> {
    if (!this.corked) {
      this.corked = true;
      this.out.cork();
      setImmediate(this.flush);
    }
    return super.send(message);
  }

  /** Writes what this turn sent (a no-op when nothing is waiting). */
  readonly flush = (): void => {
    if (!this.corked) return;
    this.corked = false;
    this.out.uncork();
  };

  override async close(): Promise<void> {
    this.flush();
    process.off('exit', this.flush);
    await super.close();
  }
}

export function startStdioServer(factory: () => SdkServer, logger: Logger): RunningStdioServer {
  const transport = new CoalescingStdioTransport();
  const handle = serveStdio(factory, { transport, onerror: (error) => logger.warn({ err: error }, 'stdio transport error') });
  logger.info('MCP stdio server ready');
  return {
    close: async () => {
      transport.flush();
      await handle.close();
    },
  };
}
