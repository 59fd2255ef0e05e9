// The option table: every setting that can come from the environment or a flag, once. Flag
// parsing, environment parsing and docs/configuration.md are all generated from it.
// Paths starting with `instance` apply to the default CES instance.

export type OptionType = 'string' | 'int' | 'number' | 'list' | 'enum' | 'boolean';

export interface OptionSpec {
  /** Where the value lands in the config object. */
  readonly path: readonly string[];
  readonly env: string;
  /** Long flag name without `--`; absent for secrets, which never go on a command line. */
  readonly flag?: string;
  readonly type: OptionType;
  readonly choices?: readonly string[];
  /** The value is a secret: it never appears in logs or dumps. */
  readonly secret?: boolean;
  readonly description: string;
  readonly defaultText?: string;
}

export const OPTIONS: readonly OptionSpec[] = [
  { path: ['configFile'], env: 'ISPW_MCP_CONFIG', flag: 'config', type: 'string', description: 'YAML or JSON configuration file (several CES instances, every setting below)' },
  { path: ['profile'], env: 'ISPW_MCP_PROFILE', flag: 'profile', type: 'enum', choices: ['dev', 'stage', 'prod'], description: 'configuration profile: `prod` refuses unsafe settings, `stage` refuses unknown keys and warns about the rest, `dev` warns about unknown keys (docs/security.md)', defaultText: 'dev' },
  { path: ['transport'], env: 'ISPW_MCP_TRANSPORT', flag: 'transport', type: 'enum', choices: ['stdio', 'http'], description: 'MCP transport', defaultText: 'stdio' },
  { path: ['http', 'host'], env: 'ISPW_MCP_HOST', flag: 'host', type: 'string', description: 'HTTP bind address', defaultText: '127.0.0.1' },
  { path: ['http', 'port'], env: 'ISPW_MCP_PORT', flag: 'port', type: 'int', description: 'HTTP port (0 picks a free one)', defaultText: '8080' },
  { path: ['http', 'sessions'], env: 'ISPW_MCP_HTTP_SESSIONS', flag: 'http-sessions', type: 'enum', choices: ['stateful', 'stateless'], description: '2025-era HTTP clients: `stateful` sessions, or `stateless` for several replicas without sticky sessions (2026-era clients are always stateless)', defaultText: 'stateful' },
  { path: ['http', 'sessionIdleSeconds'], env: 'ISPW_MCP_SESSION_IDLE_SECONDS', flag: 'session-idle-seconds', type: 'int', description: 'idle 2025-era sessions are closed after this many seconds', defaultText: '900' },
  { path: ['http', 'maxSessions'], env: 'ISPW_MCP_MAX_SESSIONS', flag: 'max-sessions', type: 'int', description: 'most 2025-era sessions kept open at once; the least recently used is closed beyond it', defaultText: '1000' },
  { path: ['http', 'maxSessionsPerCaller'], env: 'ISPW_MCP_MAX_SESSIONS_PER_CALLER', flag: 'max-sessions-per-caller', type: 'int', description: "most 2025-era sessions one caller (authenticated subject, else client address) keeps open; the caller's least recently used is closed beyond it (0: only the global cap)", defaultText: '100' },
  { path: ['http', 'sessionsPerMinute'], env: 'ISPW_MCP_SESSIONS_PER_MINUTE', flag: 'sessions-per-minute', type: 'int', description: '2025-era sessions (`initialize`) one caller may open per minute, per replica; beyond it 429 with Retry-After (0: unlimited)', defaultText: '60' },
  { path: ['http', 'fastPath'], env: 'ISPW_MCP_HTTP_FAST_PATH', type: 'boolean', description: 'answer plain tools/call requests on the HTTP fast path (same answers, less CPU); `false` sends every request through the SDK. Used only with the SDK release it was verified against', defaultText: 'true' },
  { path: ['http', 'allowedHosts'], env: 'ISPW_MCP_ALLOWED_HOSTS', flag: 'allowed-hosts', type: 'list', description: 'extra Host names accepted (DNS-rebinding protection); comma-separated', defaultText: 'localhost, 127.0.0.1, [::1] and the bind address' },
  { path: ['http', 'allowedOrigins'], env: 'ISPW_MCP_ALLOWED_ORIGINS', flag: 'allowed-origins', type: 'list', description: 'browser origins accepted; comma-separated', defaultText: 'localhost origins' },
  { path: ['log', 'level'], env: 'ISPW_MCP_LOG_LEVEL', flag: 'log-level', type: 'enum', choices: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], description: 'log level (JSON logs on stderr)', defaultText: 'info' },
  { path: ['wait', 'pollIntervalMs'], env: 'ISPW_MCP_POLL_INTERVAL_MS', flag: 'poll-interval-ms', type: 'int', description: 'interval between set polls while a tool waits', defaultText: '2000' },
  { path: ['wait', 'maxWaitSeconds'], env: 'ISPW_MCP_MAX_WAIT_SECONDS', flag: 'max-wait-seconds', type: 'int', description: 'upper bound for any wait_seconds argument', defaultText: '600' },
  { path: ['instance', 'url'], env: 'ISPW_MCP_CES_URL', flag: 'ces-url', type: 'string', description: 'CES base URL, `https://host:port`' },
  { path: ['instance', 'srids'], env: 'ISPW_MCP_SRID', flag: 'srid', type: 'list', description: 'Code Pipeline instance id(s); the first is the default' },
  { path: ['instance', 'token'], env: 'ISPW_MCP_CES_TOKEN', type: 'string', secret: true, description: 'CES personal access token (prefer ISPW_MCP_CES_TOKEN_FILE)' },
  { path: ['instance', 'tokenFile'], env: 'ISPW_MCP_CES_TOKEN_FILE', flag: 'ces-token-file', type: 'string', description: 'file holding the CES personal access token; re-read when it changes' },
  { path: ['instance', 'runtimeConfig'], env: 'ISPW_MCP_RUNTIME_CONFIG', flag: 'runtime-config', type: 'string', description: 'default ISPW runtime configuration' },
  { path: ['instance', 'caFile'], env: 'ISPW_MCP_CA_FILE', flag: 'ca-file', type: 'string', description: 'PEM CA bundle trusted for CES (re-read when it changes)' },
  { path: ['instance', 'caMode'], env: 'ISPW_MCP_CA_MODE', flag: 'ca-mode', type: 'enum', choices: ['add', 'replace'], description: 'trust the CA bundle in addition to the system roots (`add`) or instead of them (`replace`)', defaultText: 'add' },
  { path: ['instance', 'clientCertFile'], env: 'ISPW_MCP_CLIENT_CERT_FILE', flag: 'client-cert-file', type: 'string', description: 'PEM client certificate for mutual TLS to CES (re-read when it changes)' },
  { path: ['instance', 'clientKeyFile'], env: 'ISPW_MCP_CLIENT_KEY_FILE', flag: 'client-key-file', type: 'string', description: 'PEM private key of the client certificate (re-read when it changes; must not be group- or world-readable in prod)' },
  { path: ['instance', 'clientKeyPassphraseFile'], env: 'ISPW_MCP_CLIENT_KEY_PASSPHRASE_FILE', flag: 'client-key-passphrase-file', type: 'string', description: 'file holding the client key passphrase (re-read when it changes)' },
  { path: ['instance', 'servername'], env: 'ISPW_MCP_CES_SERVERNAME', flag: 'ces-servername', type: 'string', description: 'TLS server name to verify instead of the URL host' },
  { path: ['instance', 'timeoutSeconds'], env: 'ISPW_MCP_CES_TIMEOUT_SECONDS', flag: 'ces-timeout-seconds', type: 'number', description: 'per-request timeout to CES', defaultText: '30' },
  { path: ['instance', 'retries'], env: 'ISPW_MCP_CES_RETRIES', flag: 'ces-retries', type: 'int', description: 'retries of idempotent reads and rate-limited calls', defaultText: '2' },
  // Access control and operational safety (docs/security.md, "Access control").
  { path: ['auth', 'issuer'], env: 'ISPW_MCP_AUTH_ISSUER', flag: 'auth-issuer', type: 'string', description: 'OAuth issuer whose access tokens HTTP clients must present (enables OAuth)' },
  { path: ['auth', 'audience'], env: 'ISPW_MCP_AUTH_AUDIENCE', flag: 'auth-audience', type: 'string', description: "this server's canonical MCP URL, e.g. `https://ispw-mcp.example.com/mcp`; tokens must name it in `aud`" },
  { path: ['auth', 'jwksUrl'], env: 'ISPW_MCP_AUTH_JWKS_URL', flag: 'auth-jwks-url', type: 'string', description: "the issuer's JWKS URL", defaultText: "discovered from the issuer's metadata" },
  { path: ['auth', 'algorithms'], env: 'ISPW_MCP_AUTH_ALGORITHMS', flag: 'auth-algorithms', type: 'list', description: 'JWT signature algorithms accepted (asymmetric only); comma-separated', defaultText: 'RS256,ES256' },
  { path: ['auth', 'allowUnauthenticated'], env: 'ISPW_MCP_ALLOW_UNAUTHENTICATED', flag: 'allow-unauthenticated', type: 'boolean', description: 'allow binding a non-loopback address without client authentication (refused in prod)', defaultText: 'false' },
  { path: ['auth', 'tls', 'certFile'], env: 'ISPW_MCP_HTTP_TLS_CERT_FILE', flag: 'http-tls-cert-file', type: 'string', description: 'PEM certificate of the HTTP listener (serves HTTPS)' },
  { path: ['auth', 'tls', 'keyFile'], env: 'ISPW_MCP_HTTP_TLS_KEY_FILE', flag: 'http-tls-key-file', type: 'string', description: 'PEM private key of the HTTP listener' },
  { path: ['auth', 'tls', 'clientCaFile'], env: 'ISPW_MCP_HTTP_CLIENT_CA_FILE', flag: 'http-client-ca-file', type: 'string', description: 'PEM CA of client certificates: clients must present one (mutual TLS); the subject names the caller' },
  { path: ['auth', 'tls', 'clientScopes'], env: 'ISPW_MCP_HTTP_CLIENT_SCOPES', flag: 'http-client-scopes', type: 'list', description: 'scopes granted to callers identified only by a client certificate; comma-separated', defaultText: 'ispw:read' },
  { path: ['identity', 'mode'], env: 'ISPW_MCP_IDENTITY_MODE', flag: 'identity-mode', type: 'enum', choices: ['service', 'per-user'], description: "CES identity of calls: the instance's `service` token, or each caller's own token (`per-user`)", defaultText: 'service' },
  { path: ['identity', 'claim'], env: 'ISPW_MCP_IDENTITY_CLAIM', flag: 'identity-claim', type: 'string', description: "access-token claim naming the caller's mainframe user (e.g. `preferred_username`)", defaultText: 'sub' },
  { path: ['identity', 'userTokenDir'], env: 'ISPW_MCP_USER_TOKEN_DIR', flag: 'user-token-dir', type: 'string', description: 'directory of per-user CES token files named by the claim value (`<dir>/<user>` or `<dir>/<instance>/<user>`), re-read when they change' },
  { path: ['identity', 'readFallback'], env: 'ISPW_MCP_IDENTITY_READ_FALLBACK', flag: 'identity-read-fallback', type: 'boolean', description: "per-user mode: read tools of a caller without a token file use the instance's (read-only) service token", defaultText: 'false' },
  { path: ['access', 'readOnly'], env: 'ISPW_MCP_READ_ONLY', flag: 'read-only', type: 'boolean', description: 'serve read tools only', defaultText: 'false' },
  { path: ['access', 'toolsets'], env: 'ISPW_MCP_TOOLSETS', flag: 'toolsets', type: 'list', description: 'toolsets to enable (assignments, releases, sets, tasks, deployments, source); comma-separated', defaultText: 'all' },
  { path: ['access', 'toolsAllow'], env: 'ISPW_MCP_TOOLS_ALLOW', flag: 'tools-allow', type: 'list', description: 'only these tools (names); comma-separated', defaultText: 'all' },
  { path: ['access', 'toolsDeny'], env: 'ISPW_MCP_TOOLS_DENY', flag: 'tools-deny', type: 'list', description: 'never these tools (names); comma-separated' },
  { path: ['access', 'policyFile'], env: 'ISPW_MCP_POLICY_FILE', flag: 'policy-file', type: 'string', description: 'lifecycle policy (YAML): allow/deny/confirm rules, ticket rule, freeze windows; re-read when it changes' },
  { path: ['access', 'confirmKeyFile'], env: 'ISPW_MCP_CONFIRM_KEY_FILE', flag: 'confirm-key-file', type: 'string', description: 'secret file (≥ 32 bytes) with the key signing confirmation tokens; the same file on every replica', defaultText: 'a random key per process' },
  { path: ['access', 'confirmTtlSeconds'], env: 'ISPW_MCP_CONFIRM_TTL_SECONDS', flag: 'confirm-ttl-seconds', type: 'int', description: 'lifetime of a confirmation token', defaultText: '180' },
  { path: ['limits', 'callsPerMinute'], env: 'ISPW_MCP_RATE_LIMIT_PER_MINUTE', flag: 'rate-limit-per-minute', type: 'int', description: 'tool calls per minute per caller, per replica (0: unlimited)', defaultText: '120' },
  // Observability, health and audit (docs/observability.md). Tracing uses the standard OTEL_* variables.
  { path: ['audit', 'file'], env: 'ISPW_MCP_AUDIT_FILE', flag: 'audit-file', type: 'string', description: 'hash-chained JSON-lines audit file; without it audit events go to stderr marked `"stream":"audit"`', defaultText: 'stderr' },
  { path: ['audit', 'durability'], env: 'ISPW_MCP_AUDIT_DURABILITY', flag: 'audit-durability', type: 'enum', choices: ['fsync', 'write', 'buffered'], description: 'when a write tool returns, its audit events are on disk (`fsync`), handed to the OS (`write`) or queued (`buffered`)', defaultText: 'fsync' },
  { path: ['audit', 'failMode'], env: 'ISPW_MCP_AUDIT_FAIL_MODE', flag: 'audit-fail-mode', type: 'enum', choices: ['closed', 'open'], description: 'when the audit sink fails: refuse write tools (`closed`) or log and go on (`open`)', defaultText: 'closed' },
  { path: ['audit', 'rotateBytes'], env: 'ISPW_MCP_AUDIT_ROTATE_BYTES', flag: 'audit-rotate-bytes', type: 'int', description: 'rotate the audit file before a write once it has reached this size, to `<file>.<UTC time>` beside it; the chain continues in the new file (0: never by size)', defaultText: '0' },
  { path: ['audit', 'rotateIntervalSeconds'], env: 'ISPW_MCP_AUDIT_ROTATE_INTERVAL_SECONDS', flag: 'audit-rotate-interval-seconds', type: 'int', description: 'rotate the audit file when a period of this length, counted from 00:00 UTC, has ended since its first event (86400: daily at midnight UTC; 0: never by time)', defaultText: '0' },
  { path: ['audit', 'retainFiles'], env: 'ISPW_MCP_AUDIT_RETAIN_FILES', flag: 'audit-retain-files', type: 'int', description: 'rotated audit files kept beside the file; older ones are deleted (0: keep all — ship them to a SIEM before they go)', defaultText: '0' },
  { path: ['metrics', 'port'], env: 'ISPW_MCP_METRICS_PORT', flag: 'metrics-port', type: 'int', description: 'separate listener for `/metrics`, `/livez` and `/readyz` (also in stdio mode)', defaultText: 'none: `/metrics` on the HTTP listener only' },
  { path: ['metrics', 'host'], env: 'ISPW_MCP_METRICS_HOST', flag: 'metrics-host', type: 'string', description: 'bind address of the metrics listener', defaultText: '127.0.0.1' },
  { path: ['health', 'readyCacheSeconds'], env: 'ISPW_MCP_READY_CACHE_SECONDS', flag: 'ready-cache-seconds', type: 'number', description: 'how long a readiness result (CES probe) is reused', defaultText: '10' },
  { path: ['shutdown', 'graceSeconds'], env: 'ISPW_MCP_SHUTDOWN_GRACE_SECONDS', flag: 'shutdown-grace-seconds', type: 'number', description: 'on SIGTERM, how long accepted calls may run before they are cancelled', defaultText: '25' },
  { path: ['limits', 'cesConcurrency'], env: 'ISPW_MCP_CES_MAX_CONCURRENCY', flag: 'ces-max-concurrency', type: 'int', description: 'concurrent CES requests per CES instance, per replica (0: unlimited)', defaultText: '16' },
];

/** Secret values that may also be given as `<ENV>_FILE` (the file's content is the value). */
export const SECRET_FILE_SUFFIX = '_FILE';
