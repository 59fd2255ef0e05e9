#!/usr/bin/env node
// Process entry. The only file that reads process.argv and process.env, installs signal handlers
// and exits; everything else receives what it needs as parameters.
import { existsSync, readFileSync, statSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Command as CommandT } from 'commander';

// Commands are imported when they run (dynamic import below), so `serve` over stdio does not load
// the simulator, the demo, the policy tools or the audit verifier before its first answer.
import type { RunningServer } from './commands/serve.js';
import { ConfigError } from './config/errors.js';
import type { LoadConfigInput } from './config/load.js';
import { OPTIONS } from './config/options.js';
import type { DemoFlags } from './commands/demo.js';
import type { ExplainInput } from './commands/policy.js';
import { unsupportedNodeMessage } from './shared/node-version.js';
import { handleStopSignals } from './shared/signal-stop.js';
import { PRODUCT } from './shared/version.js';
import { pinYoungGeneration } from './shared/young-generation.js';
import { tracingSettingsFromEnv } from './telemetry/tracing.js';

// First of all: on a Node older than the dependencies need, say so and stop, before commander,
// undici or OpenTelemetry load (src/shared/node-version.ts). The static imports above run on older
// Node versions too; test/e2e/node-version.test.ts starts this file under one.
const oldNode = unsupportedNodeMessage(process.version, process.execPath);
if (oldNode !== undefined) {
  process.stderr.write(`${oldNode}\n`);
  process.exit(1);
}

// Node's on-disk compile cache (V8 code cache; NODE_COMPILE_CACHE picks the directory, default under
// the OS temp dir; NODE_DISABLE_COMPILE_CACHE=1 turns it off): every start after the first skips
// compiling the modules the commands import. Best effort: a read-only disk just means no cache.
// Only modules loaded after this line use it, so the static imports above are small and zod-free
// (test/main.test.ts); commander and the configuration loader (zod) come next.
nodeModule.enableCompileCache?.();
// The young generation stays at its initial size through start-up and is released once a server is
// up (src/shared/young-generation.ts): an idle server keeps a small heap, a busy one sizes it as usual.
const youngGeneration = pinYoungGeneration(process.execArgv, process.env.NODE_OPTIONS);
const { Command, Option } = await import('commander');
const { configOrThrow, inspectConfig } = await import('./config/load.js');

const stderr = (text: string) => process.stderr.write(`${text}\n`);

/**
 * Installs SIGINT/SIGTERM handlers at once, before anything starts listening, so a signal that
 * arrives during start-up still ends the process cleanly (src/shared/signal-stop.ts).
 */
const handleSignals = () => handleStopSignals({ on: (signal, handler) => process.on(signal, handler), exit: (code) => process.exit(code), report: stderr });

function fail(error: unknown): never {
  if (error instanceof ConfigError) stderr(`ispw-mcp: ${error.message}`);
  else stderr(`ispw-mcp: ${(error as Error)?.message ?? String(error)}`);
  // A port another process holds: say which setting moves it.
  if ((error as NodeJS.ErrnoException)?.code === 'EADDRINUSE')
    stderr('ispw-mcp: that port is in use; choose another with --port (ISPW_MCP_PORT), or --port 0 for any free port.');
  process.exit(error instanceof ConfigError ? 2 : 1);
}

const proxyEnv = () => ({
  httpsProxy: process.env.HTTPS_PROXY ?? process.env.https_proxy,
  httpProxy: process.env.HTTP_PROXY ?? process.env.http_proxy,
  noProxy: process.env.NO_PROXY ?? process.env.no_proxy,
});

/** `.env` files the profile checks must know about: one in the working directory, or one Node loaded. */
function dotenvFiles(): string[] {
  const found = new Set<string>();
  const local = resolve('.env');
  if (existsSync(local)) found.add(local);
  const args = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  args.forEach((arg, i) => {
    const match = /^--env-file(?:-if-exists)?(?:=(.*))?$/.exec(arg);
    if (match) found.add(`${match[1] ?? args[i + 1] ?? '.env'} (loaded with --env-file)`);
  });
  return [...found];
}

const loadInput = (flags: Record<string, unknown>): LoadConfigInput => ({
  env: process.env,
  flags,
  readFile: (path) => readFileSync(path, 'utf8'),
  dotenvFiles: dotenvFiles(),
  fileStat: (path) => {
    try {
      const { mode, uid, gid } = statSync(path);
      return { mode, uid, gid };
    } catch {
      return undefined;
    }
  },
  processGroups: [...(process.getgroups?.() ?? []), ...(process.getegid ? [process.getegid()] : [])],
});

