// CES client against small loopback HTTP servers that record exact requests: headers, query,
// body, retries, timeouts, breaker, error mapping and secret hygiene (docs/ces-api.md §1, §3, §5).
import { inspect } from 'node:util';

import { afterEach, describe, expect, it } from 'vitest';

import { type CesClient, type CesClientOptions, createCesClient } from '../../src/ces/client.js';
import { parseRetryAfter } from '../../src/ces/replies.js';
import { CesError } from '../../src/ces/errors.js';
import { ops } from '../../src/ces/operations.js';
import { type FakeCes, type Handler, json, startFakeCes } from './fake-ces.js';
import { failure } from '../support/ces-failure.js';

const TOKEN = '3837ae52-de34-4068-9c2a-3e2ddc7e9fed';
const cleanup: (() => Promise<void>)[] = [];

afterEach(async () => {
  while (cleanup.length > 0) await cleanup.pop()?.();
});

async function setup(handler: Handler, options: Partial<CesClientOptions> = {}): Promise<{ ces: FakeCes; client: CesClient }> {
  const ces = await startFakeCes(handler);
  const client = createCesClient({
    name: 'test',
    url: `${ces.url}/compuware/`,
    token: () => TOKEN,
    timeoutMs: 2_000,
    retries: 2,
    retryBaseDelayMs: 5,
    retryMaxDelayMs: 20,
    version: '1.2.3',
    ...options,
  });
  cleanup.push(
    () => ces.close(),
    () => client.close(),
  );
  return { ces, client };
}

describe('request shape', () => {
  it('sends the raw token, JSON content type on GET, no body, and the query', async () => {
    const { ces, client } = await setup((_req, res) => json(res, 200, { assignmentId: 'PLAY000313', stream: 'PLAY' }));
    const reply = await client.call(
      'cw09-47623',
      ops.getAssignment,
      { path: { assignmentId: 'PLAY000313' }, query: { rtConfig: 'TPZP' } },
      { requestId: 'req-42' },
    );
    expect(reply.assignmentId).toBe('PLAY000313');
    const [request] = ces.requests;
    expect(request?.method).toBe('GET');
    expect(request?.url).toBe('/ispw/cw09-47623/assignments/PLAY000313?rtConfig=TPZP');
    expect(request?.headers.authorization).toBe(TOKEN);
    expect(request?.headers.authorization).not.toMatch(/bearer/i);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers.accept).toBe('application/json');
    expect(request?.headers['user-agent']).toBe('ispw-mcp/1.2.3');
    expect(request?.headers['x-request-id']).toBe('req-42');
    expect(request?.body).toBe('');
    expect(request?.headers['content-length'] ?? '0').toBe('0');
    expect(request?.headers['transfer-encoding']).toBeUndefined();
  });

  it('puts level and repeated taskId in the query and set options in the body, without undefined fields', async () => {
    const { ces, client } = await setup((_req, res) =>
      json(res, 200, { setId: 'S000238588', message: 'Generate request submitted', url: 'http://elsewhere:1/x' }),
    );
    const reply = await client.call('ISPW', ops.generateTasks, {
      path: { assignmentId: 'PLAY000313' },
      query: { taskId: ['7E3A5D04D0C2', '7E3A5D04D3A3'], level: 'DEV1' },
      body: { runtimeConfiguration: 'TPZP', changeType: undefined, executionStatus: 'I' },
    });
    expect(reply.setId).toBe('S000238588');
    const [request] = ces.requests;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/ispw/ISPW/assignments/PLAY000313/taskIds/generate?taskId=7E3A5D04D0C2&taskId=7E3A5D04D3A3&level=DEV1');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request?.body ?? '')).toEqual({ runtimeConfiguration: 'TPZP', executionStatus: 'I' });
    expect(request?.body).not.toContain('changeType');
    // The reply's url is reported, never followed (docs/ces-api.md §4.3).
    expect(ces.requests).toHaveLength(1);
  });

  it('sends {} for a POST without body and refuses a body on a GET', async () => {
    const { ces, client } = await setup((_req, res) => json(res, 200, { message: 'removed' }));
    await client.call('ISPW', ops.removeFromRelease, { path: { releaseId: 'R1' } });
    expect(ces.requests[0]?.body).toBe('{}');
    const error = await failure(client.call('ISPW', ops.getSet, { path: { setId: 'S1' }, body: { a: 1 } }));
    expect(error.code).toBe('ces_input');
    expect(ces.requests).toHaveLength(1);
  });

  it('reads the token on every request (rotation without restart)', async () => {
    let token = 'token-one-1111';
    const { ces, client } = await setup((_req, res) => json(res, 200, {}), { token: () => token });
    await client.call('ISPW', ops.getSet, { path: { setId: 'S1' } });
    token = 'token-two-2222';
    await client.call('ISPW', ops.getSet, { path: { setId: 'S1' } });
    expect(ces.requests.map((r) => r.headers.authorization)).toEqual(['token-one-1111', 'token-two-2222']);
  });

  it('fails with ces_auth and a hint when no token is configured, without calling CES', async () => {
    const { ces, client } = await setup((_req, res) => json(res, 200, {}), { token: () => undefined });
    const error = await failure(client.call('ISPW', ops.getSet, { path: { setId: 'S1' } }));
    expect(error.code).toBe('ces_auth');
    expect(error.message).toContain('ISPW_MCP_CES_TOKEN_FILE');
    expect(ces.requests).toHaveLength(0);
  });

  it('refuses a token with a line break instead of sending it', async () => {
    const { ces, client } = await setup((_req, res) => json(res, 200, {}), { token: () => 'abc\r\nX-Evil: 1' });
    const error = await failure(client.call('ISPW', ops.getSet, { path: { setId: 'S1' } }));
    expect(error.code).toBe('ces_auth');
    expect(error.message).not.toContain('X-Evil');
    expect(ces.requests).toHaveLength(0);
  });
});

