// Fault injection: rules that delay, break or reshape replies so the MCP server's resilience can be
// tested. Each rule may be scoped to a path regex and/or method and limited by `count` (next N
// matching requests) and `rate` (probability per matching request).
// The `singletonList` fault reproduces CES bug CWE-124094 (one-element lists sent as objects, §3).

export interface FaultScope {
  /** Regex (source or RegExp) tested against the raw request path, without the query string. */
  path?: string | RegExp;
  /** HTTP method, case-insensitive. */
  method?: string;
  /** Apply to the next `count` matching requests only. */
  count?: number;
  /** Probability (0..1) that a matching request is affected; default 1. */
  rate?: number;
}

export type FaultRule = FaultScope &
  (
    | { kind: 'latency'; ms: number }
    /** `{message}` error; status 500 by default (502/503/504 for gateway faults). */
    | { kind: 'error'; status?: number; message?: string }
    /** 429 with `Retry-After` (seconds). */
    | { kind: 'rateLimit'; retryAfterSeconds?: number }
    /** 200 with the JSON body cut in half. */
    | { kind: 'malformed' }
    /** Socket destroyed without any reply. */
    | { kind: 'drop' }
    /** Lists with exactly one element become a bare object (CWE-124094). */
    | { kind: 'singletonList' }
    /** Body sent in `chunks` pieces spread over `ms` milliseconds. */
    | { kind: 'slowBody'; ms?: number; chunks?: number }
    /** A successful object reply carries this `message` (CES echoing text, e.g. the token it got). */
    | { kind: 'replyMessage'; message: string }
  );

/** What the faults decided for one request. */
export interface FaultPlan {
  latencyMs: number;
  /** A fault that replaces the reply entirely (drop, error, rateLimit). */
  terminal?: FaultRule;
  malformed: boolean;
  singletonList: boolean;
  slowBody?: { ms: number; chunks: number };
  replyMessage?: string;
}

interface ActiveRule {
  rule: FaultRule;
  path?: RegExp;
  remaining: number;
}

const TERMINAL = new Set(['drop', 'error', 'rateLimit']);

export class FaultEngine {
  private rules: ActiveRule[] = [];

  constructor(
    rules: FaultRule[] = [],
    private readonly random: () => number = Math.random,
  ) {
    this.set(rules);
  }

  /** Replaces all rules (validated first, so a bad rule changes nothing). */
  set(rules: FaultRule[]): void {
    this.rules = rules.map((rule) => {
      validateRule(rule);
      return {
        rule,
        path: rule.path === undefined ? undefined : rule.path instanceof RegExp ? rule.path : new RegExp(rule.path),
        remaining: rule.count ?? Number.POSITIVE_INFINITY,
      };
    });
  }

  get empty(): boolean {
    return this.rules.length === 0;
  }

  plan(method: string, path: string): FaultPlan {
    const plan: FaultPlan = { latencyMs: 0, malformed: false, singletonList: false };
    for (const active of this.rules) {
      const { rule } = active;
      if (active.remaining <= 0) continue;
      if (rule.method && rule.method.toUpperCase() !== method) continue;
      if (active.path) {
        active.path.lastIndex = 0;
        if (!active.path.test(path)) continue;
      }
      if (TERMINAL.has(rule.kind) && plan.terminal) continue;
      if (rule.rate !== undefined && this.random() >= rule.rate) continue;
      active.remaining--;
      switch (rule.kind) {
        case 'latency':
          plan.latencyMs += rule.ms;
          break;
        case 'malformed':
          plan.malformed = true;
          break;
        case 'singletonList':
          plan.singletonList = true;
          break;
        case 'slowBody':
          plan.slowBody = { ms: rule.ms ?? 1000, chunks: Math.max(2, rule.chunks ?? 4) };
          break;
        case 'replyMessage':
          plan.replyMessage = rule.message;
          break;
        default:
          plan.terminal = rule;
      }
    }
    return plan;
  }
}

function validateRule(rule: FaultRule): void {
  const fail = (why: string): never => {
    throw new Error(`Invalid fault rule ${JSON.stringify(rule)}: ${why}`);
  };
  if (rule.rate !== undefined && !(rule.rate >= 0 && rule.rate <= 1)) fail('rate must be between 0 and 1');
  if (rule.count !== undefined && !(Number.isInteger(rule.count) && rule.count >= 0)) fail('count must be a whole number');
  if (rule.kind === 'latency' && !(rule.ms >= 0)) fail('ms must be >= 0');
  if (rule.kind === 'error' && rule.status !== undefined && !(rule.status >= 400 && rule.status <= 599)) {
    fail('status must be a 4xx or 5xx code');
  }
  if (rule.kind === 'replyMessage' && typeof rule.message !== 'string') fail('message must be a string');
  if (!['latency', 'error', 'rateLimit', 'malformed', 'drop', 'singletonList', 'slowBody', 'replyMessage'].includes(rule.kind)) {
    fail('unknown kind');
  }
}

/** CWE-124094: every array with exactly one object element becomes that object (recursively). */
export function collapseSingletonLists(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(collapseSingletonLists);
    return items.length === 1 && items[0] !== null && typeof items[0] === 'object' ? items[0] : items;
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = collapseSingletonLists(item);
    return out;
  }
  return value;
}