// The one place output goes to stdout: the `config` commands print for a human or a pipe; `serve`
// never calls this (stdout carries JSON-RPC there).
const printStdout = (text: string) => process.stdout.write(text); // stdout-ok: config command output

const program = new Command('ispw-mcp')
  .description('MCP server for BMC AMI DevX Code Pipeline (ISPW) through CES')
  .version(PRODUCT.version)
  .showHelpAfterError();

const serveCommand = program.command('serve', { isDefault: true }).description('serve MCP over stdio (default) or Streamable HTTP');
const addConfigFlags = (command: CommandT) => {
  for (const option of OPTIONS) {
    if (!option.flag) continue;
    // Booleans are switches (`--read-only`); their environment form takes true/false.
    const spec = new Option(option.type === 'boolean' ? `--${option.flag}` : `--${option.flag} <value>`, `${option.description} [env ${option.env}]`);
    if (option.choices) spec.choices([...option.choices]);
    command.addOption(spec);
  }
};
addConfigFlags(serveCommand);
serveCommand.action(async (flags: Record<string, unknown>) => {
  const setStop = handleSignals();
  let running: RunningServer;
  try {
    const report = inspectConfig(loadInput(flags));
    const config = configOrThrow(report);
    const { serve } = await import('./commands/serve.js');
    running = await serve(config, { proxy: proxyEnv(), configWarnings: report.warnings, tracing: tracingSettingsFromEnv(process.env) });
    youngGeneration.release();
  } catch (error) {
    fail(error);
  }
  setStop(() => running.close(), running.stopWithinMs);
  // stdio: the client closing stdin ends the session, and the process with it.
  if (!running.url) process.stdin.once('end', () => void running.close().then(() => process.exit(0)));
});

const configCommand = program.command('config').description('check the configuration, or print its JSON Schema');
const checkCommand = configCommand
  .command('check')
  .description('print the effective configuration (secrets redacted) with the source of each value; exit 1 when the profile refuses it, 2 when invalid');
addConfigFlags(checkCommand);
checkCommand.option(
  '--probe',
  'also call each CES instance as /readyz does (reachable, credentials accepted, SRID known) and show its CES version; exit 1 when one fails',
);
checkCommand.action(async (flags: Record<string, unknown>) => {
  const { renderConfigCheck } = await import('./commands/config.js');
  const report = inspectConfig(loadInput(flags));
  const { text, exitCode } = renderConfigCheck(report);
  printStdout(text);
  process.exitCode = exitCode;
  if (flags.probe === true && exitCode === 0 && report.config) {
    const { probeConfiguredCes } = await import('./commands/config-probe.js');
    const probed = await probeConfiguredCes(report.config);
    printStdout(`${probed.text}\n`);
    if (!probed.ok) process.exitCode = 1;
  }
});
configCommand
  .command('schema')
  .description('print the JSON Schema of the configuration file')
  .action(async () => {
    const { renderConfigSchema } = await import('./commands/config.js');
    printStdout(renderConfigSchema());
  });

const policyCommand = program.command('policy').description('validate a lifecycle policy, or show what a call would get under it');
policyCommand
  .command('check <file>')
  .description('validate a policy file (exit 0 valid, 1 invalid)')
  .action(async (file: string) => {
    const { policyCheck } = await import('./commands/policy.js');
    process.exitCode = policyCheck(file, { print: (text) => printStdout(`${text}\n`) });
  });
policyCommand
  .command('explain')
  .description('show the decision for one call (exit 0 allow, 3 confirm, 4 deny, 1 bad input)')
  .requiredOption('--policy <file>', 'policy file [env ISPW_MCP_POLICY_FILE]', process.env.ISPW_MCP_POLICY_FILE)
  .requiredOption('--tool <name>', 'tool name, e.g. ispw_promote')
  .option('--args <json>', 'tool arguments as JSON, e.g. {"level":"STG","change_type":"E"}')
  .option('--stream <stream>', "the container's stream (read from CES when serving)")
  .option('--application <application>', "the container's application (read from CES when serving)")
  .option('--at <time>', 'evaluate at this ISO 8601 time instead of now (freeze windows)')
  .option('--profile <profile>', 'configuration profile the server runs with (prod: production changes need a person)', 'dev')
  .action(async (flags: ExplainInput) => {
    const { policyExplain } = await import('./commands/policy.js');
    process.exitCode = policyExplain(flags, { print: (text) => printStdout(`${text}\n`) });
  });

