// Turns the validated configuration into CES client instances: secrets and TLS material become
// file-backed sources that follow rotation; plain values are used as given. Every secret source is
// registered with SecretHealth (readiness) and every file source is closed with the directory.
import { createCesDirectory, type CesInstanceOptions } from '../ces/directory.js';
import type { CesDirectory } from '../ces/api.js';
import type { CesObserver } from '../ces/observer.js';
import { PRODUCT } from '../shared/version.js';
import type { Logger } from '../telemetry/logger.js';
import { fileSource, type FileSource, type SecretReloadListener } from '../shared/file-source.js';
import type { CesInstanceConfig, Config } from '../config/schema.js';
import type { SecretHealth } from '../config/secret-health.js';

/** Proxy settings from the process environment (read by main.ts only). */
export interface ProxyEnv {
  httpsProxy?: string;
  httpProxy?: string;
  noProxy?: string;
}

export interface InstanceDeps {
  logger: Logger;
  proxy?: ProxyEnv;
  /** Readiness: every secret source is registered here by name. */
  secretHealth?: SecretHealth;
  /** Metrics/tracing hooks for every CES client (telemetry/ces-observer.ts). */
  cesObserver?: CesObserver | undefined;
  /** Receives every file source created, so its owner can stop watching on shutdown. */
  files?: FileSource[];
  /** Told of each rotation or failed re-read of a secret file (the secret-reload metric). */
  onSecretReload?: SecretReloadListener | undefined;
}

export function instanceOptions(instance: CesInstanceConfig, deps: InstanceDeps): CesInstanceOptions {
  const fromFile = (key: keyof CesInstanceConfig, trim = true) => {
    const path = instance[key] as string | undefined;
    if (!path) return undefined;
    const source = fileSource(path, { logger: deps.logger, trim, onReload: deps.onSecretReload });
    deps.files?.push(source);
    deps.secretHealth?.register(`ces.instances[${instance.name}].${key} (${path})`, source);
    return source;
  };
  const tokenFile = fromFile('tokenFile');
  const clientCert = fromFile('clientCertFile', false);
  const plainToken = instance.token;
  if (!tokenFile) deps.secretHealth?.register(`ces.instances[${instance.name}].token`, () => plainToken);
  return {
    name: instance.name,
    url: instance.url!,
    srids: instance.srids!,
    token: tokenFile ?? (() => plainToken),
    tokenHint: instance.tokenFile
      ? `the token file ${instance.tokenFile} is missing or empty`
      : 'set ISPW_MCP_CES_TOKEN_FILE to a file holding the CES personal access token',
    ...(instance.auth === 'certificate' && clientCert && instance.hciHost && instance.hciPort
      ? {
          certificateAuth: {
            hciHost: instance.hciHost,
            hciPort: instance.hciPort,
            certificate: clientCert,
            hint: `the client certificate file ${instance.clientCertFile} is missing or holds no PEM certificate`,
          },
        }
      : {}),
    runtimeConfig: instance.runtimeConfig,
    timeoutMs: instance.timeoutSeconds * 1000,
    retries: instance.retries,
    version: PRODUCT.version,
    tls: {
      caPem: fromFile('caFile', false),
      caMode: instance.caMode,
      clientCertPem: clientCert,
      clientKeyPem: fromFile('clientKeyFile', false),
      clientKeyPassphrase: fromFile('clientKeyPassphraseFile'),
      servername: instance.servername,
    },
    proxy: deps.proxy,
    logger: deps.logger,
  };
}

/** The CES directory of the configuration; closing it also stops watching the secret files. */
export function buildCesDirectory(config: Config, deps: Omit<InstanceDeps, 'files'>): CesDirectory {
  const files: FileSource[] = [];
  let directory: CesDirectory;
  try {
    directory = createCesDirectory(
      {
        // Awaited calls get their own socket pool, as large as their own concurrency limit (issue 19).
        instances: config.ces.instances.map((instance) => ({
          ...instanceOptions(instance, { ...deps, files }),
          awaitConnections: config.limits.cesAwaitConcurrency,
        })),
        defaultInstance: config.ces.defaultInstance,
      },
      { logger: deps.logger, ...(deps.cesObserver ? { observer: deps.cesObserver } : {}) },
    );
  } catch (error) {
    for (const f of files) f.close();
    throw error;
  }
  return {
    ...directory,
    close: async () => {
      for (const f of files) f.close();
      await directory.close();
    },
  };
}
