// A tiny path router: patterns like `/assignments/:assignmentId/tasks/:action(generate|promote)`
// matched segment by segment, with 404 for unknown paths and 405 when only the method is wrong.
import type { Estate } from './estate.js';
import type { Query, Reply } from './http.js';
import { HttpError } from './http.js';

export interface RouteContext {
  method: string;
  /** Path parameters (decoded). */
  params: Record<string, string>;
  query: Query;
  /** JSON body of a POST ({} when empty). */
  body: Record<string, unknown>;
  estate: Estate;
  /** The SRID as configured (the request may spell it in another case, docs/ces-api.md §1.2). */
  srid: string;
  /** `{ownBaseUrl}/ispw/{srid}`, the prefix of every `url` field in replies. */
  ispwUrl: string;
  /** Status of a successful POST (200, or 201 when configured). */
  postStatus: number;
  awaitTimeoutMs: number;
  /** How often a held `-await` reply looks at its set (SimulatorOptions.awaitPollMs). */
  awaitPollMs: number;
  /** Aborted when the client goes away or the simulator closes. */
  signal: AbortSignal;
}

export type Handler = (ctx: RouteContext) => Reply | Promise<Reply>;

interface Segment {
  literal?: string;
  param?: string;
  allowed?: Set<string>;
}

interface Route {
  method: string;
  segments: Segment[];
  handler: Handler;
}

export interface RouteMatch {
  handler: Handler;
  params: Record<string, string>;
}

export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, handler: Handler): this {
    const segments = pattern
      .split('/')
      .filter((s) => s !== '')
      .map((s): Segment => {
        const m = /^:(\w+)(?:\(([^)]*)\))?$/.exec(s);
        if (!m) return { literal: s };
        return { param: m[1]!, allowed: m[2] ? new Set(m[2].split('|')) : undefined };
      });
    this.routes.push({ method, segments, handler });
    return this;
  }

  get(pattern: string, handler: Handler): this {
    return this.add('GET', pattern, handler);
  }

  post(pattern: string, handler: Handler): this {
    return this.add('POST', pattern, handler);
  }

  /** Finds the handler for decoded path segments; throws 404/405 `HttpError`s. */
  match(method: string, segments: string[]): RouteMatch {
    const allowed = new Set<string>();
    // Literal segments win over parameters so `/tasks/generate` never reads as a task id.
    let best: { route: Route; params: Record<string, string>; score: number } | undefined;
    for (const route of this.routes) {
      const params = matchSegments(route.segments, segments);
      if (!params) continue;
      if (route.method !== method) {
        allowed.add(route.method);
        continue;
      }
      const score = route.segments.filter((s) => s.literal !== undefined || s.allowed).length;
      if (!best || score > best.score) best = { route, params, score };
    }
    if (best) return { handler: best.route.handler, params: best.params };
    if (allowed.size > 0) {
      throw new HttpError(405, `Method ${method} is not allowed here; use ${[...allowed].join(', ')}`, {
        allow: [...allowed].join(', '),
      });
    }
    throw new HttpError(404, 'No such CES resource');
  }
}

function matchSegments(pattern: Segment[], segments: string[]): Record<string, string> | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const spec = pattern[i]!;
    const value = segments[i]!;
    if (spec.literal !== undefined) {
      if (spec.literal !== value) return undefined;
    } else {
      if (spec.allowed && !spec.allowed.has(value)) return undefined;
      params[spec.param!] = value;
    }
  }
  return params;
}