program
  .command('healthcheck')
  .description('exec probe: ask the running server /readyz (or --url) and exit 0 when healthy, 1 when not')
  .option('--url <url>', 'health URL [default: from the configuration: the metrics listener, else the MCP listener over HTTP or HTTPS]')
  .option(
    '--client-cert <file>',
    'client certificate for a listener that requires one (mTLS) [env ISPW_MCP_HEALTHCHECK_CLIENT_CERT_FILE; default: the listener certificate]',
  )
  .option('--client-key <file>', 'its private key [env ISPW_MCP_HEALTHCHECK_CLIENT_KEY_FILE; default: the listener key]')
  .option('--timeout-ms <ms>', 'give up after this long', '5000')
  .action(async (flags: { url?: string; clientCert?: string; clientKey?: string; timeoutMs: string }) => {
    const { healthTarget, probeClient, runHealthcheck } = await import('./commands/healthcheck.js');
    const timeoutMs = Number(flags.timeoutMs) || 5000;
    const client = {
      certFile: flags.clientCert ?? process.env.ISPW_MCP_HEALTHCHECK_CLIENT_CERT_FILE,
      keyFile: flags.clientKey ?? process.env.ISPW_MCP_HEALTHCHECK_CLIENT_KEY_FILE,
    };
    let result;
    try {
      if (flags.url) {
        result = await runHealthcheck(flags.url, timeoutMs, probeClient(client));
      } else {
        // The server's configuration (file and environment) says where it listens and with what TLS.
        const report = inspectConfig(loadInput({}));
        if (!report.config) throw new Error(`the configuration is invalid: ${report.errors.join('; ')}`);
        const target = healthTarget(report.config, client);
        result = await runHealthcheck(target.url, timeoutMs, target.tls);
      }
    } catch (error) {
      result = { ok: false, message: (error as Error).message };
    }
    stderr(`ispw-mcp healthcheck: ${result.ok ? 'healthy' : 'NOT healthy'}: ${result.message}`);
    process.exitCode = result.ok ? 0 : 1;
  });

program
  .command('audit')
  .description('audit trail tools')
  .command('verify <file...>')
  .description(
    'check the hash chain of an audit file, or of several files in the order given as one chain (a rotated set, oldest first): exit 0 intact, 1 tampered or invalid, 2 unreadable',
  )
  .option('--allow-continuation', 'accept a chain that continues from an earlier file that is not given (rotated away or deleted by retention)')
  .option('--rotated', 'verify each given audit file together with its rotated files beside it (<file>.<UTC time>), oldest first')
  .action(async (files: string[], flags: { allowContinuation?: boolean; rotated?: boolean }) => {
    const { runAuditVerify } = await import('./commands/audit-verify.js');
    const { exitCode, text } = await runAuditVerify(files, { allowContinuation: flags.allowContinuation === true, rotated: flags.rotated === true });
    printStdout(text);
    process.exitCode = exitCode;
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
  .option('--realistic-sets', 'behave like real CES where clients are fooled: late set actions, lock waits, sets that close with failed tasks')
  .action(async (flags: Record<string, string>) => {
    const setStop = handleSignals();
    try {
      const { runSimulator } = await import('./commands/simulator.js');
      const sim = await runSimulator(flags, { readFile: (path) => readFileSync(path, 'utf8'), env: process.env, print: stderr });
      youngGeneration.release();
      setStop(() => sim.close());
    } catch (error) {
      fail(error);
    }
  });

program
  .command('demo')
  .description('run the CES simulator and the HTTP MCP server together, ready for an MCP client')
  .option('--port <port>', 'MCP HTTP port [default: 8080, or the next free port up to 8089]')
  .option('--sim-port <port>', 'simulator port (0 = any free port)', '0')
  .option('--step-ms <ms>', 'time each running set state lasts in the simulator', '1500')
  .option('--log-level <level>', 'server log level', 'warn')
  .option('--audit-file <file>', 'audit trail file [default: audit.jsonl in a new temporary folder, printed at start]')
  .option('--audit-stderr', 'write audit events to stderr ("stream":"audit") instead of a file')
  .action(async (flags: DemoFlags) => {
    const setStop = handleSignals();
    try {
      const { runDemo } = await import('./commands/demo.js');
      const demo = await runDemo(flags, { print: stderr, self: { node: process.execPath, entry: fileURLToPath(import.meta.url) } });
      youngGeneration.release();
      setStop(() => demo.close());
    } catch (error) {
      fail(error);
    }
  });

program.parseAsync(process.argv).catch(fail);
