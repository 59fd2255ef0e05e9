// The configuration schema: one zod schema for the whole server. Unknown keys are not errors of the
// schema itself: `unknown-keys.ts` finds them so the profile decides (warn in dev, refuse in stage
// and prod). Secrets are never part of an error message.
import { z } from 'zod';

import { LOG_LEVELS } from '../telemetry/logger.js';
import { accessConfigShape } from './access-schema.js';
import { observabilityConfigShape } from './observability-schema.js';

const sridPattern = /^[A-Za-z0-9][A-Za-z0-9._@#$-]{0,63}$/;

export const CesInstanceSchema = z.object({
  /** Name used in logs and to pick the default instance. */
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,31}$/i, 'use letters, digits, - and _')
    .default('default'),
  /** `https://host:port` of CES; any path is ignored (docs/ces-api.md §1.1). */
  url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL such as https://ces.example.com:48226' }).optional(),
  /** Code Pipeline instance ids served by this CES; the first is the default. */
  srids: z.array(z.string().regex(sridPattern, 'invalid SRID')).min(1).optional(),
  /** The CES personal access token itself (discouraged: prefer tokenFile). */
  token: z.string().min(1).optional(),
  /** File holding the CES personal access token; re-read when it changes. */
  tokenFile: z.string().min(1).optional(),
  /** `certificate`: authenticate with the client certificate headers instead of a token (docs/ces-api.md §1.3). */
  auth: z.enum(['token', 'certificate']).default('token'),
  /** Host and port of the mainframe host connection, sent with certificate authentication. */
  hciHost: z
    .string()
    .regex(/^[A-Za-z0-9]([A-Za-z0-9.-]{0,252})$/, 'must be a host name or IPv4 address')
    .optional(),
  hciPort: z.number().int().min(1).max(65535).optional(),
  /** Runtime configuration sent when a tool gives none. */
  runtimeConfig: z
    .string()
    .regex(/^[A-Za-z0-9#@$]{1,8}$/)
    .optional(),
  /** PEM bundle of CAs to trust for CES (see caMode). */
  caFile: z.string().min(1).optional(),
  /** `add`: trust caFile in addition to the system roots; `replace`: trust only caFile. */
  caMode: z.enum(['add', 'replace']).default('add'),
  /** PEM client certificate for mutual TLS to CES. */
  clientCertFile: z.string().min(1).optional(),
  /** PEM private key of the client certificate. */
  clientKeyFile: z.string().min(1).optional(),
  /** File holding the passphrase of the client key. */
  clientKeyPassphraseFile: z.string().min(1).optional(),
  /** TLS server name to verify instead of the URL's host name. */
  servername: z.string().min(1).optional(),
  /** Per-request timeout in seconds. */
  timeoutSeconds: z.number().positive().max(600).default(30),
  /** Retries for idempotent reads and rate-limited calls. */
  retries: z.number().int().min(0).max(10).default(2),
});
export type CesInstanceConfig = z.output<typeof CesInstanceSchema>;

export const HttpSchema = z.object({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(8080),
  /** 2025-era clients: `stateful` keeps sessions (idle ones expire); `stateless` needs no affinity. */
  sessions: z.enum(['stateful', 'stateless']).default('stateful'),
  sessionIdleSeconds: z.number().int().min(1).max(86400).default(900),
  maxSessions: z.number().int().min(1).max(100000).default(1000),
  /** Per caller (subject, else client address): sessions kept (0: the global cap only) and opened per minute (0: unlimited). */
  maxSessionsPerCaller: z.number().int().min(0).max(100000).default(100),
  sessionsPerMinute: z.number().int().min(0).max(100000).default(60),
  /** The tools/call fast path (src/transports/fast-call.ts); off: the SDK path serves every request. */
  fastPath: z.boolean().default(true),
  /** Extra Host header names accepted besides the bind address and localhost. */
  allowedHosts: z.array(z.string().min(1)).default([]),
  /** Origins accepted from browsers; requests without Origin are always accepted. */
  allowedOrigins: z.array(z.string().min(1)).default([]),
});

/** A URL with nothing after the host and port (no path, query, fragment or credentials). */
function isBareOrigin(text: string): boolean {
  const url = new URL(text);
  return url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password && !/[?#]/.test(text);
}

export const PROFILES = ['dev', 'stage', 'prod'] as const;
export type Profile = (typeof PROFILES)[number];

export const ConfigSchema = z.object({
  /** dev (default), stage or prod: which safety checks refuse to start (see profiles.ts). */
  profile: z.enum(PROFILES).default('dev'),
  transport: z.enum(['stdio', 'http']).default('stdio'),
  http: HttpSchema.default(HttpSchema.parse({})),
  log: z.object({ level: z.enum(LOG_LEVELS).default('info') }).default({ level: 'info' }),
  wait: z
    .object({
      pollIntervalMs: z.number().int().min(10).max(60000).default(2000),
      maxWaitSeconds: z.number().int().min(0).max(3600).default(600),
      // Back-off, jitter and per-CES-instance budget of set polls (issue 19, docs/performance.md "Waits").
      // The cap defaults to twice the first interval (2 s → 4 s), so a shorter first interval keeps short caps.
      maxPollIntervalMs: z.number().int().min(10).max(600000).optional(),
      pollBackoff: z.number().min(1).max(10).default(1.5),
      pollJitter: z.number().min(0).max(0.5).default(0.1),
      maxPollsPerSecond: z.number().min(0).max(100000).default(0),
      // CES callbacks that wake waits (src/mcp/kit/set-callbacks.ts, docs/performance.md "CES callbacks").
      // Off unless the URL CES can reach this replica at is given; polling stays the fallback.
      callbackUrl: z
        .url({ protocol: /^https?$/ })
        .refine(isBareOrigin, 'must be scheme://host[:port] only: the server adds /ces-events/{id}, and the listener routes nothing else')
        .optional(),
      callbackEvents: z
        .array(z.string().regex(/^[A-Za-z][A-Za-z-]{0,31}$/))
        .min(1)
        .max(8)
        .default(['completed', 'failed', 'terminated']),
      callbackMaxPollIntervalMs: z.number().int().min(10).max(600000).default(30000),
    })
    .default({
      pollIntervalMs: 2000,
      maxWaitSeconds: 600,
      pollBackoff: 1.5,
      pollJitter: 0.1,
      maxPollsPerSecond: 0,
      callbackEvents: ['completed', 'failed', 'terminated'],
      callbackMaxPollIntervalMs: 30000,
    })
    .transform((wait) => ({ ...wait, maxPollIntervalMs: wait.maxPollIntervalMs ?? 2 * wait.pollIntervalMs })),
  ces: z
    .object({
      defaultInstance: z.string().optional(),
      instances: z.array(CesInstanceSchema).default([]),
    })
    .default({ instances: [] }),
  // auth, identity, access, limits: access control and operational safety (access-schema.ts).
  ...accessConfigShape,
  // audit, metrics, health, shutdown: observability and lifecycle (observability-schema.ts).
  ...observabilityConfigShape,
});
export type Config = z.output<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;
