// Standalone entry: `node dist/simulator/main.js --port 48080 --token T [--srid X] [--step-ms N]
// [--latency-ms N] [--error-rate F] [--tls-cert F --tls-key F [--tls-ca F --require-client-cert]]`.
// Prints the URL on stderr and stops cleanly on SIGINT/SIGTERM.
import { parseSimulatorArgv, simulatorOptionsFromFlags } from './cli-options.js';
import { startSimulator } from './server.js';

async function main(): Promise<void> {
  let options;
  try {
    options = simulatorOptionsFromFlags(parseSimulatorArgv(process.argv.slice(2)));
  } catch (error) {
    process.stderr.write(`ces-simulator: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  }
  const sim = await startSimulator(options);
  process.stderr.write(`CES simulator listening on ${sim.url} (srid ${sim.srids.join(', ')})\n`);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`ces-simulator: ${signal}, stopping\n`);
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`ces-simulator: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
