// `ispw-mcp simulator`: the standalone CES simulator, for demos and for trying the server without
// a mainframe. It speaks the CES REST API (ces-api.md) on loopback by default.
import { startSimulator, type RunningSimulator } from '../../simulator/index.js';
import { ConfigError } from '../config/errors.js';

interface SimulatorDeps {
  readFile: (path: string) => string;
  env: Readonly<Record<string, string | undefined>>;
  print: (text: string) => void;
}

const int = (name: string, value: unknown, fallback?: number): number | undefined => {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new ConfigError([`--${name}: expected a non-negative number, got "${String(value)}"`]);
  return n;
};

export async function runSimulator(flags: Record<string, unknown>, deps: SimulatorDeps): Promise<RunningSimulator> {
  const tokens = (flags.token as string[] | undefined) ?? (deps.env.ISPW_MCP_CES_TOKEN ? [deps.env.ISPW_MCP_CES_TOKEN] : []);
  if (tokens.length === 0) throw new ConfigError(['--token: give the CES token(s) the simulator accepts']);
  const certFile = flags.tlsCert as string | undefined;
  const keyFile = flags.tlsKey as string | undefined;
  if (Boolean(certFile) !== Boolean(keyFile)) throw new ConfigError(['--tls-cert and --tls-key go together']);
  const caFile = flags.tlsCa as string | undefined;
  if (flags.requireClientCert && !caFile) throw new ConfigError(['--require-client-cert needs --tls-ca']);
  const latencyMs = int('latency-ms', flags.latencyMs);
  const errorRate = flags.errorRate === undefined ? undefined : Number(flags.errorRate);
  if (errorRate !== undefined && !(errorRate >= 0 && errorRate <= 1)) throw new ConfigError(['--error-rate: expected a fraction between 0 and 1']);

  const sim = await startSimulator({
    host: flags.host as string,
    port: int('port', flags.port, 48080),
    tokens,
    srids: flags.srid as string[] | undefined,
    stepMs: int('step-ms', flags.stepMs, 1500),
    tls: certFile && keyFile
      ? { cert: deps.readFile(certFile), key: deps.readFile(keyFile), ca: caFile ? deps.readFile(caFile) : undefined, requireClientCert: Boolean(flags.requireClientCert) }
      : undefined,
    faults: [
      ...(latencyMs ? [{ latencyMs }] : []),
      ...(errorRate ? [{ kind: 'error' as const, rate: errorRate }] : []),
    ],
  });
  deps.print(`CES simulator listening on ${sim.url} (SRID ${sim.srids.join(', ')}); Ctrl-C stops it.`);
  return sim;
}
