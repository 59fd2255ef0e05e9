// Turns the validated configuration into CES client instances: secrets and TLS material become
// file-backed sources that follow rotation; plain values are used as given.
import { createCesDirectory, type CesInstanceOptions } from '../ces/directory.js';
import type { CesDirectory } from '../ces/api.js';
import { PRODUCT } from '../shared/version.js';
import type { Logger } from '../telemetry/logger.js';
import { fileSource } from './file-source.js';
import type { CesInstanceConfig, Config } from './schema.js';

/** Proxy settings from the process environment (read by main.ts only). */
export interface ProxyEnv {
  httpsProxy?: string;
  httpProxy?: string;
  noProxy?: string;
}

export function instanceOptions(instance: CesInstanceConfig, deps: { logger: Logger; proxy?: ProxyEnv }): CesInstanceOptions {
  const fromFile = (path: string | undefined, trim = true) => (path ? fileSource(path, { logger: deps.logger, trim }) : undefined);
  const tokenFile = fromFile(instance.tokenFile);
  const plainToken = instance.token;
  return {
    name: instance.name,
    url: instance.url!,
    srids: instance.srids!,
    token: tokenFile ?? (() => plainToken),
    tokenHint: instance.tokenFile
      ? `the token file ${instance.tokenFile} is missing or empty`
      : 'set ISPW_MCP_CES_TOKEN_FILE to a file holding the CES personal access token',
    runtimeConfig: instance.runtimeConfig,
    timeoutMs: instance.timeoutSeconds * 1000,
    retries: instance.retries,
    version: PRODUCT.version,
    tls: {
      caPem: fromFile(instance.caFile, false),
      clientCertPem: fromFile(instance.clientCertFile, false),
      clientKeyPem: fromFile(instance.clientKeyFile, false),
      clientKeyPassphrase: fromFile(instance.clientKeyPassphraseFile),
      servername: instance.servername,
    },
    proxy: deps.proxy,
    logger: deps.logger,
  };
}

export function buildCesDirectory(config: Config, deps: { logger: Logger; proxy?: ProxyEnv }): CesDirectory {
  return createCesDirectory(
    {
      instances: config.ces.instances.map((instance) => instanceOptions(instance, deps)),
      defaultInstance: config.ces.defaultInstance,
    },
    { logger: deps.logger },
  );
}
