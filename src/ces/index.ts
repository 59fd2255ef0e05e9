// Public surface of the CES client: what config, tools and main.ts may import. Tools use only the
// interfaces (`CesTarget`, `CesDirectory`), the operation catalogue, the DTO types and `CesError`.
export type { CallInput, CallOptions, CesDirectory, CesTarget, QueryValue } from './api.js';
export { type CesCallOptions, type CesClient, type CesClientOptions, createCesClient } from './client.js';
export { parseRetryAfter } from './replies.js';
export { type CesDirectoryDeps, type CesDirectoryOptions, type CesInstanceOptions, createCesDirectory } from './directory.js';
export { CesError, type CesErrorCode, isCesError } from './errors.js';
export type { BreakerState, CesObserver, CesRequestInfo, CesRequestResult, CesRequestScope } from './observer.js';
export * from './operations.js';
export { buildRequestUrl, normaliseBaseUrl } from './paths.js';
export * from './set-options.js';
export type { CesProxyOptions, CesTlsOptions, PemSource } from './transport.js';
export * as dto from './dto/index.js';
