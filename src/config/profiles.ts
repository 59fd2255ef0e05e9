// Configuration profiles: `dev` (default), `stage` and `prod`. A profile supplies defaults (the layer
// between built-in defaults and the config file) and decides which unsafe settings stop the server:
// prod refuses every violation below, stage refuses unknown keys and warns about the rest, dev warns
// about unknown keys only. Every message names the setting and what to do, never a secret value.
import { mtlsConfigured, oauthConfigured } from './access-schema.js';
import type { Config, Profile } from './schema.js';

export interface Violation {
  /** Stable rule id, for tests and docs. */
  rule: 'plain-secret' | 'dotenv' | 'http-ces-url' | 'open-http' | 'key-permissions' | 'unknown-key';
  message: string;
}

/** What the checks need to know besides the configuration itself (gathered by the loader). */
export interface ProfileFacts {
  /** Secrets given as plain values, e.g. `ISPW_MCP_CES_TOKEN (environment)`. */
  plainSecrets: readonly string[];
  /** `.env` files present in the working directory or loaded into the process (`node --env-file`). */
  dotenvFiles: readonly string[];
  /** Unknown keys of the config file and unknown ISPW_MCP_* environment variables. */
  unknownKeys: readonly string[];
  /** Mode and owner of a file (following symlinks), or undefined when it cannot be checked. */
  fileStat?: (path: string) => FileStat | undefined;
  /** Group ids of this process. */
  processGroups?: readonly number[];
}

export interface FileStat {
  mode: number;
  uid: number;
  gid: number;
}

/**
 * Whether a private key file is readable by anyone but this process's own identity. World bits are
 * always too much. Group bits are too much too, with one exception: the layout the kubelet gives a
 * Secret volume with `fsGroup` (owned by root, group = the pod's fsGroup, which this process is in),
 * because a non-root container cannot read a root-owned 0400 file at all.
 */
function keyTooOpen(path: string, facts: ProfileFacts): string | undefined {
  const stat = facts.fileStat?.(path);
  if (stat === undefined) return undefined;
  const octal = `0${(stat.mode & 0o777).toString(8)}`;
  if ((stat.mode & 0o007) !== 0) return `is world-readable (mode ${octal})`;
  const podGroup = stat.uid === 0 && (facts.processGroups ?? []).includes(stat.gid) && (stat.mode & 0o020) === 0;
  if ((stat.mode & 0o070) !== 0 && !podGroup) return `is group-readable (mode ${octal})`;
  return undefined;
}

/** Defaults each profile puts under the config file. stage/prod run as shared, replicated services. */
export const PROFILE_DEFAULTS: Record<Profile, Record<string, unknown>> = {
  dev: {},
  stage: { http: { sessions: 'stateless' } },
  prod: { http: { sessions: 'stateless' } },
};

/** How each profile treats unknown keys and the other violations. */
export const PROFILE_POLICY: Record<Profile, { unknownKeys: 'warn' | 'refuse'; violations: 'ignore' | 'warn' | 'refuse' }> = {
  dev: { unknownKeys: 'warn', violations: 'ignore' },
  stage: { unknownKeys: 'refuse', violations: 'warn' },
  prod: { unknownKeys: 'refuse', violations: 'refuse' },
};

/** Whether HTTP clients must authenticate before they can call tools: OAuth bearer tokens or mTLS. */
export function hasClientAuthentication(config: Config): boolean {
  return oauthConfigured(config) || mtlsConfigured(config);
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|::1|\[::1\]|::ffff:127(?:\.\d{1,3}){3})$/i;
export const isLoopbackHost = (host: string): boolean => LOOPBACK.test(host.trim());

/** Every unsafe setting of `config`, whatever the profile; the policy decides what they mean. */
export function findViolations(config: Config, facts: ProfileFacts): Violation[] {
  const out: Violation[] = [];
  for (const secret of facts.plainSecrets) {
    out.push({
      rule: 'plain-secret',
      message: `${secret} holds a secret as a plain value; mount it as a file and point the matching *_FILE setting (e.g. ISPW_MCP_CES_TOKEN_FILE, tokenFile) at it`,
    });
  }
  for (const file of facts.dotenvFiles) {
    out.push({ rule: 'dotenv', message: `${file}: .env files are not a secret store; remove it and mount secrets as files` });
  }
  for (const instance of config.ces.instances) {
    if (instance.url && /^http:/i.test(instance.url.trim())) {
      out.push({
        rule: 'http-ces-url',
        message: `ces.instances[${instance.name}].url (ISPW_MCP_CES_URL or --ces-url) is http://; CES must be reached over https://`,
      });
    }
    const open = instance.clientKeyFile ? keyTooOpen(instance.clientKeyFile, facts) : undefined;
    if (open) {
      out.push({
        rule: 'key-permissions',
        message: `ces.instances[${instance.name}].clientKeyFile (ISPW_MCP_CLIENT_KEY_FILE or --client-key-file) ${instance.clientKeyFile} ${open}; chmod 600 (Kubernetes: defaultMode 0400, or 0440 with fsGroup)`,
      });
    }
  }
  const listenerKey = config.auth.tls.keyFile;
  const listenerOpen = listenerKey ? keyTooOpen(listenerKey, facts) : undefined;
  if (listenerOpen) {
    out.push({
      rule: 'key-permissions',
      message: `auth.tls.keyFile (ISPW_MCP_HTTP_TLS_KEY_FILE or --http-tls-key-file) ${listenerKey} ${listenerOpen}; chmod 600 (Kubernetes: defaultMode 0400, or 0440 with fsGroup)`,
    });
  }
  if (config.transport === 'http' && !isLoopbackHost(config.http.host) && !hasClientAuthentication(config)) {
    out.push({
      rule: 'open-http',
      message: `http.host (ISPW_MCP_HOST or --host) ${config.http.host} is not a loopback address and HTTP clients are not authenticated; configure OAuth (ISPW_MCP_AUTH_ISSUER, ISPW_MCP_AUTH_AUDIENCE) or mutual TLS (ISPW_MCP_HTTP_CLIENT_CA_FILE), or bind to 127.0.0.1 behind an authenticating proxy`,
    });
  }
  for (const key of facts.unknownKeys) {
    out.push({ rule: 'unknown-key', message: `${key}: unknown setting (a typo?)` });
  }
  return out;
}

/** Splits the violations into those that stop the server and those that are only reported. */
export function applyPolicy(profile: Profile, violations: readonly Violation[]): { refusals: string[]; warnings: string[] } {
  const policy = PROFILE_POLICY[profile];
  const refusals: string[] = [];
  const warnings: string[] = [];
  for (const v of violations) {
    const action = v.rule === 'unknown-key' ? policy.unknownKeys : policy.violations;
    if (action === 'refuse') refusals.push(`[${profile}] ${v.message}`);
    else if (action === 'warn') warnings.push(v.message);
  }
  return { refusals, warnings };
}