describe('replies', () => {
  it('accepts the one-element-list quirk', async () => {
    const { client } = await setup((_req, res) => json(res, 200, { tasks: { taskId: '7E3A5D04D0C2', moduleName: 'TPROG01' } }));
    const reply = await client.call('ISPW', ops.listAssignmentTasks, { path: { assignmentId: 'A1' }, query: { level: 'DEV1' } });
    expect(reply.tasks).toHaveLength(1);
    expect(reply.tasks[0]?.taskId).toBe('7E3A5D04D0C2');
  });

  it('treats an empty 2xx body as {}', async () => {
    const { client } = await setup((_req, res) => {
      res.writeHead(201);
      res.end();
    });
    const reply = await client.call('ISPW', ops.cancelAssignment, { path: { assignmentId: 'A1' }, body: {} });
    expect(reply).toEqual({});
  });

  it('maps malformed JSON to ces_bad_reply', async () => {
    const { client } = await setup((_req, res) => json(res, 200, '{"setId": "S1",'));
    const error = await failure(client.call('ISPW', ops.getSet, { path: { setId: 'S1' } }));
    expect(error.code).toBe('ces_bad_reply');
    expect(error.details.operation).toBe('set.get');
  });

  it('maps a schema mismatch to ces_bad_reply', async () => {
    const { client } = await setup((_req, res) => json(res, 200, { awaitStatus: { taskCount: 'many' } }));
    const error = await failure(client.call('ISPW', ops.buildAwait, { query: { assignmentId: 'A1', level: 'DEV1' } }));
    expect(error.code).toBe('ces_bad_reply');
    expect(error.message).toContain('awaitStatus.taskCount');
  });

  it('discards a reply larger than the cap, and the body it stops reading cannot crash the process', async () => {
    // Large enough to arrive in many chunks: the read stops (and destroys the body) mid-stream.
    const { client } = await setup((_req, res) => json(res, 200, { listing: 'x'.repeat(400_000) }), { maxResponseBytes: 1_024 });
    const uncaught: unknown[] = [];
    const note = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', note);
    try {
      const error = await failure(client.call('ISPW', ops.getReleaseTaskListing, { path: { releaseId: 'R1', taskId: 'T1' } }));
      expect(error.code).toBe('ces_bad_reply');
      expect(error.message).toMatch(/larger than/);
      // The destroyed body's AbortError comes a tick or more later.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(uncaught).toEqual([]);
    } finally {
      process.off('uncaughtException', note);
    }
  });

  it('does not follow redirects', async () => {
    const { ces, client } = await setup((_req, res) => {
      res.writeHead(302, { location: 'http://127.0.0.1:1/elsewhere' });
      res.end();
    });
    const error = await failure(client.call('ISPW', ops.getSet, { path: { setId: 'S1' } }));
    expect(error.code).toBe('ces_bad_reply');
    expect(error.details.status).toBe(302);
    expect(ces.requests).toHaveLength(1);
  });
});

