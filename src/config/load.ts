// Loads the configuration: defaults < profile < config file < environment < *_FILE secret files < flags,
// then applies the profile's checks (profiles.ts).
// It receives env, flags and a file reader as parameters — only src/main.ts touches the process —
// so every layer can be tested without globals.
import { parseYaml } from '../shared/lazy-yaml.js';
import { accessProblems, openBindingProblem } from './access-schema.js';
import { ConfigError } from './errors.js';
import { OPTIONS, type OptionSpec } from './options.js';
import { applyPolicy, findViolations, isLoopbackHost, PROFILE_DEFAULTS, PROFILE_POLICY, type FileStat, type Violation } from './profiles.js';
import { ConfigSchema, PROFILES, type Config, type Profile } from './schema.js';
import { unknownKeys } from './unknown-keys.js';

export interface LoadConfigInput {
  env: Readonly<Record<string, string | undefined>>;
  /** Parsed flags keyed by the option's camel-cased flag name (as commander gives them). */
  flags?: Readonly<Record<string, unknown>>;
  readFile: (path: string) => string;
  /** `.env` files found in the working directory or loaded into the process (main.ts looks). */
  dotenvFiles?: readonly string[];
  /** Mode and owner of a file, following symlinks (for the private key check); undefined if unknown. */
  fileStat?: (path: string) => FileStat | undefined;
  /** Group ids of this process (the kubelet's fsGroup layout is accepted for key files). */
  processGroups?: readonly number[];
}

type Plain = Record<string, unknown>;

const camel = (flag: string) => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
const where = (o: OptionSpec) => (o.flag ? `${o.env} or --${o.flag}` : o.env);

function coerce(option: OptionSpec, raw: unknown, problems: string[]): unknown {
  if (typeof raw !== 'string') return raw;
  const value = raw.trim();
  switch (option.type) {
    case 'int':
    case 'number': {
      const n = Number(value);
      if (value === '' || !Number.isFinite(n) || (option.type === 'int' && !Number.isInteger(n))) {
        problems.push(`${where(option)}: expected a ${option.type === 'int' ? 'whole ' : ''}number, got "${option.secret ? '…' : value}"`);
        return undefined;
      }
      return n;
    }
    case 'list':
      return value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    case 'boolean': {
      const v = value.toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(v)) return true;
      if (['false', '0', 'no', 'off'].includes(v)) return false;
      problems.push(`${where(option)}: expected true or false, got "${value}"`);
      return undefined;
    }
    case 'enum':
      if (option.choices && !option.choices.includes(value)) {
        problems.push(`${where(option)}: expected one of ${option.choices.join(', ')}, got "${value}"`);
        return undefined;
      }
      return value;
    default:
      return value;
  }
}

function setPath(target: Plain, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    node = (next && typeof next === 'object' && !Array.isArray(next) ? next : (node[key] = {})) as Plain;
  }
  node[path.at(-1)!] = value;
}

function mergeDeep(base: Plain, overlay: Plain): Plain {
  const out: Plain = { ...base };
  for (const [key, value] of Object.entries(overlay)) {
    const current = out[key];
    out[key] =
      value && typeof value === 'object' && !Array.isArray(value) && current && typeof current === 'object' && !Array.isArray(current)
        ? mergeDeep(current as Plain, value as Plain)
        : value;
  }
  return out;
}

