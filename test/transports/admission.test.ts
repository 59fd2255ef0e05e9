// The admission of MCP requests (src/transports/admission.ts, body.ts) against a real listener on
// loopback (issue 17, defects 3, 4 and 9):
//   - methods other than GET/POST/DELETE get 405 with Allow, logged at debug (TRACE answered 500
//     with an error-level stack before); a client that aborts its body is logged at debug;
//   - bodies over 4 MiB get 413 every time and the client sees no reset, whatever the size, whether
//     declared or chunked, sent fast or slowly, or held back behind `Expect: 100-continue`;
//   - bodies nested too deep or with too many elements are refused (400, -32600) unparsed;
//   - with OAuth on, the body is neither read nor parsed before the bearer check.
import { connect } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEMO, startSimulator, type RunningSimulator } from '../../simulator/index.js';
import { MAX_BODY_BYTES } from '../../src/transports/body.js';
import { MAX_JSON_DEPTH, MAX_JSON_ELEMENTS } from '../../src/transports/json-bounds.js';
import { startIssuer, type TestIssuer } from '../support/issuer.js';
import { CES_TOKEN, rawRequest, startListener, type LogLine, type TestListener } from './support.js';

const MODERN = '2026-07-28';
const AUDIENCE = 'https://ispw-mcp.test/mcp';
const MiB = 1024 * 1024;
const headers26 = (name: string) => ({
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  'mcp-protocol-version': MODERN,
  'mcp-method': 'tools/call',
  'mcp-name': name,
});
const call = (id: number, args: unknown) =>
  JSON.stringify({
    jsonrpc: '2.0',
    id,
    method: 'tools/call',
    params: {
      name: 'ispw_get_assignment',
      arguments: args,
      _meta: {
        'io.modelcontextprotocol/protocolVersion': MODERN,
        'io.modelcontextprotocol/clientInfo': { name: 't', version: '1' },
        'io.modelcontextprotocol/clientCapabilities': {},
      },
    },
  });
const loud = (lines: LogLine[]) => lines.filter((l) => l.level === 'error' || l.level === 'warn' || l.level === 'fatal');

let sim: RunningSimulator;
let issuer: TestIssuer;
let open: TestListener;
let oauth: TestListener;

beforeAll(async () => {
  [sim, issuer] = await Promise.all([startSimulator({ tokens: [CES_TOKEN], stepMs: 0 }), startIssuer()]);
  [open, oauth] = await Promise.all([startListener(sim), startListener(sim, { ISPW_MCP_AUTH_ISSUER: issuer.issuer, ISPW_MCP_AUTH_AUDIENCE: AUDIENCE })]);
});
afterAll(async () => {
  await Promise.all([open?.close(), oauth?.close()]);
  await Promise.all([sim?.close(), issuer?.close()]);
});

describe('methods', () => {
  it('answers TRACE, PUT, PATCH, OPTIONS and HEAD on /mcp with 405 and Allow, logged at debug only', async () => {
    const before = loud(open.lines).length;
    for (const method of ['TRACE', 'PUT', 'PATCH', 'OPTIONS', 'HEAD']) {
      const answer = await rawRequest(open.server.url, {
        method,
        headers: { 'content-type': 'application/json' },
        body: method === 'PUT' || method === 'PATCH' ? '{}' : undefined,
      });
      expect(answer.status, method).toBe(405);
      expect(answer.headers.allow, method).toBe('GET, POST, DELETE');
      if (method !== 'HEAD')
        expect(JSON.parse(answer.body)).toMatchObject({ jsonrpc: '2.0', error: { code: -32000, message: expect.stringContaining('Method Not Allowed') } });
    }
    await open.logged((l) => l.level === 'debug' && l.msg === 'HTTP method not allowed on /mcp' && l.method === 'TRACE');
    expect(loud(open.lines).slice(before)).toEqual([]);
  });

  it('answers other methods on the health paths with 405 and Allow: GET, HEAD', async () => {
    for (const path of ['/livez', '/readyz']) {
      const answer = await rawRequest(open.server.url, { method: 'TRACE', path });
      expect(answer.status, path).toBe(405);
      expect(answer.headers.allow).toBe('GET, HEAD');
    }
  });

  it('logs a client that aborts its body at debug, with no error line', async () => {
    const before = loud(open.lines).length;
    const seen = open.logged((l) => l.msg === 'request body aborted by the client');
    const u = new URL(open.server.url);
    const socket = connect(Number(u.port), u.hostname);
    await new Promise((resolve) => socket.once('connect', resolve));
    // Headers and the start of the body, then the client goes away.
    await new Promise((resolve) =>
      socket.write(`POST /mcp HTTP/1.1\r\nHost: ${u.host}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"jsonrpc":`, resolve),
    );
    socket.destroy();
    expect((await seen).level).toBe('debug');
    expect(loud(open.lines).slice(before)).toEqual([]);
  });
});

