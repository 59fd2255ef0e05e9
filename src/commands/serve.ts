// `ispw-mcp serve`: wires configuration, the CES directory, the tool registry and a transport.
// Returns a handle so main.ts (signals) and the demo command can stop it.
import { buildCesDirectory, type ProxyEnv } from '../config/ces-instances.js';
import { ConfigError } from '../config/errors.js';
import type { Config } from '../config/schema.js';
import type { CesDirectory } from '../ces/api.js';
import { createServerFactory } from '../mcp/server.js';
import { createLogger, type Logger } from '../telemetry/logger.js';
import { ALL_TOOLS } from '../tools/index.js';
import { startHttpServer } from '../transports/http.js';
import { startStdioServer } from '../transports/stdio.js';

export interface RunningServer {
  /** The MCP URL for HTTP, undefined for stdio. */
  readonly url: string | undefined;
  readonly logger: Logger;
  close(): Promise<void>;
}

export interface ServeOptions {
  proxy?: ProxyEnv;
  /** Pre-built directory (the demo passes one pointing at its own simulator). */
  directory?: CesDirectory;
  logger?: Logger;
}

export async function serve(config: Config, options: ServeOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger({ level: config.log.level });
  if (!options.directory && config.ces.instances.length === 0) {
    throw new ConfigError([
      'no CES instance configured: set ISPW_MCP_CES_URL, ISPW_MCP_SRID and ISPW_MCP_CES_TOKEN_FILE (or a config file with ces.instances), or run `ispw-mcp demo`',
    ]);
  }
  const directory = options.directory ?? buildCesDirectory(config, { logger, proxy: options.proxy });
  const shutdown = new AbortController();
  const factory = createServerFactory({
    tools: ALL_TOOLS,
    directory,
    logger,
    wait: config.wait,
    shutdownSignal: shutdown.signal,
  });
  logger.info({ instances: directory.describe(), transport: config.transport }, 'starting ispw-mcp');

  const stopTransport =
    config.transport === 'http'
      ? await startHttpServer(factory, config.http, logger)
      : startStdioServer(factory, logger);
  const url = 'url' in stopTransport ? (stopTransport.url as string) : undefined;
  let closing: Promise<void> | undefined;
  return {
    url,
    logger,
    close: () =>
      (closing ??= (async () => {
        await stopTransport.close();
        shutdown.abort();
        if (!options.directory) await directory.close();
        logger.info('ispw-mcp stopped');
      })()),
  };
}
