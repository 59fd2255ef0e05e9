// `ispw-mcp simulator`: the standalone CES simulator, for demos and for trying the server without
// a mainframe. It speaks the CES REST API (docs/ces-api.md) on loopback by default. Flag handling is the
// simulator's own (simulator/cli-options.ts), shared with its standalone entry.
import { simulatorOptionsFromFlags, type SimulatorFlags } from '../../simulator/cli-options.js';
import { startSimulator, type RunningSimulator } from '../../simulator/index.js';
import { ConfigError } from '../config/errors.js';

interface SimulatorDeps {
  readFile: (path: string) => string;
  env: Readonly<Record<string, string | undefined>>;
  print: (text: string) => void;
}

export async function runSimulator(flags: SimulatorFlags, deps: SimulatorDeps): Promise<RunningSimulator> {
  const withToken = flags.token === undefined && deps.env.ISPW_MCP_CES_TOKEN ? { ...flags, token: deps.env.ISPW_MCP_CES_TOKEN } : flags;
  let options;
  try {
    options = simulatorOptionsFromFlags(withToken, deps.readFile);
  } catch (error) {
    throw new ConfigError([(error as Error).message]);
  }
  const sim = await startSimulator(options);
  deps.print(`CES simulator listening on ${sim.url} (SRID ${sim.srids.join(', ')}); Ctrl-C stops it.`);
  return sim;
}
