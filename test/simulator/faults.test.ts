// Fault knobs (latency, 5xx, 429 + Retry-After, malformed JSON, dropped connections, the
// one-element-list quirk of docs/ces-api.md §3, slow body), their scoping, and the request log.
import { describe, expect, it } from 'vitest';

import * as dto from '../../src/ces/dto/index.js';
import { DEMO } from '../../simulator/index.js';
import { call, simulator, SRID } from './helpers.js';

const INFO = `/assignments/${DEMO.assignmentId}`;

describe('fault knobs', () => {
  it('adds latency', async () => {
    const sim = await simulator({ faults: [{ kind: 'latency', ms: 80 }] });
    const started = Date.now();
    expect((await call(sim, 'GET', INFO)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(75);
  });

  it('answers 500 {message} at an error rate of 1, and never at 0', async () => {
    const sim = await simulator({ faults: [{ kind: 'error', rate: 1 }] });
    const res = await call(sim, 'GET', INFO);
    expect(res.status).toBe(500);
    expect(res.json.message).toEqual(expect.any(String));
    sim.setFaults([{ kind: 'error', rate: 0 }]);
    expect((await call(sim, 'GET', INFO)).status).toBe(200);
  });

  it('uses the rate with the injected random source', async () => {
    const draws = [0.1, 0.9, 0.2, 0.8];
    const sim = await simulator({ faults: [{ kind: 'error', rate: 0.5 }], random: () => draws.shift() ?? 1 });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await call(sim, 'GET', INFO)).status);
    expect(statuses).toEqual([500, 200, 500, 200]);
  });

  it.each([502, 503, 504])('answers a specific %i', async (status) => {
    const sim = await simulator({ faults: [{ kind: 'error', status, message: 'gateway trouble' }] });
    const res = await call(sim, 'GET', INFO);
    expect(res.status).toBe(status);
    expect(res.json).toEqual({ message: 'gateway trouble' });
  });

  it('answers 429 with Retry-After seconds', async () => {
    const sim = await simulator({ faults: [{ kind: 'rateLimit', retryAfterSeconds: 7 }] });
    const res = await call(sim, 'GET', INFO);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(res.json.message).toMatch(/Too many/);
  });

  it('sends truncated JSON with 200', async () => {
    const sim = await simulator({ faults: [{ kind: 'malformed' }] });
    const res = await call(sim, 'GET', INFO);
    expect(res.status).toBe(200);
    expect(() => JSON.parse(res.text)).toThrow();
    expect(res.text.startsWith('{"assignmentId"')).toBe(true);
  });

  it('drops the connection without a reply', async () => {
    const sim = await simulator({ faults: [{ kind: 'drop', count: 1 }] });
    await expect(call(sim, 'GET', INFO)).rejects.toThrow();
    expect((await call(sim, 'GET', INFO)).status).toBe(200);
  });

  it('returns one-element lists as bare objects (CWE-124094), which the dto schemas accept', async () => {
    const sim = await simulator({ faults: [{ kind: 'singletonList' }] });
    const res = await call(sim, 'GET', `/sets/${DEMO.sets.closedDeploy}/tasks`);
    expect(Array.isArray(res.json.tasks)).toBe(false);
    expect(res.json.tasks.taskId).toBe('7E3A5D04D8A1');
    expect(dto.TaskList.parse(res.json).tasks).toHaveLength(1);
    const many = await call(sim, 'GET', `/assignments/${DEMO.assignmentId}/tasks`);
    expect(Array.isArray(many.json.tasks)).toBe(true);
  });

  it('sends the body slowly in chunks', async () => {
    const sim = await simulator({ faults: [{ kind: 'slowBody', ms: 120, chunks: 4 }] });
    const started = Date.now();
    const res = await call(sim, 'GET', INFO);
    expect(Date.now() - started).toBeGreaterThanOrEqual(80);
    expect(res.json.assignmentId).toBe(DEMO.assignmentId);
  });

  it('scopes rules by path regex, method and count', async () => {
    const sim = await simulator();
    sim.setFaults([{ kind: 'error', status: 503, path: '/tasks/promote$', method: 'post', count: 2 }]);
    const promote = () => call(sim, 'POST', `/assignments/${DEMO.assignmentId}/tasks/promote`, { query: { level: 'DEV1' } });
    expect((await call(sim, 'GET', INFO)).status).toBe(200);
    expect((await call(sim, 'POST', `/assignments/${DEMO.assignmentId}/tasks/generate`, { query: { level: 'DEV1' } })).status).toBe(200);
    expect((await promote()).status).toBe(503);
    expect((await promote()).status).toBe(503);
    expect((await promote()).status).toBe(200);
  });

  it('applies faults before auth, like a proxy in front of CES', async () => {
    const sim = await simulator({ faults: [{ kind: 'rateLimit', path: /version/ }] });
    expect((await call(sim, 'GET', '//compuware/ws/Config/version', { token: null })).status).toBe(429);
  });

  it('refuses invalid rules and keeps the old ones', async () => {
    const sim = await simulator({ faults: [{ kind: 'error', status: 502 }] });
    expect(() => sim.setFaults([{ kind: 'error', rate: 2 }])).toThrow(/rate/);
    expect((await call(sim, 'GET', INFO)).status).toBe(502);
    sim.setFaults([]);
    expect((await call(sim, 'GET', INFO)).status).toBe(200);
  });
});

describe('request log', () => {
  it('records method, raw path, repeated query keys, headers and parsed body; newest last', async () => {
    const sim = await simulator();
    await call(sim, 'GET', INFO);
    await call(sim, 'POST', `/assignments/${DEMO.assignmentId}/taskIds/generate`, {
      query: { taskId: ['7E3A5D04D0C2', '7E3A5D04D3A3'], level: 'DEV1' },
      body: { runtimeConfiguration: 'TPZP' },
    });
    expect(sim.requests).toHaveLength(2);
    const last = sim.requests.at(-1)!;
    expect(last).toMatchObject({
      method: 'POST',
      rawPath: `/ispw/${SRID}/assignments/${DEMO.assignmentId}/taskIds/generate?taskId=7E3A5D04D0C2&taskId=7E3A5D04D3A3&level=DEV1`,
      path: `/ispw/${SRID}/assignments/${DEMO.assignmentId}/taskIds/generate`,
      query: { taskId: ['7E3A5D04D0C2', '7E3A5D04D3A3'], level: 'DEV1' },
      body: { runtimeConfiguration: 'TPZP' },
    });
    expect(last.headers.authorization).toBeDefined();
    expect(last.headers['content-type']).toBe('application/json');
    sim.clearRequests();
    expect(sim.requests).toHaveLength(0);
  });

  it('records refused and dropped requests too, and caps its size', async () => {
    const sim = await simulator({ maxRecordedRequests: 3, faults: [{ kind: 'drop', path: 'worklist' }] });
    await call(sim, 'GET', INFO, { token: null });
    await call(sim, 'GET', '/worklist').catch(() => undefined);
    expect(sim.requests.map((r) => r.path)).toEqual([`/ispw/${SRID}${INFO}`, `/ispw/${SRID}/worklist`]);
    for (let i = 0; i < 5; i++) await call(sim, 'GET', INFO);
    expect(sim.requests).toHaveLength(3);
  });
});