describe('error mapping', () => {
  it.each([
    [400, 'ces_rejected'],
    [401, 'ces_auth'],
    [403, 'ces_auth'],
    [404, 'ces_not_found'],
    [409, 'ces_conflict'],
    [422, 'ces_rejected'],
    [429, 'ces_rate_limited'],
    [500, 'ces_server'],
    [502, 'ces_server'],
  ] as const)('HTTP %i -> %s with CES message', async (status, code) => {
    const { client } = await setup((_req, res) => json(res, status, { message: `CES said ${status}` }));
    const error = await failure(client.call('ISPW', ops.promoteAssignment, { path: { assignmentId: 'A1' }, query: { level: 'DEV1' }, body: {} }));
    expect(error.code).toBe(code);
    expect(error.details.status).toBe(status);
    expect(error.details.operation).toBe('assignment.promote');
    expect(error.details.cesMessage).toBe(`CES said ${status}`);
    expect(error.message).toContain(`CES said ${status}`);
  });

  it('explains a rejected token', async () => {
    const { client } = await setup((_req, res) => json(res, 401, { message: 'Unauthorized' }));
    const error = await failure(client.call('ISPW', ops.getSet, { path: { setId: 'S1' } }));
    expect(error.code).toBe('ces_auth');
    expect(error.message).toMatch(/rejected the token/);
    expect(error.message).toContain('ISPW_MCP_CES_TOKEN_FILE');
    expect(error.retryable).toBe(false);
  });

  it('gives a clear error for a non-JSON error page', async () => {
    const { client } = await setup(
      (_req, res) => {
        res.writeHead(502, { 'content-type': 'text/html' });
        res.end('<html><body>Bad gateway</body></html>');
      },
      { retries: 0 },
    );
    const error = await failure(client.call('ISPW', ops.getSet, { path: { setId: 'S1' } }));
    expect(error.code).toBe('ces_server');
    expect(error.message).toContain('non-JSON text/html');
    expect(error.details.cesMessage).toBeUndefined();
  });
});

