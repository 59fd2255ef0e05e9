#!/usr/bin/env node
// Process entry. The only file that reads process.argv and process.env, installs signal handlers
// and exits; everything else receives what it needs as parameters.
import { readFileSync } from 'node:fs';

import { Command, Option } from 'commander';

import { runDemo } from './commands/demo.js';
import { serve, type RunningServer } from './commands/serve.js';
import { runSimulator } from './commands/simulator.js';
import { ConfigError } from './config/errors.js';
import { loadConfig } from './config/load.js';
import { OPTIONS } from './config/options.js';
import { PRODUCT } from './shared/version.js';

const stderr = (text: string) => process.stderr.write(`${text}\n`);

/** Stops `running` on SIGINT/SIGTERM; a second signal exits at once. */
function stopOnSignals(stop: () => Promise<void>): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(130);
    stopping = true;
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        stderr(`ispw-mcp: error while stopping after ${signal}: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

function fail(error: unknown): never {
  if (error instanceof ConfigError) stderr(`ispw-mcp: ${error.message}`);
  else stderr(`ispw-mcp: ${(error as Error)?.message ?? String(error)}`);
  process.exit(error instanceof ConfigError ? 2 : 1);
}

const proxyEnv = () => ({
  httpsProxy: process.env.HTTPS_PROXY ?? process.env.https_proxy,
  httpProxy: process.env.HTTP_PROXY ?? process.env.http_proxy,
  noProxy: process.env.NO_PROXY ?? process.env.no_proxy,
});

const program = new Command('ispw-mcp')
  .description('MCP server for BMC AMI DevX Code Pipeline (ISPW) through CES')
  .version(PRODUCT.version)
  .showHelpAfterError();

const serveCommand = program
  .command('serve', { isDefault: true })
  .description('serve MCP over stdio (default) or Streamable HTTP');
for (const option of OPTIONS) {
  if (!option.flag) continue;
  const spec = new Option(`--${option.flag} <value>`, `${option.description} [env ${option.env}]`);
  if (option.choices) spec.choices([...option.choices]);
  serveCommand.addOption(spec);
}
serveCommand.action(async (flags: Record<string, unknown>) => {
  let running: RunningServer;
  try {
    const config = loadConfig({ env: process.env, flags, readFile: (path) => readFileSync(path, 'utf8') });
    running = await serve(config, { proxy: proxyEnv() });
  } catch (error) {
    fail(error);
  }
  stopOnSignals(() => running.close());
  // stdio: the client closing stdin ends the session, and the process with it.
  if (!running.url) process.stdin.once('end', () => void running.close().then(() => process.exit(0)));
});

program
  .command('simulator')
  .description('run the standalone CES simulator (for demos and tests)')
  .option('--host <host>', 'bind address', '127.0.0.1')
  .option('--port <port>', 'port', '48080')
  .option('--token <token...>', 'accepted CES token(s)')
  .option('--srid <srid...>', 'SRID(s) to serve')
  .option('--step-ms <ms>', 'time each running set state lasts', '1500')
  .option('--latency-ms <ms>', 'latency added to every reply')
  .option('--error-rate <fraction>', 'fraction of requests answered 500')
  .option('--tls-cert <file>', 'PEM server certificate (serves HTTPS)')
  .option('--tls-key <file>', 'PEM server key')
  .option('--tls-ca <file>', 'PEM CA for client certificates')
  .option('--require-client-cert', 'refuse clients without a certificate signed by --tls-ca')
  .action(async (flags: Record<string, unknown>) => {
    try {
      const sim = await runSimulator(flags, { readFile: (path) => readFileSync(path, 'utf8'), env: process.env, print: stderr });
      stopOnSignals(() => sim.close());
    } catch (error) {
      fail(error);
    }
  });

program
  .command('demo')
  .description('run the CES simulator and the HTTP MCP server together, ready for an MCP client')
  .option('--port <port>', 'MCP HTTP port', '8080')
  .option('--sim-port <port>', 'simulator port (0 = any free port)', '0')
  .option('--step-ms <ms>', 'time each running set state lasts in the simulator', '1500')
  .option('--log-level <level>', 'server log level', 'warn')
  .action(async (flags: Record<string, string>) => {
    try {
      const demo = await runDemo(flags, { print: stderr });
      stopOnSignals(() => demo.close());
    } catch (error) {
      fail(error);
    }
  });

program.parseAsync(process.argv).catch(fail);