function readConfigFile(path: string, readFile: (p: string) => string): Plain {
  let text: string;
  try {
    text = readFile(path);
  } catch (error) {
    throw new ConfigError([`ISPW_MCP_CONFIG / --config: cannot read ${path}: ${(error as Error).message}`]);
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (error) {
    throw new ConfigError([`${path}: not valid YAML or JSON: ${(error as Error).message.split('\n')[0]}`]);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new ConfigError([`${path}: must contain a mapping of settings`]);
  return parsed as Plain;
}

/** Values from one layer (env or flags), split into server settings and default-instance settings. */
function layer(read: (o: OptionSpec) => unknown, problems: string[]): { server: Plain; instance: Plain } {
  const server: Plain = {};
  const instance: Plain = {};
  for (const option of OPTIONS) {
    if (option.path[0] === 'configFile') continue;
    const raw = read(option);
    if (raw === undefined || raw === '') continue;
    const value = coerce(option, raw, problems);
    if (value === undefined) continue;
    if (option.path[0] === 'instance') setPath(instance, option.path.slice(1), value);
    else setPath(server, option.path, value);
  }
  return { server, instance };
}

/** Where a setting's value came from, lowest precedence first. */
export type ValueSource = 'default' | 'profile' | 'file' | 'env' | 'flag';

/** Everything the loader found: the configuration (when valid), its problems and the source of each value. */
export interface ConfigReport {
  /**
   * The validated configuration; undefined when a setting is invalid. Kept when the only errors are
   * what `serve` refuses for a valid configuration (no CES instance, an open HTTP binding).
   */
  config: Config | undefined;
  profile: Profile;
  configFile: string | undefined;
  /** Invalid settings: the server cannot start with them, in any profile. */
  errors: string[];
  /** Profile violations that stop the server in this profile. */
  refusals: string[];
  /** Reported but not fatal (unknown keys in dev, prod violations in stage). */
  warnings: string[];
  /** Every profile violation, whatever the profile (for `config check`). */
  violations: Violation[];
  /** Dotted path (`http.port`, `ces.instances.0.tokenFile`) → where its value came from; absent = default. */
  sources: Map<string, ValueSource>;
}

function recordSources(sources: Map<string, ValueSource>, value: unknown, source: ValueSource, prefix: string): void {
  const at = (key: string | number) => (prefix ? `${prefix}.${key}` : String(key));
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value as Plain)) recordSources(sources, child, source, at(key));
  } else if (Array.isArray(value) && value.some((item) => item && typeof item === 'object')) {
    // Lists of objects (ces.instances) are keyed by index; lists of plain values are one value.
    for (const key of [...sources.keys()]) if (key === prefix || key.startsWith(`${prefix}.`)) sources.delete(key);
    value.forEach((item, index) => recordSources(sources, item, source, at(index)));
  } else if (value !== undefined) {
    sources.set(prefix, source);
  }
}

const PROFILE_OPTION_ENV = 'ISPW_MCP_PROFILE';