describe('retries', () => {
  it('retries a GET on 503 honouring Retry-After', async () => {
    const { ces, client } = await setup((_req, res, index) =>
      index === 0 ? json(res, 503, { message: 'busy' }, { 'retry-after': '1' }) : json(res, 200, { setid: 'S1', state: 'Closed' }),
    );
    const started = Date.now();
    const reply = await client.call('ISPW', ops.getSet, { path: { setId: 'S1' } });
    expect(reply.state).toBe('Closed');
    expect(ces.requests).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('retries a GET on 502/504 with backoff and gives up after the configured retries', async () => {
    const { ces, client } = await setup((_req, res) => json(res, 504, { message: 'gateway timeout' }), { retries: 2 });
    const error = await failure(client.call('ISPW', ops.getSet, { path: { setId: 'S1' } }));
    expect(error.code).toBe('ces_server');
    expect(ces.requests).toHaveLength(3);
  });

  it('does not retry a POST on 500 or on 503 without Retry-After', async () => {
    const { ces, client } = await setup((_req, res, index) => json(res, index === 0 ? 500 : 503, { message: 'boom' }));
    expect((await failure(client.call('ISPW', ops.generateAssignment, { path: { assignmentId: 'A1' }, query: { level: 'DEV1' }, body: {} }))).code).toBe(
      'ces_server',
    );
    expect(ces.requests).toHaveLength(1);
    expect((await failure(client.call('ISPW', ops.generateAssignment, { path: { assignmentId: 'A1' }, query: { level: 'DEV1' }, body: {} }))).code).toBe(
      'ces_server',
    );
    expect(ces.requests).toHaveLength(2);
  });

  it('retries a POST on 429 with Retry-After', async () => {
    const { ces, client } = await setup((_req, res, index) =>
      index === 0 ? json(res, 429, { message: 'slow down' }, { 'retry-after': '0' }) : json(res, 200, { setId: 'S2' }),
    );
    const reply = await client.call('ISPW', ops.generateAssignment, {
      path: { assignmentId: 'A1' },
      query: { level: 'DEV1' },
      body: { runtimeConfiguration: 'TPZP' },
    });
    expect(reply.setId).toBe('S2');
    expect(ces.requests).toHaveLength(2);
    expect(ces.requests[1]?.body).toBe(ces.requests[0]?.body);
  });

  it('reports a Retry-After longer than the cap instead of waiting', async () => {
    const { ces, client } = await setup((_req, res) => json(res, 429, { message: 'later' }, { 'retry-after': '120' }), { retryAfterCapSeconds: 5 });
    const error = await failure(client.call('ISPW', ops.getSet, { path: { setId: 'S1' } }));
    expect(error.code).toBe('ces_rate_limited');
    expect(error.details.retryAfterSeconds).toBe(120);
    expect(error.retryable).toBe(true);
    expect(ces.requests).toHaveLength(1);
  });

  it('retries a GET whose connection was dropped, but not a POST', async () => {
    const { ces, client } = await setup((_req, res, index) => {
      if (index === 0 || index === 2) res.socket?.destroy();
      else json(res, 200, { setId: 'S1', setid: 'S1' });
    });
    const reply = await client.call('ISPW', ops.getSet, { path: { setId: 'S1' } });
    expect(reply.setid).toBe('S1');
    expect(ces.requests).toHaveLength(2);
    const error = await failure(client.call('ISPW', ops.deployAssignment, { path: { assignmentId: 'A1' }, query: { level: 'QA' }, body: {} }));
    expect(error.code).toBe('ces_unavailable');
    expect(error.message).toMatch(/closed before CES answered/);
    expect(error.message).toMatch(/may still have carried it out/);
    expect(error.retryable).toBe(false);
    expect(ces.requests).toHaveLength(3);
  });

  it('parses Retry-After as seconds or HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7_000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});

describe('timeouts, cancellation, connection failures', () => {
  it('times out a call that gets no answer', async () => {
    const { client } = await setup(() => undefined, { timeoutMs: 300, retries: 0 });
    const error = await failure(client.call('ISPW', ops.getSet, { path: { setId: 'S1' } }));
    expect(error.code).toBe('ces_timeout');
    expect(error.retryable).toBe(true);
    // The configured timeout ended it (not the test's own, nor a retry): the message names it.
    expect(error.message).toContain('did not answer within 300 ms');
  });

  it('stops at once when the caller aborts', async () => {
    const { client } = await setup(() => undefined, { timeoutMs: 10_000 });
    const controller = new AbortController();
    const pending = client.call('ISPW', ops.getSet, { path: { setId: 'S1' } }, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('caller went away')), 50);
    await expect(pending).rejects.toThrow('caller went away');
  });

  it('maps a refused connection to ces_unavailable', async () => {
    const ces = await startFakeCes(() => undefined);
    const url = ces.url;
    await ces.close();
    const client = createCesClient({ name: 'down', url, token: () => TOKEN, retries: 1, retryBaseDelayMs: 5 });
    cleanup.push(() => client.close());
    const error = await failure(client.call('ISPW', ops.getSet, { path: { setId: 'S1' } }));
    expect(error.code).toBe('ces_unavailable');
    expect(error.message).toMatch(/refused/);
    expect(error.message).toContain('"down"');
  });
});

describe('circuit breaker', () => {
  it('opens after consecutive 5xx and stops calling CES', async () => {
    const { ces, client } = await setup((_req, res) => json(res, 500, { message: 'down' }), { breakerThreshold: 3, breakerHalfOpenAfterMs: 60_000 });
    for (let i = 0; i < 3; i++) {
      expect((await failure(client.call('ISPW', ops.closeAssignment, { path: { assignmentId: 'A1' }, body: {} }))).code).toBe('ces_server');
    }
    const error = await failure(client.call('ISPW', ops.getSet, { path: { setId: 'S1' } }));
    expect(error.code).toBe('ces_unavailable');
    expect(error.retryable).toBe(true);
    expect(ces.requests).toHaveLength(3);
  });

  it('is not opened by 4xx answers', async () => {
    const { ces, client } = await setup((_req, res) => json(res, 404, { message: 'no such set' }), { breakerThreshold: 2, breakerHalfOpenAfterMs: 60_000 });
    for (let i = 0; i < 5; i++) {
      expect((await failure(client.call('ISPW', ops.getSet, { path: { setId: 'S1' } }))).code).toBe('ces_not_found');
    }
    expect(ces.requests).toHaveLength(5);
  });

  it('closes again after a successful trial call', async () => {
    let healthy = false;
    const { ces, client } = await setup((_req, res) => (healthy ? json(res, 200, {}) : json(res, 500, {})), {
      breakerThreshold: 2,
      breakerHalfOpenAfterMs: 100,
    });
    for (let i = 0; i < 2; i++) await failure(client.call('ISPW', ops.closeRelease, { path: { releaseId: 'R1' }, body: {} }));
    expect((await failure(client.call('ISPW', ops.getSet, { path: { setId: 'S1' } }))).code).toBe('ces_unavailable');
    healthy = true;
    await new Promise((resolve) => setTimeout(resolve, 150));
    await client.call('ISPW', ops.getSet, { path: { setId: 'S1' } });
    await client.call('ISPW', ops.getSet, { path: { setId: 'S1' } });
    expect(ces.requests).toHaveLength(4);
  });
});

describe('secrets', () => {
  const CANARY = 'canary-7f3e9b1c-token-do-not-leak';
  const PASSPHRASE = 'canary-passphrase-0xdeadbeef';

  it('never puts the token or passphrase in errors, even when CES echoes them', async () => {
    const scenarios: Handler[] = [
      (req, res) => json(res, 401, { message: `Unauthorized token ${String(req.headers.authorization)}` }),
      (req, res) => json(res, 403, { message: [`forbidden for ${String(req.headers.authorization)}`, 'second line'] }),
      (req, res) => json(res, 500, { message: `trace: Authorization=${String(req.headers.authorization)}` }),
      (req, res) => {
        res.writeHead(400, { 'content-type': 'text/plain' });
        res.end(`bad header ${String(req.headers.authorization)}`);
      },
      (req, res) => json(res, 200, `{not json ${String(req.headers.authorization)}`),
      (req, res) => json(res, 200, { awaitStatus: String(req.headers.authorization) }),
      (_req, res) => res.socket?.destroy(),
      () => undefined,
    ];
    const errors: unknown[] = [];
    for (const [i, handler] of scenarios.entries()) {
      // Only the server that never answers needs a short timeout; the others keep setup's 2 s, so a
      // stalled worker on a busy machine cannot turn their answer (the first one's is checked below)
      // into a timeout.
      const timeoutMs = i === scenarios.length - 1 ? 300 : 2_000;
      const { client } = await setup(handler, { token: () => CANARY, timeoutMs, retries: 0, tls: { clientKeyPassphrase: PASSPHRASE } });
      try {
        await client.call('ISPW', ops.generateTasksAwait, { path: { assignmentId: 'A1' }, query: { taskId: ['T1'], level: 'DEV1' }, body: {} });
        errors.push(new Error('no error'));
      } catch (error) {
        errors.push(error);
      }
    }
    const missing = createCesClient({ name: 'none', url: 'https://127.0.0.1:1', token: () => undefined, tls: { clientKeyPassphrase: PASSPHRASE } });
    cleanup.push(() => missing.close());
    errors.push(await missing.call('ISPW', ops.getSet, { path: { setId: 'S1' } }).catch((error: unknown) => error));

    for (const error of errors) {
      expect(error).toBeInstanceOf(CesError);
      const cesError = error as CesError;
      for (const text of [
        cesError.message,
        String(cesError),
        JSON.stringify(cesError),
        inspect(cesError, { depth: 20, showHidden: true }),
        cesError.stack ?? '',
      ]) {
        expect(text).not.toContain(CANARY);
        expect(text).not.toContain(PASSPHRASE);
      }
    }
    expect((errors[0] as CesError).details.cesMessage).toContain('[redacted]');
  });
});
