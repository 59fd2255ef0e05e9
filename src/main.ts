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

/**
 * Installs SIGINT/SIGTERM handlers at once, before anything starts listening, so a signal that
 * arrives during start-up still ends the process cleanly. `setStop` hands over what to stop once
 * it exists; a second signal exits at once.
 */
function handleSignals(): (stop: () => Promise<void>) => void {
  let stop: (() => Promise<void>) | undefined;
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(130);
    stopping = true;
    (stop ?? (async () => undefined))().then(
      () => process.exit(0),
      (error: unknown) => {
        stderr(`ispw-mcp: error while stopping after ${signal}: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return (next) => {
    stop = next;
  };
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
  const setStop = handleSignals();
  let running: RunningServer;
  try {
    const config = loadConfig({ env: process.env, flags, readFile: (path) => readFileSync(path, 'utf8') });
    running = await serve(config, { proxy: proxyEnv() });
  } catch (error) {
    fail(error);
  }
  setStop(() => running.close());
  // stdio: the client closing stdin ends the session, and the process with it.
  if (!running.url) process.stdin.once('end', () => void running.close().then(() => process.exit(0)));
});

program
  .command('simulator')
  .description('run the standalone CES simulator (for demos and tests)')
  .option('--host <host>', 'bind address', '127.0.0.1')
  .option('--port <port>', 'port', '48080')
  .option('--token <token...>', 'accepted CES token(s) [env ISPW_MCP_CES_TOKEN]')
  .option('--srid <srid...>', 'SRID(s) to serve')
  .option('--step-ms <ms>', 'time each running set state lasts', '1500')
  .option('--latency-ms <ms>', 'latency added to every reply')
  .option('--error-rate <fraction>', 'fraction of requests answered 500')
  .option('--tls-cert <file>', 'PEM server certificate (serves HTTPS)')
  .option('--tls-key <file>', 'PEM server key')
  .option('--tls-ca <file>', 'PEM CA for client certificates')
  .option('--require-client-cert', 'refuse clients without a certificate signed by --tls-ca')
  .option('--seed <seed>', 'estate to start with: demo or empty', 'demo')
  .option('--await-timeout-ms <ms>', 'how long the -await endpoints block')
  .action(async (flags: Record<string, string>) => {
    const setStop = handleSignals();
    try {
      const sim = await runSimulator(flags, { readFile: (path) => readFileSync(path, 'utf8'), env: process.env, print: stderr });
      setStop(() => sim.close());
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
    const setStop = handleSignals();
    try {
      const demo = await runDemo(flags, { print: stderr });
      setStop(() => demo.close());
    } catch (error) {
      fail(error);
    }
  });

program.parseAsync(process.argv).catch(fail);
