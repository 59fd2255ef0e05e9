// `ispw-mcp healthcheck [--url]`: an exec probe for images without a shell or curl. Asks the
// server's /readyz (or any health URL) and turns the answer into an exit code: 0 healthy, 1 not.
// Without --url the target comes from the server's own configuration: the separate metrics
// listener when there is one (plain HTTP), else the MCP listener, over HTTPS when it serves TLS.
// Then the listener's own certificate (from its file) is the only certificate trusted: the probe
// connects to a loopback address the certificate does not name, so the name is not checked, but a
// listener presenting any other certificate is refused. With listener mTLS the probe presents a
// client certificate: the one given (--client-cert/--client-key), else the listener's own pair,
// which works when the client CA issued it for client authentication too.
import { readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

import type { Config } from '../config/schema.js';

export interface HealthcheckResult {
  ok: boolean;
  /** One line for stderr: status and, when not ready, why. */
  message: string;
}

/** TLS of the probe's connection: the certificate trusted (undefined: the system's CAs), and the client pair for mTLS. */
export interface ProbeTls {
  ca?: string | undefined;
  cert?: string | undefined;
  key?: string | undefined;
}

export interface HealthTarget {
  url: string;
  tls?: ProbeTls | undefined;
}

export interface ProbeClientFiles {
  certFile?: string | undefined;
  keyFile?: string | undefined;
}

const WILDCARDS = new Set(['0.0.0.0', '::', '[::]', '']);

/** The address a local probe reaches a listener bound to `host` on. */
function loopbackFor(host: string): string {
  if (WILDCARDS.has(host)) return '127.0.0.1';
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/**
 * The health URL and TLS settings the configuration implies. Throws with an actionable message when
 * they cannot be derived (the port is chosen at start, or a file cannot be read).
 */
/** The client pair given on the command line, for an explicit --url (undefined when none). */
export function probeClient(client: ProbeClientFiles, readFile: (path: string) => string = (path) => readFileSync(path, 'utf8')): ProbeTls | undefined {
  if (!client.certFile && !client.keyFile) return undefined;
  if (!client.certFile || !client.keyFile) throw new Error('pass both --client-cert and --client-key');
  return { cert: readFile(client.certFile), key: readFile(client.keyFile) };
}

export function healthTarget(
  config: Config,
  client: ProbeClientFiles = {},
  readFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): HealthTarget {
  if (config.metrics.port !== undefined) {
    if (config.metrics.port === 0) throw new Error('the metrics port is 0 (chosen at start): pass --url');
    return { url: `http://${loopbackFor(config.metrics.host)}:${config.metrics.port}/readyz` };
  }
  if (config.http.port === 0) throw new Error('the HTTP port is 0 (chosen at start): pass --url');
  const base = `${loopbackFor(config.http.host)}:${config.http.port}/readyz`;
  const tls = config.auth.tls;
  if (!tls.certFile) return { url: `http://${base}` };
  const read = (what: string, path: string) => {
    try {
      return readFile(path);
    } catch (error) {
      throw new Error(`cannot read ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { cause: error });
    }
  };
  const probe: ProbeTls = { ca: read('the listener certificate', tls.certFile) };
  if (tls.clientCaFile) {
    const certFile = client.certFile ?? tls.certFile;
    const keyFile = client.keyFile ?? tls.keyFile;
    if (!keyFile) throw new Error('the listener requires client certificates: pass --client-cert and --client-key');
    probe.cert = read('the probe client certificate', certFile);
    probe.key = read('the probe client key', keyFile);
  }
  return { url: `https://${base}`, tls: probe };
}

function get(url: URL, timeoutMs: number, tls: ProbeTls | undefined): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const onResponse = (res: IncomingMessage) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (text.length < 2_000) text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: text.slice(0, 2_000) }));
      res.on('error', reject);
    };
    const common = { method: 'GET', headers: { accept: 'application/json' }, timeout: timeoutMs, agent: false } as const;
    const req =
      url.protocol === 'https:'
        ? httpsRequest(
            url,
            {
              ...common,
              ...(tls?.ca !== undefined && {
                ca: tls.ca,
                // The listener's own certificate is the trust anchor (a leaf, hence a partial chain);
                // its names are not checked because the probe dials a loopback address.
                allowPartialTrustChain: true,
                checkServerIdentity: () => undefined,
              }),
              ...(tls?.cert && tls.key ? { cert: tls.cert, key: tls.key } : {}),
            },
            onResponse,
          )
        : httpRequest(url, common, onResponse);
    req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { name: 'TimeoutError' })));
    req.on('error', reject);
    req.end();
  });
}

export async function runHealthcheck(url: string, timeoutMs = 5_000, tls?: ProbeTls): Promise<HealthcheckResult> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, message: `not a URL: ${url}` };
  }
  try {
    const response = await get(parsed, timeoutMs, tls);
    let reasons = '';
    try {
      const body = JSON.parse(response.text) as {
        status?: string;
        checks?: { secrets?: { missing?: string[] }; ces?: { instance: string; status: string }[] };
      };
      const failing = (body.checks?.ces ?? []).filter((c) => c.status !== 'ok').map((c) => `${c.instance}: ${c.status}`);
      const missing = body.checks?.secrets?.missing ?? [];
      reasons = [body.status, ...failing, ...(missing.length ? [`secrets missing: ${missing.join(', ')}`] : [])].filter(Boolean).join('; ');
    } catch {
      reasons = response.text.trim().slice(0, 200);
    }
    const ok = response.status >= 200 && response.status < 300;
    return { ok, message: `${parsed.pathname} ${response.status}${reasons ? ` (${reasons})` : ''}` };
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    // An mTLS listener that refuses the client certificate ends the handshake: say which one to fix.
    const refused = tls?.cert !== undefined && (e.code === 'ECONNRESET' || /alert|certificate required/i.test(e.message));
    const hint = refused
      ? '; the listener may have refused the client certificate: it needs one from ISPW_MCP_HTTP_CLIENT_CA_FILE for client authentication (--client-cert/--client-key or ISPW_MCP_HEALTHCHECK_CLIENT_CERT_FILE/_KEY_FILE), or probe the metrics listener (ISPW_MCP_METRICS_PORT)'
      : '';
    return { ok: false, message: `${parsed.origin}${parsed.pathname}: ${e.message}${e.code && !e.message.includes(e.code) ? ` (${e.code})` : ''}${hint}` };
  }
}
