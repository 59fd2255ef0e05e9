// Loads the configuration: defaults < config file < environment < *_FILE secret files < flags.
// It receives env, flags and a file reader as parameters — only src/main.ts touches the process —
// so every layer can be tested without globals.
import { parse as parseYaml } from 'yaml';

import { ConfigError } from './errors.js';
import { OPTIONS, type OptionSpec } from './options.js';
import { ConfigSchema, type Config } from './schema.js';

export interface LoadConfigInput {
  env: Readonly<Record<string, string | undefined>>;
  /** Parsed flags keyed by the option's camel-cased flag name (as commander gives them). */
  flags?: Readonly<Record<string, unknown>>;
  readFile: (path: string) => string;
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
      return value.split(',').map((s) => s.trim()).filter(Boolean);
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

export function loadConfig(input: LoadConfigInput): Config {
  const flags = input.flags ?? {};
  const problems: string[] = [];
  const configPath = (flags.config as string | undefined) ?? input.env.ISPW_MCP_CONFIG;
  const file = configPath ? readConfigFile(configPath, input.readFile) : {};

  const fromEnv = layer((o) => input.env[o.env], problems);
  const fromFlags = layer((o) => (o.flag ? flags[camel(o.flag)] : undefined), problems);
  if (problems.length) throw new ConfigError(problems);

  const merged = mergeDeep(mergeDeep(file, fromEnv.server), fromFlags.server);
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
  }

  const result = ConfigSchema.safeParse(merged);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const path = issue.path.join('.');
        const option = OPTIONS.find((o) => o.path.join('.') === path || (o.path[0] === 'instance' && path.endsWith(`.${o.path.slice(1).join('.')}`)));
        return `${path || '(root)'}${option ? ` (${where(option)})` : ''}: ${issue.message}`;
      }),
    );
  }
  return validateInstances(result.data);
}

function validateInstances(config: Config): Config {
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
    if (!instance.token && !instance.tokenFile)
      problems.push(`ces.instances[${instance.name}]: no CES token; set ISPW_MCP_CES_TOKEN_FILE (or tokenFile in the config file)`);
    if (Boolean(instance.clientCertFile) !== Boolean(instance.clientKeyFile))
      problems.push(`ces.instances[${instance.name}]: clientCertFile and clientKeyFile go together`);
  });
  if (config.ces.defaultInstance && !names.has(config.ces.defaultInstance))
    problems.push(`ces.defaultInstance: no instance named "${config.ces.defaultInstance}"`);
  if (problems.length) throw new ConfigError(problems);
  return config;
}

/** Instances configured? `serve` needs at least one; other commands (docs, simulator) do not. */
export const hasCes = (config: Config): boolean => config.ces.instances.length > 0;