/** Loads and checks the configuration without throwing: `config check` shows the whole report. */
export function inspectConfig(input: LoadConfigInput): ConfigReport {
  const flags = input.flags ?? {};
  const problems: string[] = [];
  const sources = new Map<string, ValueSource>();
  const configPath = (flags.config as string | undefined) ?? input.env.ISPW_MCP_CONFIG;
  let file: Plain = {};
  const empty = (errors: string[], profile: Profile = 'dev'): ConfigReport => ({
    config: undefined,
    profile,
    configFile: configPath,
    errors,
    refusals: [],
    warnings: [],
    violations: [],
    sources,
  });
  if (configPath) {
    try {
      file = readConfigFile(configPath, input.readFile);
    } catch (error) {
      if (error instanceof ConfigError) return empty([...error.problems]);
      throw error;
    }
  }

  const fromEnv = layer((o) => input.env[o.env], problems);
  const fromFlags = layer((o) => (o.flag ? flags[camel(o.flag)] : undefined), problems);
  if (problems.length) return empty(problems);

  // The profile is needed before the layers merge: its defaults sit under the config file.
  const profileValue = fromFlags.server.profile ?? fromEnv.server.profile ?? file.profile ?? 'dev';
  if (!(PROFILES as readonly unknown[]).includes(profileValue)) {
    return empty([`profile (${PROFILE_OPTION_ENV} or --profile): expected one of ${PROFILES.join(', ')}, got "${String(profileValue).slice(0, 32)}"`]);
  }
  const profile = profileValue as Profile;
  const profileLayer: Plain = structuredClone(PROFILE_DEFAULTS[profile]);

  recordSources(sources, profileLayer, 'profile', '');
  recordSources(sources, file, 'file', '');
  recordSources(sources, fromEnv.server, 'env', '');
  recordSources(sources, fromFlags.server, 'flag', '');

  const merged = mergeDeep(mergeDeep(mergeDeep(profileLayer, file), fromEnv.server), fromFlags.server);
  const instanceOverlay = mergeDeep(fromEnv.instance, fromFlags.instance);
  // A *_FILE secret outranks the plain value from any lower layer.
  if (instanceOverlay.tokenFile !== undefined) instanceOverlay.token = undefined;

  if (Object.keys(instanceOverlay).length > 0) {
    const ces = (merged.ces ?? {}) as Plain;
    const instances = Array.isArray(ces.instances) ? [...(ces.instances as Plain[])] : [];
    const wanted = ces.defaultInstance as string | undefined;
    let index = wanted ? instances.findIndex((i) => i.name === wanted) : 0;
    if (index < 0 || instances.length === 0) {
      instances.push(wanted ? { name: wanted } : {});
      index = instances.length - 1;
    }
    const updated = mergeDeep(instances[index]!, instanceOverlay);
    if (updated.tokenFile !== undefined && instanceOverlay.tokenFile !== undefined) delete updated.token;
    for (const [k, v] of Object.entries(updated)) if (v === undefined) delete updated[k];
    instances[index] = updated;
    merged.ces = { ...ces, instances };
    recordSources(sources, fromEnv.instance, 'env', `ces.instances.${index}`);
    recordSources(sources, fromFlags.instance, 'flag', `ces.instances.${index}`);
    if (updated.token === undefined) sources.delete(`ces.instances.${index}.token`);
  }

  const result = ConfigSchema.safeParse(merged);
  if (!result.success) {
    return empty(
      result.error.issues.map((issue) => {
        const path = issue.path.join('.');
        const option = OPTIONS.find((o) => o.path.join('.') === path || (o.path[0] === 'instance' && path.endsWith(`.${o.path.slice(1).join('.')}`)));
        return `${path || '(root)'}${option ? ` (${where(option)})` : ''}: ${issue.message}`;
      }),
      profile,
    );
  }
  const config = result.data;
  const errors = [...validateInstances(config), ...accessProblems(config), ...callbackProblems(config)];

  const knownEnv = new Set(OPTIONS.map((o) => o.env));
  const unknownEnv = Object.keys(input.env).filter((name) => name.startsWith('ISPW_MCP_') && !knownEnv.has(name) && input.env[name] !== undefined);
  const plainSecrets: string[] = [];
  for (const option of OPTIONS.filter((o) => o.secret)) {
    if (input.env[option.env]) plainSecrets.push(`${option.env} (environment)`);
  }
  // A token written into the config file is a plain secret even when a higher layer overrides it.
  const fileInstances = ((file.ces as Plain | undefined)?.instances ?? []) as unknown;
  if (Array.isArray(fileInstances)) {
    fileInstances.forEach((instance: Plain, index) => {
      if (instance && typeof instance === 'object' && instance.token !== undefined) {
        plainSecrets.push(`ces.instances[${typeof instance.name === 'string' ? instance.name : index}].token (config file ${configPath ?? ''})`);
      }
    });
  }
  const violations = findViolations(config, {
    plainSecrets,
    dotenvFiles: input.dotenvFiles ?? [],
    unknownKeys: [...unknownKeys(ConfigSchema, file).map((k) => `${configPath ?? 'config file'}: ${k}`), ...unknownEnv.map((k) => `${k} (environment)`)],
    ...(input.fileStat ? { fileStat: input.fileStat } : {}),
    processGroups: input.processGroups ?? [],
  });
  const { refusals, warnings } = applyPolicy(profile, violations);
  // What `serve` cannot start with although every value is valid: reported here, so `config check`
  // does not say OK for it. The configuration itself stays in the report for the table.
  const startProblems: string[] = [];
  if (!hasCes(config)) startProblems.push(NO_CES_INSTANCE);
  const open = openBindingProblem(config, isLoopbackHost);
  // A profile that refuses violations already lists the open binding (rule open-http): once is enough.
  const openRefused = PROFILE_POLICY[profile].violations === 'refuse' && violations.some((v) => v.rule === 'open-http');
  if (open && !openRefused) startProblems.push(open);
  return {
    config: errors.length ? undefined : config,
    profile,
    configFile: configPath,
    errors: [...errors, ...startProblems],
    refusals,
    warnings,
    violations,
    sources,
  };
}

