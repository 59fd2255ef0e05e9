// Configuration of observability, health and audit (issue #5): the audit sink, the separate
// metrics listener, readiness caching and the shutdown grace period. Kept apart from schema.ts so
// the area reads in one place; schema.ts includes it. Tracing is configured by the standard OTEL_*
// variables instead (docs/observability.md).
import { z } from 'zod';

export const AuditConfigSchema = z
  .object({
    /** JSON-lines audit file (hash-chained); when unset, audit events go to stderr marked "stream":"audit". */
    file: z.string().min(1).optional(),
    /** fsync: on disk before the tool result returns; write: handed to the OS; buffered: best effort. */
    durability: z.enum(['fsync', 'write', 'buffered']).default('fsync'),
    /** closed: refuse write tools whose attempt cannot be audited; open: log and go on. */
    failMode: z.enum(['closed', 'open']).default('closed'),
    /** Rotate the file once it has reached this many bytes (0: never by size). */
    rotateBytes: z.number().int().min(0).default(0),
    /** Rotate when a period of this length, aligned to 00:00 UTC, has ended since the file's first event (0: never). */
    rotateIntervalSeconds: z
      .number()
      .int()
      .min(0)
      .max(366 * 86400)
      .default(0),
    /** Rotated files kept; older ones are deleted (0: all). */
    retainFiles: z.number().int().min(0).default(0),
  })
  .refine((audit) => audit.file !== undefined || (audit.rotateBytes === 0 && audit.rotateIntervalSeconds === 0 && audit.retainFiles === 0), {
    message: 'audit rotation and retention need an audit file (ISPW_MCP_AUDIT_FILE / --audit-file): the stderr stream is not rotated here',
    path: ['rotateBytes'],
  });

export const observabilityConfigShape = {
  audit: AuditConfigSchema.default(AuditConfigSchema.parse({})),
  metrics: z
    .object({
      /** Separate listener for /metrics (and /livez, /readyz); works in stdio mode too. */
      port: z.number().int().min(0).max(65535).optional(),
      host: z.string().min(1).default('127.0.0.1'),
    })
    .default({ host: '127.0.0.1' }),
  health: z
    .object({
      /** How long a readiness result (CES probe) is reused. */
      readyCacheSeconds: z.number().min(0).max(300).default(10),
    })
    .default({ readyCacheSeconds: 10 }),
  shutdown: z
    .object({
      /** How long SIGTERM waits for accepted calls before cancelling them. */
      graceSeconds: z.number().min(0).max(3600).default(25),
    })
    .default({ graceSeconds: 25 }),
};