describe('bodies over the limit', () => {
  const tooLarge = (answer: Awaited<ReturnType<typeof rawRequest>>, what: string) => {
    expect(answer.error, `${what}: the client saw ${answer.error?.code}`).toBeUndefined();
    expect(answer.status, what).toBe(413);
    expect(JSON.parse(answer.body), what).toMatchObject({
      jsonrpc: '2.0',
      error: { code: -32000, message: `Payload Too Large: Request body must not exceed ${MAX_BODY_BYTES} bytes` },
      id: null,
    });
  };

  it('answers 413, never a reset, for declared and chunked bodies of several sizes', async () => {
    for (const size of [MAX_BODY_BYTES + 1, 5 * MiB, 16 * MiB, 48 * MiB]) {
      const declared = await rawRequest(open.server.url, { headers: { ...headers26('ispw_get_assignment'), 'content-length': size }, body: size });
      tooLarge(declared, `${size} bytes, Content-Length`);
      expect(declared.sentAll).toBe(true);
      const chunked = await rawRequest(open.server.url, {
        headers: { ...headers26('ispw_get_assignment'), 'transfer-encoding': 'chunked' },
        body: size,
        pieces: 8,
      });
      tooLarge(chunked, `${size} bytes, chunked`);
    }
    // The same listener still serves calls afterwards.
    const ok = await rawRequest(open.server.url, { headers: headers26('ispw_get_assignment'), body: call(1, { assignment_id: DEMO.assignmentId }) });
    expect(ok.status).toBe(200);
  });

  it('answers 413 to slow senders, declared or chunked', async () => {
    const size = 5 * MiB;
    tooLarge(
      await rawRequest(open.server.url, { headers: { ...headers26('ispw_get_assignment'), 'content-length': size }, body: size, pieces: 20, pauseMs: 25 }),
      'slow, Content-Length',
    );
    tooLarge(
      await rawRequest(open.server.url, {
        headers: { ...headers26('ispw_get_assignment'), 'transfer-encoding': 'chunked' },
        body: size,
        pieces: 20,
        pauseMs: 25,
      }),
      'slow, chunked',
    );
  });

  it('refuses a body held back behind Expect: 100-continue before the client sends it', async () => {
    const answer = await rawRequest(open.server.url, {
      headers: { ...headers26('ispw_get_assignment'), 'content-length': 8 * MiB, expect: '100-continue' },
      stall: true,
    });
    tooLarge(answer, 'Expect: 100-continue');
  });
});

describe('JSON bounds', () => {
  it(`refuses bodies nested deeper than ${MAX_JSON_DEPTH} levels or with more than ${MAX_JSON_ELEMENTS} elements, unparsed (400, -32600)`, async () => {
    const nested = '['.repeat(1_000_000) + ']'.repeat(1_000_000); // 2 MB of [[[…]]]
    const wide = `[${'1,'.repeat(20_000)}1]`;
    const deepArgs = call(2, { assignment_id: DEMO.assignmentId, x: JSON.parse('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH)) as unknown });
    for (const [what, body] of [
      ['2 MB of nesting', nested],
      ['20 000 elements', wide],
      ['nesting inside a tool call', deepArgs],
    ] as const) {
      const answer = await rawRequest(open.server.url, { headers: headers26('ispw_get_assignment'), body });
      expect(answer.status, what).toBe(400);
      expect(JSON.parse(answer.body), what).toMatchObject({
        jsonrpc: '2.0',
        id: null,
        error: { code: -32600, message: expect.stringMatching(/^Invalid Request: the JSON body (nests deeper than 64 levels|holds more than 10000)/) },
      });
    }
    // Within the bounds, calls are served as before.
    const fine = await rawRequest(open.server.url, { headers: headers26('ispw_get_assignment'), body: call(3, { assignment_id: DEMO.assignmentId }) });
    expect(fine.status).toBe(200);
  });
});

describe('authentication before the body', () => {
  it('answers 401 to a caller without a token before reading its body', async () => {
    // The client sends its headers and stalls: the answer can only come if the body is not awaited.
    const answer = await rawRequest(oauth.server.url, { headers: { ...headers26('ispw_get_assignment'), 'content-length': 4 * MiB }, stall: true });
    expect(answer.status).toBe(401);
    expect(answer.headers['www-authenticate']).toMatch(/^Bearer /);
  });

  it('bounds the body of an authenticated caller the same way', async () => {
    const token = await issuer.mint({ sub: 'alice', aud: AUDIENCE, scope: 'ispw:read' });
    const nested = '['.repeat(100_000) + ']'.repeat(100_000);
    const refused = await rawRequest(oauth.server.url, { headers: { ...headers26('ispw_get_assignment'), authorization: `Bearer ${token}` }, body: nested });
    expect(refused.status).toBe(400);
    const served = await rawRequest(oauth.server.url, {
      headers: { ...headers26('ispw_get_assignment'), authorization: `Bearer ${token}` },
      body: call(4, { assignment_id: DEMO.assignmentId }),
    });
    expect(served.status).toBe(200);
  });
});