/** Loads the configuration for `serve`; throws one ConfigError listing every error and refusal. */
export function loadConfig(input: LoadConfigInput): Config {
  return configOrThrow(inspectConfig(input));
}

/** The report's configuration, or one ConfigError naming every problem at once. */
export function configOrThrow(report: ConfigReport): Config {
  const all = [...report.errors, ...report.refusals];
  if (all.length > 0 || report.config === undefined) {
    throw new ConfigError(
      report.refusals.length > 0 && report.errors.length === 0
        ? [`the ${report.profile} profile refuses to start with these settings:`, ...report.refusals]
        : all,
    );
  }
  return report.config;
}

/** CES callbacks arrive at the HTTP listener: a stdio server has none (docs/performance.md "CES callbacks"). */
function callbackProblems(config: Config): string[] {
  if (!config.wait.callbackUrl || config.transport === 'http') return [];
  return ['wait.callbackUrl (ISPW_MCP_CES_CALLBACK_URL): CES callbacks need the HTTP transport (ISPW_MCP_TRANSPORT=http); unset it for stdio'];
}

function validateInstances(config: Config): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  const srids = new Map<string, string>();
  config.ces.instances.forEach((instance) => {
    if (names.has(instance.name)) problems.push(`ces.instances: the name "${instance.name}" is used twice`);
    names.add(instance.name);
    if (!instance.url) problems.push(`ces.instances[${instance.name}].url (ISPW_MCP_CES_URL or --ces-url): required`);
    if (!instance.srids?.length) problems.push(`ces.instances[${instance.name}].srids (ISPW_MCP_SRID or --srid): required`);
    for (const srid of instance.srids ?? []) {
      const owner = srids.get(srid.toLowerCase());
      if (owner) problems.push(`SRID ${srid} is configured for both "${owner}" and "${instance.name}"`);
      srids.set(srid.toLowerCase(), instance.name);
    }
    // Per-user identity: callers bring their own CES tokens; an instance token is only the read fallback.
    if (instance.auth === 'certificate') {
      // docs/ces-api.md §1.3: the certificate headers name the host connection and carry the certificate.
      const missing = [
        !instance.clientCertFile && 'clientCertFile (ISPW_MCP_CLIENT_CERT_FILE)',
        !instance.hciHost && 'hciHost (ISPW_MCP_HCI_HOST)',
        !instance.hciPort && 'hciPort (ISPW_MCP_HCI_PORT)',
      ].filter(Boolean);
      if (missing.length > 0) problems.push(`ces.instances[${instance.name}]: certificate authentication needs ${missing.join(', ')}`);
    } else if (!instance.token && !instance.tokenFile && config.identity.mode !== 'per-user')
      problems.push(`ces.instances[${instance.name}]: no CES token; set ISPW_MCP_CES_TOKEN_FILE (or tokenFile in the config file)`);
    if (Boolean(instance.clientCertFile) !== Boolean(instance.clientKeyFile))
      problems.push(`ces.instances[${instance.name}]: clientCertFile and clientKeyFile go together`);
  });
  if (config.ces.defaultInstance && !names.has(config.ces.defaultInstance))
    problems.push(`ces.defaultInstance: no instance named "${config.ces.defaultInstance}"`);
  return problems;
}

/** Instances configured? `serve` needs at least one; other commands (docs, simulator) do not. */
export const hasCes = (config: Config): boolean => config.ces.instances.length > 0;

export const NO_CES_INSTANCE =
  'no CES instance configured: set ISPW_MCP_CES_URL, ISPW_MCP_SRID and ISPW_MCP_CES_TOKEN_FILE (or a config file with ces.instances), or run `ispw-mcp demo`';
