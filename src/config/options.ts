// The option table: every setting that can come from the environment or a flag, once. Flag
// parsing, environment parsing and docs/configuration.md are all generated from it.
// Paths starting with `instance` apply to the default CES instance.

export type OptionType = 'string' | 'int' | 'number' | 'list' | 'enum';

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
  { path: ['transport'], env: 'ISPW_MCP_TRANSPORT', flag: 'transport', type: 'enum', choices: ['stdio', 'http'], description: 'MCP transport', defaultText: 'stdio' },
  { path: ['http', 'host'], env: 'ISPW_MCP_HOST', flag: 'host', type: 'string', description: 'HTTP bind address', defaultText: '127.0.0.1' },
  { path: ['http', 'port'], env: 'ISPW_MCP_PORT', flag: 'port', type: 'int', description: 'HTTP port (0 picks a free one)', defaultText: '8080' },
  { path: ['http', 'sessions'], env: 'ISPW_MCP_HTTP_SESSIONS', flag: 'http-sessions', type: 'enum', choices: ['stateful', 'stateless'], description: '2025-era HTTP clients: `stateful` sessions, or `stateless` for several replicas without sticky sessions (2026-era clients are always stateless)', defaultText: 'stateful' },
  { path: ['http', 'sessionIdleSeconds'], env: 'ISPW_MCP_SESSION_IDLE_SECONDS', flag: 'session-idle-seconds', type: 'int', description: 'idle 2025-era sessions are closed after this many seconds', defaultText: '900' },
  { path: ['http', 'maxSessions'], env: 'ISPW_MCP_MAX_SESSIONS', flag: 'max-sessions', type: 'int', description: 'most 2025-era sessions kept open at once; the least recently used is closed beyond it', defaultText: '1000' },
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
  { path: ['instance', 'caFile'], env: 'ISPW_MCP_CA_FILE', flag: 'ca-file', type: 'string', description: 'PEM CA bundle trusted for CES in addition to the system roots' },
  { path: ['instance', 'clientCertFile'], env: 'ISPW_MCP_CLIENT_CERT_FILE', flag: 'client-cert-file', type: 'string', description: 'PEM client certificate for mutual TLS to CES' },
  { path: ['instance', 'clientKeyFile'], env: 'ISPW_MCP_CLIENT_KEY_FILE', flag: 'client-key-file', type: 'string', description: 'PEM private key of the client certificate' },
  { path: ['instance', 'clientKeyPassphraseFile'], env: 'ISPW_MCP_CLIENT_KEY_PASSPHRASE_FILE', flag: 'client-key-passphrase-file', type: 'string', description: 'file holding the client key passphrase' },
  { path: ['instance', 'servername'], env: 'ISPW_MCP_CES_SERVERNAME', flag: 'ces-servername', type: 'string', description: 'TLS server name to verify instead of the URL host' },
  { path: ['instance', 'timeoutSeconds'], env: 'ISPW_MCP_CES_TIMEOUT_SECONDS', flag: 'ces-timeout-seconds', type: 'number', description: 'per-request timeout to CES', defaultText: '30' },
  { path: ['instance', 'retries'], env: 'ISPW_MCP_CES_RETRIES', flag: 'ces-retries', type: 'int', description: 'retries of idempotent reads and rate-limited calls', defaultText: '2' },
];

/** Secret values that may also be given as `<ENV>_FILE` (the file's content is the value). */
export const SECRET_FILE_SUFFIX = '_FILE';
