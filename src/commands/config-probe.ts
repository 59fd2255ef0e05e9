// `ispw-mcp config check --probe`: after the configuration checks, ask each configured CES instance
// what /readyz would (src/telemetry/readiness.ts probeCes): is it reachable, does it accept the
// credentials, does it know the SRID — and which CES version it runs, for the support ticket.
import { buildCesDirectory } from '../app/ces-directory.js';
import type { Config } from '../config/schema.js';
import { hasCes } from '../config/load.js';
import { silentLogger } from '../telemetry/logger.js';
import { probeCes, type CesProbe } from '../telemetry/readiness.js';

const FINE = new Set(['ok', 'overloaded']);

export async function probeConfiguredCes(config: Config, timeoutMs = 10_000): Promise<{ text: string; ok: boolean }> {
  if (!hasCes(config)) return { text: 'probe: no CES instance is configured', ok: false };
  const directory = buildCesDirectory(config, { logger: silentLogger() });
  try {
    const probes = await Promise.all(directory.describe().map((d) => probeCes(directory, d.instance, d.srids[0]!, timeoutMs)));
    return { text: probes.map(line).join('\n'), ok: probes.every((p) => FINE.has(p.status)) };
  } finally {
    await directory.close();
  }
}

function line(p: CesProbe): string {
  const version = p.cesVersion ? `CES ${p.cesVersion}` : 'CES version not reported';
  if (p.status === 'ok') return `probe ${p.instance} (SRID ${p.srid}): ok, ${version}`;
  return `probe ${p.instance} (SRID ${p.srid}): ${p.status}${p.message ? ` — ${p.message}` : ''} (${version})`;
}
